// IST0173 DestinationRuleSubsetNotSelectPods: a subset whose labels match no pod
// behind the host, so its cluster has no endpoints (503 UH, no_healthy_upstream).
// For a ServiceEntry host, its workloadSelector and WorkloadEntries count too.
// Difference: on files alone we only judge a host whose namespace has workloads in
// the input, else every subset would fire for lack of data.
import type { Report, Rule } from './rule.ts';
import { t } from './rule.ts';
import type { Workload } from '../resources/model.ts';
import { labelText } from './common.ts';
import { resolveHost } from '../resources/hosts.ts';
import { arr, obj, selects, str, strMap } from '../resources/values.ts';

/** Labels of pods behind a host (null when we cannot tell). */
export function podsBehind(model: Parameters<Rule['check']>[0], fqdn: string, fromNs: string): Record<string, string>[] | null {
  const target = model.lookupHost(fqdn, fromNs)[0];
  if (!target) return null;
  if (target.service) {
    const svc = target.service;
    if (!svc.selector || Object.keys(svc.selector).length === 0 || !model.hasWorkloadsIn(svc.namespace)) return null;
    return model.workloadsOf(svc).map((w: Workload) => w.labels);
  }
  const sel = strMap(obj(target.source.spec.workloadSelector).labels);
  const entries = arr(target.source.spec.endpoints).map((e) => strMap(obj(e).labels));
  const wes = model.ofKind('WorkloadEntry').filter((we) => we.namespace === target.source.namespace).map((we) => strMap(we.spec.labels));
  if (Object.keys(sel).length === 0) return entries.length > 0 ? entries : null;
  if (!model.hasWorkloadsIn(target.source.namespace) && wes.length === 0) return null;
  return [...model.workloadsMatching(target.source.namespace, sel).map((w) => w.labels), ...wes.filter((l) => selects(sel, l))];
}

export const rule: Rule = {
  meta: {
    id: 'destination-rule-subset-not-select-pods',
    code: 'IST0173',
    istioctl: 'DestinationRuleSubsetNotSelectPods',
    severity: 'error',
    title: t('Subset selects no pods', 'Subset 没有选中任何 Pod'),
    explanation: t('Traffic routed to this subset finds no endpoint: Envoy answers 503 with flag UH (no healthy upstream).', '路由到该 subset 的流量找不到任何端点：Envoy 返回 503 并带有 UH 标志（no healthy upstream）。'),
    chapter: 'case-studies/no-healthy-upstream',
  },
  check(model) {
    const out: Report[] = [];
    for (const dr of model.ofKind('DestinationRule')) {
      const host = str(dr.spec.host);
      if (!host) continue;
      const fqdn = resolveHost(host, dr.namespace);
      if (fqdn.startsWith('*')) continue;
      const pods = podsBehind(model, fqdn, dr.namespace);
      if (!pods) continue;
      arr(dr.spec.subsets).forEach((s, i) => {
        const subset = obj(s);
        const labels = strMap(subset.labels);
        if (Object.keys(labels).length === 0 || pods.some((p) => selects(labels, p))) return;
        const name = str(subset.name) ?? String(i);
        out.push({
          resource: dr,
          path: ['spec', 'subsets', i, 'labels'],
          message: t(`Subset ${name} (labels ${labelText(labels)}) selects no pod of ${fqdn}; requests routed to it fail with 503 UH.`, `Subset ${name}（标签 ${labelText(labels)}）没有选中 ${fqdn} 的任何 Pod；路由到它的请求会以 503 UH 失败。`),
          fix: t(`Add the labels ${labelText(labels)} to the pod template of the workload that should serve subset ${name}, or correct the subset labels.`, `为应当承载 subset ${name} 的工作负载的 Pod 模板加上标签 ${labelText(labels)}，或修正 subset 的标签。`),
        });
      });
    }
    return out;
  },
};
