// OPS204: an HTTP connection manager asks for a route config (RDS) that the
// proxy never received — requests get 404 NR route_configuration_not_found.
import { arr, keyOf, obj, seg, str } from '../json.ts';
import { filterChains, resolveTyped } from '../model.ts';
import { listenerLabel } from '../index.ts';
import { t, type DumpRule, type DumpReport } from './rule.ts';

export const rdsMissing: DumpRule = {
  meta: { id: 'rds-route-config-missing', code: 'OPS204', severity: 'error', title: t('Listener uses a route config that is not loaded', 'listener 引用的路由配置尚未加载'), chapter: 'debug-istio/envoy-log' },
  check(ix) {
    if (ix.dump.routes.length === 0 && ix.dump.listeners.length === 0) return [];
    const out: DumpReport[] = [];
    for (const l of ix.dump.listeners) {
      if (l.state !== 'active' && l.state !== 'static') continue;
      for (const { chain, path } of filterChains(l.value)) {
        arr(chain, 'filters').forEach((f, i) => {
          const typed = resolveTyped(f);
          if (typed.kind !== 'hcm') return;
          const name = str(obj(typed.config, 'rds'), 'route_config_name');
          if (!name || ix.routeConfigs.has(name)) return;
          out.push({
            path: `${l.path}${path}.filters[${i}]${seg(keyOf(f, 'typed_config'))}.rds.route_config_name`,
            resource: listenerLabel(l),
            message: t(`The listener asks for route config "${name}", which is not in the dump: HTTP requests on it get 404 NR route_configuration_not_found.`, `该 listener 需要路由配置 "${name}"，但 dump 中没有：其上的 HTTP 请求会得到 404 NR route_configuration_not_found。`),
            fix: t('Check istioctl proxy-status for a STALE or NOT SENT RDS, and istiod logs for a rejected config.', '用 istioctl proxy-status 查看 RDS 是否为 STALE 或 NOT SENT，并查看 istiod 日志中是否有被拒绝的配置。'),
          });
        });
      }
    }
    return out;
  },
};
