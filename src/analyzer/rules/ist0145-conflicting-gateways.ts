// IST0145 ConflictingGateways: Gateways served by the same pods define the same
// port (and bind address) with overlapping hosts. istiod keeps one and drops the
// other's server.
import type { Report, Rule } from './rule.ts';
import { t } from './rule.ts';
import { gatewaySelector, gatewayServers, gatewaysShareWorkload, labelText } from './common.ts';
import { hostsOverlap, splitGatewayHost } from '../resources/hosts.ts';

export const rule: Rule = {
  meta: {
    id: 'conflicting-gateways',
    code: 'IST0145',
    istioctl: 'ConflictingGateways',
    severity: 'error',
    title: t('Gateways conflict on a port', 'Gateway 在同一端口上冲突'),
    explanation: t('Two Gateways of the same gateway pods claim the same host on the same port; istiod rejects one server.', '同一组网关 Pod 上的两个 Gateway 在同一端口声明了相同的 host；istiod 会拒绝其中一个 server。'),
    chapter: 'common-problem/duplicate-tls-hosts',
  },
  check(model) {
    const out: Report[] = [];
    const gws = model.ofKind('Gateway');
    for (const gw of gws) {
      for (const s of gatewayServers(gw)) {
        if (s.port === undefined) continue;
        const conflicts: string[] = [];
        const hosts = new Set<string>();
        for (const other of gws) {
          if (other === gw || !gatewaysShareWorkload(model, gw, other)) continue;
          for (const o of gatewayServers(other)) {
            if (o.port !== s.port || (o.bind ?? '') !== (s.bind ?? '')) continue;
            const common = s.hosts.map(splitGatewayHost).filter((h) => o.hosts.map(splitGatewayHost).some((x) => hostsOverlap(x.host, h.host)));
            if (common.length === 0) continue;
            conflicts.push(`${other.namespace}/${other.name}`);
            for (const h of common) hosts.add(h.host);
          }
        }
        if (conflicts.length === 0) continue;
        out.push({
          resource: gw,
          path: ['spec', 'servers', s.index, 'port', 'number'],
          message: t(`Conflict with gateways ${[...new Set(conflicts)].join(', ')} (workload selector ${labelText(gatewaySelector(gw))}, port ${s.port}, hosts ${[...hosts].join(', ')}).`, `与 Gateway ${[...new Set(conflicts)].join('、')} 冲突（工作负载选择器 ${labelText(gatewaySelector(gw))}，端口 ${s.port}，host ${[...hosts].join('、')}）。`),
        });
      }
    }
    return out;
  },
};
