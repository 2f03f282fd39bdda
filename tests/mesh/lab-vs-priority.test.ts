// Lab vs-priority (guide chapter "正确设置 VS 中路由规则的顺序"): a canary rule
// for checkout sits after a rule whose prefix already covers its path, so
// Envoy, which takes the first matching route of a virtual host, never reaches
// it. The access log's last field (%ROUTE_NAME%) names the rule that did
// match. Moving the canary rule first fixes it. Two VirtualServices for one
// host on a sidecar are not merged: the older one wins (IST0109).
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { labShell as labShellOf } from './fixtures.ts';

const DIR = 'labs/vs-priority/scenario';
const CANARY = 'curl -s -H "x-canary: true" http://checkout.shop:8080/api/cart';
const PLAIN = 'curl -s http://checkout.shop:8080/api/cart';
const LOG = 'kubectl logs deploy/web -n shop -c istio-proxy';

const labShell = () => labShellOf(DIR, 'shop/web');

/** checkout-vs.yaml with the checkout-canary rule moved above checkout-api, as the learner does it. */
function reordered(): string {
  const text = readFileSync(`${DIR}/checkout-vs.yaml`, 'utf8');
  const api = text.slice(text.indexOf('  - name: checkout-api\n'), text.indexOf('  - name: checkout-canary\n'));
  const canary = text.slice(text.indexOf('  - name: checkout-canary\n'), text.indexOf('  - name: checkout-default\n'));
  return text.replace(api + canary, canary + api);
}

const lastLine = (out: string) => out.trim().split('\n').at(-1) ?? '';

describe('lab vs-priority', () => {
  it('a request with the canary header still gets v1, and the log names checkout-api as the route', async () => {
    const { shell } = labShell();
    expect((await shell.run(CANARY)).stdout).toContain('"served_by": "checkout-v1"');
    const line = lastLine((await shell.run(LOG)).stdout);
    expect(line).toMatch(/^\[[^\]]+\] "GET \/api\/cart HTTP\/1\.1" 200 - via_upstream /);
    expect(line).toContain(' outbound|8080|v1|checkout.shop.svc.cluster.local ');
    // Istio's default TEXT format ends with REQUESTED_SERVER_NAME (none for plain HTTP) and ROUTE_NAME.
    expect(line).toMatch(/ - checkout-api$/);
  });

  it('the route table lists /api/ before /api/cart; only -o json shows the header condition', async () => {
    const { shell } = labShell();
    const table = (await shell.run('istioctl proxy-config routes deploy/web -n shop --name 8080')).stdout;
    const matches = table.split('\n').slice(1).filter(Boolean).map((row) => row.split(/\s{2,}/)[3]);
    expect(matches).toEqual(['/api/*', '/api/cart*', '/*']);
    const json = (await shell.run('istioctl proxy-config routes deploy/web -n shop --name 8080 -o json')).stdout;
    const routes = JSON.parse(json)[0].virtualHosts.find((v: { name: string }) => v.name === 'checkout.shop.svc.cluster.local:8080').routes;
    expect(routes.map((r: { name: string }) => r.name)).toEqual(['checkout-api', 'checkout-canary', 'checkout-default']);
    expect(routes[1].match.headers).toEqual([{ name: 'x-canary', stringMatch: { exact: 'true' } }]);
  });

  it("analyze: OPS312 names the shadowed rule and the one that shadows it; Istio's IST0130/IST0131 stay quiet", async () => {
    const { shell } = labShell();
    const out = (await shell.run('istioctl analyze')).stdout;
    expect(out).toMatch(/^Warning \[OPS312\] \(VirtualService shop\/checkout checkout-vs\.yaml:\d+\) HTTP rule checkout-canary .* earlier rule checkout-api /m);
    expect(out).not.toMatch(/IST013[01]/);
  });

  it('with checkout-canary first, the header reaches v2 and other calls still go to v1', async () => {
    const { fs, shell } = labShell();
    fs.write('checkout-vs.yaml', reordered());
    expect((await shell.run('kubectl apply -f checkout-vs.yaml')).stdout).toContain('virtualservice.networking.istio.io/checkout configured');
    expect((await shell.run(CANARY)).stdout).toContain('"served_by": "checkout-v2"');
    let line = lastLine((await shell.run(LOG)).stdout);
    expect(line).toContain(' outbound|8080|v2|checkout.shop.svc.cluster.local ');
    expect(line).toMatch(/ - checkout-canary$/);
    expect((await shell.run(PLAIN)).stdout).toContain('"served_by": "checkout-v1"');
    line = lastLine((await shell.run(LOG)).stdout);
    expect(line).toMatch(/ - checkout-api$/);
    expect((await shell.run('istioctl analyze')).stdout).not.toContain('OPS312');
  });

  it('a second VirtualService for the same host is not merged on the sidecar: the older one keeps routing (IST0109)', async () => {
    const { fs, shell } = labShell();
    fs.write(
      'checkout-canary-vs.yaml',
      `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: checkout-canary
  namespace: shop
spec:
  hosts:
  - checkout.shop.svc.cluster.local
  http:
  - name: canary-only
    match:
    - headers:
        x-canary:
          exact: "true"
    route:
    - destination:
        host: checkout.shop.svc.cluster.local
        subset: v2
`,
    );
    expect((await shell.run('kubectl apply -f checkout-canary-vs.yaml')).exitCode).toBe(0);
    expect((await shell.run(CANARY)).stdout).toContain('"served_by": "checkout-v1"');
    expect(lastLine((await shell.run(LOG)).stdout)).toMatch(/ - checkout-api$/);
    const analyze = (await shell.run('istioctl analyze')).stdout;
    expect(analyze).toContain('[IST0109]');
    expect(analyze).toContain('shop/checkout,shop/checkout-canary');
  });
});
