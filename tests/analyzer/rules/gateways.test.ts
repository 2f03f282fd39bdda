// IST0132, IST0138, IST0145, IST0162, OPS303, OPS304, OPS310: Gateways.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { brief, run } from './helpers.ts';

const chapters = 'tests/fixtures/resources/chapters';
const read = (p: string) => readFileSync(`${chapters}/${p}`, 'utf8');

const gw = (name: string, hosts: string, extra = '') => `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: ${name}, namespace: web}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 443, name: https, protocol: HTTPS}
    hosts: [${hosts}]
    tls: {mode: SIMPLE, credentialName: ${name}-cert}${extra}
`;

describe('OPS304 / IST0145 / IST0138 on the duplicate-tls-hosts chapter', () => {
  const files = { 'gateways.yaml': read('duplicate-tls-hosts/gateways.yaml') };
  it('OPS304 reports both gateways and names the collateral host', () => {
    const fs = run(files, 'OPS304');
    expect(brief(fs)).toEqual(['OPS304 Gateway web/storefront 13:7', 'OPS304 Gateway web/checkout 32:7']);
    expect(fs[1]!.message.en).toContain('pay.acme.test go down with it');
  });
  it('IST0145 and IST0138 fire on both', () => {
    expect(run(files, 'IST0145').map((f) => f.resource)).toEqual(['Gateway web/storefront', 'Gateway web/checkout']);
    expect(run(files, 'IST0138')).toHaveLength(2);
  });
  it('near miss: different hosts, different selectors, or TLS passthrough', () => {
    expect(run(gw('a', 'a.test') + '---\n' + gw('b', 'b.test'), 'OPS304')).toEqual([]);
    expect(run(gw('a', 'a.test') + '---\n' + gw('b', 'b.test'), 'IST0145')).toEqual([]);
    const other = gw('b', 'a.test').replace('istio: ingressgateway', 'istio: internal-gw');
    expect(run(gw('a', 'a.test') + '---\n' + other, 'OPS304')).toEqual([]);
    expect(run(gw('a', 'a.test') + '---\n' + other, 'IST0145')).toEqual([]);
    const pass = (n: string) => gw(n, 'a.test').replace('protocol: HTTPS', 'protocol: TLS').replace(/tls: \{mode: SIMPLE, credentialName: \w+-cert\}/, 'tls: {mode: PASSTHROUGH}');
    expect(run(pass('a') + '---\n' + pass('b'), 'OPS304')).toEqual([]);
  });
});

describe('OPS303 Gateway TCP server without a tcp route', () => {
  const files = { 'gateway.yaml': read('gateway-tcp-port/gateway.yaml'), 'ledger.yaml': read('gateway-tcp-port/ledger.yaml') };
  it('fires on the chapter fixture at the server port', () => {
    expect(brief(run(files, 'OPS303'))).toEqual(['OPS303 Gateway finance/ledger-gw 14:5']);
  });
  const vs = (section: string, port: number) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ledger, namespace: finance}
spec:
  hosts: ["*"]
  gateways: [ledger-gw]
  ${section}:
  - match: [{port: ${port}}]
    route: [{destination: {host: ledger, port: {number: 9400}}}]
`;
  it('near miss: a tcp route on that port fixes it; an http route or another port does not', () => {
    expect(run({ ...files, 'vs.yaml': vs('tcp', 7777) }, 'OPS303')).toEqual([]);
    expect(run({ ...files, 'vs.yaml': vs('tcp', 7778) }, 'OPS303')).toHaveLength(1);
    expect(run({ ...files, 'vs.yaml': vs('http', 7777).replace('match: [{port: 7777}]', 'match: [{port: 7777}]') }, 'OPS303')).toHaveLength(1);
  });
  it('compares hosts as istiod does: a VirtualService whose hosts miss the server hosts, or whose match names another gateway, does not count', () => {
    const narrow = { ...files, 'gateway.yaml': files['gateway.yaml'].replace("- '*'", '- ledger.finance.example.com') };
    expect(run({ ...narrow, 'vs.yaml': vs('tcp', 7777) }, 'OPS303')).toEqual([]); // VS host "*" matches any server host
    expect(run({ ...narrow, 'vs.yaml': vs('tcp', 7777).replace('hosts: ["*"]', 'hosts: [books.finance.example.com]') }, 'OPS303')).toHaveLength(1);
    expect(run({ ...narrow, 'vs.yaml': vs('tcp', 7777).replace('hosts: ["*"]', 'hosts: ["*.finance.example.com"]') }, 'OPS303')).toEqual([]);
    const otherNs = { ...files, 'gateway.yaml': files['gateway.yaml'].replace("- '*'", "- 'payments/*'") };
    expect(run({ ...otherNs, 'vs.yaml': vs('tcp', 7777) }, 'OPS303')).toHaveLength(1);
    expect(run({ ...files, 'vs.yaml': vs('tcp', 7777).replace('match: [{port: 7777}]', 'match: [{port: 7777, gateways: [other-gw]}]') }, 'OPS303')).toHaveLength(1);
  });
});

describe('OPS310 external HTTPS through a gateway without sni', () => {
  const files = { 'routing.yaml': read('tls-wrong-sni/routing.yaml'), 'external.yaml': read('tls-wrong-sni/external.yaml') };
  it('fires on the chapter fixture, at the destination host', () => {
    const fs = run(files, 'OPS310');
    expect(brief(fs)).toEqual(['OPS310 VirtualService portal/portal-billing 19:9']);
    expect(fs[0]!.fix?.en).toContain('sni: billing.partner.example.net');
  });
  const dr = (tls: string) => `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: billing, namespace: portal}
