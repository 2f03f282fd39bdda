// Lab timeouts-and-retries (guide case 004). Istio sets no route timeout unless
// a VirtualService asks for one; with `timeout` the caller's sidecar answers
// 504 UT response_timeout (body "upstream request timeout") and the server side
// logs 0 DC. `attempts` counts retries (Istio HTTPRetry docs), so a failing
// call reaches the server attempts + 1 times, and Envoy adds URX when the
// retries are used up.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { labShell as labShellOf } from './fixtures.ts';

const DIR = 'labs/timeouts-and-retries/scenario';
const ROUTE_END = '        port:\n          number: 8080\n';

function labShell() {
  const { fs, shell } = labShellOf(DIR, 'shop/storefront');
  const apply = async (extra: string) => {
    fs.write('inventory-vs.yaml', readFileSync(`${DIR}/inventory-vs.yaml`, 'utf8').replace(ROUTE_END, ROUTE_END + extra));
    expect((await shell.run('kubectl apply -f inventory-vs.yaml')).exitCode).toBe(0);
  };
  return { shell, apply };
}

const lines = (s: string) => s.split('\n').filter(Boolean);

describe('lab timeouts-and-retries', () => {
  it('no timeout: /stock/slow takes the 4 s the app takes', async () => {
    const { shell } = labShell();
    const r = await shell.run("curl -s -o /dev/null -w '%{http_code} %{time_total}' http://inventory.shop:8080/stock/slow");
    expect(r.stdout).toMatch(/^200 4\.0\d{5}$/);
  });

  it('timeout 1s: 504 after one second, UT on the caller, 0 DC on the server', async () => {
    const { shell, apply } = labShell();
    await apply('    timeout: 1s\n');
    const r = await shell.run("curl -s -w ' %{http_code} %{time_total}' http://inventory.shop:8080/stock/slow");
    expect(r.stdout).toBe('upstream request timeout 504 1.000000');
    const client = lines((await shell.run('kubectl logs deploy/storefront -n shop -c istio-proxy')).stdout);
    expect(client.at(-1)).toContain('" 504 UT response_timeout - "-" 0 24 1000 - ');
    const server = lines((await shell.run('kubectl logs deploy/inventory-v1 -n shop -c istio-proxy')).stdout);
    expect(server.at(-1)).toContain('" 0 DC downstream_remote_disconnect ');
  });

  it('attempts 3, retryOn 5xx: four server lines with one request id, 500 URX on the caller', async () => {
    const { shell, apply } = labShell();
    await apply('    timeout: 1s\n    retries:\n      attempts: 3\n      perTryTimeout: 500ms\n      retryOn: 5xx\n');
    expect((await shell.run("curl -s -o /dev/null -w '%{http_code}' http://inventory.shop:8080/stock/broken")).stdout).toBe('500');
    const client = lines((await shell.run('kubectl logs deploy/storefront -n shop -c istio-proxy')).stdout).at(-1)!;
    expect(client).toContain('" 500 URX via_upstream ');
    const id = /"curl\/[\d.]+" "([0-9a-f-]{36})"/.exec(client)![1]!;
    const count = await shell.run(`kubectl logs deploy/inventory-v1 -n shop -c istio-proxy | grep ${id} | wc -l`);
    expect(count.stdout.trim()).toBe('4');
  });
});
