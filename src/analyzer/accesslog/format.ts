// Compiles an Envoy access-log format string ("%START_TIME% \"%REQ(:METHOD)%…\"")
// into the plan the scanner follows: literal text, operators, and the quoted
// groups (like the request line) whose parts may be missing in real logs.

export type ValueKind = 'int' | 'flags' | 'method' | 'time' | 'str';

export interface Operator {
  /** As written, e.g. `%REQ(X-ENVOY-ORIGINAL-PATH?:PATH):100%`. */
  text: string;
  /** Command name, e.g. `REQ`. */
  name: string;
  /** What is inside the parentheses, or null. */
  arg: string | null;
  /** The `:N` truncation, or null. */
  maxLength: number | null;
  /** Key in the normalized entry. */
  key: string;
  kind: ValueKind;
}

export type Token = { lit: string } | { op: Operator };

/**
 * One scanning step: a single operator, or a quoted group of operators
 * separated by short literals (the request line `"%METHOD% %PATH% %PROTOCOL%"`),
 * followed by the literal `term` that ends it.
 */
export interface Step {
  ops: Operator[];
  /** Literals between the ops of a group (length ops.length - 1). */
  seps: string[];
  /** Literal after the step ('' at the end of the format). */
  term: string;
  /** How many occurrences of `term` the value itself contains (START_TIME with spaces). */
  skip: number;
  /** True when the value sits between quotes or brackets (may hold spaces). */
  enclosed: boolean;
}

export interface CompiledFormat {
  name: string;
  source: string;
  tokens: Token[];
  /** Literal before the first operator. */
  prefix: string;
  steps: Step[];
  /** Every operator in order. */
  ops: Operator[];
}

/** Request headers that have a standard key of their own. */
const HEADER_KEYS: Record<string, string> = {
  ':METHOD': 'method',
  ':PATH': 'path',
  'X-ENVOY-ORIGINAL-PATH': 'path',
  ':AUTHORITY': 'authority',
  HOST: 'authority',
  'X-FORWARDED-FOR': 'x_forwarded_for',
  'USER-AGENT': 'user_agent',
  'X-REQUEST-ID': 'request_id',
  ':PROTOCOL': 'protocol',
};

/** Operators whose key differs from their lower-cased name. */
const RENAMED: Record<string, string> = {
  UPSTREAM_CLUSTER_RAW: 'upstream_cluster',
  START_TIME_LOCAL: 'start_time',
  RESPONSE_FLAGS_LONG: 'response_flags',
};

const INT_OPERATORS = new Set([
  'RESPONSE_CODE',
  'BYTES_RECEIVED',
  'BYTES_SENT',
  'DURATION',
  'REQUEST_DURATION',
  'REQUEST_TX_DURATION',
  'RESPONSE_DURATION',
  'RESPONSE_TX_DURATION',
  'UPSTREAM_REQUEST_ATTEMPT_COUNT',
  'CONNECTION_ID',
  'UPSTREAM_CONNECTION_ID',
  'UPSTREAM_WIRE_BYTES_SENT',
  'UPSTREAM_WIRE_BYTES_RECEIVED',
  'DOWNSTREAM_WIRE_BYTES_SENT',
  'DOWNSTREAM_WIRE_BYTES_RECEIVED',
]);

const snake = (header: string) => header.replace(/^:/, '').toLowerCase().replace(/[^a-z0-9]+/g, '_');

function describe(name: string, arg: string | null): { key: string; kind: ValueKind } {
  if (name === 'REQ' && arg) {
    // `X?Y`: the first header, else the second. Prefer a name we know.
    const alternatives = arg.split('?').map((h) => h.trim().toUpperCase());
    const known = alternatives.find((h) => HEADER_KEYS[h] && h !== 'X-ENVOY-ORIGINAL-PATH') ?? alternatives.find((h) => HEADER_KEYS[h]);
    const key = known ? HEADER_KEYS[known]! : snake(alternatives[0]!);
    return { key, kind: key === 'method' ? 'method' : 'str' };
  }
  if (name === 'RESP' && arg) {
    const h = arg.split('?')[0]!.trim().toUpperCase();
    if (h === 'X-ENVOY-UPSTREAM-SERVICE-TIME') return { key: 'upstream_service_time', kind: 'int' };
    return { key: 'resp_' + snake(h), kind: 'str' };
  }
  if (name === 'TRAILER' && arg) return { key: 'trailer_' + snake(arg.split('?')[0]!), kind: 'str' };
  if (name === 'DYNAMIC_METADATA' && arg === 'istio.mixer:status') return { key: 'istio_policy_status', kind: 'str' };
  if (name === 'START_TIME' || name === 'START_TIME_LOCAL') return { key: 'start_time', kind: 'time' };
  if (name === 'RESPONSE_FLAGS' || name === 'RESPONSE_FLAGS_LONG') return { key: 'response_flags', kind: 'flags' };
  if (name === 'RESPONSE_CODE_DETAILS') return { key: 'response_code_details', kind: 'str' };
  if (INT_OPERATORS.has(name)) return { key: name.toLowerCase(), kind: 'int' };
  if (RENAMED[name]) return { key: RENAMED[name]!, kind: 'str' };
  if (arg !== null) return { key: `${name.toLowerCase()}(${arg.toLowerCase()})`, kind: 'str' };
  return { key: name.toLowerCase(), kind: 'str' };
}

