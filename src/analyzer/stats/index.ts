// The artifact analyzers of this folder: metrics/stats (Prometheus text,
// Envoy /stats text and JSON, istiod /metrics), Envoy /memory, istiod debug JSON.
import type { ArtifactAnalyzer, ArtifactInput, ArtifactReport } from '../artifact.ts';
import type { Finding } from '../finding.ts';
import { explodingLabels, groupByLabel, cardinality, formatBytes, BYTES_PER_SERIES } from './cardinality.ts';
import { formatIstioRequests, istioRequests } from './istio-metrics.ts';
import { formatIstiodMetrics, hasIstiodMetrics, istiodMetrics, type IstiodMetrics } from './istiod.ts';
import { detectDebugEndpoint, proxyResource, pushStatusEntries, summarizeDebug, syncStatus } from './istiod-debug.ts';
import { heapFarLarger, memoryFields, parseEnvoyMemory, type EnvoyMemory } from './memory.ts';
import { guessStatsFormat, parseEnvoyJson, parseEnvoyText, parsePrometheus, toSeries, type ParsedStats, type Series } from './parse.ts';
import { formatWorkers, isImbalanced, workerStats } from './workers.ts';

export * from './parse.ts';
export * from './cardinality.ts';
export * from './istio-metrics.ts';
export * from './workers.ts';
export * from './istiod.ts';
export * from './istiod-debug.ts';
export * from './memory.ts';

type Base = Pick<Finding, 'resource' | 'file' | 'line' | 'column'>;
const at = (file: string, line: number | null = null, resource: string | null = null): Base => ({ resource, file, line, column: line === null ? null : 1 });

/** Parses whichever stats form the text is in; null when it is none of them. */
export function parseStats(text: string): ParsedStats | { error: string } {
  const format = guessStatsFormat(text.slice(0, 64 * 1024));
  if (format === 'envoy-json') {
    try {
      return parseEnvoyJson(JSON.parse(text));
    } catch (err) {
      return { error: `Envoy /stats JSON does not parse: ${(err as Error).message}` };
    }
  }
  if (format === 'prometheus') return parsePrometheus(text);
  if (format === 'envoy-text') return parseEnvoyText(text);
  return { error: 'neither Prometheus text, Envoy /stats text nor Envoy /stats JSON' };
}

// ---------- findings ----------

export function cardinalityFindings(series: Series[], file: string): Finding[] {
  return groupByLabel(explodingLabels(series)).map((g) => {
    const first = g.metrics[0]!;
    const metrics = g.metrics.map((m) => `${m.metric} (${m.series} series, ${m.seriesWithoutLabel} without it)`).join(', ');
    const top = first.top.slice(0, 3).map((t) => t.value).join(', ');
    const cost = formatBytes(g.estimatedBytes);
    return {
      code: 'OPS401',
      severity: 'warning',
      message: {
        en: `Label "${g.label}" explodes the number of series: ${first.distinct} distinct values in ${metrics}; e.g. ${top}. Estimated cost in Envoy: ~${cost} (${BYTES_PER_SERIES} B per series plus the values), growing with every new value.`,
        zh: `标签 "${g.label}" 使指标序列数量暴增：${metrics} 中有 ${first.distinct} 个不同取值，例如 ${top}。估计占用 Envoy 内存约 ${cost}（每个序列按 ${BYTES_PER_SERIES} 字节计，另加取值本身），且每出现一个新取值就继续增长。`,
      },
      ...at(file, first.firstLine),
      chapter: 'common-problem/envoy-stats-memory',
      fix: {
        en: `Remove the "${g.label}" dimension (Telemetry API tagOverrides with operation: REMOVE, or the stats EnvoyFilter that added it), or map it to a small set of values.`,
        zh: `去掉 "${g.label}" 这个维度（Telemetry API 中用 tagOverrides 的 operation: REMOVE，或删除添加它的 stats EnvoyFilter），或者把它映射为少量固定取值。`,
      },
    };
  });
}

