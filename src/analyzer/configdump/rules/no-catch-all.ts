// OPS206: a virtual host whose routes all match specific paths — any other
// path gets 404 NR. Often intended; worth knowing when a request 404s.
import { arr, field, keyOf, obj, seg, str } from '../json.ts';
import { t, type DumpRule, type DumpReport } from './rule.ts';

const catchesAll = (route: unknown): boolean => {
  const m = obj(route, 'match');
  if (!m) return false;
  const prefix = field(m, 'prefix');
  const re = str(obj(m, 'safe_regex'), 'regex');
  return prefix === '/' || prefix === '' || re === '.*' || re === '/.*' || str(m, 'path_separated_prefix') === '/';
};

export const noCatchAll: DumpRule = {
  meta: { id: 'virtual-host-without-catch-all', code: 'OPS206', severity: 'info', title: t('Some paths match no route (NR)', '部分路径匹配不到任何路由（NR）'), chapter: 'best-practice/vs-priority' },
  check(ix) {
    const out: DumpReport[] = [];
    for (const r of ix.dump.routes) {
      arr(r.value, 'virtual_hosts').forEach((vh, i) => {
        const routes = arr(vh, 'routes');
        if (routes.length === 0 || routes.some(catchesAll)) return;
        out.push({
          path: `${r.path}${seg(keyOf(r.value, 'virtual_hosts'))}[${i}]`,
          resource: `RouteConfiguration ${r.name}`,
          message: t(`Virtual host "${str(vh, 'name')}" only routes specific paths; a request whose path matches none of them gets 404 NR route_not_found.`, `virtual host "${str(vh, 'name')}" 只路由特定路径；路径与这些规则都不匹配的请求会得到 404 NR route_not_found。`),
          fix: t('If other paths should be served, add a last http route without a match (or with prefix "/") to the VirtualService.', '如果其他路径也需要被处理，在 VirtualService 的最后加一条不带 match（或 prefix 为 "/"）的 http 路由。'),
        });
      });
    }
    return out;
  },
};
