// One scenario per failure the guide teaches, with what the client sees and the
// fields each proxy logs, then the fix that turns it into a success.
// Expected values come from Envoy's docs (response flags, RESPONSE_CODE_DETAILS,
// router retry semantics), Istio's traffic-management docs, and the guide's
// case studies (001: a subset without pods gives `503 no healthy upstream`;
// 004: `timeout: 1s` gives `504 upstream request timeout`, and `retryOn: 5xx`
// with `attempts: 3` makes the server see the request four times).
import { describe, expect, it } from 'vitest';
import { mesh } from './fixtures.ts';

const VS = (http: string) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: catalog, namespace: demo}
spec:
  hosts: [catalog]
  http:
${http}
`;
const DR = `---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: catalog, namespace: demo}
spec:
  host: catalog
  subsets:
  - name: v1
    labels: {version: v1}
  - name: v2
    labels: {version: v2}
`;

function run(extra: string, url: string, args: string[] = []) {
  const m = mesh(extra);
  const r = m.curl(m.pod('demo/toolbox')!, ['curl', '-s', ...args, url]);
  const hops = r.outcome!.hops;
  return { r, client: r.outcome!.client, out: hops.filter((h) => h.direction === 'outbound'), inb: hops.filter((h) => h.direction === 'inbound') };
}

describe('no route: 404 NR route_not_found', () => {
  const rules = VS(`  - match: [{uri: {prefix: /api}}]
    route: [{destination: {host: catalog}}]`);
  it('a path no rule matches', () => {
    const { client, out, inb } = run(rules, 'http://catalog:5000/web');
    expect(client.status).toBe(404);
    expect(client.body).toBe('');
    expect(out[0]!.entry.response_flags).toEqual(['NR']);
    expect(out[0]!.entry.response_code_details).toBe('route_not_found');
    expect(out[0]!.entry.upstream_cluster).toBeNull();
    expect(inb).toHaveLength(0);
  });
  it('fix: a catch-all rule at the end', () => {
    const fixed = VS(`  - match: [{uri: {prefix: /api}}]
    route: [{destination: {host: catalog}}]
  - route: [{destination: {host: catalog}}]`);
    const { client, inb } = run(fixed, 'http://catalog:5000/web');
    expect(client.status).toBe(200);
    expect(client.body).toBe('items');
    expect(inb[0]!.entry.response_code).toBe(200);
  });
});

describe('no cluster: 503 NC cluster_not_found', () => {
  it('a subset no DestinationRule defines', () => {
    const { client, out } = run(VS(`  - route: [{destination: {host: catalog, subset: v1}}]`), 'http://catalog:5000/');
    expect(client.status).toBe(503);
    expect(out[0]!.entry.response_flags).toEqual(['NC']);
    expect(out[0]!.entry.response_code_details).toBe('cluster_not_found');
    // the route's destination is on line 7 of istio.yaml (the flow-style rule)
    expect(out[0]!.path.find((s) => s.kind === 'cluster')!.source!.line).toBe(7);
  });
  it('fix: the DestinationRule with the subset', () => {
    const { client, out } = run(VS(`  - route: [{destination: {host: catalog, subset: v1}}]`) + DR, 'http://catalog:5000/');
    expect(client.status).toBe(200);
    expect(out[0]!.entry.upstream_cluster).toBe('outbound|5000|v1|catalog.demo.svc.cluster.local');
  });
});

describe('no healthy upstream: 503 UH (guide case 001)', () => {
  it('a subset whose labels no pod has', () => {
    const { client, out, inb } = run(VS(`  - route: [{destination: {host: catalog, subset: v2}}]`) + DR, 'http://catalog:5000/');
    expect(client.status).toBe(503);
    expect(client.body).toBe('no healthy upstream');
    expect(out[0]!.entry.response_flags).toEqual(['UH']);
    expect(out[0]!.entry.response_code_details).toBe('no_healthy_upstream');
    expect(out[0]!.entry.upstream_cluster).toBe('outbound|5000|v2|catalog.demo.svc.cluster.local');
    expect(out[0]!.entry.upstream_host).toBeNull();
    expect(out[0]!.entry.bytes_sent).toBe(19);
    expect(inb).toHaveLength(0);
    const cluster = out[0]!.path.find((s) => s.kind === 'cluster')!;
    expect(cluster.source).toMatchObject({ resource: 'DestinationRule demo/catalog', file: 'istio.yaml' });
  });
});

describe('route timeout: 504 UT (guide case 004)', () => {
  const slow = VS(`  - route: [{destination: {host: catalog}}]
    timeout: 1s`);
  it('the app answers after 5s, the route allows 1s', () => {
    const { client, out, inb } = run(slow, 'http://catalog:5000/slow');
    expect(client.status).toBe(504);
    expect(client.body).toBe('upstream request timeout');
    expect(out[0]!.entry.response_flags).toEqual(['UT']);
    expect(out[0]!.entry.response_code_details).toBe('response_timeout');
    expect(out[0]!.entry.duration).toBe(1000);
    expect(out[0]!.entry.bytes_sent).toBe(24);
    // the server side saw its client go away
    expect(inb).toHaveLength(1);
    expect(inb[0]!.entry.response_code).toBe(0);
    expect(inb[0]!.entry.response_flags).toEqual(['DC']);
    expect(inb[0]!.entry.response_code_details).toBe('downstream_remote_disconnect');
  });
  it('a fast path under the same timeout succeeds', () => {
    const { client } = run(slow, 'http://catalog:5000/');
    expect(client.status).toBe(200);
  });
});

describe('retries (guide case 004)', () => {
  it('retryOn 5xx, attempts 3: the server logs the 500 four times, the client gets 500 with URX', () => {
    const { client, out, inb } = run(VS(`  - route: [{destination: {host: catalog}}]
    retries: {attempts: 3, perTryTimeout: 1s, retryOn: 5xx}`), 'http://catalog:5000/boom');
    expect(client.status).toBe(500);
    expect(inb).toHaveLength(4);
    for (const h of inb) expect(h.entry.response_code).toBe(500);
    expect(out[0]!.entry.response_flags).toEqual(['URX']);
    expect(out[0]!.entry.response_code_details).toBe('via_upstream');
  });
  it('per-try timeout 1s with retryOn 5xx: each attempt is cut at 1s, then 504 UT,URX upstream_per_try_timeout', () => {
    const { client, out, inb } = run(VS(`  - route: [{destination: {host: catalog}}]
    retries: {attempts: 2, perTryTimeout: 1s, retryOn: 5xx}`), 'http://catalog:5000/slow');
    expect(client.status).toBe(504);
    expect(client.body).toBe('upstream request timeout');
    expect(inb).toHaveLength(3);
    for (const h of inb) expect(h.entry.response_flags).toEqual(['DC']);
    for (const h of inb) expect(h.entry.duration).toBe(1000);
    expect(out[0]!.entry.response_flags).toEqual(['UT', 'URX']);
    expect(out[0]!.entry.response_code_details).toBe('upstream_per_try_timeout');
  });
  it("per-try timeout without a timeout condition in retryOn (Istio's default list) is not retried", () => {
    const { inb, out } = run(VS(`  - route: [{destination: {host: catalog}}]
    retries: {attempts: 2, perTryTimeout: 1s}`), 'http://catalog:5000/slow');
    expect(inb).toHaveLength(1);
    expect(out[0]!.entry.response_flags).toEqual(['UT']);
  });
  it('the route timeout bounds all attempts together', () => {
    const { out, inb } = run(VS(`  - route: [{destination: {host: catalog}}]
    timeout: 1500ms
    retries: {attempts: 5, perTryTimeout: 1s, retryOn: gateway-error}`), 'http://catalog:5000/slow');
    expect(out[0]!.entry.response_flags).toEqual(['UT']);
    expect(out[0]!.entry.response_code_details).toBe('response_timeout');
    expect(out[0]!.entry.duration).toBe(1500);
    expect(inb).toHaveLength(2);
  });
});

describe('fault injection', () => {
  it('abort: FI fault_filter_abort with the configured status', () => {
    const { client, out, inb } = run(VS(`  - fault: {abort: {httpStatus: 418, percentage: {value: 100}}}
    route: [{destination: {host: catalog}}]`), 'http://catalog:5000/');
    expect(client.status).toBe(418);
    expect(client.body).toBe('fault filter abort');
    expect(out[0]!.entry.response_flags).toEqual(['FI']);
    expect(out[0]!.entry.response_code_details).toBe('fault_filter_abort');
    expect(inb).toHaveLength(0);
  });
  it('delay: DI, and the request still reaches the app', () => {
    const { client, out, inb } = run(VS(`  - fault: {delay: {fixedDelay: 2s, percentage: {value: 100}}}
    route: [{destination: {host: catalog}}]`), 'http://catalog:5000/');
    expect(client.status).toBe(200);
    expect(out[0]!.entry.response_flags).toEqual(['DI']);
    expect(out[0]!.entry.duration).toBeGreaterThanOrEqual(2000);
    expect(inb).toHaveLength(1);
  });
  it('delay past the route timeout: DI,UT', () => {
    const { out } = run(VS(`  - fault: {delay: {fixedDelay: 2s, percentage: {value: 100}}}
    timeout: 1s
    route: [{destination: {host: catalog}}]`), 'http://catalog:5000/');
    expect(out[0]!.entry.response_flags).toEqual(['DI', 'UT']);
  });
});

describe('direct response', () => {
  it('answers from the route, details direct_response', () => {
    const { client, out, inb } = run(VS(`  - name: maintenance
    directResponse: {status: 503, body: {string: "down for maintenance"}}`), 'http://catalog:5000/');
    expect(client.status).toBe(503);
    expect(client.body).toBe('down for maintenance');
    expect(out[0]!.entry.response_code_details).toBe('direct_response');
    expect(out[0]!.entry.response_flags).toEqual([]);
    expect(out[0]!.entry.route_name).toBe('maintenance');
    expect(inb).toHaveLength(0);
  });
});

describe('outboundTrafficPolicy', () => {
  const meshCm = (mode: string) => `apiVersion: v1
