// IST0132 VirtualServiceHostNotFoundInGateway: none of the VirtualService's hosts
// is served by a Gateway it binds to (honouring `ns/host` forms of Gateway hosts),
// so the gateway has no route for it (404 NR).
import type { Report, Rule } from './rule.ts';
import { t } from './rule.ts';
import { gatewayServers, vsGateways } from './common.ts';
import { hostsOverlap, splitGatewayHost } from '../resources/hosts.ts';
import { strList } from '../resources/values.ts';

export const rule: Rule = {
  meta: {
    id: 'virtual-service-host-not-found-in-gateway',
    code: 'IST0132',
    istioctl: 'VirtualServiceHostNotFoundInGateway',
    severity: 'warning',
    title: t('VirtualService host not on its Gateway', 'VirtualService 的 host 不在 Gateway 中'),
    explanation: t('A VirtualService only applies on a gateway for hosts that the Gateway\'s servers accept; otherwise requests get 404 NR.', 'VirtualService 只对 Gateway server 接受的 host 生效；否则请求会得到 404 NR。'),
    chapter: 'common-problem/gateway-tcp-port',
  },
  check(model) {
    const out: Report[] = [];
    for (const vs of model.ofKind('VirtualService')) {
      const hosts = strList(vs.spec.hosts).map((h) => h.toLowerCase());
      if (hosts.length === 0) continue;
      vsGateways(vs).forEach((ref, i) => {
        if (ref === 'mesh') return;
        const gw = model.gateway(ref, vs.namespace);
        if (!gw) return;
        const gwHosts = gatewayServers(gw).flatMap((s) => s.hosts).map(splitGatewayHost).filter((h) => h.ns === null || h.ns === '*' || (h.ns === '.' && gw.namespace === vs.namespace) || h.ns === vs.namespace);
        if (hosts.some((h) => gwHosts.some((g) => hostsOverlap(g.host, h)))) return;
        out.push({
          resource: vs,
          path: ['spec', 'gateways', i],
          message: t(`One or more hosts [${hosts.join(', ')}] of VirtualService ${vs.namespace}/${vs.name} are not found in Gateway ${gw.namespace}/${gw.name}.`, `VirtualService ${vs.namespace}/${vs.name} 的 host [${hosts.join(', ')}] 在 Gateway ${gw.namespace}/${gw.name} 中不存在。`),
          fix: t(`Add the host to a server of Gateway ${gw.namespace}/${gw.name}, or bind the VirtualService to a Gateway that serves it.`, `在 Gateway ${gw.namespace}/${gw.name} 的 server 中加入该 host，或将 VirtualService 绑定到提供该 host 的 Gateway。`),
        });
      });
    }
    return out;
  },
};
