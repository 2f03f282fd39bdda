// Istio's standard request metric, summed by who called whom and what came back.
import type { Series } from './parse.ts';

export interface IstioRequestEdge {
  reporter: string;
  source: string;
  destination: string;
  /** response_code → requests */
  codes: Record<string, number>;
  total: number;
}

function workload(labels: Record<string, string>, side: 'source' | 'destination'): string {
  const w = labels[`${side}_workload`];
  const ns = labels[`${side}_workload_namespace`];
  if (w && w !== 'unknown') return ns && ns !== 'unknown' ? `${w}.${ns}` : w;
  return labels[`${side}_app`] || 'unknown';
}

/** Sums istio_requests_total per reporter, source workload, destination service and response code. */
export function istioRequests(series: Series[]): IstioRequestEdge[] {
  const edges = new Map<string, IstioRequestEdge>();
  for (const s of series) {
    if (s.metric !== 'istio_requests_total' || s.value === null || !Number.isFinite(s.value)) continue;
    const reporter = s.labels.reporter ?? '';
    const source = workload(s.labels, 'source');
    const destination = s.labels.destination_service || s.labels.destination_service_name || workload(s.labels, 'destination');
    const key = [reporter, source, destination].join('\u0000');
    const edge = edges.get(key) ?? { reporter, source, destination, codes: {}, total: 0 };
    const code = s.labels.response_code ?? '?';
    edge.codes[code] = (edge.codes[code] ?? 0) + s.value;
    edge.total += s.value;
    edges.set(key, edge);
  }
  return [...edges.values()].sort((a, b) => a.reporter.localeCompare(b.reporter) || b.total - a.total);
}

export function formatIstioRequests(edges: IstioRequestEdge[]): string[] {
  if (edges.length === 0) return [];
  const out = ['istio_requests_total by source → destination (response codes):'];
  for (const e of edges) {
    const codes = Object.entries(e.codes).sort((a, b) => a[0].localeCompare(b[0])).map(([c, n]) => `${c}=${n}`).join(' ');
    out.push(`  [${e.reporter || '-'}] ${e.source} → ${e.destination}: ${e.total} (${codes})`);
  }
  return out;
}
