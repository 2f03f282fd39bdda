// Lab envoy-log (chapter debug-istio/envoy-log): the VirtualService routes
// /api/stock to subset v2, which no DestinationRule defines. Envoy's access-log
// docs: a route whose cluster is missing is answered by the proxy itself with
// 503, flag NC (Envoy >= 1.20), details cluster_not_found; the server sidecars
// never see the request. With the subset defined, one x-request-id appears on
// the client's outbound line and the server's inbound line.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { labShell as labShellOf } from './fixtures.ts';

const DIR = 'labs/envoy-log/scenario';

const labShell = () => labShellOf(DIR, 'shop/checkout');

describe('lab envoy-log', () => {
  it('before the fix: 503 NC cluster_not_found on the client, nothing on any inventory sidecar', async () => {
    const { shell } = labShell();
    expect((await shell.run("curl -s -o /dev/null -w '%{http_code}' http://inventory.shop/api/stock/sku-4411")).stdout).toBe('503');
    const client = (await shell.run('kubectl logs deploy/checkout -n shop -c istio-proxy')).stdout;
    expect(client).toContain('"GET /api/stock/sku-4411 HTTP/1.1" 503 NC cluster_not_found ');
    // no upstream host, cluster or local address; the route that matched is the last field
    expect(client).toMatch(/ "-" - - \S+:80 \S+ - reserve-v2\n$/);
    expect((await shell.run('kubectl logs -l app=inventory -n shop -c istio-proxy --prefix')).stdout).toBe('');
    expect((await shell.run('istioctl analyze')).stdout).toContain('[IST0101] (VirtualService shop/inventory');
  });

  it('after defining subset v2 and applying: 200 from inventory-v2, the same request id on both sides', async () => {
    const { shell, fs } = labShell();
    const dr = readFileSync(`${DIR}/inventory-dr.yaml`, 'utf8') + '  - name: v2\n    labels:\n      version: v2\n';
    fs.write('inventory-dr.yaml', dr);
    expect((await shell.run('kubectl apply -f inventory-dr.yaml')).stdout).toBe('destinationrule.networking.istio.io/inventory configured\n');
    expect((await shell.run('curl -s http://inventory.shop/api/stock/sku-4411')).stdout).toContain('"servedBy":"inventory-v2"');
    const client = (await shell.run('kubectl logs deploy/checkout -n shop -c istio-proxy')).stdout;
    const id = /" 200 - via_upstream .*?"curl\/[\d.]+" "([0-9a-f-]{36})"/.exec(client)?.[1];
    expect(id).toBeDefined();
    expect(client).toContain(' outbound|80|v2|inventory.shop.svc.cluster.local ');
    const server = await shell.run(`kubectl logs deploy/inventory-v2 -n shop -c istio-proxy | grep ${id}`);
    expect(server.exitCode).toBe(0);
    expect(server.stdout).toContain(' inbound|8080|| ');
    expect(server.stdout).toContain(' outbound_.80_.v2_.inventory.shop.svc.cluster.local ');
  });
});
