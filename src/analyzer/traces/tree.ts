// One tree per trace and the rows of its waterfall.
import type { RefType, Span } from './parse.ts';

export interface SpanNode {
  span: Span;
  /** How this node hangs under its parent. */
  refType: RefType | null;
  /** Its parent id names a span that is not in the trace. */
  orphan: boolean;
  children: SpanNode[];
}

export interface Trace {
  traceId: string;
  /** Spans with no parent, and orphans (their parent is missing), by start time. */
  roots: SpanNode[];
  spans: Span[];
  start: number;
  end: number;
  services: string[];
}

export interface WaterfallRow {
  spanId: string;
  depth: number;
  service: string;
  name: string;
  kind: string | null;
  /** Microseconds from the trace's first span. */
  offset: number;
  duration: number;
  refType: RefType | null;
  orphan: boolean;
}

/** Zipkin's shared spans reuse the client's id for the server side; give each half its own key. */
const keyOf = (s: Span) => (s.shared ? `${s.spanId}:server` : s.spanId);

export function buildTraces(spans: Span[]): Trace[] {
  const byTrace = new Map<string, Span[]>();
  for (const s of spans) {
    const list = byTrace.get(s.traceId);
    if (list) list.push(s);
    else byTrace.set(s.traceId, [s]);
  }
  const traces: Trace[] = [];
  for (const [traceId, list] of byTrace) {
    const nodes = new Map<string, SpanNode>();
    for (const s of list) if (!nodes.has(keyOf(s))) nodes.set(keyOf(s), { span: s, refType: s.refType, orphan: false, children: [] });
    const roots: SpanNode[] = [];
    for (const node of nodes.values()) {
      const s = node.span;
      // The server half of a shared span sits under its client half.
      const parentKey = s.shared && nodes.has(s.spanId) ? s.spanId : s.parentId;
      if (s.shared && parentKey === s.spanId) node.refType = 'CHILD_OF';
      const parent = parentKey ? nodes.get(parentKey) : undefined;
      if (parent && parent !== node) parent.children.push(node);
      else {
        node.orphan = parentKey !== null && parentKey !== undefined;
        roots.push(node);
      }
    }
    const sortRec = (n: SpanNode) => {
      n.children.sort((a, b) => a.span.start - b.span.start);
      n.children.forEach(sortRec);
    };
    roots.sort((a, b) => a.span.start - b.span.start);
    roots.forEach(sortRec);
    traces.push({
      traceId,
      roots,
      spans: list,
      start: list.reduce((m, s) => Math.min(m, s.start), Infinity),
      end: list.reduce((m, s) => Math.max(m, s.start + s.duration), -Infinity),
      services: [...new Set(list.map((s) => s.service))],
    });
  }
  return traces.sort((a, b) => a.start - b.start);
}

export function waterfall(trace: Trace): WaterfallRow[] {
  const rows: WaterfallRow[] = [];
  const walk = (n: SpanNode, depth: number) => {
    rows.push({ spanId: n.span.spanId, depth, service: n.span.service, name: n.span.name, kind: n.span.kind, offset: n.span.start - trace.start, duration: n.span.duration, refType: n.refType, orphan: n.orphan });
    n.children.forEach((c) => walk(c, depth + 1));
  };
  trace.roots.forEach((r) => walk(r, 0));
  return rows;
}

const ms = (us: number) => `${(us / 1000).toFixed(1)}ms`;

export function formatWaterfall(trace: Trace, maxRows = 20): string[] {
  const rows = waterfall(trace);
  const span = Math.max(1, trace.end - trace.start);
  const width = 24;
  const out = [`trace ${trace.traceId.replace(/^0{16}/, '')}: ${trace.spans.length} spans, ${trace.services.length} services, ${ms(trace.end - trace.start)}`];
  for (const r of rows.slice(0, maxRows)) {
    const from = Math.round((r.offset / span) * width);
    const len = Math.max(1, Math.round((r.duration / span) * width));
    const bar = ' '.repeat(from) + '▇'.repeat(Math.min(len, width - from + 1));
    const ref = r.refType === 'FOLLOWS_FROM' ? ' (follows from)' : '';
    const orphan = r.orphan ? ' [parent missing]' : '';
    out.push(`  ${bar.padEnd(width + 1)} ${'  '.repeat(r.depth)}${r.service}: ${r.name}${r.kind ? ` [${r.kind.toLowerCase()}]` : ''} ${ms(r.duration)}${ref}${orphan}`);
  }
  if (rows.length > maxRows) out.push(`  … ${rows.length - maxRows} more spans`);
  return out;
}
