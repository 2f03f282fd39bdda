// Every built-in format, read from fixtures written by hand after the format
// strings in Istio/Envoy (envoy-istio-facts.md §1). Expected values are typed
// from the fixture lines, not copied from the parser's output.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readAccessLog } from '../../../src/analyzer/accesslog/reader.ts';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/accesslog/${name}`, import.meta.url), 'utf8');
const read = (name: string, format?: string) => readAccessLog(fixture(name), format ? { format } : {});

describe('Istio TEXT, current (≥1.9, 22 fields)', () => {
  const { entries, result } = read('istio-current.txt');
  it('is detected and every line is read', () => {
    expect(result.format).toBe('istio-1.23');
    expect(result.entries).toBe(6);
    expect(result.problemCount).toBe(0);
  });
  it('reads a normal HTTP line into the normalized keys', () => {
    expect(entries[0]).toMatchObject({
      line: 1, start_time: '2024-06-11T08:15:02.114Z', method: 'GET', path: '/api/orders?page=2', protocol: 'HTTP/1.1',
      response_code: 200, response_flags: [], response_code_details: 'via_upstream', connection_termination_details: null,
      upstream_transport_failure_reason: null, bytes_received: 0, bytes_sent: 734, duration: 18, upstream_service_time: 16,
      x_forwarded_for: null, user_agent: 'okhttp/4.12.0', request_id: '3f0c9a7e-5b1d-4a44-9d0e-6b2c1f7a8e01',
      authority: 'orders.shop.svc.cluster.local:8080', upstream_host: '10.42.3.17:8080',
      upstream_cluster: 'outbound|8080||orders.shop.svc.cluster.local', upstream_local_address: '10.42.1.9:51234',
      downstream_local_address: '10.96.12.40:8080', downstream_remote_address: '10.42.1.9:40122', requested_server_name: null, route_name: 'default',
    });
  });
  it('splits combined flags and keeps details with braces', () => {
    expect(entries[1]!.response_flags).toEqual(['UF', 'URX']);
    expect(entries[1]!.response_code_details).toBe('upstream_reset_before_response_started{connection_failure,delayed_connect_error:_111}');
    expect(entries[1]!.upstream_transport_failure_reason).toBe('delayed_connect_error:_111');
    expect(entries[1]!.upstream_local_address).toBeNull();
  });
  it('reads a TCP line ("- - -")', () => {
    expect(entries[2]).toMatchObject({ method: null, path: null, protocol: null, response_code: 0, bytes_received: 1204, bytes_sent: 88, duration: 30211, upstream_cluster: 'outbound|5432||pg.db.svc.cluster.local' });
  });
  it('reads IPv6 addresses and a user agent with quotes inside', () => {
    expect(entries[3]).toMatchObject({ user_agent: 'Mozilla/5.0 (X11; Linux) "quoted" agent', request_id: 'b0000000-0000-4000-8000-000000000004', upstream_local_address: '[::6]:42311', downstream_remote_address: '[fd00::9]:51000', requested_server_name: 'outbound_.8080_._.orders.shop.svc.cluster.local' });
  });
  it('reads a request line without protocol', () => {
    expect(entries[4]).toMatchObject({ method: 'GET', path: '/missing', protocol: null, response_code: 404, response_flags: ['NR'], x_forwarded_for: '203.0.113.7' });
  });
  it("drops the trailing ';' that 1.23.0–1.23.3 wrote after a cluster name", () => {
    expect(entries[5]!.upstream_cluster).toBe('outbound|8080||orders.shop.svc.cluster.local');
  });
});