kind: ConfigMap
metadata: {name: istio, namespace: istio-system}
data:
  mesh: |
    outboundTrafficPolicy:
      mode: ${mode}
`;
  it('REGISTRY_ONLY: an unknown host on an HTTP port gets 502 from the block_all route', () => {
    const { client, out } = run(meshCm('REGISTRY_ONLY'), 'http://api.example.org:5000/');
    expect(client.status).toBe(502);
    expect(out[0]!.entry.route_name).toBe('block_all');
    expect(out[0]!.entry.response_code_details).toBe('direct_response');
  });
  it('REGISTRY_ONLY: an unknown port goes to BlackHoleCluster and the connection is reset', () => {
    const { client, r, out } = run(meshCm('REGISTRY_ONLY'), 'http://api.example.org/');
    expect(client.status).toBeNull();
    expect(r.exitCode).toBe(56);
    expect(out[0]!.entry.upstream_cluster).toBe('BlackHoleCluster');
  });
  it('ALLOW_ANY: the same request passes through PassthroughCluster', () => {
    const { client, out } = run(meshCm('ALLOW_ANY'), 'http://api.example.org/');
    expect(client.status).toBe(200);
    expect(out[0]!.entry.upstream_cluster).toBe('PassthroughCluster');
    const http = run(meshCm('ALLOW_ANY'), 'http://api.example.org:5000/');
    expect(http.out[0]!.entry.route_name).toBe('allow_any');
  });
});

describe('determinism', () => {
  it('same scenario and seed give identical logs', () => {
    const a = mesh(VS(`  - route: [{destination: {host: catalog}}]`), 7);
    const b = mesh(VS(`  - route: [{destination: {host: catalog}}]`), 7);
    const la = [1, 2, 3].map(() => a.curl(a.pod('demo/toolbox')!, ['curl', 'http://catalog:5000/']).outcome!.hops.map((h) => h.log).join('\n'));
    const lb = [1, 2, 3].map(() => b.curl(b.pod('demo/toolbox')!, ['curl', 'http://catalog:5000/']).outcome!.hops.map((h) => h.log).join('\n'));
    expect(la).toEqual(lb);
  });
});