spec:
  host: billing.partner.example.net
  trafficPolicy: {tls: ${tls}}
`;
  it('a DR with SIMPLE + sni fixes it; SIMPLE without sni does not', () => {
    expect(run({ ...files, 'dr.yaml': dr('{mode: SIMPLE, sni: billing.partner.example.net}') }, 'OPS310')).toEqual([]);
    expect(run({ ...files, 'dr.yaml': dr('{mode: SIMPLE}') }, 'OPS310')).toHaveLength(1);
  });
  it('near miss: the same route bound to the mesh only', () => {
    const mesh = files['routing.yaml'].replace('  - portal/portal-gw\n', '  - mesh\n');
    expect(run({ ...files, 'routing.yaml': mesh }, 'OPS310')).toEqual([]);
  });
});

describe('IST0132 VirtualService host not in Gateway', () => {
  const vs = (host: string) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: site, namespace: web}
spec:
  hosts: [${host}]
  gateways: [a]
  http: [{route: [{destination: {host: site}}]}]
`;
  it('fires when no host matches, not when a wildcard server covers it', () => {
    expect(brief(run(gw('a', 'shop.test') + '---\n' + vs('blog.test'), 'IST0132'))).toEqual(['IST0132 VirtualService web/site 16:14']);
    expect(run(gw('a', '"*.test"') + '---\n' + vs('blog.test'), 'IST0132')).toEqual([]);
    expect(run(gw('a', '"web/blog.test"') + '---\n' + vs('blog.test'), 'IST0132')).toEqual([]);
    expect(run(gw('a', '"other/blog.test"') + '---\n' + vs('blog.test'), 'IST0132')).toHaveLength(1);
  });
});

describe('IST0162 Gateway port not on the Service', () => {
  const pods = `apiVersion: apps/v1
kind: Deployment
metadata: {name: ingress, namespace: istio-system}
spec:
  template:
    metadata: {labels: {istio: ingressgateway}}
    spec: {containers: [{name: istio-proxy, image: proxyv2}]}
---
apiVersion: v1
kind: Service
metadata: {name: ingress, namespace: istio-system}
spec:
  selector: {istio: ingressgateway}
  ports:
  - {name: https, port: 443, targetPort: 8443}
---
`;
  it('fires for a port neither exposed nor targeted; 443 and 8443 are fine', () => {
    expect(run(pods + gw('a', 'x.test'), 'IST0162')).toEqual([]);
    expect(run(pods + gw('a', 'x.test').replace('number: 443', 'number: 8443'), 'IST0162')).toEqual([]);
    expect(run(pods + gw('a', 'x.test').replace('number: 443', 'number: 9443'), 'IST0162')).toHaveLength(1);
  });
});
