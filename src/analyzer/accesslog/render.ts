// Writes an entry as Envoy would with a given format string. Used by the
// simulator to produce logs, and by the tests to check that parsing reads
// back what was written.
import type { AccessLogEntry } from './entry.ts';
import type { CompiledFormat } from './format.ts';

export function renderEntry(e: AccessLogEntry, fmt: CompiledFormat): string {
  let out = '';
  for (const t of fmt.tokens) {
    if ('lit' in t) {
      out += t.lit;
      continue;
    }
    const v = e[t.op.key];
    let s: string;
    if (t.op.kind === 'flags') s = Array.isArray(v) && v.length ? v.join(',') : '-';
    else s = v === null || v === undefined ? '-' : String(v);
    if (t.op.maxLength !== null) s = s.slice(0, t.op.maxLength);
    out += s;
  }
  return out;
}
