// How connections spread over Envoy's worker threads. A connection stays on
// the worker that accepted it, so with long-lived connections (HTTP/2, gRPC)
// a few workers can end up doing all the work.
import type { Series } from './parse.ts';

export interface WorkerBar {
  worker: number;
  active: number;
  total: number;
}

export interface ListenerWorkers {
  listener: string;
  /** One bar per worker, sorted by worker index: the data of a bar chart. */
  bars: WorkerBar[];
  /** Which count the numbers below describe: active connections, or accepted-so-far when none is active. */
  basis: 'active' | 'total';
  sum: number;
  max: number;
  mean: number;
  /** Fewest workers that together hold at least 80% of the connections. */
  workersFor80: number;
  /** Their share of the connections (0..1). */
  topShare: number;
  /** Coefficient of variation (stddev / mean). */
  cv: number;
  firstLine: number | null;
}

/**
 * Reads per-worker listener stats from either form:
 * Envoy text/JSON `listener.<addr>.worker_<n>.downstream_cx_active` (split by the parser into
 * metric `listener.worker.downstream_cx_active`), or Prometheus
 * `envoy_listener_worker_<n>_downstream_cx_active{listener_address="…"}`.
 */
export function workerStats(series: Series[]): ListenerWorkers[] {
  const byListener = new Map<string, { bars: Map<number, WorkerBar>; line: number | null }>();
  for (const s of series) {
    let kind: 'active' | 'total' | null = null;
    let worker: number | null = null;
    let listener: string | null = null;
    const envoy = /^listener\.worker\.downstream_cx_(active|total)$/.exec(s.metric);
    const prom = /^envoy_listener_worker_(\d+)_downstream_cx_(active|total)$/.exec(s.metric);
    if (envoy) {
      kind = envoy[1] as 'active' | 'total';
      worker = Number(s.labels.worker_id);
      listener = s.labels.listener_address ?? null;
    } else if (prom) {
      kind = prom[2] as 'active' | 'total';
      worker = Number(prom[1]);
      listener = s.labels.listener_address ?? s.labels.envoy_listener_address ?? '(unnamed)';
    }
    if (kind === null || worker === null || listener === null || !Number.isFinite(worker) || s.value === null) continue;
    const entry = byListener.get(listener) ?? { bars: new Map<number, WorkerBar>(), line: s.line };
    const bar = entry.bars.get(worker) ?? { worker, active: 0, total: 0 };
    bar[kind] = s.value;
    entry.bars.set(worker, bar);
    byListener.set(listener, entry);
  }
  const out: ListenerWorkers[] = [];
  for (const [listener, { bars, line }] of byListener) {
    const list = [...bars.values()].sort((a, b) => a.worker - b.worker);
    const basis = list.some((b) => b.active > 0) ? 'active' : 'total';
    const values = list.map((b) => b[basis]);
    const sum = values.reduce((a, b) => a + b, 0);
    const mean = sum / Math.max(1, values.length);
    const max = Math.max(0, ...values);
    const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / Math.max(1, values.length);
    const sorted = [...values].sort((a, b) => b - a);
    let acc = 0;
    let workersFor80 = 0;
    for (const v of sorted) {
      if (sum > 0 && acc >= 0.8 * sum) break;
      acc += v;
      workersFor80++;
    }
    out.push({ listener, bars: list, basis, sum, max, mean, workersFor80, topShare: sum ? acc / sum : 0, cv: mean ? Math.sqrt(variance) / mean : 0, firstLine: line });
  }
  return out.sort((a, b) => b.sum - a.sum);
}

/**
 * Imbalanced when at least 4 workers exist, there are at least two
 * connections per worker on average, and a quarter of the workers or fewer
 * hold 80% of the connections.
 */
export function isImbalanced(l: ListenerWorkers): boolean {
  const n = l.bars.length;
  return n >= 4 && l.sum >= 2 * n && l.workersFor80 <= n / 4;
}

export function formatWorkers(l: ListenerWorkers): string[] {
  const width = 30;
  const out = [`listener ${l.listener}: ${l.bars.length} workers, ${l.sum} ${l.basis === 'active' ? 'active' : 'accepted (total)'} connections, ${l.workersFor80} worker(s) hold ${(l.topShare * 100).toFixed(0)}%, max ${l.max} vs mean ${l.mean.toFixed(1)}`];
  for (const b of l.bars) {
    const v = b[l.basis];
    const bar = '█'.repeat(l.max ? Math.round((v / l.max) * width) : 0);
    out.push(`  worker_${String(b.worker).padEnd(3)} ${String(v).padStart(7)} ${bar}`);
  }
  return out;
}
