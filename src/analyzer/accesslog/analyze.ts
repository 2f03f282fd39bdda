// Reads a whole log (or several) into a report, and turns its error groups
// into findings for `opslab analyze` (codes OPS1xx).
import type { ArtifactAnalyzer, ArtifactReport } from '../artifact.ts';
import type { Finding, Severity } from '../finding.ts';
import { clusterResource } from './knowledge/clusters.ts';
import { ROLE_NAMES, Summarizer, type ErrorGroup, type SummaryReport } from './diagnose.ts';
import type { LineProblem } from './entry.ts';
import { AccessLogReader, type ReadResult } from './reader.ts';
import { summaryText } from './text.ts';

export interface LogReport extends SummaryReport {
  files: { file: string | null; format: string | null; lines: number; entries: number; skipped: number; unreadable: number }[];
  unreadable: LineProblem[];
}

export function buildReport(summary: SummaryReport, reads: { file: string | null; result: ReadResult }[]): LogReport {
  return {
    files: reads.map(({ file, result: r }) => ({ file, format: r.format, lines: r.lines, entries: r.entries, skipped: r.skipped, unreadable: r.problemCount })),
    ...summary,
    unreadable: reads.flatMap((r) => r.result.problems).slice(0, 1000),
  };
}

/** Reads texts already in memory (the lab, `opslab analyze`). */
export function analyzeLogs(files: { name: string | null; text: string }[], opts: { format?: string; follow?: string[] } = {}): LogReport {
  const summary = new Summarizer({ follow: opts.follow });
  const reads = files.map(({ name, text }) => {
    const reader = new AccessLogReader({ format: opts.format, source: name ?? undefined, onEntry: (e, line) => summary.add(e, line, name) });
    reader.push(text);
    return { file: name, result: reader.end() };
  });
  if (summary.wantsEarlierLines(files.length)) {
    // Second pass: hops of failed requests logged before their first error.
    for (const { name, text } of files.slice(0, -1)) {
      const reader = new AccessLogReader({ format: opts.format, onEntry: (e, line) => summary.addEarlier(e, line, name) });
      reader.push(text);
      reader.end();
    }
  }
  return buildReport(summary.report(), reads);
}

/** Family code → title, for messages. */
export const FAMILIES: Record<string, { en: string; zh: string }> = {
  OPS100: { en: 'access-log lines that could not be read', zh: '无法读取的访问日志行' },
  OPS101: { en: 'no route or cluster for the request', zh: '请求找不到路由或集群' },
  OPS102: { en: 'no healthy upstream', zh: '没有健康的上游' },
  OPS103: { en: 'upstream connection failures', zh: '上游连接失败' },
  OPS104: { en: 'upstream reset or closed the connection', zh: '上游重置或关闭了连接' },
  OPS105: { en: 'timeouts', zh: '超时' },
  OPS106: { en: 'circuit breaking, overload or rate limiting', zh: '熔断、过载或限流' },
  OPS107: { en: 'denied by a policy', zh: '被策略拒绝' },
  OPS108: { en: 'protocol errors', zh: '协议错误' },
  OPS109: { en: 'the client went away', zh: '客户端提前断开' },
  OPS110: { en: 'fault injection or filters', zh: '故障注入或过滤器' },
  OPS111: { en: 'errors returned by the application', zh: '应用返回的错误' },
  OPS112: { en: 'TLS / transport failures', zh: 'TLS / 传输层失败' },
  OPS113: { en: 'direct responses and blackholed traffic', zh: '直接响应与被黑洞的流量' },
};

function severityOf(g: ErrorGroup): Severity {
  if (g.answer.by === 'client-gone') return 'info';
  const code = g.response_code ?? 0;
  if (g.answer.by === 'proxy' && (code >= 500 || code === 0)) return 'error';
  return 'warning';
}

export function groupFindings(report: LogReport, maxGroups = 50): Finding[] {
  const out: Finding[] = [];
  for (const g of report.error_groups.slice(0, maxGroups)) {
    const flags = g.response_flags.join(',') || '-';
    const who = g.answer.by === 'proxy' ? ROLE_NAMES[g.answer.role] : g.answer.by === 'app' ? { en: 'the application', zh: '应用' } : g.answer.by === 'client-gone' ? { en: 'nobody (the client left)', zh: '无人（客户端已离开）' } : { en: 'the upstream', zh: '上游' };
    const head = `${g.response_code ?? '-'} ${flags}${g.response_code_details ? ' ' + g.response_code_details : ''} ×${g.count}${g.upstream_cluster ? ` to ${g.upstream_cluster}` : ''}`;
    out.push({
      code: g.explanation.family,
      severity: severityOf(g),
      message: {
        en: `${head}, answered by ${who.en}. ${g.explanation.meaning.en} Likely cause: ${g.explanation.causes.en}.`,
        zh: `${head}，由${who.zh}作答。${g.explanation.meaning.zh} 可能原因：${g.explanation.causes.zh}。`,
      },
      resource: clusterResource(g.upstream_cluster),
      file: g.file,
      line: g.first_line,
      column: null,
      chapter: g.explanation.chapter,
      ...(g.explanation.next ? { fix: { en: `Next: ${g.explanation.next}`, zh: `下一步：${g.explanation.next}` } } : {}),
    });
  }
  for (const f of report.files) {
    if (!f.unreadable) continue;
    const first = report.unreadable.find((p) => (p.file ?? null) === f.file);
    out.push({
      code: 'OPS100',
      severity: 'info',
      message: {
        en: `${f.unreadable} line(s) look like access-log lines but could not be read${first ? ` (first at line ${first.line}: ${first.reason})` : ''}; pass the format with opslab logs --log-format`,
        zh: `${f.unreadable} 行看起来像访问日志但无法读取${first ? `（第一处在第 ${first.line} 行：${first.reason}）` : ''}；可用 opslab logs --log-format 指定格式`,
      },
      resource: null,
      file: f.file,
      line: first?.line ?? null,
      column: null,
      chapter: 'debug-istio/envoy-log',
    });
  }
  return out;
}

/** How many of the first lines read as access-log lines. */
function sniff(head: string): number {
  const lines = head.split('\n', 60).filter((l) => l.trim() !== '');
  if (lines.length === 0) return 0;
  let entries = 0;
  const reader = new AccessLogReader({ onEntry: () => entries++ });
  reader.push(lines.join('\n'));
  reader.end();
  return entries / lines.length;
}

export const accessLogAnalyzer: ArtifactAnalyzer = {
  kind: 'accesslog',
  detect({ name, head }) {
    const share = sniff(head);
    if (share === 0) return 0;
    // An access log of a few lines among an app's output still counts, a bit less surely.
    return Math.min(0.95, 0.5 + share / 2) + (/\.(log|txt|json|ndjson)$/i.test(name) ? 0.04 : 0);
  },
  analyze({ name, text }): ArtifactReport {
    const report = analyzeLogs([{ name, text }]);
    if (report.entries === 0) return { kind: 'accesslog', findings: [], error: `${name}: no access-log lines found (${report.files[0]?.skipped ?? 0} other lines skipped)` };
    return { kind: 'accesslog', findings: groupFindings(report), summary: summaryText(report, { brief: true }) };
  },
};
