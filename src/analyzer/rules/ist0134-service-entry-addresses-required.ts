// IST0134 ServiceEntryAddressesRequired: with DNS capture on
// (ISTIO_META_DNS_CAPTURE=true in the mesh proxyMetadata) and auto-allocation off,
// a ServiceEntry without addresses whose port is TCP (or has no protocol) gets no
// VIP, so all such entries share one 0.0.0.0:<port> listener.
import type { Report, Rule } from './rule.ts';
import { t } from './rule.ts';
import { arr, obj, str, strList } from '../resources/values.ts';

export const rule: Rule = {
  meta: {
    id: 'service-entry-addresses-required',
    code: 'IST0134',
    istioctl: 'ServiceEntryAddressesRequired',
    severity: 'warning',
    title: t('ServiceEntry needs addresses', 'ServiceEntry 需要 addresses'),
    explanation: t('Under DNS capture without auto-allocation, a TCP ServiceEntry without addresses cannot be told apart from others on the same port.', '开启 DNS 捕获但未开启自动分配地址时，没有 addresses 的 TCP ServiceEntry 无法与同端口的其他服务区分。'),
    chapter: 'common-problem/server-speaks-first',
  },
  check(model) {
    const out: Report[] = [];
    const md = obj(obj(model.meshConfig.defaultConfig).proxyMetadata);
    if (str(md.ISTIO_META_DNS_CAPTURE) !== 'true' || str(md.ISTIO_META_DNS_AUTO_ALLOCATE) === 'true') return out;
    for (const se of model.ofKind('ServiceEntry')) {
      if (strList(se.spec.addresses).length > 0) continue;
      arr(se.spec.ports).forEach((p, i) => {
        const proto = (str(obj(p).protocol) ?? '').toUpperCase();
        if (proto !== '' && proto !== 'TCP') return;
        out.push({ resource: se, path: ['spec', 'ports', i], message: t('ServiceEntry addresses are required for a TCP (or unset) protocol port when DNS capture is on.', '开启 DNS 捕获时，TCP（或未指定协议）端口的 ServiceEntry 必须设置 addresses。'), fix: t('Add spec.addresses, or set ISTIO_META_DNS_AUTO_ALLOCATE: "true".', '添加 spec.addresses，或设置 ISTIO_META_DNS_AUTO_ALLOCATE: "true"。') });
      });
    }
    return out;
  },
};
