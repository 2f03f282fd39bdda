// Lab external-name-hijack (guide chapter "ExternalName Service 劫持了其他服务流量",
// istio/istio#20703): on Istio 1.11 an ExternalName Service with port 443 gives
// every sidecar that sees it a 0.0.0.0_443 listener whose catch-all chain sends
// all other TLS on that port to the ExternalName's DNS cluster, so HTTPS to an
// unknown host reaches the wrong server (curl exit 60). The Service's
// networking.istio.io/exportTo annotation limits who sees it.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { labShell as labShellOf } from './fixtures.ts';

const DIR = 'labs/external-name-hijack/scenario';
const CALL = 'curl -s https://api.payments-demo.example/v1/health';

const labShell = () => labShellOf(DIR, 'shop/checkout');

describe('lab external-name-hijack', () => {
  it('the HTTPS call reaches the CDN: curl exit 60, and -v names the certificate that came back before any request', async () => {
    const { shell } = labShell();
    expect((await shell.run(CALL)).exitCode).toBe(60);
    const v = await shell.run(`curl -v https://api.payments-demo.example/v1/health`);
    expect(v.stderr).toContain('*  subject: CN=cdn.assets-demo.example\n');
    expect(v.stderr).toContain("curl: (60) SSL: no alternative certificate subject name matches target host name 'api.payments-demo.example'");
    // No HTTP request is written before the handshake succeeds.
    expect(v.stderr).not.toContain('> GET');
  });

  it("checkout's sidecar logs a TCP line to the ExternalName cluster, with the API's name as SNI; the 443 listener's catch-all points there", async () => {
    const { shell } = labShell();
    await shell.run(CALL);
    const line = (await shell.run('kubectl logs deploy/checkout -n shop -c istio-proxy')).stdout.trim();
    expect(line).toContain('"- - -" 0 ');
    expect(line).toContain(' outbound|443||assets-cdn.media.svc.cluster.local ');
    expect(line).toMatch(/ api\.payments-demo\.example -$/);
    const listeners = (await shell.run('istioctl proxy-config listeners deploy/checkout -n shop --port 443')).stdout;
    expect(listeners).toMatch(/^0\.0\.0\.0 +443 +ALL +Cluster: outbound\|443\|\|assets-cdn\.media\.svc\.cluster\.local$/m);
  });

  it('exportTo "." on the Service: no 443 listener for checkout, the call passes through and gets 200', async () => {
    const { fs, shell } = labShell();
    fs.write('assets-cdn.yaml', readFileSync(`${DIR}/assets-cdn.yaml`, 'utf8').replace('  namespace: media\n', '  namespace: media\n  annotations:\n    networking.istio.io/exportTo: "."\n'));
    expect((await shell.run('kubectl apply -f assets-cdn.yaml')).exitCode).toBe(0);
    const r = await shell.run(CALL);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('"status": "ok"');
    expect((await shell.run('kubectl logs deploy/checkout -n shop -c istio-proxy')).stdout.trim().split('\n').at(-1)).toContain(' PassthroughCluster ');
  });
  it('a port named https instead (as IST0150 asks) matches only its own name: no capture either', async () => {
    const { fs, shell } = labShell();
    fs.write('assets-cdn.yaml', readFileSync(`${DIR}/assets-cdn.yaml`, 'utf8').replace('  - port: 443\n', '  - name: https\n    port: 443\n'));
    expect((await shell.run('kubectl apply -f assets-cdn.yaml')).exitCode).toBe(0);
    expect((await shell.run(CALL)).exitCode).toBe(0);
  });
});
