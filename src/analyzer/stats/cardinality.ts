// Series counts per metric and per label, and the label whose values explode
// (a `request_path` tag carrying user tokens turns one series into thousands).
import type { Series } from './parse.ts';

/**
 * Estimated bytes one Envoy stat costs. Envoy's own memory test
 * (test/common/stats/thread_local_store_test.cc, MemoryWithTlsRealSymbolTable,
 * Sep 2020) measures 827,616 bytes for 7,076 counters with thread-local caches
 * on: about 117 bytes each; we round to 120. Histograms cost more (per-worker
 * buckets), so for them this is a lower bound.
 */
export const BYTES_PER_SERIES = 120;
/** Above this many distinct values a label is exploding whatever the values look like. */
export const EXPLODING_DISTINCT = 200;
/** Above this many distinct values a label is exploding when most values look like IDs or tokens. */
export const EXPLODING_DISTINCT_IDS = 20;

export interface LabelCardinality {
  label: string;
  distinct: number;
  /** Values by how many series carry them, most first (at most 10). */
  top: Array<{ value: string; series: number }>;
  /** Share of distinct values that look like IDs, tokens or paths with IDs. */
  idLikeShare: number;
}

export interface MetricCardinality {
  metric: string;
  series: number;
  labels: LabelCardinality[];
}

export interface ExplodingLabel {
  metric: string;
  label: string;
  distinct: number;
  series: number;
  /** Series that would remain if the label were dropped. */
  seriesWithoutLabel: number;
  top: Array<{ value: string; series: number }>;
  /** (series − seriesWithoutLabel) × BYTES_PER_SERIES + bytes of the distinct values. */
  estimatedBytes: number;
  firstLine: number | null;
}

/** Long hex/base64 runs, UUIDs, JWT-looking strings, or numeric path segments. */
export function looksLikeId(value: string): boolean {
  if (/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i.test(value)) return true;
  if (/eyJ[A-Za-z0-9_-]{10,}/.test(value)) return true; // JWT
  if (/(^|[/=?&])\d{4,}($|[/?&])/.test(value)) return true; // /orders/12345
  const runs = value.match(/[A-Za-z0-9_-]{16,}/g) ?? [];
  return runs.some((r) => /\d/.test(r) && /[A-Za-z]/.test(r));
}

export function cardinality(series: Series[]): MetricCardinality[] {
  const byMetric = new Map<string, Series[]>();
  for (const s of series) {
    const list = byMetric.get(s.metric) ?? [];
    list.push(s);
    byMetric.set(s.metric, list);
  }
  const out: MetricCardinality[] = [];
  for (const [metric, list] of byMetric) {
    const values = new Map<string, Map<string, number>>();
    for (const s of list) {
      for (const [k, v] of Object.entries(s.labels)) {
        const m = values.get(k) ?? new Map<string, number>();
        m.set(v, (m.get(v) ?? 0) + 1);
        values.set(k, m);
      }
    }
    const labels: LabelCardinality[] = [...values].map(([label, m]) => {
      const distinctValues = [...m.keys()];
      return {
        label,
        distinct: m.size,
        top: [...m].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 10).map(([value, n]) => ({ value, series: n })),
        idLikeShare: distinctValues.filter(looksLikeId).length / Math.max(1, distinctValues.length),
      };
    });
    labels.sort((a, b) => b.distinct - a.distinct);
    out.push({ metric, series: list.length, labels });
  }
  return out.sort((a, b) => b.series - a.series || a.metric.localeCompare(b.metric));
}

export function explodingLabels(series: Series[], metrics = cardinality(series)): ExplodingLabel[] {
  const out: ExplodingLabel[] = [];
  for (const m of metrics) {
    for (const l of m.labels) {
      const exploding = l.distinct >= EXPLODING_DISTINCT || (l.distinct >= EXPLODING_DISTINCT_IDS && l.idLikeShare >= 0.5);
      if (!exploding) continue;
      const ofMetric = series.filter((s) => s.metric === m.metric);
      const without = new Set(ofMetric.map((s) => Object.entries(s.labels).filter(([k]) => k !== l.label).sort().map(([k, v]) => `${k}=${v}`).join('\u0001')));
      // The symbol table keeps each distinct value once.
      const distinctValues = new Set(ofMetric.flatMap((s) => (s.labels[l.label] === undefined ? [] : [s.labels[l.label]!])));
      const valueBytes = [...distinctValues].reduce((n, v) => n + v.length, 0);
      const extra = ofMetric.length - without.size;
      out.push({
        metric: m.metric,
        label: l.label,
        distinct: l.distinct,
        series: ofMetric.length,
        seriesWithoutLabel: without.size,
        top: l.top,
        estimatedBytes: extra * BYTES_PER_SERIES + valueBytes,
        firstLine: ofMetric.find((s) => s.labels[l.label] !== undefined)?.line ?? null,
      });
    }
  }
  return out;
}

/** The same label exploding across several metrics (istio_requests_total, _bytes, _duration…) is one problem. */
export function groupByLabel(list: ExplodingLabel[]): Array<{ label: string; metrics: ExplodingLabel[]; estimatedBytes: number }> {
  const m = new Map<string, ExplodingLabel[]>();
  for (const e of list) m.set(e.label, [...(m.get(e.label) ?? []), e]);
  return [...m].map(([label, metrics]) => ({ label, metrics, estimatedBytes: metrics.reduce((n, e) => n + e.estimatedBytes, 0) }));
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024 * 1024) return `${(n / 1024 / 1024 / 1024).toFixed(1)} GiB`;
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} B`;
}
