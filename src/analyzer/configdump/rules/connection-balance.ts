// OPS213: worker connection balancing. Without exact_balance, a few long-lived
// connections (HTTP/2, gRPC) can pile onto one worker; with it on a listener
// that only hands connections over (use_original_dst), it costs for nothing.
import { field, obj } from '../json.ts';
import { socketAddress } from '../model.ts';
import { t, type DumpRule, type DumpReport } from './rule.ts';

export const connectionBalance: DumpRule = {
  meta: { id: 'connection-balance', code: 'OPS213', severity: 'info', title: t('Worker connection balancing', 'worker 连接均衡'), chapter: 'common-problem/unbalanced-workers' },
  check(ix) {
    const out: DumpReport[] = [];
    const live = ix.dump.listeners.filter((l) => l.state === 'active' || l.state === 'static');
    const balanced = live.filter((l) => obj(obj(l.value, 'connection_balance_config'), 'exact_balance'));
    for (const l of balanced) {
      if (field(l.value, 'use_original_dst') !== true) continue;
      out.push({
        path: `${l.path}.connection_balance_config`,
        resource: `Listener ${l.name}`,
        severity: 'warning',
        message: t(`Listener ${l.name} balances connections across workers but only hands them to other listeners (use_original_dst): the lock costs without helping.`, `listener ${l.name} 在 worker 之间均衡连接，但它只把连接转交给其他 listener（use_original_dst）：加锁有开销却没有收益。`),
        fix: t('Set connection_balance_config on the listeners that really handle the connections instead.', '改为在真正处理连接的 listener 上设置 connection_balance_config。'),
      });
    }
    if (ix.proxyType === 'router' && balanced.length === 0) {
      const gw = live.filter((l) => socketAddress(l.value).port !== 15090 && socketAddress(l.value).port !== 15021);
      if (gw.length)
        out.push({
          path: gw[0]!.path,
          resource: `Listener ${gw[0]!.name}`,
          message: t(`No gateway listener sets connection_balance_config.exact_balance. With few long-lived connections (HTTP/2, gRPC, WebSocket) some Envoy workers can be busy while others idle.`, `没有任何 Gateway listener 设置 connection_balance_config.exact_balance。当只有少量长连接（HTTP/2、gRPC、WebSocket）时，部分 Envoy worker 会很忙而其他 worker 空闲。`),
          fix: t('If per-worker stats (listener.*.worker_N.downstream_cx_active) are uneven, enable exact_balance with an EnvoyFilter MERGE on the gateway listeners.', '如果各 worker 的统计（listener.*.worker_N.downstream_cx_active）不均衡，用 EnvoyFilter MERGE 在 Gateway listener 上开启 exact_balance。'),
        });
    }
    return out;
  },
};
