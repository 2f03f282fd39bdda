// DestinationRule outlierDetection: what istiod writes into the cluster (Istio
// cluster_traffic_policy.go applyOutlierDetection; field names of Envoy's
// envoy.config.cluster.v3.OutlierDetection), read back by the config-dump
// analyzer, and how the client sidecar's detector changes where requests go
// (Envoy arch overview "Outlier detection": inline ejection on consecutive 5xx,
// ejection time = base × times ejected, return at an interval sweep; the
// max_ejection_percent rule of envoyproxy/envoy#27909 for Istio 1.22+; istiod's
// panic threshold = minHealthPercent, default 0 = no panic → 503 UH).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readConfigDump } from '../../src/analyzer/configdump/model.ts';
import { outlierDetection } from '../../src/analyzer/configdump/outlier.ts';
import { Mesh } from '../../src/mesh/index.ts';
import { istiod, mesh } from './fixtures.ts';

const DR = (od: string, subsets = '') => `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: catalog, namespace: demo}
spec:
  host: catalog
  trafficPolicy:
    outlierDetection: ${od}
${subsets}`;

function cluster(m: Mesh, name: string): Record<string, unknown> {
  const dump = readConfigDump(JSON.stringify(m.configDump(m.pod('demo/toolbox')!)));
  expect(dump.problems).toEqual([]);
  return dump.clusters.find((c) => c.name === name)!.value;
}

describe('outlierDetection in the derived cluster and the config dump', () => {
  it('consecutive5xxErrors, interval, baseEjectionTime, maxEjectionPercent → Envoy fields, read back with Envoy defaults', () => {
    const c = cluster(mesh(DR('{consecutive5xxErrors: 3, interval: 10s, baseEjectionTime: 30s, maxEjectionPercent: 50}')), 'outbound|5000||catalog.demo.svc.cluster.local');
    expect(c.outlier_detection).toEqual({ consecutive_5xx: 3, interval: '10s', base_ejection_time: '30s', max_ejection_percent: 50, enforcing_consecutive_5xx: 100, enforcing_success_rate: 0 });
    // istiod sets the panic threshold to minHealthPercent even when it is 0 (proto JSON omits the zero).
    expect(c.common_lb_config).toEqual({ healthy_panic_threshold: {} });
    expect(outlierDetection(c)).toEqual({ consecutive5xx: 3, enforcingConsecutive5xx: 100, consecutiveGatewayFailure: 5, enforcingConsecutiveGatewayFailure: 0, intervalMs: 10_000, baseEjectionTimeMs: 30_000, maxEjectionPercent: 50, healthyPanicThresholdPercent: 0 });
  });

  it('a subset policy replaces the top-level one; consecutiveGatewayErrors turns the gateway detector on', () => {
    const m = mesh(DR('{consecutive5xxErrors: 3}', `  subsets:
  - name: v1
    labels: {version: v1}
    trafficPolicy:
      outlierDetection: {consecutiveGatewayErrors: 2, minHealthPercent: 30}`));
    const v1 = cluster(m, 'outbound|5000|v1|catalog.demo.svc.cluster.local');
    expect(v1.outlier_detection).toEqual({ enforcing_success_rate: 0, consecutive_gateway_failure: 2, enforcing_consecutive_gateway_failure: 100 });
    expect(outlierDetection(v1)).toMatchObject({ consecutive5xx: 5, enforcingConsecutive5xx: 100, consecutiveGatewayFailure: 2, enforcingConsecutiveGatewayFailure: 100, maxEjectionPercent: 10, healthyPanicThresholdPercent: 30 });
    expect(outlierDetection(cluster(m, 'outbound|5000||catalog.demo.svc.cluster.local'))).toMatchObject({ consecutive5xx: 3 });
  });

  it('the deprecated consecutiveErrors counts gateway errors only', () => {
    const c = cluster(mesh(DR('{consecutiveErrors: 4}')), 'outbound|5000||catalog.demo.svc.cluster.local');
    expect(c.outlier_detection).toEqual({ enforcing_consecutive_5xx: 0, enforcing_success_rate: 0, consecutive_gateway_failure: 4, enforcing_consecutive_gateway_failure: 100 });
  });

  it('a cluster without outlierDetection has none', () => {
    expect(outlierDetection(cluster(mesh(''), 'outbound|5000||catalog.demo.svc.cluster.local'))).toBeNull();
  });
});

/** Status of each of `n` requests, one second apart. */
function statuses(m: Mesh, n: number, path = '/'): (number | null)[] {
  const from = m.pod('demo/toolbox')!;
  return Array.from({ length: n }, () => m.curl(from, ['curl', '-s', `http://catalog:5000${path}`]).outcome!.client.status);
}

