// OPS201: a route (or tcp_proxy) sends traffic to an EDS cluster that has no
// endpoints at all — every request fails with 503 UH no_healthy_upstream.
import { edsName, isEds, lbEndpoints } from '../index.ts';
import { parseSubsetKey } from '../tables.ts';
import { t, type DumpRule, type DumpReport } from './rule.ts';

export const edsNoEndpoints: DumpRule = {
  meta: { id: 'eds-cluster-without-endpoints', code: 'OPS201', severity: 'error', title: t('Cluster in use has no endpoints', '正在使用的 cluster 没有任何 endpoint'), chapter: 'case-studies/no-healthy-upstream' },
  check(ix) {
    if (!ix.endpoints) return [];
    const seen = new Set<string>();
    const out: DumpReport[] = [];
    for (const ref of ix.refs) {
      if (seen.has(ref.cluster)) continue;
      const c = ix.clusters.get(ref.cluster);
      if (!c || !isEds(c.value)) continue;
      seen.add(ref.cluster);
      const cla = ix.endpoints.get(edsName(c.value));
      if (cla && lbEndpoints(cla.value).length > 0) continue;
      const subset = ref.cluster.split('|').length === 4 ? parseSubsetKey(ref.cluster).subset : '';
      out.push({
        path: cla ? cla.path : c.path,
        resource: `Cluster ${ref.cluster}`,
        message: subset
          ? t(
              `Cluster ${ref.cluster} (subset "${subset}") is used by ${ref.from === 'route' ? `route config "${ref.owner}"` : `listener ${ref.owner}`} but has no endpoints: requests get 503 UH no_healthy_upstream. No ready pod carries the subset's labels.`,
              `cluster ${ref.cluster}（subset "${subset}"）被${ref.from === 'route' ? `路由配置 "${ref.owner}"` : `listener ${ref.owner}`}使用，但没有任何 endpoint：请求会得到 503 UH no_healthy_upstream。没有就绪的 pod 带有该 subset 的标签。`,
            )
          : t(
              `Cluster ${ref.cluster} is used by ${ref.from === 'route' ? `route config "${ref.owner}"` : `listener ${ref.owner}`} but has no endpoints: requests get 503 UH no_healthy_upstream.`,
              `cluster ${ref.cluster} 被${ref.from === 'route' ? `路由配置 "${ref.owner}"` : `listener ${ref.owner}`}使用，但没有任何 endpoint：请求会得到 503 UH no_healthy_upstream。`,
            ),
        fix: subset
          ? t(
              `Compare the DestinationRule subset "${subset}" labels with the pod labels (kubectl get pods --show-labels); add the missing label (often "version") to the Deployment's pod template, or fix the subset.`,
              `对比 DestinationRule 中 subset "${subset}" 的 labels 与 pod 的标签（kubectl get pods --show-labels）；在 Deployment 的 pod 模板中补上缺少的标签（常见的是 "version"），或修改 subset。`,
            )
          : t('Check that the Service selector matches ready pods (kubectl get endpoints) and that the pods pass their readiness probes.', '检查 Service 的 selector 是否选中了就绪的 pod（kubectl get endpoints），以及 pod 是否通过了就绪探针。'),
      });
    }
    return out;
  },
};
