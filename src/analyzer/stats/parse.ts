// Parsers for the three shapes metrics come in: Prometheus text exposition
// (istiod /metrics, Envoy /stats/prometheus), Envoy /stats text ("name: value")
// and Envoy /stats?format=json. All three end up as the same list of samples,
// so the rest of the stats code does not care where the numbers came from.

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export interface Sample {
  /** Metric name as written (Prometheus: with _bucket/_sum/_count; Envoy: tags removed). */
  name: string;
  labels: Record<string, string>;
  /** null for Envoy text histograms ("P0(…) …" or "No recorded values"). */
  value: number | null;
  /** 1-based line in the input (JSON: null). */
  line: number | null;
}

export interface Problem {
  line: number | null;
  message: string;
}

export type StatsFormat = 'prometheus' | 'envoy-text' | 'envoy-json';

export interface ParsedStats {
  format: StatsFormat;
  samples: Sample[];
  /** `# TYPE` declarations (Prometheus) or what we know from the Envoy form. */
  types: Map<string, MetricType>;
  problems: Problem[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;

function parseNumber(raw: string): number | null {
  if (raw === '+Inf' || raw === 'Inf') return Infinity;
  if (raw === '-Inf') return -Infinity;
  if (raw === 'NaN') return NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(raw)) return null;
  return Number(raw);
}

/** Reads `{a="x",b="y"}` starting at `s[i] === '{'`; returns labels and the index after `}`. */
function readLabels(s: string, i: number): { labels: Record<string, string>; end: number } | { error: string } {
  const labels: Record<string, string> = {};
  i++; // skip {
  for (;;) {
    while (s[i] === ' ' || s[i] === ',') i++;
    if (s[i] === '}') return { labels, end: i + 1 };
    const m = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(s.slice(i));
    if (!m) return { error: `bad label name at column ${i + 1}` };
    const key = m[0];
    i += key.length;
    while (s[i] === ' ') i++;
    if (s[i] !== '=') return { error: `expected = after label ${key}` };
    i++;
    while (s[i] === ' ') i++;
    if (s[i] !== '"') return { error: `expected a quoted value for label ${key}` };
    i++;
    let value = '';
    for (;;) {
      if (i >= s.length) return { error: `unterminated value of label ${key}` };
      const c = s[i];
      if (c === '\\') {
        const n = s[i + 1];
        value += n === 'n' ? '\n' : n ?? '';
        i += 2;
      } else if (c === '"') {
        i++;
        break;
      } else {
        value += c;
        i++;
      }
    }
    labels[key] = value;
  }
}

export function parsePrometheus(text: string): ParsedStats {
  const samples: Sample[] = [];
  const types = new Map<string, MetricType>();
  const problems: Problem[] = [];
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!.replace(/\r$/, '').trim();
    if (!line) continue;
    if (line.startsWith('#')) {
      const t = /^#\s*TYPE\s+(\S+)\s+(\S+)/.exec(line);
      if (t) types.set(t[1]!, (['counter', 'gauge', 'histogram', 'summary'].includes(t[2]!) ? t[2] : 'untyped') as MetricType);
      continue;
    }
    const m = METRIC_NAME.exec(line);
    if (!m) {
      problems.push({ line: n + 1, message: `not a metric line: ${line.slice(0, 60)}` });
      continue;
    }
    const name = m[0];
    let i = name.length;
    let labels: Record<string, string> = {};
    if (line[i] === '{') {
      const r = readLabels(line, i);
      if ('error' in r) {
        problems.push({ line: n + 1, message: `${name}: ${r.error}` });
        continue;
      }
      labels = r.labels;
      i = r.end;
    }
    const rest = line.slice(i).trim().split(/\s+/);
    const value = parseNumber(rest[0] ?? '');
    if (value === null) {
      problems.push({ line: n + 1, message: `${name}: value "${rest[0] ?? ''}" is not a number` });
      continue;
    }
    samples.push({ name, labels, value, line: n + 1 });
  }
  return { format: 'prometheus', samples, types, problems };
}

/**
 * Istio's stats extension writes its tags into the Envoy stat name:
 * `reporter=.=source;.;source_workload=.=productpage-v1;.;…;.;istio_requests_total`
 * (sometimes with a `istiocustom.`/`wasmcustom.` prefix and a `_` before the metric).
 */
