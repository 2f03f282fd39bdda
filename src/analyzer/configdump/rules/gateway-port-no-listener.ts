// OPS208: a port of the gateway's own Service has no listener. For a TCP
// server without a matching route istiod drops the server, so the port is
// open on the load balancer but nothing listens in Envoy: the pod's kernel
// answers the SYN with a RST, and the client sees the connection refused.
import { socketAddress } from '../model.ts';
import { parseSubsetKey } from '../tables.ts';
import { t, type DumpRule, type DumpReport } from './rule.ts';

const IGNORED = new Set([15021, 15090, 15020, 15012, 15017, 15443, 15008]);

/** Extra ports to check (from the Gateway resources, when the caller has them). */
export const gatewayPortOptions: { ports: number[] } = { ports: [] };

export const gatewayPortNoListener: DumpRule = {
  meta: { id: 'gateway-port-without-listener', code: 'OPS208', severity: 'warning', title: t('Gateway port without a listener', 'Gateway 端口上没有 listener'), chapter: 'common-problem/gateway-tcp-port' },
  check(ix) {
    if (ix.proxyType !== 'router' || !ix.serviceCluster) return [];
    const listening = new Set(ix.dump.listeners.filter((l) => l.state === 'active' || l.state === 'static').map((l) => socketAddress(l.value).port));
    const own = `${ix.serviceCluster}.svc.`;
    const out: DumpReport[] = [];
    const seen = new Set<number>();
    for (const c of ix.dump.clusters) {
      const k = parseSubsetKey(c.name);
      if (k.direction !== 'outbound' || !k.fqdn.startsWith(own) || k.subset || IGNORED.has(k.port) || seen.has(k.port)) continue;
      seen.add(k.port);
      // istio's gateway charts map privileged ports to port+8000 inside the pod
      if (listening.has(k.port) || (k.port < 1024 && listening.has(k.port + 8000))) continue;
      out.push(report(c.path, k.port, c.name));
    }
    for (const p of gatewayPortOptions.ports) if (!seen.has(p) && !listening.has(p)) out.push(report(null, p, ix.serviceCluster));
    return out;
  },
};

function report(path: string | null, port: number, what: string): DumpReport {
  return {
    path: path ?? '$',
    resource: `Cluster ${what}`,
    message: t(
      `The gateway exposes port ${port}, but Envoy has no listener on it (nor on ${port + 8000}): nothing accepts connections there, so they are refused (curl: (7) Couldn't connect to server). For a TCP Gateway server, istiod creates no listener until a VirtualService tcp route is bound to it.`,
      `Gateway 暴露了端口 ${port}，但 Envoy 在该端口（以及 ${port + 8000}）上没有 listener：没有进程接受该端口的连接，客户端会看到连接被拒绝（curl: (7) Couldn't connect to server）。对于 TCP 类型的 Gateway server，只有绑定了带 tcp 路由的 VirtualService 后，istiod 才会创建 listener。`,
    ),
    fix: t(`Add a VirtualService bound to the Gateway with a tcp route for port ${port}, and check the Gateway server's port number and protocol.`, `创建绑定该 Gateway 的 VirtualService，为端口 ${port} 配置 tcp 路由，并检查 Gateway server 的端口号和协议。`),
  };
}
