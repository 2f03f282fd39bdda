// OPS306: a route with retries whose retryOn lacks `reset`, towards a destination
// whose DestinationRule does not set connectionPool.http.idleTimeout. Envoy keeps
// upstream connections pooled; an app that closes idle keep-alive connections
// (Node.js closes them after 5 s by default) races with Envoy reusing them, which
// shows as sporadic 503 UC upstream_reset_before_response_started{connection_termination}.
// Retrying on `reset`, or letting Envoy close idle connections first (an idleTimeout
// shorter than the app's), removes it. Info: we cannot see the app's keep-alive.
import type { Report, Rule } from './rule.ts';
import { t } from './rule.ts';
import { destinationRulesFor } from './common.ts';
import { resolveHost } from '../resources/hosts.ts';
import { arr, num, obj, str } from '../resources/values.ts';

const ISTIO_DEFAULT_RETRY_ON = 'connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes';

export const rule: Rule = {
  meta: {
    id: 'retries-without-reset',
    code: 'OPS306',
    severity: 'info',
    title: t('Retries do not cover connection resets', '重试条件不包含连接重置'),
    explanation: t('When the upstream app closes idle pooled connections, a request sent on one just as it closes fails with 503 UC; `reset` in retryOn retries it transparently.', '上游应用关闭连接池中的空闲连接时，恰好复用该连接的请求会以 503 UC 失败；在 retryOn 中加入 `reset` 可透明地重试。'),
    chapter: 'common-problem/upstream-connection-termination',
  },
  check(model) {
    const out: Report[] = [];
    for (const vs of model.ofKind('VirtualService')) {
      arr(vs.spec.http).forEach((h, i) => {
        const route = obj(h);
        if (route.retries === undefined) return;
        const retries = obj(route.retries);
        if ((num(retries.attempts) ?? 0) === 0) return;
        const retryOn = str(retries.retryOn) ?? ISTIO_DEFAULT_RETRY_ON;
        if (retryOn.split(',').map((s) => s.trim()).includes('reset')) return;
        const hosts = arr(route.route).map((r) => str(obj(obj(r).destination).host)).filter((x): x is string => !!x);
        const guarded = hosts.length > 0 && hosts.every((host) => destinationRulesFor(model, resolveHost(host, vs.namespace), vs.namespace).some((dr) => str(obj(obj(obj(dr.spec.trafficPolicy).connectionPool).http).idleTimeout)));
        if (guarded) return;
        out.push({
          resource: vs,
          path: ['spec', 'http', i, 'retries', retries.retryOn !== undefined ? 'retryOn' : 'attempts'],
          message: t(`Retries of rule ${str(route.name) ?? i} use retryOn "${retryOn}" without "reset": requests that hit an upstream connection closed while idle fail with 503 UC instead of being retried.`, `规则 ${str(route.name) ?? i} 的重试条件 "${retryOn}" 不含 "reset"：复用到上游已因空闲关闭的连接的请求会以 503 UC 失败而不会被重试。`),
          fix: t(`retries:\n  attempts: ${num(retries.attempts) ?? 2}\n  retryOn: reset,${retryOn}`, `retries:\n  attempts: ${num(retries.attempts) ?? 2}\n  retryOn: reset,${retryOn}`),
        });
      });
    }
    return out;
  },
};
