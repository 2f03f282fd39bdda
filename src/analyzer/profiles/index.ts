// The profile artifact analyzer: heap and CPU profiles in pprof format.
import type { ArtifactAnalyzer } from '../artifact.ts';
import type { Finding } from '../finding.ts';
import { byCum, byFlat, chooseValueIndex, formatValue, STATS_FUNCTION, topFunctions, total } from './analyze.ts';
import { decodeProfile, gperftoolsKind } from './decode.ts';

export * from './decode.ts';
export * from './analyze.ts';

/** Share of a heap profile held under Envoy's stats code above which we point at the stats chapter. */
export const STATS_HEAP_SHARE = 0.3;

const PROFILE_NAME = /(\.pb\.gz|\.pprof|\.prof|\.heap|\.pb)$|pprof|profile|heap|cpu/i;

export const profileAnalyzer: ArtifactAnalyzer = {
  kind: 'profile',
  detect({ name, bytes }) {
    const named = PROFILE_NAME.test(name.split('/').pop() ?? '');
    if (gperftoolsKind(bytes)) return 0.9;
    if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) return named ? 0.9 : 0.6;
    return named && /\.(pb\.gz|pprof|pb)$/i.test(name) ? 0.7 : 0;
  },
  async analyze(input) {
    const p = await decodeProfile(input.bytes);
    if ('error' in p) return { kind: 'profile', findings: [], error: `${input.name}: ${p.error}` };
    const index = chooseValueIndex(p);
    const type = p.sampleTypes[index]!;
    const sum = total(p, index);
    const costs = topFunctions(p, index);
    const fmt = (v: number) => formatValue(v, type.unit);
    const pct = (v: number) => (sum ? `${((v / sum) * 100).toFixed(1)}%` : '-');
    const summary = [
      `${input.name}: pprof profile, ${p.samples.length} samples, types ${p.sampleTypes.map((t) => `${t.type}/${t.unit}`).join(', ')}; showing ${type.type}, total ${fmt(sum)}${p.durationNanos ? ` over ${(p.durationNanos / 1e9).toFixed(1)}s` : ''}`,
    ];
    if (p.problems.length) summary.push(`  problems: ${p.problems.slice(0, 3).join('; ')}`);
    summary.push('  top by flat:');
    for (const c of byFlat(costs).slice(0, 10)) if (c.flat) summary.push(`    ${fmt(c.flat).padStart(10)} ${pct(c.flat).padStart(6)}  ${c.name}`);
    summary.push('  top by cum:');
    for (const c of byCum(costs).slice(0, 10)) summary.push(`    ${fmt(c.cum).padStart(10)} ${pct(c.cum).padStart(6)}  ${c.name}`);

    const findings: Finding[] = [];
    const isHeap = /space|bytes|alloc|inuse/.test(type.type) || type.unit === 'bytes';
    if (isHeap && sum > 0) {
      // Cumulative under any stats function, each sample once.
      let stats = 0;
      for (const s of p.samples) if (s.stack.some((f) => STATS_FUNCTION.test(f.name))) stats += s.values[index] ?? 0;
      if (stats / sum >= STATS_HEAP_SHARE) {
        findings.push({
          code: 'OPS502',
          severity: 'info',
          message: {
            en: `${pct(stats)} of the heap (${fmt(stats)}) is held under Envoy's stats code (stat names, symbol table, stats filter). A metric tag with many distinct values makes it grow; check the proxy's /stats for an exploding label.`,
            zh: `堆内存中有 ${pct(stats)}（${fmt(stats)}）位于 Envoy 的 stats 代码之下（stat 名称、符号表、stats filter）。取值很多的指标标签会让它不断增长；请在代理的 /stats 中查找取值暴增的标签。`,
          },
          resource: null,
          file: input.name,
          line: null,
          column: null,
          chapter: 'common-problem/envoy-stats-memory',
        });
      }
    }
    return { kind: 'profile', findings, summary };
  },
};
