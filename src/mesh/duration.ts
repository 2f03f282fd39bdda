// Durations as Istio writes them (`1s`, `500ms`, `1.5s`, `1m`, protobuf `0.250s`),
// in milliseconds; null when absent or unreadable.
const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, us: 0.001, ns: 0.000001 };

export function parseDuration(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v !== 'string') return null;
  let total = 0;
  let matched = false;
  const re = /(\d+(?:\.\d+)?)(ms|us|ns|s|m|h)/g;
  const s = v.trim();
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = re.exec(s)) !== null) {
    if (m.index !== consumed) return null;
    consumed = m.index + m[0].length;
    total += Number(m[1]) * (UNITS[m[2]!] ?? 0);
    matched = true;
  }
  return matched && consumed === s.length ? Math.round(total) : null;
}

/** Protobuf JSON duration (`1s`, `0.250s`). */
export function protoDuration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${(ms / 1000).toFixed(3).replace(/0+$/, '')}s`;
}
