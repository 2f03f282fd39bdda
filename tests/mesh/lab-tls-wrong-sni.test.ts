// Lab tls-wrong-sni (guide chapter "通过 Ingress Gateway 访问集群外部服务 503 UC 错误"):
// a DestinationRule with tls SIMPLE but no sni makes the gateway's upstream
// handshake name the gateway's own host; the provider rejects it, and the
// gateway logs 503 UF,URX (a connection failure, retried by Istio's default
// policy) with the TLS handshake failure. `sni` fixes it.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { labShell as labShellOf } from './fixtures.ts';

const DIR = 'labs/tls-wrong-sni/scenario';
const CHARGE = 'curl -s --resolve www.shop-demo.example:443:istio-ingressgateway.istio-system https://www.shop-demo.example/charge';

const labShell = () => labShellOf(DIR, 'outside/shopper');

describe('lab tls-wrong-sni', () => {
  it("503 from the gateway; its log (the gateway pod's only container, no -c needed) has UF,URX, the handshake failure and its own host as SNI", async () => {
    const { shell } = labShell();
    const r = await shell.run(CHARGE);
    expect(r.stdout).toMatch(/^upstream connect error or disconnect\/reset before headers\. retried and the latest reset reason: connection failure, transport failure reason: TLS_error:.*SSLV3_ALERT_HANDSHAKE_FAILURE/);
    const line = (await shell.run('kubectl logs deploy/istio-ingressgateway -n istio-system')).stdout.trim();
    expect(line).toMatch(/" 503 UF,URX upstream_reset_before_response_started\{connection_failure,TLS_error:[^}]*\} - "TLS_error:/);
    expect(line).toContain('SSLV3_ALERT_HANDSHAKE_FAILURE');
    expect(line).toContain(' outbound|443||pay.shop-demo.example ');
    expect(line).toMatch(/ www\.shop-demo\.example -$/);
  });

  it('with sni: pay.shop-demo.example the handshake names the provider and /charge gets its answer', async () => {
    const { fs, shell } = labShell();
    fs.write('payment-provider-dr.yaml', readFileSync(`${DIR}/payment-provider-dr.yaml`, 'utf8').replace('      mode: SIMPLE\n', '      mode: SIMPLE\n      sni: pay.shop-demo.example\n'));
    expect((await shell.run('kubectl apply -f payment-provider-dr.yaml')).exitCode).toBe(0);
    expect((await shell.run(CHARGE)).stdout).toContain('"charge": "accepted"');
    const cluster = (await shell.run('istioctl proxy-config cluster deploy/istio-ingressgateway -n istio-system --fqdn pay.shop-demo.example -o json')).stdout;
    expect(cluster).toContain('"sni": "pay.shop-demo.example"');
  });
});
