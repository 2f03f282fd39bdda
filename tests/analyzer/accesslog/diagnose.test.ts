// Diagnosis on small scenarios written by hand: who answered, following one
// request over three proxies, retries, TCP lines repeated by periodic flushing.
import { describe, expect, it } from 'vitest';
import { analyzeLogs, groupFindings } from '../../../src/analyzer/accesslog/analyze.ts';

// One request through gateway → productpage's sidecar → reviews' sidecar. The reviews app
// refuses connections, so reviews' sidecar answers 503 UF and the others relay it.
const ID = '5d1c0a55-0000-4000-8000-00000000abcd';
const gateway = `[2024-07-01T10:00:00.000Z] "GET /productpage HTTP/1.1" 503 - via_upstream - "-" 0 95 40 39 "198.51.100.7" "curl/8.5.0" "${ID}" "shop.example.com" "10.244.1.5:9080" outbound|9080||productpage.default.svc.cluster.local 10.244.0.9:52000 10.244.0.9:8080 198.51.100.7:50123 - -`;
const client = [
  `[2024-07-01T10:00:00.010Z] "GET /productpage HTTP/1.1" 503 - via_upstream - "-" 0 95 30 29 "198.51.100.7" "curl/8.5.0" "${ID}" "shop.example.com" "127.0.0.1:9080" inbound|9080|| 127.0.0.6:40001 10.244.1.5:9080 10.244.0.9:52000 outbound_.9080_._.productpage.default.svc.cluster.local default`,
  `[2024-07-01T10:00:00.012Z] "GET /reviews/0 HTTP/1.1" 503 - via_upstream - "-" 0 91 20 19 "-" "python-requests/2.31" "${ID}" "reviews:9080" "10.244.2.7:9080" outbound|9080||reviews.default.svc.cluster.local 10.244.1.5:41000 10.96.80.8:9080 10.244.1.5:41002 - default`,
].join('\n');
const server = [
  `[2024-07-01T10:00:00.013Z] "GET /reviews/0 HTTP/1.1" 503 UF upstream_reset_before_response_started{connection_failure} - "-" 0 91 1 - "-" "python-requests/2.31" "${ID}" "reviews:9080" "10.244.2.7:9080" inbound|9080|| - 10.244.2.7:9080 10.244.1.5:41000 outbound_.9080_._.reviews.default.svc.cluster.local default`,
  `[2024-07-01T10:00:00.040Z] "GET /reviews/0 HTTP/1.1" 503 UF upstream_reset_before_response_started{connection_failure} - "-" 0 91 1 - "-" "python-requests/2.31" "${ID}" "reviews:9080" "10.244.2.7:9080" inbound|9080|| - 10.244.2.7:9080 10.244.1.5:41010 outbound_.9080_._.reviews.default.svc.cluster.local default`,
].join('\n');

describe('following one request across proxies', () => {
  const r = analyzeLogs([{ name: 'gateway.txt', text: gateway }, { name: 'productpage.txt', text: client }, { name: 'reviews.txt', text: server }]);
  const trace = r.requests.find((t) => t.request_id === ID)!;
  it('orders the hops gateway → client sidecar → server sidecar with their addresses', () => {
    expect(trace.hops.map((h) => [h.file, h.role])).toEqual([
      ['gateway.txt', 'gateway'],
      ['productpage.txt', 'client-sidecar'],
      ['productpage.txt', 'server-sidecar'],
      ['reviews.txt', 'server-sidecar'],
    ]);
    expect(trace.hops[1]).toMatchObject({ downstream_remote_address: '10.244.1.5:41002', downstream_local_address: '10.96.80.8:9080', upstream_local_address: '10.244.1.5:41000', upstream_host: '10.244.2.7:9080', upstream_cluster: 'outbound|9080||reviews.default.svc.cluster.local' });
  });
  it("says it failed at reviews' sidecar, which answered itself", () => {
    expect(trace.failed_at).toMatchObject({ by: 'proxy', role: 'server-sidecar' });
    expect(trace.hops[trace.failed_at!.hop]!.file).toBe('reviews.txt');
  });
  it('counts the two lines of the server side as two attempts', () => {
    expect(trace.hops[3]!.attempts).toBe(2);
    expect(r.retries.find((x) => x.file === 'reviews.txt')?.attempts.map((a) => a.line)).toEqual([1, 2]);
  });
  it('the relaying proxies say the upstream answered', () => {
    expect(trace.hops[0]!.answer.by).toBe('upstream');
    expect(trace.hops[1]!.answer.by).toBe('upstream');
  });
});

