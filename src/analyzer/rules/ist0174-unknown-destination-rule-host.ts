// IST0174 UnknownDestinationRuleHost: the DestinationRule's host matches no
// Service or ServiceEntry visible from its namespace, so it applies to nothing.
// Wildcard hosts are not checked (as istioctl).
import type { Report, Rule } from './rule.ts';
import { t } from './rule.ts';
import { resolveHost } from '../resources/hosts.ts';
import { str } from '../resources/values.ts';

export const rule: Rule = {
  meta: {
    id: 'unknown-destination-rule-host',
    code: 'IST0174',
    istioctl: 'UnknownDestinationRuleHost',
    severity: 'warning',
    title: t('DestinationRule host is unknown', 'DestinationRule 的 host 不存在'),
    explanation: t('No Service or ServiceEntry has this host, so the DestinationRule (its subsets, TLS, pools) applies to nothing.', '没有 Service 或 ServiceEntry 对应该 host，DestinationRule（subset、TLS、连接池）不作用于任何对象。'),
    chapter: 'case-studies/no-healthy-upstream',
  },
  check(model) {
    const out: Report[] = [];
    for (const dr of model.ofKind('DestinationRule')) {
      const host = str(dr.spec.host);
      if (!host) continue;
      const fqdn = resolveHost(host, dr.namespace);
      if (fqdn.startsWith('*') || model.lookupHost(fqdn, dr.namespace).length > 0) continue;
      out.push({ resource: dr, path: ['spec', 'host'], message: t(`The host ${host} of this DestinationRule matches no service in the mesh.`, `该 DestinationRule 的 host ${host} 不对应网格中的任何服务。`), fix: t(`Use the full name of the Service (name.namespace.svc.cluster.local) or create a ServiceEntry for ${host}.`, `使用 Service 的完整名称（name.namespace.svc.cluster.local），或为 ${host} 创建 ServiceEntry。`) });
    }
    return out;
  },
};