export function workerFindings(series: Series[], file: string): Finding[] {
  return workerStats(series).filter(isImbalanced).map((l) => ({
    code: 'OPS402',
    severity: 'warning',
    message: {
      en: `Listener ${l.listener}: ${l.workersFor80} of ${l.bars.length} workers hold ${(l.topShare * 100).toFixed(0)}% of the ${l.basis === 'active' ? 'active' : 'accepted'} connections (max ${l.max}, mean ${l.mean.toFixed(1)}). A connection stays on the worker that accepted it, so long-lived connections leave the other workers idle.`,
      zh: `监听器 ${l.listener}：${l.bars.length} 个 worker 中有 ${l.workersFor80} 个承担了 ${(l.topShare * 100).toFixed(0)}% 的${l.basis === 'active' ? '活动' : '已接受'}连接（最大 ${l.max}，平均 ${l.mean.toFixed(1)}）。连接只在接受它的 worker 上处理，长连接会让其他 worker 空闲。`,
    },
    ...at(file, l.firstLine),
    chapter: 'common-problem/unbalanced-workers',
    fix: {
      en: 'Enable connection_balance_config (exact_balance) on this listener with an EnvoyFilter; it adds a lock on accept, so use it where connections are few and long.',
      zh: '用 EnvoyFilter 为该监听器开启 connection_balance_config（exact_balance）；它会在接受连接时加锁，适合连接少而长的场景。',
    },
  }));
}

/** p99 of the convergence time above this (seconds) is reported. */
export const SLOW_CONVERGENCE_SECONDS = 10;

export function istiodFindings(m: IstiodMetrics, file: string): Finding[] {
  const out: Finding[] = [];
  for (const r of m.rejected) {
    const resource = r.type.toLowerCase() === 'gateway' ? `Gateway ${r.name}` : `${r.type} ${r.name}`;
    out.push({
      code: 'OPS403',
      severity: 'error',
      message: {
        en: `istiod rejected ${r.type} ${r.name} (pilot_total_rejected_configs = ${r.count}): some of its servers are not in the proxies' config. For a Gateway this usually means a TLS host already claimed on the same port by another Gateway.`,
        zh: `istiod 拒绝了 ${r.type} ${r.name}（pilot_total_rejected_configs = ${r.count}）：它的部分 server 没有下发到代理。对于 Gateway，通常是同一端口上的 TLS host 已被另一个 Gateway 占用。`,
      },
      ...at(file, r.line, resource),
      chapter: 'common-problem/duplicate-tls-hosts',
      fix: {
        en: 'Find the other Gateway with the same host and port (istiod debug log: "skipping server on gateway … duplicate host names"), then keep that host in one Gateway only.',
        zh: '找到相同 host 与端口的另一个 Gateway（istiod debug 日志：“skipping server on gateway … duplicate host names”），只在一个 Gateway 中保留该 host。',
      },
    });
  }
  const senderr = Object.entries(m.pushes).filter(([t, n]) => t.endsWith('_senderr') && n > 0);
  if (senderr.length) {
    out.push({
      code: 'OPS404',
      severity: 'warning',
      message: {
        en: `istiod failed to send some pushes: ${senderr.map(([t, n]) => `${t}=${n}`).join(', ')}. Proxies may run stale config.`,
        zh: `istiod 有推送发送失败：${senderr.map(([t, n]) => `${t}=${n}`).join('，')}。代理可能在使用过期配置。`,
      },
      ...at(file, m.firstLine.pilot_xds_pushes ?? null),
      chapter: 'debug-istio/istiod-debug',
    });
  }
  const nacks = Object.entries(m.xdsRejects);
  if (nacks.length) {
    out.push({
      code: 'OPS405',
      severity: 'warning',
      message: {
        en: `Proxies rejected (NACKed) config istiod pushed: ${nacks.map(([t, n]) => `${t}=${n}`).join(', ')}. Look for the proxy and error in /debug/syncz or istiod's log.`,
        zh: `代理拒绝（NACK）了 istiod 推送的配置：${nacks.map(([t, n]) => `${t}=${n}`).join('，')}。可在 /debug/syncz 或 istiod 日志中查看是哪个代理、什么错误。`,
      },
      ...at(file, m.firstLine.pilot_total_xds_rejects ?? null),
      chapter: 'debug-istio/istiod-debug',
    });
  }
  for (const h of m.histograms) {
    if (h.metric !== 'pilot_proxy_convergence_time' || h.p99 === null || h.p99 < SLOW_CONVERGENCE_SECONDS) continue;
    out.push({
      code: 'OPS406',
      severity: 'warning',
      message: {
        en: `Config takes long to reach proxies: pilot_proxy_convergence_time p99 ≈ ${h.p99.toFixed(1)}s over ${h.count} pushes (threshold ${SLOW_CONVERGENCE_SECONDS}s).`,
        zh: `配置下发到代理耗时较长：pilot_proxy_convergence_time 的 p99 约 ${h.p99.toFixed(1)} 秒（共 ${h.count} 次推送，阈值 ${SLOW_CONVERGENCE_SECONDS} 秒）。`,
      },
      ...at(file, m.firstLine.pilot_proxy_convergence_time_bucket ?? null),
      chapter: 'debug-istio/istiod-debug',
      fix: { en: 'Limit what each proxy receives (Sidecar resources, exportTo) and check istiod CPU and pilot_push_triggers.', zh: '用 Sidecar 资源和 exportTo 限制每个代理接收的配置，并检查 istiod 的 CPU 与 pilot_push_triggers。' },
    });
  }
  for (const [metric, n] of Object.entries(m.pushStatus)) {
    out.push({
      code: 'OPS407',
      severity: 'info',
      message: { en: `istiod reports ${metric} = ${n}: see /debug/push_status for the affected proxies and resources.`, zh: `istiod 报告 ${metric} = ${n}：受影响的代理与资源见 /debug/push_status。` },
      ...at(file, m.firstLine[metric] ?? null),
      chapter: 'debug-istio/istiod-debug',
    });
  }
  return out;
}

