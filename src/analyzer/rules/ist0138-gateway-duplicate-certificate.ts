// IST0138 GatewayDuplicateCertificate: Gateways served by the same pods use the
// same certificate (credentialName, or serverCertificate + privateKey). Browsers
// reuse one HTTP/2 connection for every host the certificate covers, and land on
// the wrong server: 404.
import type { Report, Rule } from './rule.ts';
import { t } from './rule.ts';
import type { Resource } from '../resources/model.ts';
import { gatewayServers, gatewaysShareWorkload } from './common.ts';
import { str } from '../resources/values.ts';

export const rule: Rule = {
  meta: {
    id: 'gateway-duplicate-certificate',
    code: 'IST0138',
    istioctl: 'GatewayDuplicateCertificate',
    severity: 'warning',
    title: t('Certificate used by several Gateways', '多个 Gateway 使用同一证书'),
    explanation: t('Clients reuse an HTTP/2 connection for any host the certificate covers; with the same certificate on two Gateways of one proxy, a request may reach the wrong server and get 404.', '客户端会对证书覆盖的所有 host 复用同一个 HTTP/2 连接；同一代理上的两个 Gateway 使用同一证书时，请求可能落到错误的 server 上得到 404。'),
    chapter: 'common-problem/duplicate-tls-hosts',
  },
  check(model) {
    const certs = new Map<string, { gw: Resource; path: (string | number)[] }[]>();
    for (const gw of model.ofKind('Gateway')) {
      for (const s of gatewayServers(gw)) {
        const cred = str(s.tls.credentialName);
        const file = str(s.tls.serverCertificate);
        const key = cred ? `cred:${gw.namespace}/${cred}` : file ? `file:${file}|${str(s.tls.privateKey) ?? ''}` : null;
        if (!key) continue;
        const list = certs.get(key) ?? [];
        if (!list.some((e) => e.gw === gw)) list.push({ gw, path: ['spec', 'servers', s.index, 'tls', cred ? 'credentialName' : 'serverCertificate'] });
        certs.set(key, list);
      }
    }
    const out: Report[] = [];
    for (const list of certs.values()) {
      for (const e of list) {
        const others = list.filter((o) => o.gw !== e.gw && gatewaysShareWorkload(model, o.gw, e.gw));
        if (others.length === 0) continue;
        const names = [e, ...others].map((o) => `${o.gw.namespace}/${o.gw.name}`).sort().join(', ');
        out.push({ resource: e.gw, path: e.path, message: t(`Duplicate certificate in gateways ${names} may cause 404s when both are served by the same proxy.`, `Gateway ${names} 使用了相同的证书，由同一代理提供服务时可能导致 404。`), fix: t('Put the hosts in one Gateway server, or give each Gateway its own certificate.', '把这些 host 放进同一个 Gateway server，或为每个 Gateway 使用各自的证书。') });
      }
    }
    return out;
  },
};
