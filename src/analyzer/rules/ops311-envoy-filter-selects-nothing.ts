// OPS311: an EnvoyFilter that can apply to nothing: its workloadSelector matches
// no pod (in its namespace; anywhere for the root namespace), or a patch matches a
// cluster/virtual host of a service that does not exist. istiod accepts it and
// nothing happens — the classic "my EnvoyFilter has no effect". The selector check
// needs pods in the input; the host checks need the Services/ServiceEntries.
import type { Report, Rule } from './rule.ts';
import { t } from './rule.ts';
import { labelText } from './common.ts';
import { arr, obj, str, strMap } from '../resources/values.ts';

export const rule: Rule = {
  meta: {
    id: 'envoy-filter-selects-nothing',
    code: 'OPS311',
    severity: 'warning',
    title: t('EnvoyFilter matches nothing', 'EnvoyFilter 匹配不到任何对象'),
    explanation: t('istiod accepts an EnvoyFilter whose selector or match points at nothing; it silently has no effect.', 'istiod 会接受选择器或 match 指向不存在对象的 EnvoyFilter，它只是静默地不起作用。'),
    chapter: 'best-practice/http-header-case',
  },
  check(model) {
    const out: Report[] = [];
    for (const ef of model.ofKind('EnvoyFilter')) {
      const sel = strMap(obj(ef.spec.workloadSelector).labels);
      if (Object.keys(sel).length > 0 && model.workloads.length > 0) {
        const root = ef.namespace === model.rootNamespace;
        if (model.workloadsMatching(root ? null : ef.namespace, sel).length === 0) {
          out.push({ resource: ef, path: ['spec', 'workloadSelector', 'labels'], message: t(`workloadSelector ${labelText(sel)} matches no pod${root ? '' : ` in namespace ${ef.namespace}`}; this EnvoyFilter applies to nothing.`, `workloadSelector ${labelText(sel)} ${root ? '' : `在命名空间 ${ef.namespace} 中`}没有匹配到任何 Pod；该 EnvoyFilter 不作用于任何对象。`), fix: t('Use the labels of the target pods (kubectl get pod --show-labels), and put the EnvoyFilter in their namespace or the root namespace.', '使用目标 Pod 的标签（kubectl get pod --show-labels），并把 EnvoyFilter 放在其所在命名空间或根命名空间。') });
        }
      }
      if (model.registry.length === 0) continue;
      arr(ef.spec.configPatches).forEach((p, i) => {
        const match = obj(obj(p).match);
        const service = str(obj(match.cluster).service);
        if (service && !service.includes('*') && model.hostsNamed(service).length === 0) {
          out.push({ resource: ef, path: ['spec', 'configPatches', i, 'match', 'cluster', 'service'], message: t(`Patch ${i} matches the cluster of service ${service}, which does not exist; the patch applies to nothing.`, `补丁 ${i} 匹配服务 ${service} 的 cluster，但该服务不存在；补丁不作用于任何对象。`) });
        }
        const vhost = str(obj(obj(match.routeConfiguration).vhost).name);
        const vhostHost = vhost?.split(':')[0];
        if (vhostHost && !vhostHost.includes('*') && vhostHost.includes('.') && model.hostsNamed(vhostHost).length === 0) {
          out.push({ resource: ef, path: ['spec', 'configPatches', i, 'match', 'routeConfiguration', 'vhost', 'name'], message: t(`Patch ${i} matches virtual host ${vhost}, but no service ${vhostHost} exists; the patch applies to nothing.`, `补丁 ${i} 匹配虚拟主机 ${vhost}，但不存在服务 ${vhostHost}；补丁不作用于任何对象。`) });
        }
      });
    }
    return out;
  },
};
