// OPS302: a server-first protocol (MySQL, SMTP, MongoDB…) is reached on a port
// that some Service also declares as HTTP. The sidecar's 0.0.0.0:<port> listener
// then expects the client to speak first (HTTP), while the client waits for the
// server's greeting: the connection hangs. Fires on the HTTP Service port when the
// port number is a well-known server-first port, or is used by a declared
// server-first destination that has no VIP of its own (ServiceEntry without
// addresses, headless Service). A server-first destination with its own address
// and a TCP protocol gets its own listener and is not reported.
import type { Report, Rule } from './rule.ts';
import { t } from './rule.ts';
import { isHttpLike, serverFirstName, serverFirstPorts } from '../resources/protocol.ts';
import { arr, num, obj, str, strList } from '../resources/values.ts';

export const rule: Rule = {
  meta: {
    id: 'server-first-port-shared-with-http',
    code: 'OPS302',
    severity: 'warning',
    title: t('Server-first protocol on an HTTP port', '服务端先发协议使用了 HTTP 端口'),
    explanation: t('When a port is HTTP anywhere in the mesh, sidecars wait for the client to send an HTTP request on it; MySQL/SMTP clients wait for the server instead, and the connection stalls.', '只要网格中有服务把某端口声明为 HTTP，Sidecar 就会在该端口等待客户端先发 HTTP 请求；而 MySQL/SMTP 客户端在等服务端先发消息，连接因此卡住。'),
    chapter: 'common-problem/server-speaks-first',
  },
  check(model) {
    // Declared server-first destinations without a VIP: port -> description.
    const serverFirst = new Map<number, string>();
    for (const se of model.ofKind('ServiceEntry')) {
      if (strList(se.spec.addresses).length > 0) continue;
      for (const p of arr(se.spec.ports)) {
        const port = num(obj(p).number);
        const proto = serverFirstName(str(obj(p).protocol)) ?? serverFirstName(str(obj(p).name));
        if (port !== undefined && proto) serverFirst.set(port, `${proto} (${se.ref})`);
      }
    }
    for (const svc of model.services) {
      if (!svc.headless) continue;
      for (const p of svc.ports) {
        const proto = serverFirstName(p.name) ?? (p.appProtocol ? serverFirstName(p.appProtocol) : null);
        if (proto) serverFirst.set(p.port, `${proto} (${svc.resource.ref})`);
      }
    }
    const out: Report[] = [];
    for (const svc of model.services) {
      for (const p of svc.ports) {
        if (!isHttpLike(p.protocol)) continue;
        const what = serverFirst.get(p.port) ?? (serverFirstPorts[p.port] ? `${serverFirstPorts[p.port]} (well-known port)` : null);
        if (!what) continue;
        out.push({
          resource: svc.resource,
          path: ['spec', 'ports', p.index, 'name'],
          message: t(`Port ${p.port} is declared HTTP here, and ${what} also uses port ${p.port}; sidecars will wait for an HTTP request on it and server-first connections hang.`, `此处将端口 ${p.port} 声明为 HTTP，而 ${what} 也使用端口 ${p.port}；Sidecar 会在该端口等待 HTTP 请求，服务端先发的连接会卡住。`),
          fix: t(`Move this Service to another port, or declare the server-first destination with a ServiceEntry (protocol TCP, with addresses), or exclude its IPs with traffic.sidecar.istio.io/excludeOutboundIPRanges.`, `把该 Service 换到其他端口；或为服务端先发的目标创建 ServiceEntry（协议 TCP，并设置 addresses）；或用 traffic.sidecar.istio.io/excludeOutboundIPRanges 排除其 IP。`),
        });
      }
    }
    return out;
  },
};