export function memoryFindings(m: EnvoyMemory, file: string, line: number | null = null): Finding[] {
  if (!heapFarLarger(m)) return [];
  const idle = m.heap_size - m.allocated - (m.pageheap_unmapped ?? 0);
  return [
    {
      code: 'OPS501',
      severity: 'warning',
      message: {
        en: `Envoy's heap (${formatBytes(m.heap_size)}) is ${(m.heap_size / m.allocated).toFixed(1)}× what it holds (${formatBytes(m.allocated)}): ${formatBytes(Math.max(0, idle))} is free but still resident (page heap and thread caches), ${formatBytes(m.pageheap_unmapped ?? 0)} was returned to the OS. Memory grew once and was not given back; a heap profile shows what grew.`,
        zh: `Envoy 的堆（${formatBytes(m.heap_size)}）是实际占用（${formatBytes(m.allocated)}）的 ${(m.heap_size / m.allocated).toFixed(1)} 倍：其中 ${formatBytes(Math.max(0, idle))} 空闲但仍驻留（page heap 与线程缓存），${formatBytes(m.pageheap_unmapped ?? 0)} 已归还操作系统。内存曾经涨上去而未释放；用 heap profile 查看是什么在增长。`,
      },
      ...at(file, line),
      chapter: 'debug-istio/envoy-profiler',
    },
  ];
}

// ---------- analyzers ----------

