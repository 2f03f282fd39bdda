// OPS209/OPS210: listeners and clusters stuck warming (waiting for EDS/SDS or
// their dependencies) do not serve traffic yet.
import { t, type DumpRule } from './rule.ts';

export const listenerWarming: DumpRule = {
  meta: { id: 'listener-warming', code: 'OPS209', severity: 'warning', title: t('Listener is warming', 'listener 处于预热（warming）状态'), chapter: null },
  check(ix) {
    return ix.dump.listeners
      .filter((l) => l.state === 'warming')
      .map((l) => ({
        path: l.path,
        resource: `Listener ${l.name}`,
        message: t(`Listener ${l.name} is warming: it waits for its route config, clusters or secrets and does not accept the new configuration yet.`, `listener ${l.name} 处于 warming 状态：它在等待路由配置、cluster 或证书，新配置尚未生效。`),
        fix: t('Look for a missing SDS secret (credentialName) or an RDS/EDS that never arrives (istioctl proxy-status).', '检查是否缺少 SDS 证书（credentialName），或 RDS/EDS 一直没有下发（istioctl proxy-status）。'),
      }));
  },
};

export const clusterWarming: DumpRule = {
  meta: { id: 'cluster-warming', code: 'OPS210', severity: 'warning', title: t('Cluster is warming', 'cluster 处于预热（warming）状态'), chapter: null },
  check(ix) {
    return ix.dump.clusters
      .filter((c) => c.state === 'warming')
      .map((c) => ({
        path: c.path,
        resource: `Cluster ${c.name}`,
        message: t(`Cluster ${c.name} is warming: it waits for its endpoints (EDS) or a TLS secret and is not used yet.`, `cluster ${c.name} 处于 warming 状态：它在等待 endpoint（EDS）或 TLS 证书，尚未被使用。`),
        fix: t('Check that istiod sends EDS for it and that the secrets it references exist.', '检查 istiod 是否下发了它的 EDS，以及它引用的证书是否存在。'),
      }));
  },
};