export function splitIstioTags(statName: string): { name: string; labels: Record<string, string> } | null {
  if (!statName.includes('=.=')) return null;
  const parts = statName.split(';.;');
  const labels: Record<string, string> = {};
  let name = parts[parts.length - 1]!;
  for (const part of parts.slice(0, -1)) {
    const eq = part.indexOf('=.=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).replace(/^(istiocustom|wasmcustom)\./, '');
    labels[key] = part.slice(eq + 3);
  }
  name = name.replace(/^_/, '');
  return { name, labels };
}

/** Per-worker listener stats carry the listener address and worker index in the name. */
const WORKER_STAT = /^listener\.(.+)\.worker_(\d+)\.(downstream_cx_active|downstream_cx_total)$/;

export function splitEnvoyStatName(statName: string): { name: string; labels: Record<string, string> } {
  const istio = splitIstioTags(statName);
  if (istio) return istio;
  const w = WORKER_STAT.exec(statName);
  if (w) return { name: `listener.worker.${w[3]}`, labels: { listener_address: w[1]!, worker_id: w[2]! } };
  return { name: statName, labels: {} };
}

export function parseEnvoyText(text: string): ParsedStats {
  const samples: Sample[] = [];
  const types = new Map<string, MetricType>();
  const problems: Problem[] = [];
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!.replace(/\r$/, '');
    if (!line.trim()) continue;
    // Names may contain ": " only in rare custom stats; the value is after the last ": ".
    const sep = line.lastIndexOf(': ');
    if (sep < 1) {
      problems.push({ line: n + 1, message: `expected "name: value": ${line.slice(0, 60)}` });
      continue;
    }
    const rawName = line.slice(0, sep).trim();
    const rawValue = line.slice(sep + 2).trim();
    const { name, labels } = splitEnvoyStatName(rawName);
    if (/^P\d|No recorded values/.test(rawValue)) {
      types.set(name, 'histogram');
      samples.push({ name, labels, value: null, line: n + 1 });
      continue;
    }
    if (rawValue.startsWith('"')) continue; // text readout, not a number
    const value = parseNumber(rawValue);
    if (value === null) {
      problems.push({ line: n + 1, message: `${rawName}: value "${rawValue.slice(0, 30)}" is not a number` });
      continue;
    }
    samples.push({ name, labels, value, line: n + 1 });
  }
  return { format: 'envoy-text', samples, types, problems };
}

interface EnvoyJsonStat {
  name?: unknown;
  value?: unknown;
  histograms?: { computed_quantiles?: Array<{ name?: unknown }> };
}

export function parseEnvoyJson(doc: unknown): ParsedStats {
  const samples: Sample[] = [];
  const types = new Map<string, MetricType>();
  const problems: Problem[] = [];
  const stats = (doc as { stats?: unknown }).stats;
  if (!Array.isArray(stats)) {
    problems.push({ line: null, message: 'no "stats" array in the JSON' });
    return { format: 'envoy-json', samples, types, problems };
  }
  stats.forEach((raw: EnvoyJsonStat, i) => {
    if (raw && typeof raw === 'object' && raw.histograms) {
      for (const h of raw.histograms.computed_quantiles ?? []) {
        if (typeof h.name !== 'string') continue;
        const { name, labels } = splitEnvoyStatName(h.name);
        types.set(name, 'histogram');
        samples.push({ name, labels, value: null, line: null });
      }
      return;
    }
    if (!raw || typeof raw.name !== 'string') {
      problems.push({ line: null, message: `stats[${i}] has no name` });
      return;
    }
    const value = typeof raw.value === 'number' ? raw.value : typeof raw.value === 'string' ? parseNumber(raw.value) : null;
    if (value === null) {
      if (typeof raw.value !== 'string') problems.push({ line: null, message: `stats[${i}] (${raw.name}) has no numeric value` });
      return; // string values are text readouts
    }
    const { name, labels } = splitEnvoyStatName(raw.name);
    samples.push({ name, labels, value, line: null });
  });
  return { format: 'envoy-json', samples, types, problems };
}

/** Cheap format guess from the first lines; used by detection and by analyze(). */
export function guessStatsFormat(head: string): StatsFormat | null {
  const t = head.trimStart();
  if (t.startsWith('{')) return /"stats"\s*:\s*\[/.test(t.slice(0, 4096)) ? 'envoy-json' : null;
  const lines = t.split('\n').slice(0, 50).filter((l) => l.trim());
  if (lines.length === 0) return null;
  let prom = 0;
  let envoy = 0;
  for (const l of lines) {
    if (/^#\s*(HELP|TYPE)\s/.test(l)) prom += 2;
    else if (/^[a-zA-Z_:][a-zA-Z0-9_:]*(\{.*\})?\s+[-+0-9.eEINaf]+(\s+\d+)?\s*$/.test(l)) prom++;
    else if (/^[^\s:][^\n]*: (-?[\d.]+|P0\(|No recorded values|")/.test(l)) envoy++;
  }
  if (prom === 0 && envoy === 0) return null;
  if (prom >= envoy && prom >= lines.length * 0.6) return 'prometheus';
  if (envoy > prom && envoy >= lines.length * 0.6) return 'envoy-text';
  return null;
}

/**
 * The series a metric family is made of: Prometheus histograms and summaries
 * expose several lines per series (_bucket per `le`, _sum, _count); we count
 * one series per label set, as the process holding them does.
 */
export interface Series {
  metric: string;
  labels: Record<string, string>;
  /** Counter/gauge value; for histograms the _count. */
  value: number | null;
  line: number | null;
}

export function familyOf(name: string, types: Map<string, MetricType>): string {
  for (const suffix of ['_bucket', '_sum', '_count']) {
    if (name.endsWith(suffix)) {
      const base = name.slice(0, -suffix.length);
      const t = types.get(base);
      if (t === 'histogram' || t === 'summary') return base;
    }
  }
  return name;
}

export function toSeries(parsed: ParsedStats): Series[] {
  const byKey = new Map<string, Series>();
  for (const s of parsed.samples) {
    const metric = familyOf(s.name, parsed.types);
    const labels = { ...s.labels };
    delete labels.le;
    if (parsed.types.get(metric) === 'summary') delete labels.quantile;
    const key = metric + '\u0000' + Object.keys(labels).sort().map((k) => `${k}=${labels[k]}`).join('\u0001');
    let series = byKey.get(key);
    if (!series) {
      series = { metric, labels, value: metric === s.name ? s.value : null, line: s.line };
      byKey.set(key, series);
    }
    if (s.name === metric + '_count') series.value = s.value;
  }
  return [...byKey.values()];
}
