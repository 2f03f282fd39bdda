// Sidecar resource scoping (Istio reference "Sidecar": egress hosts are
// `namespace/dnsName`, `.` = the proxy's namespace, `*` = any namespace; a
// Sidecar with a workloadSelector wins over the namespace's one without; one
// without a selector in the root namespace is the default for namespaces that
// have none). A service outside the scope has no listener/route/cluster on the
// proxy, so a call to it is an unknown destination: PassthroughCluster under
// ALLOW_ANY, 502 `block_all` on an HTTP port or BlackHoleCluster otherwise under
// REGISTRY_ONLY (Istio "Accessing External Services").
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readConfigDump } from '../../src/analyzer/configdump/model.ts';
import { Mesh } from '../../src/mesh/index.ts';

const dir = 'tests/fixtures/mesh/sidecar-scope';
type Edit = (name: string, text: string) => string;
function scenario(edit: Edit = (_n, t) => t, extra = ''): Mesh {
  const files = readdirSync(dir).sort().map((n) => ({ name: n, text: edit(n, readFileSync(join(dir, n), 'utf8')) }));
  if (extra) files.push({ name: 'extra.yaml', text: extra });
  return new Mesh(files, 1);
}
const allowAny: Edit = (n, t) => (n === 'namespaces.yaml' ? t.replace('mode: REGISTRY_ONLY', 'mode: ALLOW_ANY') : t);
const outboundClusters = (m: Mesh, pod: string) =>
  readConfigDump(JSON.stringify(m.configDump(m.pod(pod)!))).clusters.map((c) => c.name).filter((n) => n.startsWith('outbound|')).sort();
const curl = (m: Mesh, url: string, from = 'shop/web') => m.curl(m.pod(from)!, ['curl', '-s', url]).outcome!;

describe('Sidecar egress hosts limit the outbound config', () => {
  it('namespace default ./* and istio-system/*: only shop services get clusters', () => {
    expect(outboundClusters(scenario(), 'shop/web')).toEqual(['outbound|8080||cart.shop.svc.cluster.local']);
    // A proxy in billing has no Sidecar: it gets every service.
    expect(outboundClusters(scenario(), 'billing/payments')).toEqual([
      'outbound|8080||cart.shop.svc.cluster.local',
      'outbound|8080||payments.billing.svc.cluster.local',
      'outbound|9090||ledger.billing.svc.cluster.local',
    ]);
  });

  it('REGISTRY_ONLY: an HTTP port with a listener answers 502 from block_all', () => {
    const o = curl(scenario(), 'http://payments.billing:8080/pay');
    expect(o.client.status).toBe(502);
    expect(o.hops).toHaveLength(1);
    expect(o.hops[0]!.entry.route_name).toBe('block_all');
    expect(o.hops[0]!.entry.response_code_details).toBe('direct_response');
    expect(o.hops[0]!.path.some((p) => p.name === 'outside the Sidecar scope' && p.source?.file === 'sidecar.yaml')).toBe(true);
  });

  it('REGISTRY_ONLY: a port without listener goes to BlackHoleCluster, the connection is reset', () => {
    const o = curl(scenario(), 'http://ledger.billing:9090/');
    expect(o.client.exitCode).toBe(56);
    expect(o.hops[0]!.entry.upstream_cluster).toBe('BlackHoleCluster');
  });

  it('ALLOW_ANY: the call passes through PassthroughCluster to the service VIP and still succeeds', () => {
    const o = curl(scenario(allowAny), 'http://payments.billing:8080/pay');
    expect(o.client.status).toBe(200);
    expect(o.client.body).toBe('payment accepted\n');
    expect(o.hops[0]!.entry.upstream_cluster).toBe('PassthroughCluster');
    expect(o.hops[0]!.entry.route_name).toBe('allow_any');
  });

  it('fix: adding billing/payments… to the egress hosts brings its cluster back', () => {
    const m = scenario((n, t) => (n === 'sidecar.yaml' ? t.replace('    - "istio-system/*"', '    - "istio-system/*"\n    - "billing/payments.billing.svc.cluster.local"') : t));
    expect(outboundClusters(m, 'shop/web')).toEqual(['outbound|8080||cart.shop.svc.cluster.local', 'outbound|8080||payments.billing.svc.cluster.local']);
    const o = curl(m, 'http://payments.billing:8080/pay');
    expect(o.client.status).toBe(200);
    expect(o.hops[0]!.entry.upstream_cluster).toBe('outbound|8080||payments.billing.svc.cluster.local');
  });

  it('a Sidecar with a workloadSelector wins over the namespace default for the pods it selects', () => {
    const web = `apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: web, namespace: shop}
spec:
  workloadSelector: {labels: {app: web}}
  egress:
  - hosts: ["billing/*"]
`;
    const m = scenario(undefined, web);
    expect(outboundClusters(m, 'shop/web')).toEqual(['outbound|8080||payments.billing.svc.cluster.local', 'outbound|9090||ledger.billing.svc.cluster.local']);
    expect(outboundClusters(m, 'shop/cart')).toEqual(['outbound|8080||cart.shop.svc.cluster.local']);
  });

  it('the root namespace default applies where a namespace has none; its "." is the proxy\'s namespace', () => {
    const root = (n: string, t: string) => (n === 'sidecar.yaml' ? t.replace('namespace: shop', 'namespace: istio-system') : t);
    const m = scenario(root);
    expect(outboundClusters(m, 'shop/web')).toEqual(['outbound|8080||cart.shop.svc.cluster.local']);
    expect(outboundClusters(m, 'billing/payments')).toEqual(['outbound|8080||payments.billing.svc.cluster.local', 'outbound|9090||ledger.billing.svc.cluster.local']);
  });

  it('a VirtualService in scope brings the hosts it routes to', () => {
    const vs = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: cart, namespace: shop}
spec:
  hosts: [cart]
  http:
  - match: [{uri: {prefix: /checkout}}]
    route: [{destination: {host: payments.billing.svc.cluster.local}}]
  - route: [{destination: {host: cart}}]
`;
    const m = scenario(undefined, vs);
    expect(outboundClusters(m, 'shop/web')).toContain('outbound|8080||payments.billing.svc.cluster.local');
    expect(curl(m, 'http://cart:8080/checkout').client.body).toBe('payment accepted\n');
  });

  it('a Sidecar outboundTrafficPolicy overrides the mesh setting for its proxies', () => {
    const m = scenario((n, t) => (n === 'sidecar.yaml' ? `${t}  outboundTrafficPolicy: {mode: ALLOW_ANY}\n` : t));
    expect(curl(m, 'http://payments.billing:8080/pay').client.status).toBe(200);
  });
});
