// The fast paths must not change a single value:
//  - the generated scanner against the interpreted one,
//  - a line scanned in place inside a larger text against the line alone,
//  - the reader scanning chunks in place against the reader fed line by line,
//  - bytes cut into chunks anywhere (inside UTF-8 characters too) against the whole text.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AccessLogEntry } from '../../../src/analyzer/accesslog/entry.ts';
import { compileFormat } from '../../../src/analyzer/accesslog/format.ts';
import { BUILTIN_FORMATS } from '../../../src/analyzer/accesslog/formats.ts';
import { AccessLogReader, readAccessLog } from '../../../src/analyzer/accesslog/reader.ts';
import { renderEntry } from '../../../src/analyzer/accesslog/render.ts';
import { TextScanner } from '../../../src/analyzer/accesslog/scan.ts';
import { decodeLines } from '../../../src/cli/commands/logs.ts';
import { entry } from './arbitraries.ts';

const FIXTURES = ['envoy-default.txt', 'flags.txt', 'istio-1.1.txt', 'istio-1.2.txt', 'istio-1.5.txt', 'istio-1.8.txt', 'istio-current.txt', 'mixed.txt', 'istio-json.txt', 'custom-json.txt'];
const fixture = (name: string) => readFileSync(new URL(`../../fixtures/accesslog/${name}`, import.meta.url), 'utf8');
const fixtureLines = FIXTURES.flatMap((f) => fixture(f).split('\n'));

const CUSTOM = 'ts=%START_TIME% st=%RESPONSE_CODE% fl=%RESPONSE_FLAGS% "%REQ(USER-AGENT)%" id=%REQ(X-REQUEST-ID):64% up=%UPSTREAM_CLUSTER% end';
const FORMATS = [...BUILTIN_FORMATS.map((f) => compileFormat(f.source, f.id)), compileFormat(CUSTOM)];

/** Values a real log may hold that sit on the edges of what the fast path accepts. */
const odd = fc.constantFrom('-', '', ';', '-;', 'x;', '0', '0123', '1234567890123456', 'get', 'GET', '9', 'UF,URX', 'NoRouteFound', 'uf', '"', '" "', ' ');

/** A rendered line of format number `f`, with some fields replaced by odd values or cut. */
const lineIn = (f: number) =>
  fc.tuple(entry, fc.array(fc.tuple(fc.nat(30), odd), { maxLength: 3 }), fc.option(fc.nat(400), { nil: null })).map(([e, edits, cut]) => {
    const fmt = FORMATS[f]!;
    const raw: Record<string, unknown> = { ...e };
    for (const [i, v] of edits) raw[fmt.ops[i % fmt.ops.length]!.key] = v;
    const text = renderEntry(raw as AccessLogEntry, fmt);
    return { format: f, text: cut === null ? text : text.slice(0, cut) };
  });
const line = fc.nat(FORMATS.length - 1).chain(lineIn);
/** A line of format number `f` as Envoy writes it. */
const cleanIn = (f: number) =>
  entry.map((e) => renderEntry((e.method === null ? { ...e, path: null, protocol: null } : { ...e, path: e.path ?? '/', protocol: e.protocol ?? 'HTTP/1.1' }) as unknown as AccessLogEntry, FORMATS[f]!));

function fastAndSlow(fmt: ReturnType<typeof compileFormat>, text: string) {
  const fast = new TextScanner(fmt);
  const slow = new TextScanner(fmt, { fast: false });
  return { fast: fast.scanAt(text, 0, text.length), slow: slow.scan(text), slowIssues: slow.issues };
}

describe('generated scanner = interpreted scanner', () => {
  it('on every fixture line, in every format', () => {
    let fastLines = 0;
    for (const fmt of FORMATS) {
      for (const text of fixtureLines) {
        const r = fastAndSlow(fmt, text);
        if (r.fast === null) continue;
        fastLines++;
        // Whatever the fast path accepts, the interpreter reads the same, without an issue.
        expect(r.slowIssues, text).toBe(0);
        expect(r.fast, text).toEqual(r.slow);
      }
    }
    // The fixtures hold lines of every built-in format: the fast path must take many of them.
    expect(fastLines).toBeGreaterThan(40);
  });

  it('on random and damaged lines', () => {
    let fastLines = 0;
    fc.assert(
      fc.property(line, ({ format, text }) => {
        const r = fastAndSlow(FORMATS[format]!, text);
        if (r.fast === null) return;
        fastLines++;
        expect(r.slowIssues).toBe(0);
        expect(r.fast).toEqual(r.slow);
      }),
      { numRuns: 2000 },
    );
    // Not a vacuous pass: most generated lines are clean enough for the fast path.
    expect(fastLines).toBeGreaterThan(400);
  });

  it('a line in place inside a larger text reads as the line alone', () => {
    fc.assert(
      fc.property(line, line, line, ({ format, text }, before, after) => {
        const scanner = new TextScanner(FORMATS[format]!);
        const alone = scanner.scanAt(text, 0, text.length);
        const all = `${before.text}\n${text}\n${after.text}`;
        const from = before.text.length + 1;
        expect(scanner.scanAt(all, from, from + text.length)).toEqual(alone);
      }),
      { numRuns: 2000 },
    );
  });

  it('an empty start time is not a time (both paths give null)', () => {
    const fmt = compileFormat(BUILTIN_FORMATS[6]!.source);
    const text = '[] "GET / HTTP/1.1" 200 - 0 1 2 - "-" "curl" "id" "a" "10.0.0.1:80"';
    expect(new TextScanner(fmt).scanAt(text, 0, text.length)).toBeNull();
    expect(readAccessLog(text).entries[0]?.start_time ?? null).toBeNull();
  });
});

