import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildTraces, parseTraces, propagationFindings, traceAnalyzer, waterfall } from '../../../src/analyzer/traces/index.ts';

const text = (name: string) => readFileSync(new URL(`../../fixtures/traces/${name}`, import.meta.url), 'utf8');
const traces = (name: string) => {
  const parsed = parseTraces(JSON.parse(text(name)));
  if (!parsed) throw new Error('not a trace');
  return { parsed, traces: buildTraces(parsed.spans) };
};
const analyze = (name: string) => traceAnalyzer.analyze({ name, text: text(name), bytes: new Uint8Array() });

describe('trace trees', () => {
  it('builds a Zipkin tree and its waterfall offsets', () => {
    const { parsed, traces: [t] } = traces('zipkin-healthy.json');
    expect(parsed.format).toBe('zipkin');
    expect(waterfall(t!).map((r) => [r.depth, r.service, r.offset, r.duration])).toEqual([
      [0, 'storefront.shop', 0, 90000],
      [1, 'storefront.shop', 5000, 40000],
      [2, 'cart.shop', 6000, 38000],
    ]);
  });

  it('puts the server half of a shared Zipkin span under its client half', () => {
    const { traces: list } = traces('zipkin-split-request.json');
    const t = list.find((x) => x.traceId.endsWith('e457b5a2e4d86bd1'))!;
    expect(t.roots).toHaveLength(1);
    expect(t.roots[0]!.span.kind).toBe('CLIENT');
    expect(t.roots[0]!.children.map((c) => c.span.service)).toEqual(['cart.shop']);
  });

  it('keeps FOLLOWS_FROM and marks orphans in Jaeger traces', () => {
    const { parsed, traces: list } = traces('jaeger-kafka-consumer.json');
    expect(parsed.format).toBe('jaeger');
    const rows = waterfall(list[0]!);
    expect(rows.find((r) => r.name === 'From_orders')).toMatchObject({ refType: 'FOLLOWS_FROM', depth: 2, service: 'order-worker' });
    expect(rows.find((r) => r.name === 'audit.write')).toMatchObject({ orphan: true, depth: 0 });
  });
});

describe('propagation findings', () => {
  it('a healthy trace has none', async () => {
    expect((await analyze('zipkin-healthy.json')).findings).toEqual([]);
  });

  it('one x-request-id over two traces, and a call started during another trace', async () => {
    const r = await analyze('zipkin-split-request.json');
    expect(r.findings.map((f) => [f.code, f.chapter, f.path])).toEqual([
      ['OPS601', 'best-practice/method-level-tracing', '[2]'],
      ['OPS604', 'best-practice/method-level-tracing', '[4]'],
    ]);
    expect(r.findings[0]!.message.en).toContain('0c1f5e0a-2b44-4a8e-9d1e-3f5b7c9a1d20');
    expect(r.findings[1]!.message.en).toContain('9c5d2e1f0a3b4c6d');
  });

  it('an orphan span and a consumer not linked to its REST call', async () => {
    const r = await analyze('jaeger-kafka-consumer.json');
    expect(r.findings.map((f) => [f.code, f.path])).toEqual([
      ['OPS602', 'data[0].spans[3]'],
      ['OPS603', 'data[0].spans[2]'],
    ]);
    expect(r.findings[1]!.chapter).toBe('best-practice/async-message-tracing');
    // the call starts 32.5 ms after the trace, the consumer span ends at 30.8 ms
    expect(r.findings[1]!.message.en).toContain('1.7ms after');
  });

  it('a consumer whose handler call is far later is not linked to it', () => {
    const doc = JSON.parse(text('jaeger-kafka-consumer.json'));
    doc.data[1].spans[0].startTime += 5_000_000;
    const parsed = parseTraces(doc)!;
    expect(propagationFindings(buildTraces(parsed.spans), 'x').map((f) => f.code)).toEqual(['OPS602']);
  });
});

describe('unreadable traces', () => {
  it('truncated JSON, spans without ids, and unknown JSON give clear errors', async () => {
    expect((await analyze('jaeger-truncated.json')).error).toMatch(/trace JSON does not parse/);
    expect((await analyze('zipkin-no-ids.json')).error).toMatch(/neither Zipkin v2 spans nor Jaeger/);
    const r = await traceAnalyzer.analyze({ name: 'j.json', text: '{"data":[{"traceID":"1","spans":[{"spanID":"2"}]}]}', bytes: new Uint8Array() });
    expect(r.error).toMatch(/no readable span \(data\[0\]\.spans\[0\]: span without traceID or spanID\)/);
  });
});
