// Guide chapter tcp-keepalive (seed 003, "长连接未开启 tcp keepalive"): a middlebox
// forgets an idle connection without a FIN, the next reuse meets a RST; TCP
// keepalive probes sent before the middlebox's idle timeout keep the connection
// alive. Envoy reports the reset before a response as 503 UC
// upstream_reset_before_response_started{connection_termination} (access-log
// docs); Istio's default retry policy does not retry it. keepalive_time unset
// means the kernel default of 7200s (tcp(7) tcp_keepalive_time).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Mesh } from '../../src/mesh/index.ts';
import { readConfigDump } from '../../src/analyzer/configdump/model.ts';

const dir = 'tests/fixtures/mesh/tcp-keepalive';
const dr = (ka: string) => `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: ledger-keepalive, namespace: shop}
spec:
  host: ledger.billing.internal
  trafficPolicy:
    connectionPool:
      tcp:
        tcpKeepalive: ${ka}
`;
function run(extra: string | null, gapMs: number): (number | null)[] {
  const files = readdirSync(dir).sort().map((n) => ({ name: n, text: readFileSync(join(dir, n), 'utf8') }));
  if (extra) files.push({ name: 'dr.yaml', text: extra });
  const m = new Mesh(files, 1);
  m.sim.gapMs = gapMs;
  const from = m.pod('shop/web')!;
  return [1, 2, 3].map(() => m.curl(from, ['curl', '-s', 'http://ledger.billing.internal/balance']).outcome!.client.status);
}

describe('tcp-keepalive: a load balancer drops connections idle for 900s', () => {
  it('reused after 20 minutes idle: 503 UC, the first request (new connection) is fine', () => {
    expect(run(null, 20 * 60_000)).toEqual([200, 503, 503]);
  });
  it('reused after 5 minutes: still alive', () => {
    expect(run(null, 5 * 60_000)).toEqual([200, 200, 200]);
  });
  it('fix: tcpKeepalive time 300s < 900s keeps the connection alive', () => {
    expect(run(dr('{time: 300s, interval: 30s, probes: 4}'), 20 * 60_000)).toEqual([200, 200, 200]);
  });
  it('keepalive on but without time: the kernel waits 7200s, too late for a 900s timeout', () => {
    expect(run(dr('{probes: 4}'), 20 * 60_000)).toEqual([200, 503, 503]);
  });
  it('the reset request went out on the pooled connection (same local port); the next one opens a new connection', () => {
    const files = readdirSync(dir).sort().map((n) => ({ name: n, text: readFileSync(join(dir, n), 'utf8') }));
    const m = new Mesh(files, 1);
    m.sim.gapMs = 20 * 60_000;
    const from = m.pod('shop/web')!;
    const local = [1, 2, 3].map(() => m.curl(from, ['curl', '-s', 'http://ledger.billing.internal/balance']).outcome!.hops[0]!.entry.upstream_local_address);
    expect(local[1]).toBe(local[0]);
    expect(local[2]).not.toBe(local[1]);
  });
  it("the cluster carries the DestinationRule's tcpKeepalive and connectTimeout (mesh default connect timeout 10s)", () => {
    const cluster = (extra: string | null) => {
      const files = readdirSync(dir).sort().map((n) => ({ name: n, text: readFileSync(join(dir, n), 'utf8') }));
      if (extra) files.push({ name: 'dr.yaml', text: extra });
      const m = new Mesh(files, 1);
      return readConfigDump(JSON.stringify(m.configDump(m.pod('shop/web')!))).clusters.find((c) => c.name === 'outbound|80||ledger.billing.internal')!.value;
    };
    expect(cluster(null).connect_timeout).toBe('10s');
    expect(cluster(null).upstream_connection_options).toBeUndefined();
    const withKa = cluster(dr('{time: 300s, interval: 30s, probes: 4}').replace('      tcp:\n', '      tcp:\n        connectTimeout: 5s\n'));
    expect(withKa.connect_timeout).toBe('5s');
    expect(withKa.upstream_connection_options).toEqual({ tcp_keepalive: { keepalive_probes: 4, keepalive_time: 300, keepalive_interval: 30 } });
  });
});
