// OPS203: a route or tcp_proxy names a cluster the proxy does not have —
// Envoy answers 503 NC cluster_not_found (503 NR on Envoy before NC existed).
import { parseSubsetKey } from '../tables.ts';
import { t, type DumpRule, type DumpReport } from './rule.ts';

export const clusterNotFound: DumpRule = {
  meta: { id: 'route-cluster-not-found', code: 'OPS203', severity: 'error', title: t('Route points at a missing cluster (NC)', '路由指向不存在的 cluster（NC）'), chapter: 'debug-istio/envoy-log' },
  check(ix) {
    if (ix.dump.clusters.length === 0) return [];
    const out: DumpReport[] = [];
    for (const ref of ix.refs) {
      if (ix.clusters.has(ref.cluster)) continue;
      const k = parseSubsetKey(ref.cluster);
      const subset = ref.cluster.split('|').length === 4 && k.subset ? k.subset : '';
      out.push({
        path: ref.path,
        resource: ref.from === 'route' ? `RouteConfiguration ${ref.owner}` : `Listener ${ref.owner}`,
        message: t(
          `${ref.from === 'route' ? 'A route' : 'A tcp_proxy'} sends traffic to cluster ${ref.cluster}, which this proxy does not have: requests get 503 NC cluster_not_found.`,
          `${ref.from === 'route' ? '路由' : 'tcp_proxy'}把流量发往 cluster ${ref.cluster}，但该代理上没有这个 cluster：请求会得到 503 NC cluster_not_found。`,
        ),
        fix: subset
          ? t(`Define subset "${subset}" in a DestinationRule for ${k.fqdn} (istioctl analyze reports it as IST0101), or route to an existing subset.`, `在 ${k.fqdn} 的 DestinationRule 中定义 subset "${subset}"（istioctl analyze 会报 IST0101），或改为路由到已有的 subset。`)
          : t('Check the destination host and port, and whether exportTo or a Sidecar resource hides the service from this proxy.', '检查目标 host 与端口，以及 exportTo 或 Sidecar 资源是否让该代理看不到这个服务。'),
      });
    }
    return out;
  },
};
