// OPS305: pods behind a Service lack a label key that the DestinationRule's
// subsets select on (usually `version`, sometimes `app`). Those pods belong to no
// subset: routes by subset never reach them, and when no pod carries the label
// the subset is empty (503 UH; IST0173 reports that case on the DestinationRule).
// Reported on each workload, at its pod labels, so the fix lands where it belongs.
import type { Report, Rule } from './rule.ts';
import { t } from './rule.ts';
import { resolveHost } from '../resources/hosts.ts';
import { arr, obj, str, strMap } from '../resources/values.ts';

export const rule: Rule = {
  meta: {
    id: 'workload-missing-subset-labels',
    code: 'OPS305',
    severity: 'warning',
    title: t('Workload lacks the labels subsets select', '工作负载缺少 subset 所选的标签'),
    explanation: t('Subsets pick pods by labels such as version; a workload without them gets no subset traffic, and a subset nobody carries has no endpoints (503 UH).', 'Subset 依据 version 等标签选择 Pod；缺少这些标签的工作负载收不到按 subset 路由的流量，没有任何 Pod 携带的 subset 则没有端点（503 UH）。'),
    chapter: 'case-studies/no-healthy-upstream',
  },
  check(model) {
    const out: Report[] = [];
    const reported = new Set<string>();
    for (const dr of model.ofKind('DestinationRule')) {
      const host = str(dr.spec.host);
      if (!host) continue;
      const target = model.lookupHost(resolveHost(host, dr.namespace), dr.namespace)[0];
      const svc = target?.service;
      if (!svc) continue;
      const keys = new Set<string>();
      for (const s of arr(dr.spec.subsets)) for (const k of Object.keys(strMap(obj(s).labels))) keys.add(k);
      if (keys.size === 0) continue;
      for (const w of model.workloadsOf(svc)) {
        const missing = [...keys].filter((k) => w.labels[k] === undefined);
        const id = `${w.resource.ref}|${missing.join(',')}`;
        if (missing.length === 0 || reported.has(id)) continue;
        reported.add(id);
        out.push({
          resource: w.resource,
          path: [...w.metaPath, 'labels'],
          message: t(`Pods of ${w.resource.ref} serve ${svc.fqdn} but lack the label(s) ${missing.join(', ')} that the subsets of DestinationRule ${dr.namespace}/${dr.name} select; they receive no subset-routed traffic.`, `${w.resource.ref} 的 Pod 属于 ${svc.fqdn}，但缺少 DestinationRule ${dr.namespace}/${dr.name} 的 subset 所使用的标签 ${missing.join('、')}，收不到按 subset 路由的流量。`),
          fix: t(`Add to the pod labels:\n${missing.map((k) => `  ${k}: <value of the subset it belongs to>`).join('\n')}`, `在 Pod 标签中加入：\n${missing.map((k) => `  ${k}: <所属 subset 的取值>`).join('\n')}`),
        });
      }
    }
    return out;
  },
};
