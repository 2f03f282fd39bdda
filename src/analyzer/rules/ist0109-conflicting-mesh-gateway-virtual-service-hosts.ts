// IST0109 ConflictingMeshGatewayVirtualServiceHosts: two or more VirtualServices
// bound to the mesh (no `gateways`, or `mesh` listed) claim the same host and are
// visible in a common namespace; istiod then merges or drops them unpredictably.
import type { Report, Rule } from './rule.ts';
import { t } from './rule.ts';
import type { Resource } from '../resources/model.ts';
import { appliesToMesh, vsHosts } from './common.ts';
import { strList } from '../resources/values.ts';

function exportScope(vs: Resource): string {
  const e = strList(vs.spec.exportTo);
  if (e.length === 0 || e.includes('*')) return '*';
  return e.map((x) => (x === '.' ? vs.namespace : x)).sort().join(',');
}

export const rule: Rule = {
  meta: {
    id: 'conflicting-mesh-gateway-virtual-service-hosts',
    code: 'IST0109',
    istioctl: 'ConflictingMeshGatewayVirtualServiceHosts',
    severity: 'error',
    title: t('VirtualServices for the mesh share a host', '多个作用于 mesh 的 VirtualService 使用相同 host'),
    explanation: t('Sidecars take one VirtualService per host; when several claim it, which rules apply depends on creation order.', 'Sidecar 对每个 host 只采用一个 VirtualService；多个同时声明时，生效的规则取决于创建顺序。'),
    chapter: 'best-practice/vs-priority',
  },
  check(model) {
    const byHost = new Map<string, { vs: Resource; index: number }[]>();
    for (const vs of model.ofKind('VirtualService')) {
      if (!appliesToMesh(vs)) continue;
      const scope = exportScope(vs);
      vsHosts(vs).forEach((h, index) => {
        const key = `${scope}|${h}`;
        const list = byHost.get(key) ?? [];
        if (!list.some((e) => e.vs === vs)) list.push({ vs, index });
        byHost.set(key, list);
      });
    }
    const out: Report[] = [];
    for (const [key, list] of byHost) {
      if (list.length < 2) continue;
      const host = key.slice(key.indexOf('|') + 1);
      const names = list.map((e) => `${e.vs.namespace}/${e.vs.name}`).join(',');
      for (const e of list) {
        out.push({
          resource: e.vs,
          path: ['spec', 'hosts', e.index],
          message: t(`The VirtualServices ${names} bound to the mesh all define host ${host}; only one set of rules will be used. Merge them into one VirtualService.`, `绑定 mesh 的 VirtualService ${names} 都定义了 host ${host}，只有一组规则会生效。请合并为一个 VirtualService。`),
        });
      }
    }
    return out;
  },
};
