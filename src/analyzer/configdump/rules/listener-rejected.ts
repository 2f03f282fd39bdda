// OPS211: Envoy rejected (NACKed) a listener update; the proxy keeps the old one.
import { t, type DumpRule } from './rule.ts';

export const listenerRejected: DumpRule = {
  meta: { id: 'listener-rejected', code: 'OPS211', severity: 'error', title: t('Envoy rejected a listener', 'Envoy 拒绝了一个 listener'), chapter: 'common-problem/duplicate-tls-hosts' },
  check(ix) {
    return ix.dump.listeners
      .filter((l) => l.state === 'error')
      .map((l) => ({
        path: l.path,
        resource: `Listener ${l.name}`,
        message: t(`Envoy rejected the last update of listener ${l.name}: ${l.errorDetails || '(no details)'}. It keeps serving the previous version, if any.`, `Envoy 拒绝了 listener ${l.name} 的最新配置：${l.errorDetails || '（无详情）'}。它会继续使用之前的版本（如果有）。`),
        fix: t('Fix the configuration named in the error (often duplicate hosts or certificates on one Gateway port); pilot_total_xds_rejects counts these.', '修正错误信息中指出的配置（常见的是同一 Gateway 端口上重复的 host 或证书）；pilot_total_xds_rejects 指标会统计此类拒绝。'),
      }));
  },
};
