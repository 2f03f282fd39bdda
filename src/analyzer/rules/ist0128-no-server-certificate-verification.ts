// IST0128 NoServerCertificateVerificationDestinationLevel and IST0129
// NoServerCertificateVerificationPortLevel: a DestinationRule originates TLS
// (SIMPLE or MUTUAL) without caCertificates, so the server's certificate is not
// checked against a CA you chose. Not reported when insecureSkipVerify is set on
// purpose, or when credentialName and a workloadSelector are both given (the
// CA then comes from the secret), as in istioctl.
import type { Report, Rule } from './rule.ts';
import { t } from './rule.ts';
import type { Resource } from '../resources/model.ts';
import type { FieldPath, Obj } from '../resources/read.ts';
import { arr, bool, isObject, num, obj, str } from '../resources/values.ts';

function unverified(dr: Resource, tls: Obj): string | null {
  const mode = str(tls.mode);
  if (mode !== 'SIMPLE' && mode !== 'MUTUAL') return null;
  if (str(tls.caCertificates) || bool(tls.insecureSkipVerify) === true) return null;
  if (str(tls.credentialName) && isObject(dr.spec.workloadSelector)) return null;
  return mode;
}

const meta = (code: string, name: string, level: string) => ({
  id: `no-server-certificate-verification-${level}-level`,
  code,
  istioctl: name,
  severity: 'warning' as const,
  title: t(`TLS origination without CA (${level} level)`, `TLS 发起方未配置 CA（${level === 'destination' ? '目标' : '端口'}级）`),
  explanation: t('With SIMPLE or MUTUAL TLS and no caCertificates, the client side does not verify the server against a CA you set; anyone presenting a certificate is accepted (or the system roots decide, on newer Istio).', '使用 SIMPLE 或 MUTUAL TLS 却未设置 caCertificates 时，客户端不会用你指定的 CA 校验服务端证书（较新的 Istio 会改用系统根证书）。'),
  chapter: 'common-problem/tls-wrong-sni',
});

const fix = t('Set tls.caCertificates (or credentialName with the CA in the secret); use insecureSkipVerify: true only on purpose.', '设置 tls.caCertificates（或在 credentialName 对应的 secret 中提供 CA）；只有确有需要时才设置 insecureSkipVerify: true。');

export const destinationLevel: Rule = {
  meta: meta('IST0128', 'NoServerCertificateVerificationDestinationLevel', 'destination'),
  check(model) {
    const out: Report[] = [];
    for (const dr of model.ofKind('DestinationRule')) {
      const tls = obj(obj(dr.spec.trafficPolicy).tls);
      const mode = unverified(dr, tls);
      if (!mode) continue;
      out.push({ resource: dr, path: ['spec', 'trafficPolicy', 'tls', 'mode'], message: t(`DestinationRule ${dr.name} in namespace ${dr.namespace} uses TLS mode ${mode} without caCertificates, so the identity of host ${str(dr.spec.host) ?? ''} is not verified.`, `命名空间 ${dr.namespace} 中的 DestinationRule ${dr.name} 使用 TLS 模式 ${mode} 但没有 caCertificates，host ${str(dr.spec.host) ?? ''} 的身份不会被校验。`), fix });
    }
    return out;
  },
};

export const portLevel: Rule = {
  meta: meta('IST0129', 'NoServerCertificateVerificationPortLevel', 'port'),
  check(model) {
    const out: Report[] = [];
    for (const dr of model.ofKind('DestinationRule')) {
      arr(obj(dr.spec.trafficPolicy).portLevelSettings).forEach((s, i) => {
        const setting = obj(s);
        const mode = unverified(dr, obj(setting.tls));
        if (!mode) return;
        const port = num(obj(setting.port).number) ?? '?';
        const path: FieldPath = ['spec', 'trafficPolicy', 'portLevelSettings', i, 'tls', 'mode'];
        out.push({ resource: dr, path, message: t(`DestinationRule ${dr.name} in namespace ${dr.namespace} uses TLS mode ${mode} without caCertificates on port ${port}, so the identity of host ${str(dr.spec.host) ?? ''} is not verified.`, `命名空间 ${dr.namespace} 中的 DestinationRule ${dr.name} 在端口 ${port} 上使用 TLS 模式 ${mode} 但没有 caCertificates，host ${str(dr.spec.host) ?? ''} 的身份不会被校验。`), fix });
      });
    }
    return out;
  },
};
