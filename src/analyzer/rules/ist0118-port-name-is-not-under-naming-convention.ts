// IST0118 PortNameIsNotUnderNamingConvention: a Service port whose name (and
// appProtocol) does not tell Istio its protocol, so Istio falls back to sniffing.
// As istioctl: Info level, UDP ports and system namespaces skipped.
import type { Report, Rule } from './rule.ts';
import { t } from './rule.ts';
import { systemNamespaces } from './ist0116-deployment-associated-to-multiple-services.ts';

export const rule: Rule = {
  meta: {
    id: 'port-name-is-not-under-naming-convention',
    code: 'IST0118',
    istioctl: 'PortNameIsNotUnderNamingConvention',
    severity: 'info',
    title: t('Port name does not declare a protocol', '端口名未声明协议'),
    explanation: t('Name Service ports <protocol>[-<suffix>] (http, http2, grpc, tcp, tls, mysql…) or set appProtocol; otherwise Istio sniffs the protocol, which fails for server-first protocols.', 'Service 端口应命名为 <协议>[-<后缀>]（http、http2、grpc、tcp、tls、mysql…）或设置 appProtocol；否则 Istio 会嗅探协议，而服务端先发的协议会因此失败。'),
    chapter: 'common-problem/server-speaks-first',
  },
  check(model) {
    const out: Report[] = [];
    for (const svc of model.services) {
      if (systemNamespaces.has(svc.namespace) || svc.type === 'ExternalName') continue;
      for (const p of svc.ports) {
        if (p.protocol !== 'auto' || p.l4 !== 'TCP') continue;
        const target = p.targetPort ?? p.port;
        out.push({
          resource: svc.resource,
          path: ['spec', 'ports', p.index, p.name !== undefined ? 'name' : 'port'],
          message: t(`Port name ${p.name ?? '(none)'} (port: ${p.port}, targetPort: ${target}) does not follow Istio's port naming convention.`, `端口名 ${p.name ?? '（无）'}（port: ${p.port}，targetPort: ${target}）不符合 Istio 的端口命名约定。`),
          fix: t(`Rename it to <protocol>-<suffix>, e.g. name: http-${p.name ?? p.port} or tcp-${p.name ?? p.port}, or set appProtocol.`, `改名为 <协议>-<后缀>，如 name: http-${p.name ?? p.port} 或 tcp-${p.name ?? p.port}，或设置 appProtocol。`),
        });
      }
    }
    return out;
  },
};