describe('hops that answered well before the first error', () => {
  // The gateway (read first) got a 200 for this request, after its own retry; the first
  // attempt failed at reviews' sidecar. The gateway's line comes before any error of it.
  const id = '7e2f1c3a-0000-4000-8000-0000000000ef';
  const gw = `[2024-07-01T10:00:00.000Z] "GET /productpage HTTP/1.1" 200 - via_upstream - "-" 0 4100 80 79 "198.51.100.7" "curl/8.5.0" "${id}" "shop.example.com" "10.244.1.5:9080" outbound|9080||productpage.default.svc.cluster.local 10.244.0.9:52000 10.244.0.9:8080 198.51.100.7:50123 - -`;
  const other = `[2024-07-01T10:00:01.000Z] "GET /productpage HTTP/1.1" 200 - via_upstream - "-" 0 4100 80 79 "198.51.100.7" "curl/8.5.0" "another-id" "shop.example.com" "10.244.1.5:9080" outbound|9080||productpage.default.svc.cluster.local 10.244.0.9:52002 10.244.0.9:8080 198.51.100.7:50125 - -`;
  const srv = `[2024-07-01T10:00:00.013Z] "GET /reviews/0 HTTP/1.1" 503 UF upstream_reset_before_response_started{connection_failure} - "-" 0 91 1 - "-" "python-requests/2.31" "${id}" "reviews:9080" "10.244.2.7:9080" inbound|9080|| - 10.244.2.7:9080 10.244.1.5:41000 outbound_.9080_._.reviews.default.svc.cluster.local default`;
  it('the trace has the gateway hop that was read before the failure', () => {
    const r = analyzeLogs([{ name: 'gateway.txt', text: [gw, other].join('\n') }, { name: 'reviews.txt', text: srv }]);
    const trace = r.requests.find((t) => t.request_id === id)!;
    expect(trace.hops.map((h) => [h.file, h.line, h.role, h.response_code])).toEqual([
      ['gateway.txt', 1, 'gateway', 200],
      ['reviews.txt', 1, 'server-sidecar', 503],
    ]);
    expect(trace.failed_at).toMatchObject({ by: 'proxy', role: 'server-sidecar' });
    // Only the failed request is followed: the other request's line is not part of any trace.
    expect(r.requests.map((t) => t.request_id)).toEqual([id]);
    expect(r.retries).toEqual([]);
  });
});