describe('requests with outlier detection (one pod that always answers 500)', () => {
  it('maxEjectionPercent 100: two 500s eject the only host, then 503 UH no_healthy_upstream', () => {
    const m = mesh(DR('{consecutive5xxErrors: 2, interval: 10s, baseEjectionTime: 30s, maxEjectionPercent: 100}'));
    expect(statuses(m, 4, '/boom')).toEqual([500, 500, 503, 503]);
    const last = m.curl(m.pod('demo/toolbox')!, ['curl', '-s', 'http://catalog:5000/boom']).outcome!;
    expect(last.client.body).toBe('no healthy upstream');
    expect(last.hops).toHaveLength(1);
    expect(last.hops[0]!.entry.response_flags).toEqual(['UH']);
    expect(last.hops[0]!.entry.response_code_details).toBe('no_healthy_upstream');
  });

  it('the host is back after baseEjectionTime, at the next interval sweep', () => {
    const m = mesh(DR('{consecutive5xxErrors: 2, interval: 10s, baseEjectionTime: 30s, maxEjectionPercent: 100}'));
    // Ejected at ~1s (second request) for 30s → back at the 40s sweep: requests at ~2s…39s get UH.
    const s = statuses(m, 45, '/boom');
    expect(s.slice(0, 2)).toEqual([500, 500]);
    expect(s.slice(2, 40).every((x) => x === 503)).toBe(true);
    expect(s[40]).toBe(500);
  });

  it('minHealthPercent 50: with no usable host the balancer panics and still sends to the ejected one', () => {
    const m = mesh(DR('{consecutive5xxErrors: 2, maxEjectionPercent: 100, minHealthPercent: 50}'));
    expect(statuses(m, 4, '/boom')).toEqual([500, 500, 500, 500]);
  });

  it('default maxEjectionPercent (10%): Istio 1.24 never ejects one host of one; Istio 1.17 always ejects the first', () => {
    expect(statuses(mesh(DR('{consecutive5xxErrors: 2}')), 4, '/boom')).toEqual([500, 500, 500, 500]);
    expect(statuses(mesh(DR('{consecutive5xxErrors: 2}') + istiod('1.17.2')), 4, '/boom')).toEqual([500, 500, 503, 503]);
  });

  it('a 2xx between errors resets the count', () => {
    const m = mesh(DR('{consecutive5xxErrors: 2, maxEjectionPercent: 100}'));
    const from = m.pod('demo/toolbox')!;
    const seq = ['/boom', '/', '/boom', '/', '/boom'].map((p) => m.curl(from, ['curl', '-s', `http://catalog:5000${p}`]).outcome!.client.status);
    expect(seq).toEqual([500, 200, 500, 200, 500]);
  });
});

describe('scenario outlier-ejection: 2 good pods, 1 canary answering 500, consecutive5xxErrors 3', () => {
  const dir = 'tests/fixtures/mesh/outlier-ejection';
  const files = () => readdirSync(dir).sort().map((n) => ({ name: n, text: readFileSync(join(dir, n), 'utf8') }));
  const run = (m: Mesh, n: number) => Array.from({ length: n }, () => m.curl(m.pod('shop/web')!, ['curl', '-s', 'http://orders:8080/']).outcome!);

  it('as shipped (maxEjectionPercent 10%): 1 of 3 is 33% > 10%, never ejected, a third of requests fail', () => {
    const out = run(new Mesh(files(), 1), 12);
    expect(out.filter((o) => o.client.status === 500)).toHaveLength(4);
    expect(out.flatMap((o) => o.hops[0]!.path).some((p) => p.name.endsWith('not ejected'))).toBe(true);
  });

  it('fixed (maxEjectionPercent 50): after 3 errors the canary is out, the next 30s all succeed', () => {
    const fixed = files().map((f) => (f.name === 'orders-dr.yaml' ? { ...f, text: f.text.replace('baseEjectionTime: 30s', 'baseEjectionTime: 30s\n      maxEjectionPercent: 50') } : f));
    const m = new Mesh(fixed, 1);
    const canary = m.pod('shop/orders-canary')!;
    const out = run(m, 30);
    const failed = out.map((o, i) => (o.client.status === 500 ? i : -1)).filter((i) => i >= 0);
    expect(failed).toHaveLength(3);
    expect(out.slice(failed[2]! + 1).every((o) => o.client.status === 200)).toBe(true);
    expect(out[failed[2]!]!.hops[0]!.path.some((p) => p.name === `outlier detection: ${canary.ip}:8080 ejected`)).toBe(true);
  });

  it('same seed, same bytes', () => {
    const a = run(new Mesh(files(), 7), 10).map((o) => o.hops.map((h) => h.log).join('\n')).join('\n');
    const b = run(new Mesh(files(), 7), 10).map((o) => o.hops.map((h) => h.log).join('\n')).join('\n');
    expect(a).toBe(b);
  });
});
