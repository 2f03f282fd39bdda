// Properties: what we render with a format string reads back as the same
// entry; random and mutated lines never throw; long hostile lines stay fast.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emptyEntry, type AccessLogEntry } from '../../../src/analyzer/accesslog/entry.ts';
import { compileFormat } from '../../../src/analyzer/accesslog/format.ts';
import { BUILTIN_FORMATS } from '../../../src/analyzer/accesslog/formats.ts';
import { readAccessLog } from '../../../src/analyzer/accesslog/reader.ts';
import { renderEntry } from '../../../src/analyzer/accesslog/render.ts';
import { TextScanner } from '../../../src/analyzer/accesslog/scan.ts';
import { entry } from './arbitraries.ts';

/** What the format can carry: keys it does not log stay null. */
function project(e: Record<string, unknown>, keys: Set<string>): AccessLogEntry {
  const out = emptyEntry();
  for (const k of keys) out[k] = e[k] ?? null;
  return out;
}

describe('render → parse round trip', () => {
  for (const f of [BUILTIN_FORMATS[0]!, BUILTIN_FORMATS[2]!, BUILTIN_FORMATS[3]!, BUILTIN_FORMATS[6]!]) {
    it(`${f.id}: random entries read back unchanged`, () => {
      const fmt = compileFormat(f.source, f.id);
      const keys = new Set(fmt.ops.map((o) => o.key));
      fc.assert(
        fc.property(entry, (raw) => {
          // Envoy writes "- - -" for all three parts or a full request line; keep to that.
          const e = raw.method === null ? { ...raw, path: null, protocol: null } : { ...raw, path: raw.path ?? '/', protocol: raw.protocol ?? 'HTTP/1.1' };
          const line = renderEntry(e as unknown as AccessLogEntry, fmt);
          const { entries, result } = readAccessLog(line, { format: f.source });
          expect(result.problemCount).toBe(0);
          const { line: _n, ...got } = entries[0]!;
          expect(got).toEqual(project(e, keys));
        }),
        { numRuns: 300 },
      );
    });
  }

  it('a custom format with literal text and %REQ(X?Y):N% reads back', () => {
    const source = 'ts=%START_TIME% st=%RESPONSE_CODE% fl=%RESPONSE_FLAGS% "%REQ(USER-AGENT)%" id=%REQ(X-REQUEST-ID):64% up=%UPSTREAM_HOST% end';
    const fmt = compileFormat(source);
    fc.assert(
      fc.property(entry, (e) => {
        const line = renderEntry(e as unknown as AccessLogEntry, fmt);
        const { entries } = readAccessLog(line, { format: source });
        expect(entries[0]).toMatchObject({ start_time: e.start_time, response_code: e.response_code, response_flags: e.response_flags, user_agent: e.user_agent, request_id: e.request_id, upstream_host: e.upstream_host });
      }),
      { numRuns: 300 },
    );
  });
});

describe('robustness', () => {
  const sample = '[2024-06-11T08:15:02.114Z] "GET /api HTTP/1.1" 503 UF,URX upstream_reset_before_response_started{connection_failure} - "-" 0 91 61 - "-" "Go" "id" "a:80" "10.0.0.1:80" outbound|80||a.b.svc.cluster.local 10.0.0.2:1 10.96.0.1:80 10.0.0.2:2 - default';
  it('random text never throws', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (s) => {
        const { result } = readAccessLog(s);
        expect(result.entries + result.skipped + result.problemCount).toBeLessThanOrEqual(result.lines);
      }),
      { numRuns: 500 },
    );
  });
  it('mutated access-log lines never throw', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(sample.length), fc.nat(5), fc.string({ maxLength: 4 })), { maxLength: 6 }), (edits) => {
        let s = sample;
        for (const [at, del, ins] of edits) s = s.slice(0, at) + ins + s.slice(at + del);
        const { result } = readAccessLog(s + '\n' + s.replace(/"/g, ''));
        expect(result.entries + result.problemCount + result.skipped).toBe(2);
      }),
      { numRuns: 500 },
    );
  });
  it('a pathological 2 MB line is read in linear time', () => {
    const lines = ['[2' + '0] "'.repeat(500_000), '"' + 'GET '.repeat(500_000), '{' + '"a":'.repeat(500_000), sample.replace('"Go"', '"' + '" '.repeat(500_000) + '"')];
    for (const l of lines) {
      const t0 = performance.now();
      readAccessLog(l);
      // Generous bound: a quadratic scan of 2 MB would take minutes.
      expect(performance.now() - t0).toBeLessThan(3000);
    }
  });
});
