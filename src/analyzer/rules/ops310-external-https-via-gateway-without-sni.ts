// OPS310: a gateway-bound VirtualService sends requests to an external HTTPS host
// (a MESH_EXTERNAL ServiceEntry port with protocol HTTPS/TLS, or port 443), and no
// DestinationRule originates TLS with an explicit `sni` for it. The gateway then
// either speaks plaintext to a TLS port or presents the client's Host/SNI (the
// gateway's own domain, or none before Istio 1.21) to the external server, which
// rejects the handshake: 503 UF,URX today, 503 UC in the guide's older logs.
import type { Report, Rule } from './rule.ts';
import { t } from './rule.ts';
import { destinationRulesFor, vsDestinations, vsGateways } from './common.ts';
import { resolveHost } from '../resources/hosts.ts';
import { arr, num, obj, str } from '../resources/values.ts';
import type { Obj } from '../resources/read.ts';

function tlsFor(dr: Obj, port: number): Obj {
  const tp = obj(dr.trafficPolicy);
  const pl = arr(tp.portLevelSettings).map(obj).find((s) => num(obj(s.port).number) === port);
  return obj(pl?.tls ?? tp.tls);
}

export const rule: Rule = {
  meta: {
    id: 'external-https-via-gateway-without-sni',
    code: 'OPS310',
    severity: 'warning',
    title: t('External HTTPS host behind a gateway without SNI', '经网关访问外部 HTTPS 服务未设置 SNI'),
    explanation: t('When a gateway forwards to an external HTTPS service, it must originate TLS with the external name as SNI; otherwise the handshake carries the gateway\'s own host name (or no name before Istio 1.21) and the server rejects it (503 UF,URX; older versions logged 503 UC).', '网关转发到外部 HTTPS 服务时，必须以外部域名作为 SNI 发起 TLS；否则握手中携带的是网关自身的域名（Istio 1.21 之前则不带任何名字），外部服务会拒绝握手（503 UF,URX；旧版本记为 503 UC）。'),
    chapter: 'common-problem/tls-wrong-sni',
  },
  check(model) {
    const out: Report[] = [];
    for (const vs of model.ofKind('VirtualService')) {
      if (vsGateways(vs).every((g) => g === 'mesh')) continue;
      for (const d of vsDestinations(vs)) {
        if (d.section !== 'http') continue;
        const host = str(d.destination.host);
        if (!host) continue;
        const fqdn = resolveHost(host, vs.namespace);
        const entry = model.lookupHost(fqdn, vs.namespace).find((e) => e.source.kind === 'ServiceEntry' && (str(e.source.spec.location) ?? 'MESH_EXTERNAL') === 'MESH_EXTERNAL');
        if (!entry) continue;
        const portNum = num(obj(d.destination.port).number) ?? (entry.ports.length === 1 ? entry.ports[0]?.number : undefined);
        const port = entry.ports.find((p) => p.number === portNum);
        if (!port || !(port.protocol === 'HTTPS' || port.protocol === 'TLS' || port.number === 443)) continue;
        const drs = destinationRulesFor(model, fqdn, vs.namespace);
        const ok = drs.some((dr) => {
          const tls = tlsFor(dr.spec, port.number);
          const mode = str(tls.mode);
          return (mode === 'SIMPLE' || mode === 'MUTUAL') && !!str(tls.sni);
        });
        if (ok) continue;
        out.push({
          resource: vs,
          path: [...d.path, 'host'],
          message: t(`This gateway route sends requests to the external HTTPS host ${host}:${port.number}, but no DestinationRule originates TLS with sni: ${host}; the external server sees the wrong (or no) SNI and rejects the handshake (503 UF,URX; older versions logged 503 UC).`, `该网关路由把请求发往外部 HTTPS 主机 ${host}:${port.number}，但没有 DestinationRule 以 sni: ${host} 发起 TLS；外部服务收到错误的（或没有）SNI 会拒绝握手（503 UF,URX；旧版本记为 503 UC）。`),
          fix: t(`apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: ${host.replace(/[^a-z0-9-]/gi, '-')}\n  namespace: ${vs.namespace}\nspec:\n  host: ${host}\n  trafficPolicy:\n    tls:\n      mode: SIMPLE\n      sni: ${host}`, `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: ${host.replace(/[^a-z0-9-]/gi, '-')}\n  namespace: ${vs.namespace}\nspec:\n  host: ${host}\n  trafficPolicy:\n    tls:\n      mode: SIMPLE\n      sni: ${host}`),
        });
      }
    }
    return out;
  },
};
