// IST0116 DeploymentAssociatedToMultipleServices: Services selecting one
// Deployment use the same port number with different L4 protocols (TCP/UDP).
// As istioctl, only Deployments are checked, and system namespaces are skipped.
import type { Report, Rule } from './rule.ts';
import { t } from './rule.ts';

export const systemNamespaces = new Set(['kube-system', 'kube-public', 'kube-node-lease', 'istio-system', 'local-path-storage']);

export const rule: Rule = {
  meta: {
    id: 'deployment-associated-to-multiple-services',
    code: 'IST0116',
    istioctl: 'DeploymentAssociatedToMultipleServices',
    severity: 'warning',
    title: t('One port, two protocols', '同一端口声明了不同协议'),
    explanation: t('Services selecting the same pods declare one port number with different protocols; Istio builds one listener per port, so one of them loses.', '选择同一组 Pod 的多个 Service 在同一端口号上声明了不同协议；Istio 每个端口只生成一个监听器，其中一个会失效。'),
    chapter: 'common-problem/server-speaks-first',
  },
  check(model) {
    const out: Report[] = [];
    for (const w of model.workloads) {
      if (w.resource.kind !== 'Deployment' || systemNamespaces.has(w.namespace)) continue;
      const byPort = new Map<number, Map<string, string[]>>();
      for (const svc of model.servicesOf(w)) {
        for (const p of svc.ports) {
          const protocols = byPort.get(p.port) ?? new Map<string, string[]>();
          const names = protocols.get(p.l4) ?? [];
          names.push(svc.name);
          protocols.set(p.l4, names);
          byPort.set(p.port, protocols);
        }
      }
      for (const [port, protocols] of byPort) {
        if (protocols.size < 2) continue;
        const list = [...protocols.entries()].map(([p, names]) => `${p} (${names.join(', ')})`).join(', ');
        out.push({
          resource: w.resource,
          path: ['metadata', 'name'],
          message: t(`This deployment is selected by services using port ${port} with different protocols: ${list}.`, `选择该 Deployment 的多个 Service 在端口 ${port} 上使用了不同协议：${list}。`),
        });
      }
    }
    return out;
  },
};