function analyzeStatsText(input: ArtifactInput): ArtifactReport {
  const parsed = parseStats(input.text);
  if ('error' in parsed) return { kind: 'stats', findings: [], error: `${input.name}: ${parsed.error}` };
  if (parsed.samples.length === 0) {
    const why = parsed.problems[0] ? ` (line ${parsed.problems[0].line ?? '?'}: ${parsed.problems[0].message})` : '';
    return { kind: 'stats', findings: [], error: `${input.name}: no metric could be read${why}` };
  }
  const series = toSeries(parsed);
  const metrics = cardinality(series);
  const summary: string[] = [`${input.name}: ${parsed.format} — ${series.length} series in ${metrics.length} metrics${parsed.problems.length ? `, ${parsed.problems.length} unreadable line(s) (first: line ${parsed.problems[0]!.line ?? '?'}: ${parsed.problems[0]!.message})` : ''}`];
  summary.push('  most series: ' + metrics.slice(0, 5).map((m) => `${m.metric}=${m.series}${m.labels[0] ? ` (${m.labels[0].label}: ${m.labels[0].distinct} values)` : ''}`).join(', '));
  const findings: Finding[] = [];
  findings.push(...cardinalityFindings(series, input.name));
  for (const g of groupByLabel(explodingLabels(series, metrics))) {
    summary.push(`  exploding label ${g.label}: top values ${g.metrics[0]!.top.slice(0, 5).map((t) => `${t.value} (${t.series})`).join(', ')}; ~${formatBytes(g.estimatedBytes)}`);
  }
  summary.push(...formatIstioRequests(istioRequests(series)).map((l) => '  ' + l));
  for (const l of workerStats(series)) summary.push(...formatWorkers(l).map((s) => '  ' + s));
  findings.push(...workerFindings(series, input.name));
  if (hasIstiodMetrics(series)) {
    const m = istiodMetrics(parsed);
    summary.push(...formatIstiodMetrics(m).map((s) => '  ' + s));
    findings.push(...istiodFindings(m, input.name));
  }
  // server.memory_allocated / memory_heap_size (Envoy stats) tell the same story as /memory.
  const gauge = (names: string[]) => series.find((s) => names.includes(s.metric))?.value ?? null;
  const allocated = gauge(['server.memory_allocated', 'envoy_server_memory_allocated']);
  const heap = gauge(['server.memory_heap_size', 'envoy_server_memory_heap_size']);
  if (allocated !== null && heap !== null) {
    summary.push(`  server memory: allocated ${formatBytes(allocated)}, heap ${formatBytes(heap)}`);
    const line = series.find((s) => s.metric === 'server.memory_heap_size' || s.metric === 'envoy_server_memory_heap_size')?.line ?? null;
    findings.push(...memoryFindings({ allocated, heap_size: heap, pageheap_unmapped: null, pageheap_free: null, total_thread_cache: null, total_physical_bytes: null }, input.name, line));
  }
  return { kind: 'stats', findings, summary };
}

export const statsAnalyzer: ArtifactAnalyzer = {
  kind: 'stats',
  detect({ head }) {
    const f = guessStatsFormat(head);
    return f === 'envoy-json' ? 0.9 : f ? 0.8 : 0;
  },
  analyze: analyzeStatsText,
};

export const envoyMemoryAnalyzer: ArtifactAnalyzer = {
  kind: 'envoy-memory',
  detect({ head }) {
    const t = head.trimStart();
    return t.startsWith('{') && /"allocated"\s*:/.test(t) && /"heap_size"\s*:/.test(t) ? 0.95 : 0;
  },
  analyze(input) {
    let doc: unknown;
    try {
      doc = JSON.parse(input.text);
    } catch (err) {
      return { kind: 'envoy-memory', findings: [], error: `${input.name}: Envoy /memory JSON does not parse: ${(err as Error).message}` };
    }
    const m = parseEnvoyMemory(doc);
    if (!m) return { kind: 'envoy-memory', findings: [], error: `${input.name}: not Envoy /memory output (needs "allocated" and "heap_size")` };
    const summary = [`${input.name}: Envoy /memory`];
    for (const [k, v] of Object.entries(m)) if (v !== null) summary.push(`  ${k.padEnd(21)} ${formatBytes(v).padStart(10)}  ${memoryFields[k]?.en ?? ''}`);
    return { kind: 'envoy-memory', findings: memoryFindings(m, input.name), summary };
  },
};

