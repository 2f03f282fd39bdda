// OPS304: the same host is terminated (HTTPS, or TLS non-passthrough) on the same
// port by two Gateways of one gateway deployment. istiod keeps the first server it
// sees and rejects the whole later server, taking down every other host in it as
// well (pilot_total_rejected_configs counts it). istiod orders gateways by
// creation time, then name; files carry no creation time, so we report both and
// name the hosts that would go down with the rejected server.
import type { Report, Rule } from './rule.ts';
import { t } from './rule.ts';
import type { Resource } from '../resources/model.ts';
import { gatewayServers, gatewaysShareWorkload, type GatewayServer } from './common.ts';
import { splitGatewayHost } from '../resources/hosts.ts';
import { str } from '../resources/values.ts';

function terminatesTls(s: GatewayServer): boolean {
  const mode = str(s.tls.mode) ?? 'SIMPLE';
  return s.protocol === 'HTTPS' || (s.protocol === 'TLS' && mode !== 'PASSTHROUGH' && mode !== 'AUTO_PASSTHROUGH');
}

export const rule: Rule = {
  meta: {
    id: 'duplicate-tls-host-across-gateways',
    code: 'OPS304',
    severity: 'error',
    title: t('Same TLS host on one port in two Gateways', '同一 TLS host 在两个 Gateway 的同一端口上重复'),
    explanation: t('A TLS host may appear only once per port on a gateway; istiod rejects the later server whole, so its other hosts fail with connection resets.', '网关上每个端口的同一 TLS host 只能出现一次；istiod 会整体拒绝后出现的 server，其中的其他 host 会出现连接被重置。'),
    chapter: 'common-problem/duplicate-tls-hosts',
  },
  check(model) {
    const out: Report[] = [];
    const gws = model.ofKind('Gateway');
    for (const gw of gws) {
      for (const s of gatewayServers(gw)) {
        if (!terminatesTls(s) || s.port === undefined) continue;
        const mine = s.hosts.map((h) => splitGatewayHost(h).host);
        for (const other of gws) {
          if (other === gw || !gatewaysShareWorkload(model, gw, other)) continue;
          for (const o of gatewayServers(other)) {
            if (!terminatesTls(o) || o.port !== s.port) continue;
            const theirs = new Set(o.hosts.map((h) => splitGatewayHost(h).host));
            const dup = mine.filter((h) => theirs.has(h));
            if (dup.length === 0) continue;
            const collateral = mine.filter((h) => !theirs.has(h));
            const lost = collateral.length ? ` If this server is the one rejected, ${collateral.join(', ')} go down with it.` : '';
            const lostZh = collateral.length ? `若被拒绝的是本 server，${collateral.join('、')} 也会随之失效。` : '';
            const idx = s.hosts.findIndex((h) => splitGatewayHost(h).host === dup[0]);
            out.push({
              resource: gw,
              path: ['spec', 'servers', s.index, 'hosts', Math.max(idx, 0)],
              message: t(`TLS host ${dup.join(', ')} on port ${s.port} is also defined by Gateway ${other.namespace}/${other.name}; istiod rejects one of the two servers.${lost}`, `端口 ${s.port} 上的 TLS host ${dup.join('、')} 也在 Gateway ${other.namespace}/${other.name} 中定义；istiod 会拒绝其中一个 server。${lostZh}`),
              fix: t(`Keep each TLS host in a single Gateway server per port: remove ${dup.join(', ')} from one of ${gw.name} and ${other.name}.`, `每个端口上的 TLS host 只保留在一个 Gateway server 中：从 ${gw.name} 或 ${other.name} 之一中删除 ${dup.join('、')}。`),
            });
          }
        }
      }
    }
    return out;
  },
};
