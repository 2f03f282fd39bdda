// IST0127 NoMatchingWorkloadsFound: an AuthorizationPolicy whose selector picks
// no pod (in its namespace; in any namespace for the root namespace), or a
// namespace-wide policy in a namespace without pods.
// Difference: on files alone we only judge when the input contains workloads at all.
import type { Report, Rule } from './rule.ts';
import { t } from './rule.ts';
import { labelText } from './common.ts';
import { obj, strMap } from '../resources/values.ts';

export const rule: Rule = {
  meta: {
    id: 'no-matching-workloads-found',
    code: 'IST0127',
    istioctl: 'NoMatchingWorkloadsFound',
    severity: 'warning',
    title: t('Policy selects no workload', '策略没有选中任何工作负载'),
    explanation: t('The policy applies to nothing: its selector matches no pod in its scope.', '该策略不作用于任何对象：其选择器在作用范围内没有匹配到 Pod。'),
    chapter: null,
  },
  check(model) {
    const out: Report[] = [];
    if (model.workloads.length === 0) return out;
    for (const ap of model.ofKind('AuthorizationPolicy')) {
      const root = ap.namespace === model.rootNamespace;
      const sel = strMap(obj(ap.spec.selector).matchLabels);
      const hasSelector = Object.keys(sel).length > 0;
      if (!hasSelector && root) continue;
      if (ap.spec.targetRef !== undefined || ap.spec.targetRefs !== undefined) continue;
      const found = model.workloadsMatching(root ? null : ap.namespace, sel);
      if (found.length > 0) continue;
      out.push({
        resource: ap,
        path: hasSelector ? ['spec', 'selector', 'matchLabels'] : ['metadata', 'namespace'],
        message: hasSelector
          ? t(`No matching workloads for this resource with the following labels: ${labelText(sel)}`, `没有工作负载匹配该资源的标签：${labelText(sel)}`)
          : t(`No workloads in namespace ${ap.namespace} for this namespace-wide policy.`, `命名空间 ${ap.namespace} 中没有工作负载，该命名空间级策略不起作用。`),
      });
    }
    return out;
  },
};
