// The config-dump ArtifactAnalyzer (`opslab analyze`, the lab worker): reads a
// /config_dump (or admin /clusters output), runs every rule, returns findings.
import type { ArtifactAnalyzer, ArtifactReport } from '../artifact.ts';
import type { Finding } from '../finding.ts';
import { looksLikeAdminClustersText, readAdminClustersJson, readAdminClustersText, type AdminClusters } from './admin-clusters.ts';
import { buildIndex } from './index.ts';
import { readConfigDump, type ConfigDump } from './model.ts';
import { dumpRules } from './rules/index.ts';
import { t } from './rules/rule.ts';

export function analyzeDump(dump: ConfigDump, file: string | null = null, now: Date = new Date()): Finding[] {
  const ix = buildIndex(dump, now);
  const out: Finding[] = [];
  for (const rule of dumpRules) {
    for (const r of rule.check(ix)) {
      out.push({ code: rule.meta.code, severity: r.severity ?? rule.meta.severity, message: r.message, resource: r.resource, file, line: null, column: null, chapter: rule.meta.chapter, ...(r.fix ? { fix: r.fix } : {}), path: r.path });
    }
  }
  return out;
}

/** Findings from admin /clusters output: clusters whose hosts are all failing. */
export function analyzeAdminClusters(a: AdminClusters, file: string | null = null): Finding[] {
  const byCluster = new Map<string, typeof a.hosts>();
  for (const h of a.hosts) byCluster.set(h.cluster, [...(byCluster.get(h.cluster) ?? []), h]);
  const out: Finding[] = [];
  for (const [cluster, hosts] of byCluster) {
    if (!hosts.every((h) => h.status !== 'HEALTHY' && h.status !== 'UNKNOWN' && h.status !== 'DEGRADED' || h.failedOutlierCheck)) continue;
    out.push({
      code: 'OPS202',
      severity: 'error',
      message: t(`Every host of ${cluster} is failing (${[...new Set(hosts.map((h) => h.healthFlags || h.status))].join(', ')}): requests get 503 UH no_healthy_upstream.`, `${cluster} 的所有主机都不可用（${[...new Set(hosts.map((h) => h.healthFlags || h.status))].join(', ')}）：请求会得到 503 UH no_healthy_upstream。`),
      resource: `Cluster ${cluster}`,
      file,
      line: hosts[0]!.line,
      column: null,
      chapter: 'case-studies/no-healthy-upstream',
      fix: t('Check the pods behind it (readiness, restarts) and the outlier detection settings of its DestinationRule.', '检查其后端 pod（就绪状态、重启）以及 DestinationRule 中的异常检测（outlierDetection）配置。'),
    });
  }
  return out;
}

const isDumpHead = (head: string) => /"@type"\s*:\s*"type\.googleapis\.com\/envoy\.admin\.v(3|2alpha)\.[A-Za-z]+ConfigDump"/.test(head);

export const configDumpAnalyzer: ArtifactAnalyzer = {
  kind: 'configdump',
  detect({ name, head }) {
    if (isDumpHead(head)) return 0.95;
    if (/"cluster_statuses"\s*:/.test(head)) return 0.9;
    if (looksLikeAdminClustersText(head)) return 0.85;
    if (/config_dump|configdump/i.test(name) && /^\s*[{[]/.test(head)) return 0.5;
    return 0;
  },
  analyze({ name, text }): ArtifactReport {
    if (/"cluster_statuses"\s*:/.test(text.slice(0, 65536))) {
      const a = readAdminClustersJson(text);
      if (a.problems.length && a.hosts.length === 0) return { kind: 'configdump', findings: [], error: `${name}: ${a.problems[0]!.message}` };
      return { kind: 'configdump', findings: analyzeAdminClusters(a, name), summary: [`${name}: admin /clusters (JSON): ${a.clusters.length} clusters, ${a.hosts.length} hosts`] };
    }
    if (!/^\s*[{[]/.test(text) && looksLikeAdminClustersText(text.slice(0, 65536))) {
      const a = readAdminClustersText(text);
      return { kind: 'configdump', findings: analyzeAdminClusters(a, name), summary: [`${name}: admin /clusters: ${a.clusters.length} clusters, ${a.hosts.length} hosts`] };
    }
    const dump = readConfigDump(text);
    const fatal = dump.problems.find((p) => p.line !== null && dump.clusters.length === 0 && dump.listeners.length === 0);
    if (fatal) return { kind: 'configdump', findings: [], error: `${name}:${fatal.line}: ${fatal.message}` };
    const findings = analyzeDump(dump, name);
    const warming = dump.listeners.filter((l) => l.state === 'warming').length + dump.clusters.filter((c) => c.state === 'warming').length;
    return {
      kind: 'configdump',
      findings,
      summary: [
        `${name}: config dump: ${dump.listeners.length} listeners, ${dump.routes.length} route configs, ${dump.clusters.length} clusters, ${dump.endpoints ? `${dump.endpoints.length} endpoint assignments` : 'no EDS (take the dump with ?include_eds to check endpoints)'}, ${dump.secrets.length} secrets${warming ? `, ${warming} warming` : ''}`,
      ],
    };
  },
};
