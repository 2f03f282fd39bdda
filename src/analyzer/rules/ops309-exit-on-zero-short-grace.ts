// OPS309: EXIT_ON_ZERO_ACTIVE_CONNECTIONS makes the agent, on shutdown, drain for
// MINIMUM_DRAIN_DURATION (5s by default) and then wait until no connection is
// left; Kubernetes kills the pod anyway at terminationGracePeriodSeconds (30s when
// unset). A grace period not longer than the drain means the connection check
// never runs (warning); leaving the 30s default is reported too, since the reason
// to turn the option on is connections that outlive it.
import type { Report, Rule } from './rule.ts';
import { t } from './rule.ts';
import { num, obj, str } from '../resources/values.ts';

function seconds(d: string | undefined, fallback: number): number {
  if (!d) return fallback;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(d.trim());
  if (!m) return fallback;
  const n = Number(m[1]);
  return m[2] === 'ms' ? n / 1000 : m[2] === 'm' ? n * 60 : m[2] === 'h' ? n * 3600 : n;
}

export const rule: Rule = {
  meta: {
    id: 'exit-on-zero-short-grace',
    code: 'OPS309',
    severity: 'warning',
    title: t('Graceful drain cut short by the grace period', '优雅退出被终止宽限期截断'),
    explanation: t('With EXIT_ON_ZERO_ACTIVE_CONNECTIONS the sidecar waits for connections to end, but Kubernetes kills the pod when terminationGracePeriodSeconds runs out.', '开启 EXIT_ON_ZERO_ACTIVE_CONNECTIONS 后，Sidecar 会等待连接结束，但 terminationGracePeriodSeconds 到期后 Kubernetes 会直接杀死 Pod。'),
    chapter: 'best-practice/graceful-termination',
  },
  check(model) {
    const out: Report[] = [];
    for (const w of model.workloads) {
      if (!model.isInjected(w) && !w.annotations['proxy.istio.io/config']) continue;
      const md = obj(model.proxyConfig(w).proxyMetadata);
      if (str(md.EXIT_ON_ZERO_ACTIVE_CONNECTIONS) !== 'true') continue;
      const drain = seconds(str(md.MINIMUM_DRAIN_DURATION), 5);
      const grace = num(w.podSpec.terminationGracePeriodSeconds);
      const path = grace === undefined ? [...w.specPath] : [...w.specPath, 'terminationGracePeriodSeconds'];
      const fix = t(`spec:\n  terminationGracePeriodSeconds: 60   # longer than your longest expected connection`, `spec:\n  terminationGracePeriodSeconds: 60   # 比预期最长的连接更长`);
      if (grace !== undefined && grace > drain && grace > 30) continue;
      if (grace !== undefined && grace > drain) {
        out.push({ resource: w.resource, path, message: t(`EXIT_ON_ZERO_ACTIVE_CONNECTIONS is on but terminationGracePeriodSeconds is ${grace}s; connections still open after ${grace}s are cut when the pod is killed.`, `已开启 EXIT_ON_ZERO_ACTIVE_CONNECTIONS，但 terminationGracePeriodSeconds 只有 ${grace} 秒；超过 ${grace} 秒仍未结束的连接会在 Pod 被杀死时中断。`), fix });
        continue;
      }
      if (grace === undefined) {
        out.push({ resource: w.resource, path, message: t('EXIT_ON_ZERO_ACTIVE_CONNECTIONS is on but terminationGracePeriodSeconds is not set: the pod is killed after the default 30s whatever connections remain.', '已开启 EXIT_ON_ZERO_ACTIVE_CONNECTIONS，但没有设置 terminationGracePeriodSeconds：无论连接是否结束，Pod 都会在默认的 30 秒后被杀死。'), fix });
        continue;
      }
      out.push({ resource: w.resource, path, message: t(`EXIT_ON_ZERO_ACTIVE_CONNECTIONS is on but terminationGracePeriodSeconds (${grace}s) is not longer than the minimum drain (${drain}s): the pod is killed before the agent even checks for open connections.`, `已开启 EXIT_ON_ZERO_ACTIVE_CONNECTIONS，但 terminationGracePeriodSeconds（${grace} 秒）不长于最小排空时间（${drain} 秒）：agent 还没开始检查连接 Pod 就被杀死了。`), fix });
    }
    return out;
  },
};
