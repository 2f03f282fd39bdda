import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  bucketQuantile,
  cardinalityFindings,
  explodingLabels,
  istiodMetrics,
  istiodFindings,
  istioRequests,
  parseEnvoyText,
  parsePrometheus,
  splitIstioTags,
  statsAnalyzer,
  toSeries,
  workerStats,
  isImbalanced,
  parseStats,
  BYTES_PER_SERIES,
} from '../../../src/analyzer/stats/index.ts';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/stats/${name}`, import.meta.url), 'utf8');
const input = (name: string) => {
  const text = fixture(name);
  return { name, text, bytes: new TextEncoder().encode(text) };
};

describe('Prometheus text', () => {
  it('reads labels with escapes and folds histogram lines into one series per label set', () => {
    const text = [
      '# TYPE rq histogram',
      'rq_bucket{path="/a\\"b",le="1"} 1',
      'rq_bucket{path="/a\\"b",le="+Inf"} 2',
      'rq_sum{path="/a\\"b"} 1.5',
      'rq_count{path="/a\\"b"} 2',
      'rq_bucket{path="/c",le="1"} 0',
      'rq_bucket{path="/c",le="+Inf"} 7',
      'rq_count{path="/c"} 7',
    ].join('\n');
    const series = toSeries(parsePrometheus(text));
    expect(series).toHaveLength(2);
    expect(series.map((s) => [s.metric, s.labels.path, s.value])).toEqual([
      ['rq', '/a"b', 2],
      ['rq', '/c', 7],
    ]);
  });

  it('keeps the readable lines of a malformed file and names the bad ones by line', () => {
    const parsed = parsePrometheus(fixture('prometheus-malformed.txt'));
    expect(parsed.samples.map((s) => s.line)).toEqual([2, 5]);
    expect(parsed.problems.map((p) => p.line)).toEqual([3, 4]);
    expect(parsed.problems[1]!.message).toContain('"lots" is not a number');
  });
});

describe('Envoy /stats text', () => {
  it('splits the tags Istio writes into the stat name', () => {
    const r = splitIstioTags('reporter=.=source;.;source_workload=.=web;.;response_code=.=503;.;_istio_requests_total');
    expect(r).toEqual({ name: 'istio_requests_total', labels: { reporter: 'source', source_workload: 'web', response_code: '503' } });
  });

  it('reads histograms as series without a value', () => {
    const p = parseEnvoyText('cluster.x.upstream_cx_length_ms: P0(nan,1.0) P25(nan,2.0)\nserver.live: 1\nhttp.x.rq: No recorded values\n');
    expect(p.samples.map((s) => [s.name, s.value])).toEqual([
      ['cluster.x.upstream_cx_length_ms', null],
      ['server.live', 1],
      ['http.x.rq', null],
    ]);
  });
});

describe('exploding labels', () => {
  it('finds request_path with its series count and memory estimate (Envoy text)', () => {
    const parsed = parseStats(fixture('envoy-stats-request-path.txt'));
    if ('error' in parsed) throw new Error(parsed.error);
    const series = toSeries(parsed);
    const found = explodingLabels(series);
    expect(found.map((e) => [e.metric, e.label, e.distinct, e.series, e.seriesWithoutLabel])).toEqual([
      ['istio_requests_total', 'request_path', 251, 252, 4],
      ['istio_request_duration_milliseconds', 'request_path', 250, 250, 2],
    ]);
    // 496 extra series at 120 B, plus the distinct values: 250 × 56 chars + "/api/prices" for the counter, 250 × 56 for the histogram.
    expect(BYTES_PER_SERIES).toBe(120);
    expect(found[0]!.estimatedBytes + found[1]!.estimatedBytes).toBe(496 * 120 + 250 * 56 + 11 + 250 * 56);
    const findings = cardinalityFindings(series, 'x.txt');
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ code: 'OPS401', severity: 'warning', chapter: 'common-problem/envoy-stats-memory', file: 'x.txt' });
    expect(findings[0]!.message.en).toContain('request_path');
    expect(findings[0]!.message.zh).toContain('request_path');
  });

  it('flags 41 order-id paths (IDs) but not 30 plain service names', () => {
    const parsed = parseStats(fixture('envoy-stats-prometheus.txt'));
    if ('error' in parsed) throw new Error(parsed.error);
    expect(explodingLabels(toSeries(parsed)).map((e) => [e.metric, e.label, e.distinct])).toEqual([
      ['istio_requests_total', 'request_path', 41],
      ['istio_request_duration_milliseconds', 'request_path', 40],
    ]);
    const names = Array.from({ length: 30 }, (_, i) => `m{destination_service="svc-${String.fromCharCode(97 + (i % 26))}${i >= 26 ? 'x' : ''}"} 1`).join('\n');
    expect(explodingLabels(toSeries(parsePrometheus(names)))).toEqual([]);
  });
});

describe('Istio request metrics', () => {
  it('sums istio_requests_total by reporter, source, destination and code', () => {
    const parsed = parseStats(fixture('envoy-stats-request-path.txt'));
    if ('error' in parsed) throw new Error(parsed.error);
    const edges = istioRequests(toSeries(parsed));
    expect(edges.find((e) => e.reporter === 'source')).toEqual({ reporter: 'source', source: 'storefront-v1.shop', destination: 'pricing.shop.svc.cluster.local', codes: { '200': 880, '503': 12 }, total: 892 });
    // destination side: 250 series, values 1,2,3 repeating (sum 499), every 25th a 500 (10 series)
    const dest = edges.find((e) => e.reporter === 'destination')!;
    expect(dest.total).toBe(499);
  });
});

describe('worker imbalance', () => {
  it('sees 3 of 24 gateway workers holding the connections', () => {
    const parsed = parseStats(fixture('gateway-workers-stats.txt'));
    if ('error' in parsed) throw new Error(parsed.error);
    const [l] = workerStats(toSeries(parsed));
    expect(l!.listener).toBe('0.0.0.0_8443');
    expect(l!.bars).toHaveLength(24);
    expect(l!.bars[17]).toEqual({ worker: 17, active: 415, total: 1517 });
    expect(l!.sum).toBe(1246);
    expect(l!.workersFor80).toBe(3);
    expect(isImbalanced(l!)).toBe(true);
  });

  it('reads Prometheus per-worker gauges and finds 10..13 balanced', () => {
    const parsed = parseStats(fixture('envoy-stats-prometheus.txt'));
    if ('error' in parsed) throw new Error(parsed.error);
    const [l] = workerStats(toSeries(parsed));
    expect(l!.bars.map((b) => b.active)).toEqual([10, 11, 12, 13]);
    expect(isImbalanced(l!)).toBe(false);
  });

  it('reports the imbalance through the analyzer', async () => {
    const r = await statsAnalyzer.analyze(input('gateway-workers-stats.txt'));
    expect(r.findings.map((f) => [f.code, f.chapter, f.line])).toEqual([['OPS402', 'common-problem/unbalanced-workers', 4]]);
    expect(r.summary!.join('\n')).toContain('worker_17');
  });
});

describe('istiod metrics', () => {
  it('quantiles from buckets interpolate like histogram_quantile', () => {
    const b = [
      { le: 1, count: 50 },
      { le: 3, count: 100 },
      { le: Infinity, count: 100 },
    ];
    expect(bucketQuantile(0.5, b)).toBe(1);
    expect(bucketQuantile(0.75, b)).toBe(2);
    expect(bucketQuantile(0.5, [])).toBeNull();
  });

  it('finds the rejected Gateway and summarizes proxies and push times', () => {
    const m = istiodMetrics(parsePrometheus(fixture('istiod-metrics.txt')));
    expect(m.proxies).toEqual({ '1.20.3': 57, '1.19.7': 4 });
    expect(m.rejected).toEqual([{ type: 'gateway', name: 'shop/storefront-tls', count: 6, line: 14 }]);
    const conv = m.histograms.find((h) => h.metric === 'pilot_proxy_convergence_time')!;
    expect([conv.count, conv.p50, conv.p99]).toEqual([1000, 0.1, 5]);
    const push = m.histograms.find((h) => h.metric === 'pilot_xds_push_time')!;
    expect(push.p50).toBeCloseTo((0.01 * 915) / 1200, 6);
    const f = istiodFindings(m, 'm.txt');
    expect(f.map((x) => [x.code, x.severity, x.resource, x.chapter])).toEqual([['OPS403', 'error', 'Gateway shop/storefront-tls', 'common-problem/duplicate-tls-hosts']]);
  });

  it('reports slow convergence, send errors and NACKs', () => {
    const text = [
      '# TYPE pilot_proxy_convergence_time histogram',
      'pilot_proxy_convergence_time_bucket{le="10"} 90',
      'pilot_proxy_convergence_time_bucket{le="20"} 100',
      'pilot_proxy_convergence_time_bucket{le="+Inf"} 100',
      'pilot_proxy_convergence_time_count 100',
      'pilot_xds_pushes{type="lds_senderr"} 3',
      'pilot_total_xds_rejects{type="lds"} 2',
    ].join('\n');
    const codes = istiodFindings(istiodMetrics(parsePrometheus(text)), 'x').map((f) => f.code).sort();
    expect(codes).toEqual(['OPS404', 'OPS405', 'OPS406']);
  });
});

describe('stats analyzer inputs', () => {
  it('gives a clear error for truncated JSON and for text that is not stats', async () => {
    const r = await statsAnalyzer.analyze(input('envoy-stats-truncated.json'));
    expect(r.error).toMatch(/envoy-stats-truncated.json: Envoy \/stats JSON does not parse/);
    const r2 = await statsAnalyzer.analyze({ name: 'x.txt', text: 'hello world\nnothing here\n', bytes: new Uint8Array() });
    expect(r2.error).toContain('neither Prometheus text');
  });

  it('reads the JSON form', async () => {
    const text = JSON.stringify({ stats: [{ name: 'listener.0.0.0.0_15001.worker_0.downstream_cx_active', value: 9 }, { name: 'server.live', value: 1 }, { histograms: { computed_quantiles: [{ name: 'cluster.a.upstream_rq_time' }] } }] });
    const r = await statsAnalyzer.analyze({ name: 's.json', text, bytes: new TextEncoder().encode(text) });
    expect(r.error).toBeUndefined();
    expect(r.summary![0]).toContain('envoy-json — 3 series');
  });
});
