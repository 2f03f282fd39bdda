// Every sample input of issue 6 is picked up by `opslab analyze` through the registry.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectAnalyzer } from '../../../src/analyzer/registry.ts';

const cases: Array<[string, string]> = [
  ['stats/envoy-stats-request-path.txt', 'stats'],
  ['stats/envoy-stats-prometheus.txt', 'stats'],
  ['stats/gateway-workers-stats.txt', 'stats'],
  ['stats/istiod-metrics.txt', 'stats'],
  ['stats/prometheus-malformed.txt', 'stats'],
  ['stats/envoy-stats-truncated.json', 'stats'],
  ['stats/envoy-memory.json', 'envoy-memory'],
  ['stats/syncz.json', 'istiod-debug'],
  ['profiles/envoy-heap.pb.gz', 'profile'],
  ['profiles/istiod-cpu.pb.gz', 'profile'],
  ['profiles/envoy-heap-truncated.pb.gz', 'profile'],
  ['profiles/envoy.prof.0001.heap', 'profile'],
  ['traces/zipkin-split-request.json', 'trace'],
  ['traces/zipkin-healthy.json', 'trace'],
  ['traces/jaeger-kafka-consumer.json', 'trace'],
  ['traces/jaeger-truncated.json', 'trace'],
  ['sockets/ss-tnpo-no-keepalive.txt', 'sockets'],
  ['sockets/ss-state-established.txt', 'sockets'],
];

describe('detection', () => {
  it.each(cases)('%s is detected as %s', (file, kind) => {
    const bytes = new Uint8Array(readFileSync(new URL(`../../fixtures/${file}`, import.meta.url)));
    const head = new TextDecoder().decode(bytes.subarray(0, 64 * 1024));
    expect(detectAnalyzer({ name: `tests/fixtures/${file}`, head, bytes })?.kind).toBe(kind);
  });
});
