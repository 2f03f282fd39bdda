// IST0112 VirtualServiceDestinationPortSelectorRequired: a destination without
// `port` pointing at a Service/ServiceEntry that exposes more than one port.
// Like istioctl, only destinations whose host resolves are considered (IST0101
// covers the rest).
import type { Report, Rule } from './rule.ts';
import { t } from './rule.ts';
import { vsDestinations } from './common.ts';
import { resolveHost } from '../resources/hosts.ts';
import { str } from '../resources/values.ts';

export const rule: Rule = {
  meta: {
    id: 'virtual-service-destination-port-selector-required',
    code: 'IST0112',
    istioctl: 'VirtualServiceDestinationPortSelectorRequired',
    severity: 'error',
    title: t('Destination needs a port', '目标需要指定端口'),
    explanation: t('The destination service has several ports and the route does not say which one; the behaviour is undefined.', '目标服务有多个端口而路由没有指明使用哪一个，行为不确定。'),
    chapter: null,
  },
  check(model) {
    const out: Report[] = [];
    for (const vs of model.ofKind('VirtualService')) {
      for (const d of vsDestinations(vs)) {
        const host = str(d.destination.host);
        if (!host || d.destination.port !== undefined) continue;
        const fqdn = resolveHost(host, vs.namespace);
        const target = model.lookupHost(fqdn, vs.namespace)[0];
        if (!target || target.ports.length < 2) continue;
        const ports = target.ports.map((p) => p.number).join(', ');
        out.push({
          resource: vs,
          path: d.path,
          message: t(`This route sends traffic to ${host}, which exposes ports [${ports}]; set destination.port to say which one.`, `该路由指向 ${host}，它有多个端口 [${ports}]；请设置 destination.port 指明端口。`),
          fix: t(`destination:\n  host: ${host}\n  port:\n    number: ${target.ports[0]?.number ?? 80}`, `destination:\n  host: ${host}\n  port:\n    number: ${target.ports[0]?.number ?? 80}`),
        });
      }
    }
    return out;
  },
};
