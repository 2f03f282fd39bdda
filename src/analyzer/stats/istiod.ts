// istiod's own /metrics (port 15014): connected proxies, pushes, rejected
// configs, push and convergence times.
import type { ParsedStats, Series } from './parse.ts';

export interface HistogramSummary {
  metric: string;
  labels: Record<string, string>;
  count: number;
  sum: number;
  p50: number | null;
  p99: number | null;
  /** Upper bounds and cumulative counts as exposed. */
  buckets: Array<{ le: number; count: number }>;
}

export interface RejectedConfig {
  type: string;
  name: string;
  count: number;
  line: number | null;
}

export interface IstiodMetrics {
  /** pilot_xds: connected proxies per version. */
  proxies: Record<string, number>;
  pushes: Record<string, number>;
  rejected: RejectedConfig[];
  /** Proxy NACKs per xDS type (pilot_total_xds_rejects and the older pilot_xds_*_reject). */
  xdsRejects: Record<string, number>;
  /** Non-zero push_status gauges (pilot_conflict_*, pilot_eds_no_instances…). */
  pushStatus: Record<string, number>;
  histograms: HistogramSummary[];
  firstLine: Record<string, number | null>;
}

export function hasIstiodMetrics(series: Series[]): boolean {
  return series.some((s) => s.metric.startsWith('pilot_'));
}

/** Quantile from cumulative buckets, interpolated linearly inside the bucket (as Prometheus' histogram_quantile does). */
export function bucketQuantile(q: number, buckets: Array<{ le: number; count: number }>): number | null {
  const b = [...buckets].sort((x, y) => x.le - y.le);
  const total = b.length ? b[b.length - 1]!.count : 0;
  if (!total) return null;
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const { le, count } of b) {
    if (count >= rank) {
      if (le === Infinity) return prevLe; // beyond the last finite bucket: report its bound
      const inBucket = count - prevCount;
      return inBucket ? prevLe + ((le - prevLe) * (rank - prevCount)) / inBucket : le;
    }
    prevLe = le;
    prevCount = count;
  }
  return prevLe;
}

const PUSH_STATUS = /^pilot_(conflict_|eds_no_instances|no_ip|endpoint_not_ready|duplicate_envoy_clusters|dns_cluster_without_endpoints|vservice_dup_domain|destrule_subsets)/;

export function istiodMetrics(parsed: ParsedStats): IstiodMetrics {
  const result: IstiodMetrics = { proxies: {}, pushes: {}, rejected: [], xdsRejects: {}, pushStatus: {}, histograms: [], firstLine: {} };
  const hist = new Map<string, HistogramSummary>();
  const add = (rec: Record<string, number>, key: string, v: number) => (rec[key] = (rec[key] ?? 0) + v);
  for (const s of parsed.samples) {
    const v = s.value;
    if (v === null || !Number.isFinite(v)) continue;
    if (!(s.name in result.firstLine)) result.firstLine[s.name] = s.line;
    const l = s.labels;
    if (s.name === 'pilot_xds') add(result.proxies, l.version ?? 'unknown', v);
    else if (s.name === 'pilot_xds_pushes') add(result.pushes, l.type ?? 'unknown', v);
    else if (s.name === 'pilot_total_rejected_configs' && v > 0) result.rejected.push({ type: l.type ?? 'unknown', name: l.name ?? 'unknown', count: v, line: s.line });
    else if (s.name === 'pilot_total_xds_rejects' && v > 0) add(result.xdsRejects, l.type ?? 'unknown', v);
    else if (/^pilot_xds_(cds|eds|lds|rds)_reject$/.test(s.name) && v > 0) add(result.xdsRejects, s.name.split('_')[2]!, v);
    else if (PUSH_STATUS.test(s.name) && v > 0) add(result.pushStatus, s.name, v);
    const h = /^(pilot_xds_push_time|pilot_proxy_convergence_time|pilot_proxy_queue_time|pilot_pushcontext_init_seconds)_(bucket|sum|count)$/.exec(s.name);
    if (h) {
      const labels = { ...l };
      delete labels.le;
      const key = h[1] + JSON.stringify(labels);
      const summary = hist.get(key) ?? { metric: h[1]!, labels, count: 0, sum: 0, p50: null, p99: null, buckets: [] };
      if (h[2] === 'bucket') summary.buckets.push({ le: l.le === '+Inf' ? Infinity : Number(l.le), count: v });
      else if (h[2] === 'sum') summary.sum = v;
      else summary.count = v;
      hist.set(key, summary);
    }
  }
  for (const h of hist.values()) {
    h.p50 = bucketQuantile(0.5, h.buckets);
    h.p99 = bucketQuantile(0.99, h.buckets);
    result.histograms.push(h);
  }
  return result;
}

const fmtSec = (s: number | null) => (s === null ? '-' : s < 1 ? `${(s * 1000).toFixed(0)}ms` : `${s.toFixed(2)}s`);

export function formatIstiodMetrics(m: IstiodMetrics): string[] {
  const out: string[] = ['istiod metrics:'];
  const proxies = Object.values(m.proxies).reduce((a, b) => a + b, 0);
  out.push(`  pilot_xds: ${proxies} connected proxies${Object.keys(m.proxies).length ? ' (' + Object.entries(m.proxies).map(([v, n]) => `${v}: ${n}`).join(', ') + ')' : ''}`);
  if (Object.keys(m.pushes).length) out.push(`  pilot_xds_pushes: ${Object.entries(m.pushes).sort().map(([t, n]) => `${t}=${n}`).join(' ')}`);
  for (const r of m.rejected) out.push(`  pilot_total_rejected_configs: ${r.type} ${r.name} rejected ${r.count} time(s)`);
  if (Object.keys(m.xdsRejects).length) out.push(`  proxy NACKs: ${Object.entries(m.xdsRejects).map(([t, n]) => `${t}=${n}`).join(' ')}`);
  for (const [k, v] of Object.entries(m.pushStatus)) out.push(`  ${k}: ${v}`);
  for (const h of m.histograms) {
    const labels = Object.entries(h.labels).map(([k, v]) => `${k}=${v}`).join(',');
    out.push(`  ${h.metric}${labels ? `{${labels}}` : ''}: ${h.count} observations, p50 ${fmtSec(h.p50)}, p99 ${fmtSec(h.p99)}, mean ${h.count ? fmtSec(h.sum / h.count) : '-'}`);
  }
  return out;
}
