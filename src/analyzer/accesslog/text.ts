// The human summary of a log report (`opslab logs --format text`, and the
// short form printed by `opslab analyze`).
import type { LogReport } from './analyze.ts';
import { ROLE_NAMES, type Hop, type RequestTrace } from './diagnose.ts';

const top = (rec: Record<string, number>, n: number) =>
  Object.entries(rec)
    .slice(0, n)
    .map(([k, v]) => `${k}=${v}`)
    .join('  ');

function hopLines(h: Hop, i: number): string[] {
  const who = h.answer.by === 'proxy' ? 'answered here' : h.answer.by === 'app' ? 'the app answered' : h.answer.by === 'client-gone' ? 'client went away' : 'relayed the upstream answer';
  return [
    `  ${i + 1}. ${ROLE_NAMES[h.role].en.replace(/^the /, '')}  ${h.file ?? ''}:${h.line}  ${h.response_code ?? '-'} ${h.response_flags.join(',') || '-'} ${h.response_code_details ?? ''}  (${who})${h.attempts > 1 ? `  ${h.attempts} attempts` : ''}`,
    `     downstream ${h.downstream_remote_address ?? '-'} -> ${h.downstream_local_address ?? '-'}   upstream ${h.upstream_local_address ?? '-'} -> ${h.upstream_host ?? '-'}   cluster ${h.upstream_cluster ?? '-'}`,
  ];
}

export function traceText(t: RequestTrace): string[] {
  const out = [`Request ${t.request_id}: ${t.hops.length} hop(s)`];
  t.hops.forEach((h, i) => out.push(...hopLines(h, i)));
  out.push(`  => ${t.failed_at ? t.failed_at.summary.en : 'no error on any hop'}`);
  return out;
}

export function summaryText(r: LogReport, opts: { brief?: boolean } = {}): string[] {
  const out: string[] = [];
  for (const f of r.files)
    out.push(`${f.file ?? '(stdin)'}: ${f.entries} entries (${f.format ?? 'no format recognised'}), ${f.skipped} other lines skipped, ${f.unreadable} unreadable`);
  out.push(`HTTP ${r.http}, TCP ${r.tcp.lines} line(s) = ${r.tcp.connections} connection(s)${r.tcp.repeated_lines ? ` (${r.tcp.repeated_lines} repeated by periodic flushing)` : ''}, errors ${r.errors}`);
  out.push(`by code:    ${top(r.by_code, 10)}`);
  out.push(`by flag:    ${top(r.by_flag, 10)}`);
  if (opts.brief) return out;
  if (Object.keys(r.by_cluster).length) out.push(`by cluster: ${top(r.by_cluster, 5)}`);
  if (Object.keys(r.by_authority).length) out.push(`by authority: ${top(r.by_authority, 5)}`);
  if (Object.keys(r.by_route).length) out.push(`by route:   ${top(r.by_route, 5)}`);
  if (r.error_groups.length) out.push('', 'Error groups:');
  for (const g of r.error_groups.slice(0, 20)) {
    out.push(`- ${g.response_code ?? '-'} ${g.response_flags.join(',') || '-'} ${g.response_code_details ?? ''} x${g.count}  ${g.upstream_cluster ?? ''}  (${g.file ?? 'stdin'}:${g.first_line})`.replace(/ +/g, ' '));
    out.push(`  who answered: ${g.answer.why.en}`);
    out.push(`  what it means: ${g.explanation.meaning.en}`);
    out.push(`  likely cause: ${g.explanation.causes.en}`);
    if (g.explanation.next) out.push(`  next: ${g.explanation.next}`);
    out.push(`  chapter: ${g.explanation.chapter}   [${g.explanation.family}]`);
  }
  if (r.retries.length) {
    out.push('', 'Retries (several attempts of one request in one log):');
    for (const t of r.retries.slice(0, 10))
      out.push(`- ${t.request_id} in ${t.file ?? 'stdin'}: ${t.attempts.length} attempts: ${t.attempts.map((a) => `line ${a.line} ${a.response_code ?? '-'} ${a.response_flags.join(',') || '-'}`).join('; ')}`);
  }
  for (const t of r.requests.slice(0, 10)) out.push('', ...traceText(t));
  if (r.unreadable.length) {
    out.push('', 'Lines that could not be read:');
    for (const p of r.unreadable.slice(0, 10)) out.push(`- ${p.file ?? 'stdin'}:${p.line}: ${p.reason}`);
  }
  return out;
}
