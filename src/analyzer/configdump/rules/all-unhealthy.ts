// OPS202: a cluster has endpoints, but none is healthy — Envoy answers 503 UH.
import { lbEndpoints } from '../index.ts';
import { healthStatus } from '../tables.ts';
import { t, type DumpRule, type DumpReport } from './rule.ts';

const DOWN = new Set(['UNHEALTHY', 'DRAINING', 'TIMEOUT']);

export const allUnhealthy: DumpRule = {
  meta: { id: 'cluster-all-endpoints-unhealthy', code: 'OPS202', severity: 'error', title: t('Every endpoint of a cluster is unhealthy', 'cluster 的所有 endpoint 都不健康'), chapter: 'case-studies/no-healthy-upstream' },
  check(ix) {
    const out: DumpReport[] = [];
    for (const e of ix.dump.endpoints ?? []) {
      const eps = lbEndpoints(e.value);
      if (eps.length === 0 || !eps.every((ep) => DOWN.has(healthStatus(ep)))) continue;
      const states = [...new Set(eps.map(healthStatus))].join(', ');
      out.push({
        path: e.path,
        resource: `Cluster ${e.name}`,
        message: t(`All ${eps.length} endpoint(s) of ${e.name} are ${states}: requests to it get 503 UH no_healthy_upstream.`, `${e.name} 的全部 ${eps.length} 个 endpoint 都处于 ${states} 状态：访问它的请求会得到 503 UH no_healthy_upstream。`),
        fix: t('Look at why the pods are not ready (kubectl describe pod, readiness probe, recent restarts) or still terminating; fix the probe or the app.', '查看 pod 为什么没有就绪（kubectl describe pod、就绪探针、最近的重启）或是否仍在终止中；修复探针或应用本身。'),
      });
    }
    return out;
  },
};
