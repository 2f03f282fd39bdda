// Findings for broken trace propagation: one user request split over several
// trace ids, orphan spans, and a message consumer that is not linked to the
// calls it makes.
import type { Finding } from '../finding.ts';
import type { Span } from './parse.ts';
import type { Trace } from './tree.ts';

/** Tags that carry Envoy's x-request-id (Envoy writes guid:x-request-id). */
export const REQUEST_ID_TAGS = ['guid:x-request-id', 'x-request-id', 'http.request_id', 'request_id'];
/** A call that starts within this long after a consumer span ends is taken as made by its handler (µs). */
export const CONSUMER_WINDOW_US = 1_000_000;

const short = (traceId: string) => traceId.replace(/^0{16}/, '');
const ms = (us: number) => `${(us / 1000).toFixed(1)}ms`;

function base(file: string, span: Span): Pick<Finding, 'resource' | 'file' | 'line' | 'column' | 'path'> {
  return { resource: null, file, line: null, column: null, path: span.path };
}

export function propagationFindings(traces: Trace[], file: string): Finding[] {
  const findings: Finding[] = [];
  const traceOf = new Map<string, Trace>(traces.map((t) => [t.traceId, t]));
  const explained = new Set<string>(); // trace ids already reported as split

  // 1. One x-request-id over several trace ids.
  const byRequest = new Map<string, Map<string, Span>>();
  for (const t of traces) {
    for (const s of t.spans) {
      const id = REQUEST_ID_TAGS.map((k) => s.tags[k]).find((v) => v);
      if (!id) continue;
      const m = byRequest.get(id) ?? new Map<string, Span>();
      if (!m.has(t.traceId)) m.set(t.traceId, s);
      byRequest.set(id, m);
    }
  }
  for (const [requestId, perTrace] of byRequest) {
    if (perTrace.size < 2) continue;
    const ids = [...perTrace.keys()].sort((a, b) => traceOf.get(a)!.start - traceOf.get(b)!.start);
    ids.slice(1).forEach((id) => explained.add(id));
    const services = [...new Set(ids.map((id) => perTrace.get(id)!.service))].join(', ');
    findings.push({
      code: 'OPS601',
      severity: 'warning',
      message: {
        en: `One request (x-request-id ${requestId}) is split over ${ids.length} traces: ${ids.map(short).join(', ')} (services ${services}). A service on the path did not forward the trace headers (b3 / traceparent) on its outgoing call, so the proxy started a new trace.`,
        zh: `同一个请求（x-request-id ${requestId}）被拆成了 ${ids.length} 条 trace：${ids.map(short).join('、')}（服务 ${services}）。链路上某个服务在发起下游调用时没有转发跟踪 header（b3 / traceparent），代理因此开启了新的 trace。`,
      },
      ...base(file, perTrace.get(ids[1]!)!),
      chapter: 'best-practice/method-level-tracing',
      fix: {
        en: 'Copy the tracing headers (x-request-id, x-b3-*, traceparent…) from the incoming request to every outgoing one, or use an OpenTracing/OpenTelemetry instrumentation that does it.',
        zh: '把入站请求中的跟踪 header（x-request-id、x-b3-*、traceparent 等）复制到每个出站请求，或使用会自动传递它们的 OpenTracing/OpenTelemetry 埋点库。',
      },
    });
  }

  // 2. Orphan spans: the parent id names a span that is not in the trace.
  for (const t of traces) {
    const orphans = t.roots.filter((r) => r.orphan);
    if (!orphans.length) continue;
    const first = orphans[0]!.span;
    findings.push({
      code: 'OPS602',
      severity: 'warning',
      message: {
        en: `Trace ${short(t.traceId)} has ${orphans.length} span(s) whose parent is missing (e.g. ${first.service}: ${first.name}, parent ${first.parentId}). The parent was never reported (a service without tracing, or spans dropped), so the tree is cut there.`,
        zh: `Trace ${short(t.traceId)} 中有 ${orphans.length} 个 span 的父 span 不存在（例如 ${first.service}: ${first.name}，父 span ${first.parentId}）。父 span 没有被上报（某个服务未开启跟踪，或 span 被丢弃），调用树在此处断开。`,
      },
      ...base(file, first),
      chapter: 'best-practice/method-level-tracing',
    });
  }

  // 3. A consumer span whose handler's calls start new traces.
  const rootsOf = (t: Trace) => t.roots.filter((r) => !r.orphan && r.span.parentId === null).map((r) => r.span);
  const allRoots = traces.flatMap((t) => rootsOf(t).map((span) => ({ span, trace: t })));
  const linkedToConsumer = new Set<string>();
  for (const t of traces) {
    for (const c of t.spans) {
      if (c.kind !== 'CONSUMER') continue;
      const end = c.start + c.duration;
      const calls = allRoots.filter(({ span, trace }) => trace.traceId !== t.traceId && span.service === c.service && span.kind !== 'SERVER' && span.kind !== 'CONSUMER' && span.start >= c.start && span.start <= end + CONSUMER_WINDOW_US);
      if (!calls.length) continue;
      calls.forEach(({ trace }) => linkedToConsumer.add(trace.traceId));
      const first = calls[0]!;
      findings.push({
        code: 'OPS603',
        severity: 'warning',
        message: {
          en: `Consumer span "${c.name}" of ${c.service} (trace ${short(t.traceId)}) is not linked to the calls its handler makes: ${calls.length} call(s) start new traces (${calls.map((x) => short(x.trace.traceId)).join(', ')}), the first "${first.span.name}" ${ms(first.span.start - end)} after the consumer span ended. The messaging instrumentation closed the span before the handler ran, so no span was active for the calls.`,
          zh: `${c.service} 的消费者 span “${c.name}”（trace ${short(t.traceId)}）没有与其处理逻辑发出的调用关联：${calls.length} 个调用开启了新的 trace（${calls.map((x) => short(x.trace.traceId)).join('、')}），第一个“${first.span.name}”在消费者 span 结束 ${ms(first.span.start - end)} 后开始。消息埋点在处理逻辑运行前就结束了 span，调用发出时没有活动的 span。`,
        },
        ...base(file, c),
        chapter: 'best-practice/async-message-tracing',
        fix: {
          en: 'In the consumer, extract the span context from the message headers and start the handler span as its child (or FOLLOWS_FROM), keep it active while the handler makes its calls, and inject it into their headers.',
          zh: '在消费者中从消息 header 提取 span context，以其为父（或 FOLLOWS_FROM）创建处理逻辑的 span，在处理期间保持它为活动 span，并把它注入出站调用的 header。',
        },
      });
    }
  }

  // 4. Roots that start while the same service is serving a request in another trace.
  for (const { span: r, trace: b } of allRoots) {
    if (r.kind !== 'CLIENT' && r.kind !== 'PRODUCER') continue;
    if (explained.has(b.traceId) || linkedToConsumer.has(b.traceId)) continue;
    const during = traces.find((a) => a.traceId !== b.traceId && a.spans.some((x) => x.service === r.service && x.kind === 'SERVER' && x.start <= r.start && r.start <= x.start + x.duration));
    if (!during) continue;
    const server = during.spans.find((x) => x.service === r.service && x.kind === 'SERVER' && x.start <= r.start && r.start <= x.start + x.duration)!;
    explained.add(b.traceId);
    findings.push({
      code: 'OPS604',
      severity: 'warning',
      message: {
        en: `Trace ${short(b.traceId)} starts with an outgoing call "${r.name}" from ${r.service} while ${r.service} is serving "${server.name}" in trace ${short(during.traceId)}: the call probably belongs to that request, but the trace headers were not passed on.`,
        zh: `Trace ${short(b.traceId)} 以 ${r.service} 的出站调用“${r.name}”开始，而此时 ${r.service} 正在 trace ${short(during.traceId)} 中处理“${server.name}”：该调用很可能属于那个请求，但跟踪 header 没有被传递下去。`,
      },
      ...base(file, r),
      chapter: 'best-practice/method-level-tracing',
      fix: {
        en: 'Forward the tracing headers from the incoming request to the outgoing call (Envoy cannot do it for the application).',
        zh: '把入站请求的跟踪 header 传递给出站调用（Envoy 无法替应用完成这一步）。',
      },
    });
  }
  return findings;
}