describe('reading in place = reading line by line', () => {
  /** The reference: each line pushed without its newline, so the reader cuts every line out. */
  const byLine = (text: string) => {
    const entries: unknown[] = [];
    const reader = new AccessLogReader({ onEntry: (e, n) => entries.push({ ...e, line: n }) });
    for (const l of text.split('\n')) {
      reader.push(l);
      reader.push('\n');
    }
    return { entries, result: reader.end() };
  };
  const inPlace = (text: string) => {
    const entries: unknown[] = [];
    const reader = new AccessLogReader({ onEntry: (e, n) => entries.push({ ...e, line: n }) });
    reader.push(text + '\n');
    return { entries, result: reader.end() };
  };
  const junk = fc.constantFrom('', '\r', 'starting server on :8080', '{"level":"info"}', '  {', '[2024-06-11T08:15:02Z] warning envoy config', '"GET / HTTP/1.1" 200', '[1] x] "GET / HTTP/1.1" 200 - - "-" 0 0 0 - "-" "-" "-" "-" "-"');
  // Lines the generated scanner would accept but that do not look like access-log lines (skipped).
  const lookalike = (f: number) => cleanIn(f).map((l) => (l.length % 2 === 0 ? l.replace(/^\[/, '[1] x') : l.replace(/^\[/, '[' + '9'.repeat(64))));
  /** A log mostly in one built-in format, with lines of others, damaged lines, look-alikes and other text between. */
  const log = fc.nat(BUILTIN_FORMATS.length - 1).chain((main) =>
    fc.array(
      fc.oneof(
        { weight: 12, arbitrary: cleanIn(main) },
        { weight: 2, arbitrary: cleanIn(main).map((l) => l + '\r') },
        { weight: 2, arbitrary: lineIn(main).map((l) => l.text) },
        { weight: 2, arbitrary: line.map((l) => l.text) },
        { weight: 1, arbitrary: junk },
        { weight: 1, arbitrary: lookalike(main) },
      ),
      // More than the 50 lines the reader looks at to choose a format: reading in place starts after them.
      { minLength: 55, maxLength: 120 },
    ),
  );

  it('on the fixtures', () => {
    for (const name of FIXTURES) {
      const text = fixture(name);
      expect(inPlace(text), name).toEqual(byLine(text));
    }
  });
  it('on random logs of several formats with other lines between', () => {
    fc.assert(
      fc.property(log, (lines) => {
        const text = lines.join('\n');
        expect(inPlace(text)).toEqual(byLine(text));
      }),
      // Shrinking logs this long takes minutes: report the first failing log as it is.
      { numRuns: 200, endOnFailure: true },
    );
  });
});

describe('bytes in chunks', () => {
  const text = '\ufeff' + fixture('istio-current.txt') + '[2024-06-11T08:15:02.114Z] "GET /café/日本 HTTP/1.1" 200 - via_upstream - "-" 0 5 1 1 "-" "ünï 😀" "id-ü" "a:80" "10.0.0.1:80" outbound|80||a.b.svc.cluster.local 10.0.0.2:1 10.96.0.1:80 10.0.0.2:2 - default\r\n\xff\n';
  const bytes = new TextEncoder().encode(text);
  // The reference: the whole text as one string (the BOM is dropped either way).
  const whole = readAccessLog(text);

  for (const [name, decode] of [
    ['TextDecoder', undefined],
    ['Node decodeLines', decodeLines],
  ] as const) {
    it(`${name}: cut anywhere, the same entries and line numbers`, () => {
      fc.assert(
        fc.property(fc.uniqueArray(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 12 }), (cuts) => {
          const at = [0, ...cuts.sort((a, b) => a - b), bytes.length];
          const entries: unknown[] = [];
          const reader = new AccessLogReader({ decode, onEntry: (e, n) => entries.push({ ...e, line: n }) });
          for (let i = 1; i < at.length; i++) reader.push(bytes.subarray(at[i - 1], at[i]));
          const result = reader.end();
          expect(entries).toEqual(whole.entries.map((e) => ({ ...e })));
          expect({ ...result, bytes: 0 }).toEqual({ ...whole.result, bytes: 0 });
        }),
        { numRuns: 300 },
      );
    });
  }

  it('the non-ASCII line keeps its characters', () => {
    const e = whole.entries.find((x) => x.path === '/café/日本');
    expect(e).toMatchObject({ user_agent: 'ünï 😀', request_id: 'id-ü' });
  });
});

describe('JSON keys (normalized once, then cached)', () => {
  it('the same keys on every line, in any spelling', () => {
    const text = ['{"responseCode":503,"Response-Flags":"UF","x-request-id":"a1","status":503}', '{"responseCode":200,"Response-Flags":"-","x-request-id":"a2","status":200}'].join('\n');
    const { entries } = readAccessLog(text);
    expect(entries.map((e) => [e.response_code, e.response_flags, e.request_id])).toEqual([
      [503, ['UF'], 'a1'],
      [200, [], 'a2'],
    ]);
  });
  it('keys named like properties of every object stay plain keys', () => {
    const { entries } = readAccessLog('{"response_code":200,"constructor":"x","toString":"y"}');
    expect(entries[0]).toMatchObject({ response_code: 200, constructor: 'x', to_string: 'y' });
    expect(Object.keys(entries[0]!).filter((k) => k.startsWith('function'))).toEqual([]);
  });
});
