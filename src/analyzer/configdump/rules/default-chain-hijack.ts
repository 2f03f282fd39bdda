// OPS207: a wildcard (0.0.0.0 / ::) outbound listener whose default filter
// chain proxies TCP to one service: every connection to that port, whatever
// its destination IP, lands on that service. This is how an ExternalName
// Service with a TCP port hijacks other services' traffic on the same port.
import { arr, field, keyOf, seg, str } from '../json.ts';
import { filterChains, resolveTyped, socketAddress } from '../model.ts';
import { listenerLabel } from '../index.ts';
import { t, type DumpRule, type DumpReport } from './rule.ts';

const WILDCARD = new Set(['0.0.0.0', '::']);

export const defaultChainHijack: DumpRule = {
  meta: { id: 'default-filter-chain-hijack', code: 'OPS207', severity: 'warning', title: t('Default filter chain captures a whole port', '默认 filter chain 接管了整个端口'), chapter: 'common-problem/external-name-hijack' },
  check(ix) {
    const out: DumpReport[] = [];
    for (const l of ix.dump.listeners) {
      if (l.state !== 'active' && l.state !== 'static') continue;
      const { address, port } = socketAddress(l.value);
      if (!WILDCARD.has(address) || port === 15001 || port === 15006 || str(l.value, 'traffic_direction') === 'INBOUND') continue;
      if (field(l.value, 'use_original_dst') === true) continue;
      for (const { chain, path, isDefault } of filterChains(l.value)) {
        const match = field(chain, 'filter_chain_match');
        const matchAll = isDefault || match === undefined || (typeof match === 'object' && match !== null && Object.keys(match).length === 0);
        if (!matchAll) continue;
        arr(chain, 'filters').forEach((f, i) => {
          const typed = resolveTyped(f);
          if (typed.kind !== 'tcp_proxy') return;
          const cluster = str(typed.config, 'cluster');
          if (!cluster || /PassthroughCluster|BlackHoleCluster/.test(cluster)) return;
          out.push({
            path: `${l.path}${path}.filters[${i}]${seg(keyOf(f, 'typed_config'))}.cluster`,
            resource: listenerLabel(l),
            message: t(
              `Listener ${address}:${port} sends every TCP connection on port ${port} that no other chain claims to ${cluster}. Traffic meant for other services on port ${port} (or for external hosts) goes there instead — the ExternalName hijack.`,
              `listener ${address}:${port} 把端口 ${port} 上所有未被其他 filter chain 匹配的 TCP 连接都转发到 ${cluster}。发往该端口其他服务（或外部主机）的流量会被转到这里——即 ExternalName 劫持问题。`,
            ),
            fix: t(
              `Name the port of the Service behind ${cluster} with its real protocol (http-…, https-/tls-… for TLS), or replace the ExternalName Service with a ServiceEntry; then ${address}:${port} no longer has a TCP catch-all.`,
              `将 ${cluster} 对应 Service 的端口按真实协议命名（http-…，TLS 用 https-/tls-…），或用 ServiceEntry 替换 ExternalName Service；这样 ${address}:${port} 就不再有 TCP 兜底转发。`,
            ),
          });
        });
      }
    }
    return out;
  },
};
