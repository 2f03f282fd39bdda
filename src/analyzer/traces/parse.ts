// Zipkin v2 JSON (an array of spans, or the API's array of traces) and Jaeger
// JSON (the query API's {"data":[{traceID, spans, processes}]}) read into one
// span shape. Bad spans are skipped with a problem, never thrown on.

export type SpanKind = 'CLIENT' | 'SERVER' | 'PRODUCER' | 'CONSUMER';
export type RefType = 'CHILD_OF' | 'FOLLOWS_FROM';

export interface Span {
  traceId: string;
  spanId: string;
  /** The span this one hangs under (CHILD_OF or FOLLOWS_FROM), or null for a root. */
  parentId: string | null;
  refType: RefType | null;
  service: string;
  name: string;
  kind: SpanKind | null;
  /** Microseconds since the epoch. */
  start: number;
  duration: number;
  tags: Record<string, string>;
  /** Zipkin: server half of a span shared with its client (same id). */
  shared: boolean;
  /** JSON path of the span in the input. */
  path: string;
}

export type TraceFormat = 'zipkin' | 'jaeger';

export interface ParsedTraces {
  format: TraceFormat;
  spans: Span[];
  problems: Array<{ path: string; message: string }>;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
const KINDS = new Set(['CLIENT', 'SERVER', 'PRODUCER', 'CONSUMER']);

function kindFromTag(tags: Record<string, string>): SpanKind | null {
  const k = (tags['span.kind'] ?? '').toUpperCase();
  return KINDS.has(k) ? (k as SpanKind) : null;
}

export function detectTraceFormat(doc: unknown): TraceFormat | null {
  if (isObj(doc) && Array.isArray(doc.data) && doc.data.some((t) => isObj(t) && Array.isArray(t.spans))) return 'jaeger';
  if (Array.isArray(doc)) {
    const flat = doc.flatMap((x) => (Array.isArray(x) ? x : [x]));
    if (flat.length && flat.slice(0, 20).every((s) => isObj(s) && 'traceId' in s && 'id' in s)) return 'zipkin';
  }
  return null;
}

export function parseZipkin(doc: unknown[]): ParsedTraces {
  const spans: Span[] = [];
  const problems: ParsedTraces['problems'] = [];
  const nested = doc.some(Array.isArray);
  doc.forEach((item, i) => {
    const list = Array.isArray(item) ? item : [item];
    list.forEach((s, j) => {
      const path = nested ? `[${i}][${j}]` : `[${i}]`;
      if (!isObj(s) || !str(s.traceId) || !str(s.id)) {
        problems.push({ path, message: 'span without traceId or id' });
        return;
      }
      const tags: Record<string, string> = {};
      if (isObj(s.tags)) for (const [k, v] of Object.entries(s.tags)) tags[k] = str(v);
      const local = isObj(s.localEndpoint) ? s.localEndpoint : {};
      const kind = KINDS.has(str(s.kind)) ? (str(s.kind) as SpanKind) : kindFromTag(tags);
      spans.push({
        traceId: str(s.traceId).padStart(32, '0').slice(-32),
        spanId: str(s.id),
        parentId: str(s.parentId) || null,
        refType: str(s.parentId) ? 'CHILD_OF' : null,
        service: str(local.serviceName) || 'unknown',
        name: str(s.name),
        kind,
        start: typeof s.timestamp === 'number' ? s.timestamp : 0,
        duration: typeof s.duration === 'number' ? s.duration : 0,
        tags,
        shared: s.shared === true,
        path,
      });
    });
  });
  return { format: 'zipkin', spans, problems };
}

export function parseJaeger(doc: Obj): ParsedTraces {
  const spans: Span[] = [];
  const problems: ParsedTraces['problems'] = [];
  (doc.data as unknown[]).forEach((t, i) => {
    if (!isObj(t) || !Array.isArray(t.spans)) {
      problems.push({ path: `data[${i}]`, message: 'trace without a spans array' });
      return;
    }
    const processes = isObj(t.processes) ? t.processes : {};
    t.spans.forEach((s: unknown, j: number) => {
      const path = `data[${i}].spans[${j}]`;
      if (!isObj(s) || !str(s.traceID) || !str(s.spanID)) {
        problems.push({ path, message: 'span without traceID or spanID' });
        return;
      }
      const tags: Record<string, string> = {};
      if (Array.isArray(s.tags)) for (const tag of s.tags) if (isObj(tag) && typeof tag.key === 'string') tags[tag.key] = str(tag.value);
      const refs = Array.isArray(s.references) ? s.references.filter(isObj) : [];
      // CHILD_OF wins over FOLLOWS_FROM when a span has both.
      const ref = refs.find((r) => r.refType === 'CHILD_OF') ?? refs.find((r) => r.refType === 'FOLLOWS_FROM') ?? null;
      const legacyParent = str(s.parentSpanID);
      const process = isObj(s.process) ? s.process : isObj(processes[str(s.processID)]) ? (processes[str(s.processID)] as Obj) : {};
      spans.push({
        traceId: str(s.traceID).padStart(32, '0').slice(-32),
        spanId: str(s.spanID),
        parentId: ref ? str(ref.spanID) || null : legacyParent && legacyParent !== '0' ? legacyParent : null,
        refType: ref ? (ref.refType === 'FOLLOWS_FROM' ? 'FOLLOWS_FROM' : 'CHILD_OF') : legacyParent && legacyParent !== '0' ? 'CHILD_OF' : null,
        service: str(process.serviceName) || 'unknown',
        name: str(s.operationName),
        kind: kindFromTag(tags),
        start: typeof s.startTime === 'number' ? s.startTime : 0,
        duration: typeof s.duration === 'number' ? s.duration : 0,
        tags,
        shared: false,
        path,
      });
    });
  });
  return { format: 'jaeger', spans, problems };
}

export function parseTraces(doc: unknown): ParsedTraces | null {
  const format = detectTraceFormat(doc);
  if (format === 'jaeger') return parseJaeger(doc as Obj);
  if (format === 'zipkin') return parseZipkin(doc as unknown[]);
  return null;
}
