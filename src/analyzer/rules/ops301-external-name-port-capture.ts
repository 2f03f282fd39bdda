// OPS301: an ExternalName Service with a TCP or unnamed port makes every sidecar build a
// 0.0.0.0:<port> listener whose catch-all chain forwards to the external name, so
// traffic to any other destination on that port without its own VIP (passthrough
// to an IP outside the mesh, a ServiceEntry without addresses) is hijacked.
// Seen in Istio up to the releases that treat ExternalName as an alias
// (ENABLE_EXTERNAL_NAME_ALIAS, on by default from about 1.21); istio/istio#20703.
import type { Report, Rule } from './rule.ts';
import { t } from './rule.ts';
import { externalNameCatchesAll } from '../resources/protocol.ts';
import { strList } from '../resources/values.ts';

export const rule: Rule = {
  meta: {
    id: 'external-name-port-capture',
    code: 'OPS301',
    severity: 'warning',
    title: t('ExternalName Service captures a whole port', 'ExternalName Service 劫持整个端口'),
    explanation: t('Sidecars route all otherwise-unmatched outbound traffic on this port to the ExternalName target: a request to some other external host on the same port reaches the wrong server (often a TLS name mismatch).', 'Sidecar 会把该端口上其他未匹配的出站流量都转发到 ExternalName 的目标：访问同端口的其他外部主机会到达错误的服务器（常见表现为 TLS 证书名不匹配）。'),
    chapter: 'common-problem/external-name-hijack',
  },
  check(model) {
    const out: Report[] = [];
    for (const svc of model.services) {
      if (svc.type !== 'ExternalName') continue;
      for (const p of svc.ports) {
        if (!externalNameCatchesAll(p.protocol) || p.l4 === 'UDP') continue;
        // Other declared destinations on the same port without their own address are the likely victims.
        const victims = model.ofKind('ServiceEntry').filter((se) => strList(se.spec.addresses).length === 0 && model.registry.some((h) => h.source === se && h.ports.some((x) => x.number === p.port))).map((se) => se.ref);
        const also = victims.length ? ` Affected here: ${victims.join(', ')}.` : '';
        const alsoZh = victims.length ? `此处受影响的：${victims.join('、')}。` : '';
        out.push({
          resource: svc.resource,
          path: ['spec', 'ports', p.index, 'port'],
          message: t(`ExternalName service ${svc.name} (→ ${svc.externalName ?? '?'}) declares port ${p.port}: outbound traffic on port ${p.port} to destinations without their own listener is sent to ${svc.externalName ?? 'it'}.${also}`, `ExternalName Service ${svc.name}（→ ${svc.externalName ?? '?'}）声明了端口 ${p.port}：发往端口 ${p.port} 且没有独立监听器的出站流量都会被转发到 ${svc.externalName ?? '它'}。${alsoZh}`),
          fix: t(`Avoid the port clash: name the port for its protocol (tls-, https- or http-, so it matches by SNI or Host), limit who sees the Service (networking.istio.io/exportTo), give it a port no other destination uses, or replace it with a ServiceEntry that has addresses.`, `避免端口冲突：按协议为端口命名（tls-、https- 或 http-，让它按 SNI 或 Host 匹配）；限制谁能看到这个 Service（networking.istio.io/exportTo）；为它换一个其他目标不会用到的端口；或改用带 addresses 的 ServiceEntry。`),
        });
      }
    }
    return out;
  },
};
