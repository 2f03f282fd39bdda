// IST0150 ExternalNameServiceTypeInvalidPortName: an ExternalName Service port
// whose name declares no protocol Istio knows, or is exactly `tcp`; the sidecar
// may then swallow plain TCP traffic on that port.
import type { Report, Rule } from './rule.ts';
import { t } from './rule.ts';

export const rule: Rule = {
  meta: {
    id: 'external-name-service-type-invalid-port-name',
    code: 'IST0150',
    istioctl: 'ExternalNameServiceTypeInvalidPortName',
    severity: 'warning',
    title: t('ExternalName port name is not usable', 'ExternalName 端口名不可用'),
    explanation: t('For ExternalName Services Istio relies on the port name for the protocol; an unknown name (or bare `tcp`) makes the proxy mishandle TCP traffic on that port.', '对于 ExternalName Service，Istio 依赖端口名判断协议；未知名称（或仅为 `tcp`）会使代理错误处理该端口的 TCP 流量。'),
    chapter: 'common-problem/external-name-hijack',
  },
  check(model) {
    const out: Report[] = [];
    for (const svc of model.services) {
      if (svc.type !== 'ExternalName') continue;
      for (const p of svc.ports) {
        if (p.protocol !== 'auto' && (p.name ?? '').toLowerCase() !== 'tcp') continue;
        out.push({ resource: svc.resource, path: ['spec', 'ports', p.index, p.name !== undefined ? 'name' : 'port'], message: t(`Port name "${p.name ?? ''}" (port ${p.port}) of this ExternalName service is invalid; the proxy may block TCP traffic.`, `该 ExternalName Service 的端口名 "${p.name ?? ''}"（端口 ${p.port}）无效，代理可能阻断 TCP 流量。`), fix: t('Name the port after its protocol with a suffix, e.g. https-api, tcp-db.', '以协议加后缀命名端口，如 https-api、tcp-db。') });
      }
    }
    return out;
  },
};