describe('older Istio TEXT formats', () => {
  it('1.8: transport failure reason quoted after flags, no details', () => {
    const { entries, result } = read('istio-1.8.txt');
    expect(result.format).toBe('istio-1.8');
    expect(entries[0]).toMatchObject({ response_code: 503, response_flags: ['UH'], response_code_details: null, upstream_transport_failure_reason: null, bytes_sent: 19, upstream_host: null, upstream_cluster: 'outbound|9080|v3|reviews.default.svc.cluster.local', route_name: 'default' });
  });
  it('1.3–1.7: mixer status and route name', () => {
    const { entries, result } = read('istio-1.5.txt');
    expect(result.format).toBe('istio-1.3');
    expect(entries[1]).toMatchObject({ response_code: 503, response_flags: ['UC'], istio_policy_status: null, bytes_sent: 95, duration: 2, user_agent: 'Envoy/HC', route_name: 'default' });
  });
  it('1.2: mixer status and transport failure reason, no route name', () => {
    const { entries, result } = read('istio-1.2.txt');
    expect(result.format).toBe('istio-1.2');
    expect(entries[0]).toMatchObject({ bytes_sent: 27, upstream_cluster: 'outbound|8000||httpbin.default.svc.cluster.local', downstream_remote_address: '10.1.1.9:40000', route_name: null });
  });
  it('1.1: mixer status only', () => {
    const { entries, result } = read('istio-1.1.txt');
    expect(result.format).toBe('istio-1.1');
    expect(entries[0]).toMatchObject({ response_code: 418, bytes_sent: 135, upstream_service_time: 3, upstream_host: '127.0.0.1:80', upstream_cluster: 'inbound|8000|http|httpbin.default.svc.cluster.local' });
  });
  it("Envoy's default format", () => {
    const { entries, result } = read('envoy-default.txt');
    expect(result.format).toBe('envoy');
    expect(entries[1]).toMatchObject({ protocol: 'HTTP/2', response_code: 503, response_flags: ['UO'], x_forwarded_for: '198.51.100.4', upstream_host: null, upstream_cluster: null });
  });
});

describe('JSON', () => {
  it("Istio's JSON keys, one object per line", () => {
    const { entries, result } = read('istio-json.txt');
    expect(result.format).toBe('json');
    expect(entries[0]).toMatchObject({ response_code: 503, response_flags: ['NC'], response_code_details: 'cluster_not_found', upstream_cluster: null });
    expect(entries[1]).toMatchObject({ response_code: 0, response_flags: [], requested_server_name: 'example.com', upstream_cluster: 'PassthroughCluster' });
  });
  it('other keys are mapped, an app JSON line is skipped', () => {
    const { entries, result } = read('custom-json.txt');
    expect(result.skipped).toBe(1);
    expect(entries[0]).toMatchObject({ line: 2, response_code: 429, response_flags: ['RL'], upstream_cluster: 'outbound|80||quota.svc.cluster.local', request_id: '7a000000-0000-4000-8000-000000000001', start_time: '2024-03-03T03:03:03Z' });
  });
  it('keys of a json_format dictionary given as the format', () => {
    const text = '{"st":"503","f":"UH","c":"outbound|80||a.b.svc.cluster.local"}\n';
    const { entries } = readAccessLog(text, { format: '{"st":"%RESPONSE_CODE%","f":"%RESPONSE_FLAGS%","c":"%UPSTREAM_CLUSTER%"}' });
    expect(entries[0]).toMatchObject({ response_code: 503, response_flags: ['UH'], upstream_cluster: 'outbound|80||a.b.svc.cluster.local' });
  });
  it('a pretty-printed object as pasted in documents', () => {
    const text = '{\n  "response_code": 503,\n  "response_flags": "UC",\n  "upstream_cluster": "outbound|443||dev.example.org"\n}\n';
    const { entries } = readAccessLog(text);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ line: 1, response_code: 503, response_flags: ['UC'] });
  });
});