/** Reads `%NAME%`, `%NAME(ARG)%` or `%NAME(ARG):N%` at `s[i] === '%'`; null if not an operator. */
function readOperator(s: string, i: number): { op: Operator; end: number } | null {
  const m = /^%([A-Z][A-Z0-9_]*)/.exec(s.slice(i, i + 80));
  if (!m) return null;
  const name = m[1]!;
  let j = i + m[0].length;
  let arg: string | null = null;
  if (s[j] === '(') {
    // The argument may itself contain '%' (START_TIME(%Y-%m-%d)), so look
    // for a ')' that is followed by '%' or ':N%'.
    let close = s.indexOf(')', j);
    while (close !== -1 && !/^\)(:\d+)?%/.test(s.slice(close, close + 12))) close = s.indexOf(')', close + 1);
    if (close === -1) return null;
    arg = s.slice(j + 1, close);
    j = close + 1;
  }
  let maxLength: number | null = null;
  const len = /^:(\d+)%/.exec(s.slice(j, j + 12));
  if (len) {
    maxLength = Number(len[1]);
    j += len[0].length - 1;
  }
  if (s[j] !== '%') return null;
  const { key, kind } = describe(name, arg);
  return { op: { text: s.slice(i, j + 1), name, arg, maxLength, key, kind }, end: j + 1 };
}

export function tokenize(format: string): Token[] {
  const tokens: Token[] = [];
  let lit = '';
  let i = 0;
  while (i < format.length) {
    const c = format[i]!;
    if (c === '%') {
      if (format[i + 1] === '%') {
        lit += '%';
        i += 2;
        continue;
      }
      const r = readOperator(format, i);
      if (r) {
        if (lit) tokens.push({ lit });
        lit = '';
        tokens.push({ op: r.op });
        i = r.end;
        continue;
      }
    }
    lit += c;
    i++;
  }
  if (lit) tokens.push({ lit });
  return tokens;
}

/** Turns a format string into a scanning plan. Never throws: an odd format just reads fewer lines. */
export function compileFormat(source: string, name = 'custom'): CompiledFormat {
  // A format ends with "\n" (literal newline or the two characters); lines arrive without it.
  const trimmed = source.replace(/(\\n|\n|\r)+$/, '');
  const tokens = tokenize(trimmed);
  let prefix = '';
  let t = 0;
  if (tokens[0] && 'lit' in tokens[0]) {
    prefix = tokens[0].lit;
    t = 1;
  }
  const steps: Step[] = [];
  const ops: Operator[] = [];
  while (t < tokens.length) {
    const tok = tokens[t]!;
    if (!('op' in tok)) {
      t++;
      continue;
    }
    const opened = t > 0 && 'lit' in tokens[t - 1]! ? (tokens[t - 1] as { lit: string }).lit : t === 0 ? prefix : '';
    const quoted = opened.endsWith('"');
    const group: Operator[] = [tok.op];
    const seps: string[] = [];
    let k = t + 1;
    // Extend a quoted group while the literals between operators hold no quote.
    if (quoted) {
      let j = t + 1;
      const tmpOps: Operator[] = [];
      const tmpSeps: string[] = [];
      while (j + 1 < tokens.length) {
        const sep = tokens[j]!;
        const next = tokens[j + 1]!;
        if (!('lit' in sep) || sep.lit.includes('"') || !('op' in next)) break;
        tmpSeps.push(sep.lit);
        tmpOps.push(next.op);
        j += 2;
      }
      const closer = tokens[j];
      if (tmpOps.length && closer && 'lit' in closer && closer.lit.startsWith('"')) {
        group.push(...tmpOps);
        seps.push(...tmpSeps);
        k = j;
      }
    }
    const after = tokens[k];
    const term = after && 'lit' in after ? after.lit : '';
    const last = group[group.length - 1]!;
    let skip = 0;
    if (last.kind === 'time' && last.arg && term) skip = last.arg.split(term).length - 1;
    const enclosed = quoted || opened.endsWith('[') || term.startsWith('"') || term.startsWith(']');
    steps.push({ ops: group, seps, term, skip, enclosed });
    ops.push(...group);
    t = after && 'lit' in after ? k + 1 : k;
  }
  return { name, source, tokens, prefix, steps, ops };
}
