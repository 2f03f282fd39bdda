// The ways the chapters read proxy logs and time a request, as kubectl and curl
// accept them: `kubectl logs deploy/NAME` (one pod of the Deployment), `-l
// key=value --prefix` (every matching pod, each line prefixed with
// `[pod/NAME/CONTAINER]`), `--since` (accepted), and curl's `-w '%{time_total}'`
// (seconds, six decimals); `deploy/NAME` also for kubectl exec and istioctl; the
// app container's own log (one line per request that reached it).
import { describe, expect, it } from 'vitest';
import { createShell, VirtualFS } from '../../src/shell/index.ts';
import { meshCommands } from '../../src/mesh/index.ts';
import { CATALOG_V2, mesh } from './fixtures.ts';

function shell() {
  const m = mesh(CATALOG_V2);
  return createShell({ fs: new VirtualFS([]) }).register(...meshCommands({ mesh: () => m, clientPod: 'demo/toolbox' }));
}

describe('kubectl logs and curl -w in the lab shell', () => {
  it('deploy/NAME reads the sidecar of that Deployment; an unknown one is NotFound', async () => {
    const sh = shell();
    for (let i = 0; i < 4; i++) await sh.run('curl -s http://catalog.demo:5000/');
    const v1 = await sh.run('kubectl logs deploy/catalog-v1 -n demo -c istio-proxy --since=10m');
    const v2 = await sh.run('kubectl logs deploy/catalog-v2 -n demo -c istio-proxy');
    const lines = (s: string) => s.split('\n').filter(Boolean);
    // Four requests, round robin over two pods: each inbound sidecar logs its share.
    expect(lines(v1.stdout).length + lines(v2.stdout).length).toBe(4);
    for (const l of [...lines(v1.stdout), ...lines(v2.stdout)]) expect(l).toContain(' inbound|5000|| ');
    const missing = await sh.run('kubectl logs deploy/catalog-v9 -n demo -c istio-proxy');
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain('Error from server (NotFound): deployments.apps "catalog-v9" not found');
  });

  it('-l selects every matching pod and --prefix names the pod and container on each line', async () => {
    const sh = shell();
    for (let i = 0; i < 4; i++) await sh.run('curl -s http://catalog.demo:5000/');
    const r = await sh.run('kubectl logs -l app=catalog -n demo -c istio-proxy --prefix');
    const lines = r.stdout.split('\n').filter(Boolean);
    expect(lines).toHaveLength(4);
    for (const l of lines) expect(l).toMatch(/^\[pod\/catalog-v[12]-[a-z0-9]+-[a-z0-9]+\/istio-proxy\] \[20\d\d-/);
    const one = await sh.run('kubectl logs -l app=catalog,version=v2 -n demo -c istio-proxy --prefix');
    for (const l of one.stdout.split('\n').filter(Boolean)) expect(l).toMatch(/^\[pod\/catalog-v2-/);
  });

  it("the app container's log has one line per request its sidecar handed over, with the sidecar as client", async () => {
    const m = mesh(`apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: catalog, namespace: demo}
spec:
  hosts: [catalog]
  http:
  - match: [{uri: {prefix: /boom}}]
    route: [{destination: {host: catalog}}]
    retries: {attempts: 3, retryOn: 5xx}
`);
    const sh = createShell({ fs: new VirtualFS([]) }).register(...meshCommands({ mesh: () => m, clientPod: 'demo/toolbox' }));
    // No rule matches /web: the client's sidecar answers 404 NR and the app sees nothing.
    await sh.run('curl -s http://catalog.demo:5000/web');
    expect((await sh.run('kubectl logs deploy/catalog-v1 -n demo')).stdout).toBe('');
    // /boom answers 500; attempts 3 makes it 1 + 3 requests at the app, all with one id.
    await sh.run('curl -s -H "x-request-id: boom-1" http://catalog.demo:5000/boom');
    const app = (await sh.run('kubectl logs deploy/catalog-v1 -n demo -c catalog')).stdout.split('\n').filter(Boolean);
    expect(app).toHaveLength(4);
    for (const l of app) expect(l).toMatch(/method=GET path=\/boom client=127\.0\.0\.6:\d+ x-request-id=boom-1$/);
  });

  it('kubectl exec and istioctl proxy-config take deploy/NAME too', async () => {
    const sh = shell();
    const exec = await sh.run("kubectl -n demo exec deploy/catalog-v1 -c catalog -- curl -s -o /dev/null -w '%{http_code}' http://catalog.demo:5000/");
    expect(exec.stdout).toBe('200');
    const routes = await sh.run('istioctl -n demo proxy-config routes deploy/catalog-v2 --name 5000');
    expect(routes.exitCode).toBe(0);
    expect(routes.stdout).toMatch(/^NAME +VHOST NAME/);
  });

  it("curl -w '%{time_total}' prints the request's duration in seconds", async () => {
    const sh = shell();
    // fixtures: /slow answers after 5 s; -m 2 gives up after 2 s
    const r = await sh.run("curl -s -m 2 -o /dev/null -w '%{http_code} %{time_total}' http://catalog.demo:5000/slow");
    expect(r.stdout).toBe('000 2.000000');
    expect(r.exitCode).toBe(28);
  });
});