describe('mixed and damaged input', () => {
  it('kubectl logs output: other lines are skipped, a cut access-log line is reported', () => {
    const { entries, result } = read('mixed.txt');
    expect(entries.map((e) => e.line)).toEqual([5]);
    expect(result.skipped).toBe(4);
    expect(result.problems.map((p) => p.line)).toEqual([6]);
  });
  it('no leading timestamp (lines as quoted in docs)', () => {
    const line = '"- - -" 0 - - - "-" 1204 7311 2045 - "-" "-" "-" "-" "203.0.113.50:443" PassthroughCluster 10.12.4.21:51876 203.0.113.50:443 10.12.4.21:51874 - -';
    const { entries } = readAccessLog(line);
    expect(entries[0]).toMatchObject({ start_time: null, response_code: 0, bytes_received: 1204, bytes_sent: 7311, duration: 2045, upstream_cluster: 'PassthroughCluster', downstream_local_address: '203.0.113.50:443' });
  });
  it('kubectl --timestamps prefix', () => {
    const { entries } = readAccessLog('2024-06-11T08:15:02.114567Z [2024-06-11T08:15:02.114Z] "GET / HTTP/1.1" 200 - via_upstream - "-" 0 1 1 1 "-" "x" "id-1" "a" "1.2.3.4:80" outbound|80||a.b.svc.cluster.local 1.1.1.1:1 2.2.2.2:80 1.1.1.1:2 - default');
    expect(entries[0]).toMatchObject({ start_time: '2024-06-11T08:15:02.114Z', request_id: 'id-1', route_name: 'default' });
  });
  it('an extra trailing field is tolerated', () => {
    const { entries } = readAccessLog('[2024-06-11T08:15:02.114Z] "GET / HTTP/1.1" 200 - via_upstream - "-" 0 1 1 1 "-" "x" "id-2" "a" "1.2.3.4:80" outbound|80||a.b.svc.cluster.local 1.1.1.1:1 2.2.2.2:80 1.1.1.1:2 - default extra-field');
    expect(entries[0]).toMatchObject({ request_id: 'id-2', route_name: 'default' });
  });
});

describe('custom format strings', () => {
  it('reads %REQ(X?Y):N%, %RESP%, %TRAILER%, %START_TIME(fmt)% with spaces, %DYNAMIC_METADATA%, %FILTER_STATE%', () => {
    const fmt = 'time=%START_TIME(%Y-%m-%d %H:%M:%S)% code=%RESPONSE_CODE% flags=%RESPONSE_FLAGS_LONG% path=%REQ(X-ENVOY-ORIGINAL-PATH?:PATH):20% ct=%RESP(CONTENT-TYPE)% gs=%TRAILER(GRPC-STATUS)% peer=%FILTER_STATE(wasm.upstream_peer:PLAIN)% md=[%DYNAMIC_METADATA(envoy.filters.http.rbac:shadow_effective_policy_id)%] trace=%REQ(X-B3-TRACEID)%\n';
    const line = 'time=2024-05-06 07:08:09 code=503 flags=UpstreamConnectionFailure,UpstreamRetryLimitExceeded path=/v1/very/long/path/t ct=text/plain gs=- peer=reviews-v2 md=[ns[prod]-policy[deny-all]-rule[0]] trace=80f198ee56343ba864fe8b2a57d3eff7';
    const { entries, result } = readAccessLog(line, { format: fmt });
    expect(result.problemCount).toBe(0);
    expect(entries[0]).toMatchObject({
      start_time: '2024-05-06 07:08:09', response_code: 503, response_flags: ['UF', 'URX'], path: '/v1/very/long/path/t', resp_content_type: 'text/plain', trailer_grpc_status: null,
      'filter_state(wasm.upstream_peer:plain)': 'reviews-v2', 'dynamic_metadata(envoy.filters.http.rbac:shadow_effective_policy_id)': 'ns[prod]-policy[deny-all]-rule[0]', x_b3_traceid: '80f198ee56343ba864fe8b2a57d3eff7',
    });
  });
  it('lines that do not start like the format are skipped, not errors', () => {
    const { result } = readAccessLog('hello world\ncode=200\n', { format: 'code=%RESPONSE_CODE%' });
    expect(result.entries).toBe(1);
    expect(result.skipped).toBe(1);
  });
});
