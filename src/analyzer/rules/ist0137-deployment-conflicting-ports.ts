// IST0137 DeploymentConflictingPorts: Services selecting one Deployment send the
// same targetPort to different service ports. As istioctl: Deployments only,
// system namespaces skipped; an unset targetPort counts as equal to port.
import type { Report, Rule } from './rule.ts';
import { t } from './rule.ts';
import { systemNamespaces } from './ist0116-deployment-associated-to-multiple-services.ts';

export const rule: Rule = {
  meta: {
    id: 'deployment-conflicting-ports',
    code: 'IST0137',
    istioctl: 'DeploymentConflictingPorts',
    severity: 'warning',
    title: t('One targetPort, several ports', '同一 targetPort 对应多个端口'),
    explanation: t('The sidecar builds inbound config per target port; mapping one target port from different service ports gives conflicting inbound listeners.', 'Sidecar 按目标端口生成入站配置；多个服务端口映射到同一个 targetPort 会产生冲突。'),
    chapter: 'common-problem/server-speaks-first',
  },
  check(model) {
    const out: Report[] = [];
    for (const w of model.workloads) {
      if (w.resource.kind !== 'Deployment' || systemNamespaces.has(w.namespace)) continue;
      const byTarget = new Map<string, Set<number>>();
      const svcs = new Map<string, Set<string>>();
      for (const svc of model.servicesOf(w)) {
        for (const p of svc.ports) {
          const target = String(p.targetPort ?? p.port);
          const ports = byTarget.get(target) ?? new Set<number>();
          ports.add(p.port);
          byTarget.set(target, ports);
          const names = svcs.get(target) ?? new Set<string>();
          names.add(svc.name);
          svcs.set(target, names);
        }
      }
      for (const [target, ports] of byTarget) {
        if (ports.size < 2) continue;
        const names = [...(svcs.get(target) ?? [])].join(', ');
        out.push({
          resource: w.resource,
          path: ['metadata', 'name'],
          message: t(`This deployment is selected by services [${names}] that map targetPort ${target} to different ports: ${[...ports].join(', ')}.`, `选择该 Deployment 的 Service [${names}] 将 targetPort ${target} 映射到了不同端口：${[...ports].join('、')}。`),
        });
      }
    }
    return out;
  },
};
