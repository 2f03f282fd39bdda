// Lab gateway-tcp-port (guide chapter "无法连接 gateway 上的 tcp 端口"): a Gateway
// TCP server on 7000 that no VirtualService tcp route serves gets no listener
// (istiod: "gateway omitting listener ... must have more than 0 chains"), so a
// client's connect is refused. A tcp route bound to the Gateway builds it.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { labShell as labShellOf } from './fixtures.ts';

const DIR = 'labs/gateway-tcp-port/scenario';
const CONNECT = 'mysql -h istio-ingressgateway.istio-system -P 7000 -u bi';
const LISTENERS = 'istioctl proxy-config listeners deploy/istio-ingressgateway -n istio-system';
const TCP_ROUTE = '  tcp:\n  - match:\n    - port: 7000\n    route:\n    - destination:\n        host: reports-db.reports.svc.cluster.local\n        port:\n          number: 3306\n';

const labShell = () => labShellOf(DIR, 'outside/analyst');

async function applyRoute(shell: ReturnType<typeof labShell>['shell'], fs: ReturnType<typeof labShell>['fs']) {
  fs.write('reports-edge.yaml', readFileSync(`${DIR}/reports-edge.yaml`, 'utf8') + TCP_ROUTE);
  expect((await shell.run('kubectl apply -f reports-edge.yaml')).stdout).toBe('virtualservice.networking.istio.io/reports-edge configured\n');
}

describe('lab gateway-tcp-port', () => {
  it('port 7000 is on the Service, but the connect is refused (errno 111) and the gateway logs nothing for it', async () => {
    const { shell } = labShell();
    expect((await shell.run('kubectl get svc -n istio-system')).stdout).toMatch(/istio-ingressgateway +LoadBalancer .* 80:\d+\/TCP,7000:\d+\/TCP /);
    const r = await shell.run(CONNECT);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe("ERROR 2003 (HY000): Can't connect to MySQL server on 'istio-ingressgateway.istio-system:7000' (111)\n");
    // No listener, so no Envoy saw the connection.
    expect((await shell.run('kubectl logs deploy/istio-ingressgateway -n istio-system')).stdout).toBe('');
    // curl says the same thing its own way: exit 7, and -v shows no connection.
    const curl = await shell.run('curl -v http://istio-ingressgateway.istio-system:7000/');
    expect(curl.exitCode).toBe(7);
    expect(curl.stderr).toMatch(/^\* connect to 10\.\d+\.\d+\.\d+ port 7000 from 10\.\d+\.\d+\.\d+ port \d+ failed: Connection refused$/m);
    expect(curl.stderr).not.toContain('Connected to');
  });

  it("the gateway's listeners: the HTTP server's 8080 and the bootstrap's 15021 and 15090, nothing on 7000", async () => {
    const { shell } = labShell();
    const rows = (await shell.run(LISTENERS)).stdout.trim().split('\n').map((l) => l.split(/\s+/).slice(0, 2).join(' '));
    expect(rows).toEqual(['ADDRESSES PORT', '0.0.0.0 8080', '0.0.0.0 15021', '0.0.0.0 15090']);
  });

  it("istiod's log explains it: the server missed its network filter and the listener was omitted", async () => {
    const { shell } = labShell();
    const log = (await shell.run('kubectl logs deploy/istiod -n istio-system')).stdout;
    expect(log).toMatch(/^\S+Z\twarn\tgateway reports\/reports-gateway:7000 listener missed network filter$/m);
    expect(log).toMatch(/^\S+Z\tinfo\tgateway omitting listener "0\.0\.0\.0_7000" due to: must have more than 0 chains in listener "0\.0\.0\.0_7000"$/m);
    // reports-edge is bound to the Gateway (it has http routes), so istiod does not say that none is.
    expect(log).not.toContain('no virtual service bound');
    expect(log).toMatch(/\tinfo\tads\tLDS: PUSH for node:istio-ingressgateway-[\w-]+\.istio-system resources:1 size:/);
  });

  it('with the tcp route applied: a 7000 listener to reports-db, the greeting comes through, istiod pushes 2 listeners', async () => {
    const { fs, shell } = labShell();
    await applyRoute(shell, fs);
    const r = await shell.run(CONNECT);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('Welcome to the MySQL monitor.');
    expect((await shell.run(LISTENERS)).stdout).toMatch(/^0\.0\.0\.0 +7000 +ALL +Cluster: outbound\|3306\|\|reports-db\.reports\.svc\.cluster\.local$/m);
    // One TCP line at the gateway (tcp_proxy: no HTTP fields), to the database pod's 3306.
    const gw = (await shell.run('kubectl logs deploy/istio-ingressgateway -n istio-system')).stdout.trim().split('\n');
    expect(gw).toHaveLength(1);
    expect(gw[0]).toMatch(/^\[\S+\] "- - -" 0 - .* outbound\|3306\|\|reports-db\.reports\.svc\.cluster\.local .*:7000 /);
    const pushes = (await shell.run('kubectl logs deploy/istiod -n istio-system')).stdout.split('\n').filter((l) => l.includes('LDS: PUSH for node:istio-ingressgateway'));
    expect(pushes.map((l) => /resources:(\d+)/.exec(l)![1])).toEqual(['1', '2']);
  });
});
