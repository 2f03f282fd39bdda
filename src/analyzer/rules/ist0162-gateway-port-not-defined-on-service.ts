// IST0162 GatewayPortNotDefinedOnService: a Gateway server port that is neither a
// service port nor a target port of any Service in front of the gateway pods, so
// no traffic can reach the listener. Judged only when those Services are in the input.
import type { Report, Rule } from './rule.ts';
import { t } from './rule.ts';
import type { KubeService } from '../resources/model.ts';
import { gatewaySelector, gatewayServers, gatewayWorkloads, labelText } from './common.ts';

export const rule: Rule = {
  meta: {
    id: 'gateway-port-not-defined-on-service',
    code: 'IST0162',
    istioctl: 'GatewayPortNotDefinedOnService',
    severity: 'warning',
    title: t('Gateway port not exposed by a Service', 'Gateway 端口未被 Service 暴露'),
    explanation: t('The gateway listens on a port that its Service does not expose, so clients cannot reach it.', 'Gateway 监听的端口没有被其 Service 暴露，客户端无法访问。'),
    chapter: 'common-problem/gateway-tcp-port',
  },
  check(model) {
    const out: Report[] = [];
    for (const gw of model.ofKind('Gateway')) {
      const pods = gatewayWorkloads(model, gw);
      if (pods.length === 0) continue;
      const svcs = new Set<KubeService>();
      for (const w of pods) for (const s of model.servicesOf(w)) svcs.add(s);
      if (svcs.size === 0) continue;
      const ports = new Set<number>();
      for (const s of svcs) for (const p of s.ports) {
        ports.add(p.port);
        if (typeof p.targetPort === 'number') ports.add(p.targetPort);
      }
      for (const s of gatewayServers(gw)) {
        if (s.port === undefined || ports.has(s.port)) continue;
        out.push({ resource: gw, path: ['spec', 'servers', s.index, 'port', 'number'], message: t(`The gateway refers to port ${s.port}, which the Services of its pods (selector ${labelText(gatewaySelector(gw))}) do not expose.`, `Gateway 引用了端口 ${s.port}，但其 Pod（选择器 ${labelText(gatewaySelector(gw))}）的 Service 没有暴露该端口。`), fix: t(`Add port ${s.port} to the gateway's Service, or use one of: ${[...ports].join(', ')}.`, `在网关的 Service 中加入端口 ${s.port}，或改用以下端口之一：${[...ports].join('、')}。`) });
      }
    }
    return out;
  },
};
