// OPS303: a Gateway server with protocol TCP (or TLS in PASSTHROUGH mode) that no
// VirtualService bound to the Gateway routes with a `tcp` (resp. `tls`) rule for
// that port. istiod then builds a listener with no filter chain and drops it
// ("must have more than 0 chains"), so the port refuses connections. HTTP servers
// differ: they stay up and answer 404. As istiod does (pickMatchingGatewayHosts), a
// VirtualService counts only when one of its hosts matches one of the server's hosts
// and the rule's match fits the port and, when it lists gateways, this Gateway.
import type { Report, Rule } from './rule.ts';
import type { Resource } from '../resources/model.ts';
import { t } from './rule.ts';
import { gatewayServers, vsBindsGateway } from './common.ts';
import { arr, num, obj, str, strList } from '../resources/values.ts';
import { gatewayHostTakes, resolveHost } from '../resources/hosts.ts';

export const rule: Rule = {
  meta: {
    id: 'gateway-tcp-server-without-route',
    code: 'OPS303',
    severity: 'warning',
    title: t('Gateway TCP port without a route', 'Gateway 的 TCP 端口没有路由'),
    explanation: t('istiod omits a gateway listener whose filter chains would be empty; without a VirtualService tcp route the port is simply not opened. A VirtualService only counts when it names the Gateway, one of its hosts matches a host of the server (wildcards included, e.g. "*"), and its rule matches the server port.', 'istiod 会忽略没有 filter chain 的网关监听器；没有 VirtualService 的 tcp 路由时该端口根本不会打开。TCP 路由同样要比对 host：VirtualService 必须在 gateways 中引用该 Gateway，至少一个 host 与该 server 的 hosts 相匹配（通配符也算，比如 "*"），且规则的 match 对得上该端口，才会被采用。'),
    chapter: 'common-problem/gateway-tcp-port',
  },
  check(model) {
    const out: Report[] = [];
    for (const gw of model.ofKind('Gateway')) {
      let bound: Resource[] | undefined; // only looked up for gateways with a TCP/TLS server
      for (const s of gatewayServers(gw)) {
        const mode = str(s.tls.mode) ?? '';
        const section = s.protocol === 'TCP' || s.protocol === 'MONGO' || s.protocol === 'MYSQL' || s.protocol === 'REDIS' ? 'tcp' : s.protocol === 'TLS' && mode === 'PASSTHROUGH' ? 'tls' : null;
        if (!section || s.port === undefined) continue;
        bound ??= model.ofKind('VirtualService').filter((vs) => vsBindsGateway(model, vs, gw));
        const routed = bound.some((vs) => {
          const hostMatch = strList(vs.spec.hosts).some((h) => s.hosts.some((sh) => gatewayHostTakes(sh, gw.namespace, vs.namespace, resolveHost(h, vs.namespace))));
          const forThisGateway = (m: Record<string, unknown>) => strList(m.gateways).length === 0 || strList(m.gateways).some((g) => model.gateway(g, vs.namespace) === gw);
          return hostMatch && arr(vs.spec[section]).some((r) => {
            const matches = arr(obj(r).match).map(obj);
            return matches.length === 0 || matches.some((m) => (num(m.port) === undefined || num(m.port) === s.port) && forThisGateway(m));
          });
        });
        if (routed) continue;
        out.push({
          resource: gw,
          path: ['spec', 'servers', s.index, 'port'],
          message: t(`${s.protocol} server on port ${s.port} has no VirtualService ${section} route bound to this Gateway: istiod drops the listener and the port is not reachable.`, `端口 ${s.port} 上的 ${s.protocol} server 没有绑定到该 Gateway 的 VirtualService ${section} 路由：istiod 会丢弃该监听器，端口无法访问。`),
          fix: t(`apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: ${gw.name}-${s.port}\n  namespace: ${gw.namespace}\nspec:\n  hosts: ["*"]\n  gateways: [${gw.name}]\n  ${section}:\n  - match:\n    - port: ${s.port}\n    route:\n    - destination:\n        host: <backend service>\n        port:\n          number: <port>`, `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: ${gw.name}-${s.port}\n  namespace: ${gw.namespace}\nspec:\n  hosts: ["*"]\n  gateways: [${gw.name}]\n  ${section}:\n  - match:\n    - port: ${s.port}\n    route:\n    - destination:\n        host: <后端服务>\n        port:\n          number: <端口>`),
        });
      }
    }
    return out;
  },
};