describe('who answered', () => {
  it('an inbound 500 via_upstream is the application', () => {
    const r = analyzeLogs([{ name: 'a', text: `[2024-07-01T10:00:00.000Z] "GET /istio/500 HTTP/1.1" 500 - via_upstream - "-" 0 21 4 3 "-" "curl/7.88" "r1" "flask-demo:5000" "10.0.0.9:5000" inbound|5000|| 127.0.0.6:39999 10.0.0.9:5000 10.0.0.4:50000 outbound_.5000_._.flask-demo.default.svc.cluster.local default` }]);
    expect(r.error_groups[0]!.answer).toMatchObject({ by: 'app', role: 'server-sidecar' });
    expect(r.error_groups[0]!.explanation.family).toBe('OPS111');
  });
  it('404 NR with no upstream at the client sidecar, older format without details', () => {
    const r = analyzeLogs([{ name: 'sleep.txt', text: `[2020-12-01T10:00:00.000Z] "GET /hello HTTP/1.1" 404 NR "-" 0 0 0 - "-" "curl/7.69" "r2" "helloworld:4000" "-" - - 10.96.10.10:4000 10.244.0.5:51000 - -` }]);
    expect(r.error_groups[0]!.answer.by).toBe('proxy');
    expect(r.error_groups[0]!.explanation.chapter).toBe('debug-istio/envoy-log');
    const f = groupFindings(r)[0]!;
    expect(f.code).toBe('OPS101');
    expect(f.severity).toBe('warning');
  });
  it('0 DC: the client went away', () => {
    const r = analyzeLogs([{ name: 'a', text: `[2024-07-01T10:00:00.000Z] "POST /upload HTTP/1.1" 0 DC downstream_remote_disconnect - "-" 1000 0 30000 - "-" "curl" "r3" "up:80" "10.0.0.2:80" outbound|80||up.default.svc.cluster.local 10.0.0.1:1 10.96.0.2:80 10.0.0.1:2 - default` }]);
    expect(r.error_groups[0]!.answer.by).toBe('client-gone');
    expect(groupFindings(r)[0]!.severity).toBe('info');
  });
  it('a 503 UH finding names the service and the next command', () => {
    const r = analyzeLogs([{ name: 'a', text: `[2024-07-01T10:00:00.000Z] "GET / HTTP/1.1" 503 UH no_healthy_upstream - "-" 0 19 0 - "-" "curl" "r4" "review:80" "-" outbound|80|v1|review.review.svc.cluster.local - 10.96.0.3:80 10.0.0.1:3 - default` }]);
    const f = groupFindings(r)[0]!;
    expect(f).toMatchObject({ code: 'OPS102', severity: 'error', resource: 'Service review/review', chapter: 'case-studies/no-healthy-upstream', line: 1 });
    expect(f.fix?.en).toContain('--cluster "outbound|80|v1|review.review.svc.cluster.local"');
    expect(f.message.zh).toMatch(/[\u4e00-\u9fff]/);
  });
  it('503 NC has no cluster: the next command filters by the host the client asked for', () => {
    const nc = (authority: string) =>
      `[2024-07-01T10:00:00.000Z] "GET /ratings/1 HTTP/1.1" 503 NC cluster_not_found - "-" 0 0 0 - "-" "curl" "r5" "${authority}" "-" - - 10.96.0.9:9080 10.0.0.1:4 - default`;
    const byName = groupFindings(analyzeLogs([{ name: 'a', text: nc('ratings.bookinfo.svc.cluster.local:9080') }]))[0]!;
    expect(byName.fix?.en).toContain('istioctl proxy-config clusters <pod> --fqdn ratings.bookinfo.svc.cluster.local');
    const shortName = groupFindings(analyzeLogs([{ name: 'a', text: nc('ratings:9080') }]))[0]!;
    expect(shortName.fix?.en).toContain('--fqdn ratings ');
    // An IP address is no service name: the placeholder stays.
    const byIp = groupFindings(analyzeLogs([{ name: 'a', text: nc('10.96.0.9:9080') }]))[0]!;
    expect(byIp.fix?.en).toContain('--fqdn <fqdn>');
  });
});

describe('TCP connections', () => {
  it('lines repeated by periodic flushing count as one connection', () => {
    const line = '[2024-03-09T14:22:41.105Z] "- - -" 0 - - - "-" 48 0 - - "-" "-" "-" "-" "10.42.3.17:6379" outbound|6379||cache.shop.svc.cluster.local 10.42.1.8:50112 10.96.87.20:6379 10.42.1.8:38806 - -';
    const other = line.replace('38806', '38810').replace('50112', '50116');
    const r = analyzeLogs([{ name: 'a', text: [line, line, line, other].join('\n') }]);
    expect(r.tcp).toEqual({ lines: 4, connections: 2, repeated_lines: 2 });
    expect(r.errors).toBe(0);
  });
});
