// OPS308: an injected app that makes network calls as it starts (its command runs
// curl/wget/a DB client or names a URL) while holdApplicationUntilProxyStarts is
// off. The app container can start before Envoy has its config from istiod, and
// those first calls fail. We cannot see what an app does inside its binary, so we
// only read the container command/args; a command that already waits for the
// proxy (polls :15020/:15021 healthz/ready) is not reported, nor are native sidecars.
import type { Report, Rule } from './rule.ts';
import { t } from './rule.ts';
import type { Workload, ResourceModel } from '../resources/model.ts';
import { arr, bool, obj, str, strList } from '../resources/values.ts';

const CALLS_OUT = /\b(curl|wget|mysql|psql|redis-cli|mongo|mongosh|nc|grpcurl)\s|https?:\/\//;
const WAITS_FOR_PROXY = /:1502[01]\/healthz\/ready|pilot-agent\s+wait/;

function holds(model: ResourceModel, w: Workload): boolean {
  if (bool(model.proxyConfig(w).holdApplicationUntilProxyStarts) === true) return true;
  if (bool(obj(obj(model.injectorValues.global).proxy).holdApplicationUntilProxyStarts) === true) return true;
  if (w.annotations['sidecar.istio.io/nativeSidecar'] === 'true') return true;
  return false;
}

export const rule: Rule = {
  meta: {
    id: 'startup-call-without-hold',
    code: 'OPS308',
    severity: 'warning',
    title: t('App calls out at start before the sidecar is ready', '应用启动时在 Sidecar 就绪前访问网络'),
    explanation: t('Outbound traffic is redirected to Envoy from the first instant, but Envoy needs seconds to get its configuration; calls made at start fail unless the app waits for the proxy.', '出站流量一开始就被重定向到 Envoy，而 Envoy 需要数秒才能获取配置；除非应用等待代理就绪，否则启动时的调用会失败。'),
    chapter: 'best-practice/startup-dependence',
  },
  check(model) {
    const out: Report[] = [];
    for (const w of model.workloads) {
      if (!model.isInjected(w) || holds(model, w)) continue;
      arr(w.podSpec.containers).forEach((c, i) => {
        const container = obj(c);
        if (str(container.name) === 'istio-proxy') return;
        for (const field of ['command', 'args'] as const) {
          const text = strList(container[field]).join(' ') + ' ';
          if (!CALLS_OUT.test(text) || WAITS_FOR_PROXY.test(text)) continue;
          out.push({
            resource: w.resource,
            path: [...w.specPath, 'containers', i, field],
            message: t(`Container ${str(container.name) ?? i} calls the network as it starts, but holdApplicationUntilProxyStarts is not enabled: the first calls can fail while Envoy is still loading its config.`, `容器 ${str(container.name) ?? i} 启动时会访问网络，但未启用 holdApplicationUntilProxyStarts：在 Envoy 仍在加载配置时，最初的调用可能失败。`),
            fix: t(`Add to the pod template:\n  metadata:\n    annotations:\n      proxy.istio.io/config: '{ "holdApplicationUntilProxyStarts": true }'\n(or set it mesh-wide in meshConfig.defaultConfig).`, `在 Pod 模板中加入：\n  metadata:\n    annotations:\n      proxy.istio.io/config: '{ "holdApplicationUntilProxyStarts": true }'\n（或在 meshConfig.defaultConfig 中全局开启）。`),
          });
          break;
        }
      });
    }
    return out;
  },
};