export const istiodDebugAnalyzer: ArtifactAnalyzer = {
  kind: 'istiod-debug',
  detect({ head }) {
    const t = head.trimStart();
    if (!t.startsWith('[') && !t.startsWith('{')) return 0;
    if (/"(cluster|listener|route|endpoint)_(sent|acked)"\s*:/.test(t) && /"proxy"\s*:/.test(t)) return 0.9;
    if (/^\{\s*"totalClients"/.test(t) || (/"connectionId"/.test(t) && /"watches"/.test(t))) return 0.85;
    if (/^\{\s*"pilot_[a-z_]+"\s*:\s*\{/.test(t)) return 0.85;
    if (t.startsWith('[') && /"hostname"\s*:/.test(t) && /"(MeshExternal|Resolution|Attributes)"\s*:/.test(t)) return 0.85;
    if (t.startsWith('[') && /"kind"\s*:/.test(t) && /"metadata"\s*:/.test(t) && /"spec"\s*:/.test(t)) return 0.4; // configz; resources analyzers may know better
    return 0;
  },
  analyze(input) {
    let doc: unknown;
    try {
      doc = JSON.parse(input.text);
    } catch (err) {
      return { kind: 'istiod-debug', findings: [], error: `${input.name}: istiod debug JSON does not parse: ${(err as Error).message}` };
    }
    const endpoint = detectDebugEndpoint(doc);
    if (!endpoint) return { kind: 'istiod-debug', findings: [], error: `${input.name}: JSON, but not one of istiod's /debug/syncz, configz, registryz, adsz, push_status` };
    const findings: Finding[] = [];
    if (endpoint === 'syncz') {
      for (const s of syncStatus(doc as unknown[])) {
        if (!s.stale.length) continue;
        const what = s.stale.map((x) => `${x.type} sent ${x.sent || '-'} acked ${x.acked || '-'}`).join('; ');
        findings.push({
          code: 'OPS408',
          severity: 'warning',
          message: {
            en: `Proxy ${s.proxy} has not acknowledged what istiod sent (${what}): it is still applying it, or it rejected it (NACK).`,
            zh: `代理 ${s.proxy} 尚未确认 istiod 下发的配置（${what}）：可能仍在应用，或已拒绝（NACK）。`,
          },
          resource: proxyResource(s.proxy),
          file: input.name,
          line: null,
          column: null,
          path: `[${s.index}]`,
          chapter: 'debug-istio/istiod-debug',
          fix: { en: `Run istioctl proxy-status ${s.proxy} and check the proxy's log for the rejected config.`, zh: `运行 istioctl proxy-status ${s.proxy}，并在代理日志中查看被拒绝的配置。` },
        });
      }
    }
    if (endpoint === 'push_status') {
      for (const e of pushStatusEntries(doc as Record<string, unknown>)) {
        findings.push({
          code: 'OPS407',
          severity: 'info',
          message: { en: `${e.metric}: ${e.key}${e.message ? ` — ${e.message}` : ''}`, zh: `${e.metric}：${e.key}${e.message ? ` — ${e.message}` : ''}` },
          resource: e.proxy ? proxyResource(e.proxy) : null,
          file: input.name,
          line: null,
          column: null,
          path: `${e.metric}[${JSON.stringify(e.key)}]`,
          chapter: 'debug-istio/istiod-debug',
        });
      }
    }
    return { kind: 'istiod-debug', findings, summary: summarizeDebug(endpoint, doc) };
  },
};

export const statsAnalyzers: ArtifactAnalyzer[] = [statsAnalyzer, envoyMemoryAnalyzer, istiodDebugAnalyzer];
