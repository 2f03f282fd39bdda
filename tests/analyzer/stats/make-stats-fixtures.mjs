// Regenerates the larger fixtures in tests/fixtures/stats/ (node tests/analyzer/stats/make-stats-fixtures.mjs).
// Deterministic: tokens come from a fixed linear congruential sequence.
import { writeFileSync as write } from 'node:fs';
const writeFileSync = (name, data) => write(new URL(`../../fixtures/stats/${name}`, import.meta.url), data);

let seed = 42;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const hex = (n) => Array.from({ length: n }, () => '0123456789abcdef'[Math.floor(rand() * 16)]).join('');

const istioTags = (reporter, src, dst, code, path) =>
  [
    ['reporter', reporter],
    ['source_workload', src],
    ['source_workload_namespace', 'shop'],
    ['destination_workload', dst],
    ['destination_workload_namespace', 'shop'],
    ['destination_service', `${dst.replace(/-v\d$/, '')}.shop.svc.cluster.local`],
    ['request_protocol', 'http'],
    ['response_code', code],
    ['response_flags', '-'],
    ...(path ? [['request_path', path]] : []),
  ]
    .map(([k, v]) => `${k}=.=${v}`)
    .join(';.;') + ';.;';

// 1. Envoy /stats text: a request_path tag carrying a session token (the envoy-stats-memory chapter).
{
  const lines = [
    'cluster.xds-grpc.upstream_cx_total: 3',
    'cluster_manager.active_clusters: 41',
    'listener_manager.total_listeners_active: 12',
    'server.concurrency: 2',
    'server.memory_allocated: 402653184',
    'server.memory_heap_size: 436207616',
  ];
  for (let i = 0; i < 250; i++) {
    const path = `/api/cart/items?session=${hex(32)}`;
    const tags = istioTags('destination', 'storefront-v1', 'cart-v1', i % 25 === 0 ? '500' : '200', path);
    lines.push(`${tags}_istio_requests_total: ${1 + (i % 3)}`);
    lines.push(`${tags}_istio_request_duration_milliseconds: P0(nan,2.0) P25(nan,3.1) P50(nan,4.0) P75(nan,6.2) P90(nan,9.0) P95(nan,12.0) P99(nan,30.0) P99.5(nan,31.0) P99.9(nan,32.0) P100(nan,33.0)`);
  }
  lines.push(`${istioTags('source', 'storefront-v1', 'pricing-v2', '200', '/api/prices')}_istio_requests_total: 880`);
  lines.push(`${istioTags('source', 'storefront-v1', 'pricing-v2', '503', '/api/prices')}_istio_requests_total: 12`);
  writeFileSync('envoy-stats-request-path.txt', lines.sort().join('\n') + '\n');
}

// 2. An ingress gateway's /stats: 24 workers, 3 of them holding almost every long connection.
{
  const lines = ['server.concurrency: 24', 'listener.0.0.0.0_8443.downstream_cx_active: 1246', 'listener.0.0.0.0_8443.downstream_cx_total: 5310'];
  const busy = { 3: 402, 11: 389, 17: 415 };
  for (let w = 0; w < 24; w++) {
    const active = busy[w] ?? (w % 5);
    lines.push(`listener.0.0.0.0_8443.worker_${w}.downstream_cx_active: ${active}`);
    lines.push(`listener.0.0.0.0_8443.worker_${w}.downstream_cx_total: ${busy[w] ? 1500 + w : 30 + w}`);
  }
  writeFileSync('gateway-workers-stats.txt', lines.join('\n') + '\n');
}

// 3. Envoy /stats/prometheus: request_path carrying order ids, histograms with buckets, balanced workers.
{
  const lines = ['# TYPE envoy_listener_worker_0_downstream_cx_active gauge'];
  for (let w = 0; w < 4; w++) lines.push(`envoy_listener_worker_${w}_downstream_cx_active{listener_address="0.0.0.0_15006"} ${10 + w}`);
  lines.push('# TYPE istio_requests_total counter');
  const base = 'reporter="destination",source_workload="storefront-v1",source_workload_namespace="shop",destination_workload="orders-v1",destination_workload_namespace="shop",destination_service="orders.shop.svc.cluster.local"';
  const paths = Array.from({ length: 40 }, (_, i) => `/orders/${100200 + i * 7}`);
  for (const p of paths) lines.push(`istio_requests_total{${base},response_code="200",request_path="${p}"} 3`);
  lines.push(`istio_requests_total{${base},response_code="404",request_path="/orders/unknown"} 2`);
  lines.push('# TYPE istio_request_duration_milliseconds histogram');
  for (const p of paths) {
    let acc = 0;
    for (const le of ['5', '10', '25', '+Inf']) {
      acc += 1;
      lines.push(`istio_request_duration_milliseconds_bucket{${base},response_code="200",request_path="${p}",le="${le}"} ${Math.min(acc, 3)}`);
    }
    lines.push(`istio_request_duration_milliseconds_sum{${base},response_code="200",request_path="${p}"} 21`);
    lines.push(`istio_request_duration_milliseconds_count{${base},response_code="200",request_path="${p}"} 3`);
  }
  writeFileSync('envoy-stats-prometheus.txt', lines.join('\n') + '\n');
}
