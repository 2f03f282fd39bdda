// The trace artifact analyzer: Zipkin v2 and Jaeger JSON.
import type { ArtifactAnalyzer } from '../artifact.ts';
import { parseTraces } from './parse.ts';
import { propagationFindings } from './propagation.ts';
import { buildTraces, formatWaterfall } from './tree.ts';

export * from './parse.ts';
export * from './tree.ts';
export * from './propagation.ts';

/** Waterfalls printed in the text summary; the rest are counted. */
const SHOWN_TRACES = 5;

export const traceAnalyzer: ArtifactAnalyzer = {
  kind: 'trace',
  detect({ head }) {
    const t = head.trimStart();
    if (/^\{\s*"data"\s*:\s*\[/.test(t) && /"traceID"\s*:/.test(t) && /"spans"\s*:/.test(t)) return 0.95;
    if (t.startsWith('[') && /"traceId"\s*:/.test(t) && /"id"\s*:/.test(t)) return 0.9;
    return 0;
  },
  analyze(input) {
    let doc: unknown;
    try {
      doc = JSON.parse(input.text);
    } catch (err) {
      return { kind: 'trace', findings: [], error: `${input.name}: trace JSON does not parse: ${(err as Error).message}` };
    }
    const parsed = parseTraces(doc);
    if (!parsed) return { kind: 'trace', findings: [], error: `${input.name}: JSON, but neither Zipkin v2 spans nor Jaeger {"data":[…]}` };
    if (parsed.spans.length === 0) return { kind: 'trace', findings: [], error: `${input.name}: no readable span${parsed.problems[0] ? ` (${parsed.problems[0].path}: ${parsed.problems[0].message})` : ''}` };
    const traces = buildTraces(parsed.spans);
    const summary = [`${input.name}: ${parsed.format} — ${traces.length} trace(s), ${parsed.spans.length} spans${parsed.problems.length ? `, ${parsed.problems.length} unreadable (first: ${parsed.problems[0]!.path}: ${parsed.problems[0]!.message})` : ''}`];
    for (const t of traces.slice(0, SHOWN_TRACES)) summary.push(...formatWaterfall(t).map((l) => '  ' + l));
    if (traces.length > SHOWN_TRACES) summary.push(`  … ${traces.length - SHOWN_TRACES} more trace(s)`);
    return { kind: 'trace', findings: propagationFindings(traces, input.name), summary };
  },
};
