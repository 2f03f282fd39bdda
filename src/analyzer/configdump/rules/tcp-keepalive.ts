// OPS215: TCP proxy clusters without TCP keepalive. Idle long connections
// through NAT gateways and cloud load balancers are dropped silently after
// their idle timeout; keepalive probes keep them alive and detect dead peers.
import { obj } from '../json.ts';
import { t, type DumpRule } from './rule.ts';

export const tcpKeepalive: DumpRule = {
  meta: { id: 'tcp-keepalive', code: 'OPS215', severity: 'info', title: t('TCP connections without keepalive', 'TCP 连接没有开启 keepalive'), chapter: 'common-problem/tcp-keepalive' },
  check(ix) {
    const missing = [...new Set(ix.refs.filter((r) => r.from === 'tcp_proxy').map((r) => r.cluster))]
      .filter((n) => !/PassthroughCluster|BlackHoleCluster|^inbound/.test(n))
      .map((n) => ix.clusters.get(n))
      .filter((c) => c && !obj(obj(c.value, 'upstream_connection_options'), 'tcp_keepalive'));
    if (missing.length === 0) return [];
    const names = missing.map((c) => c!.name);
    const shown = names.slice(0, 5).join(', ') + (names.length > 5 ? ` (+${names.length - 5})` : '');
    return [
      {
        path: `${missing[0]!.path}`,
        resource: `Cluster ${names[0]}`,
        message: t(`${names.length} TCP cluster(s) have no TCP keepalive (${shown}). Long idle connections may be dropped by a NAT or load balancer in between without either side noticing.`, `${names.length} 个 TCP cluster 没有开启 TCP keepalive（${shown}）。长时间空闲的连接可能被中间的 NAT 或负载均衡器悄悄断开，两端都无法察觉。`),
        fix: t('Set trafficPolicy.connectionPool.tcp.tcpKeepalive (time, interval, probes) in a DestinationRule for these hosts.', '在这些 host 的 DestinationRule 中设置 trafficPolicy.connectionPool.tcp.tcpKeepalive（time、interval、probes）。'),
      },
    ];
  },
};
