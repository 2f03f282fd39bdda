// OPS205: a virtual host without routes (a gateway's `blackhole:PORT`) — every
// request for its domains gets 404 NR route_not_found.
import { arr, keyOf, seg, str } from '../json.ts';
import { t, type DumpRule, type DumpReport } from './rule.ts';

export const vhostNoRoutes: DumpRule = {
  meta: { id: 'virtual-host-without-routes', code: 'OPS205', severity: 'warning', title: t('Virtual host without routes (NR)', '没有路由的 virtual host（NR）'), chapter: 'debug-istio/envoy-log' },
  check(ix) {
    const out: DumpReport[] = [];
    for (const r of ix.dump.routes) {
      arr(r.value, 'virtual_hosts').forEach((vh, i) => {
        if (arr(vh, 'routes').length > 0) return;
        const domains = arr(vh, 'domains').map(String).join(', ');
        out.push({
          path: `${r.path}${seg(keyOf(r.value, 'virtual_hosts'))}[${i}]`,
          resource: `RouteConfiguration ${r.name}`,
          message: t(`Virtual host "${str(vh, 'name')}" (${domains}) has no routes: requests for it get 404 NR route_not_found. On a gateway this means no VirtualService is bound to this port and host.`, `virtual host "${str(vh, 'name')}"（${domains}）没有任何路由：访问它的请求会得到 404 NR route_not_found。在 Gateway 上这表示没有 VirtualService 绑定到该端口和域名。`),
          fix: t('Bind a VirtualService to the Gateway (spec.gateways) with a host that matches the Gateway server hosts.', '创建绑定该 Gateway（spec.gateways）的 VirtualService，且其 hosts 与 Gateway server 的 hosts 匹配。'),
        });
      });
    }
    return out;
  },
};
