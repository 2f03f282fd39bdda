// The resources analyzer: YAML/JSON manifests → model → rules → findings.
// `analyzeResourceTexts` takes every file at once, because references cross files
// (a VirtualService in one file, its DestinationRule in another), as istioctl does.
import type { ArtifactAnalyzer, ArtifactInput, ArtifactReport } from '../artifact.ts';
import type { Finding } from '../finding.ts';
import { readManifests, type ReadProblem, type SourceObject } from './read.ts';
import { buildModel, type ResourceModel } from './model.ts';
import { resourceRules, type Rule } from '../rules/index.ts';

export { buildModel, ResourceModel } from './model.ts';
export type { Resource, Workload, KubeService, RegistryHost, ServicePort } from './model.ts';
export { readManifests } from './read.ts';
export { resolveHost, hostCovers, hostsOverlap, gatewayHostTakes, visibleFrom } from './hosts.ts';

/** Code for a document that could not be parsed (no istioctl equivalent shown as such). */
export const PARSE_ERROR_CODE = 'OPS300';

export interface ResourceAnalysis {
  model: ResourceModel;
  findings: Finding[];
}

export function modelFromTexts(files: { name: string; text: string }[]): ResourceModel {
  const objects: SourceObject[] = [];
  const problems: ReadProblem[] = [];
  for (const f of files) {
    const r = readManifests(f.name, f.text);
    objects.push(...r.objects);
    problems.push(...r.problems);
  }
  return buildModel(objects, problems);
}

/** Runs rules over a model; findings silenced by `galley.istio.io/analyze-suppress` are kept, marked suppressed. */
export function runRules(model: ResourceModel, rules: Rule[] = resourceRules): Finding[] {
  const findings: Finding[] = model.problems.map((p) => ({
    code: PARSE_ERROR_CODE,
    severity: 'error',
    message: { en: `Document could not be parsed: ${p.message}`, zh: `文档无法解析：${p.message}` },
    resource: null,
    file: p.file,
    line: p.line,
    column: p.column,
    chapter: null,
  }));
  for (const rule of rules) {
    let reports;
    try {
      reports = rule.check(model);
    } catch (err) {
      // A rule bug must not hide the other rules' findings.
      findings.push({ code: rule.meta.code, severity: 'info', message: { en: `rule ${rule.meta.id} failed: ${(err as Error).message}`, zh: `规则 ${rule.meta.id} 执行失败：${(err as Error).message}` }, resource: null, file: null, line: null, column: null, chapter: null });
      continue;
    }
    for (const r of reports) {
      const pos = r.resource.locate(r.path);
      const f: Finding = {
        code: rule.meta.code,
        severity: rule.meta.severity,
        message: r.message,
        resource: r.resource.ref,
        file: r.resource.file,
        line: pos.line,
        column: pos.column,
        chapter: rule.meta.chapter,
      };
      if (r.fix) f.fix = r.fix;
      const s = r.resource.suppress;
      if (s.includes('*') || s.includes(rule.meta.code)) f.suppressed = true;
      findings.push(f);
    }
  }
  // localeCompare is slow: only call it when the files differ (most findings share one file).
  return findings.sort((a, b) => (a.file === b.file ? 0 : (a.file ?? '').localeCompare(b.file ?? '')) || (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0) || a.code.localeCompare(b.code));
}

export function analyzeResourceTexts(files: { name: string; text: string }[], rules?: Rule[]): ResourceAnalysis {
  const model = modelFromTexts(files);
  return { model, findings: runRules(model, rules) };
}

function summary(model: ResourceModel, files: number): string[] {
  const counts = new Map<string, number>();
  for (const r of model.resources) counts.set(r.kind, (counts.get(r.kind) ?? 0) + 1);
  const parts = [...counts.entries()].sort((a, b) => a[0].localeCompare(b[0])).map(([k, n]) => `${n} ${k}`);
  return [`Resources: ${model.resources.length} from ${files} file(s)${parts.length ? ` (${parts.join(', ')})` : ''}`];
}

const YAML_EXT = /\.(ya?ml|json)$/i;

export const resourcesAnalyzer: ArtifactAnalyzer & { analyzeBatch(inputs: ArtifactInput[]): ArtifactReport } = {
  kind: 'resources',
  detect({ name, head }) {
    const hasKind = /^\s*kind:\s*\S/m.test(head) || /"kind"\s*:\s*"/.test(head);
    const hasApi = /^\s*apiVersion:\s*\S/m.test(head) || /"apiVersion"\s*:\s*"/.test(head);
    // A YAML file of comments and separators only (a manifest still to write) holds no resources, like an empty one for istioctl.
    if (/\.ya?ml$/i.test(name) && /^(?:\s*(?:#.*|---|\.\.\.)?\s*(?:\n|$))*$/.test(head)) return 0.5;
    if (!hasKind || !hasApi) return 0;
    return YAML_EXT.test(name) || name === '-' ? 0.9 : 0.6;
  },
  analyze(input) {
    return this.analyzeBatch([input]);
  },
  analyzeBatch(inputs) {
    const { model, findings } = analyzeResourceTexts(inputs.map((i) => ({ name: i.name, text: i.text })));
    return { kind: 'resources', findings, summary: summary(model, inputs.length) };
  },
};
