// OPS212: a cluster originates TLS to a host outside the mesh without an SNI of
// its own. Through an ingress gateway Envoy then reuses the downstream SNI (the
// gateway's host name); the external server rejects the handshake: 503 UC.
import { arr, field, obj, str, upstreamHttpOptions } from '../json.ts';
import { resolveTyped } from '../model.ts';
import { t, type DumpRule, type DumpReport } from './rule.ts';

const isIstioMtls = (tls: Record<string, unknown>): boolean => {
  const ctx = obj(tls, 'common_tls_context');
  const alpn = arr(ctx, 'alpn_protocols').map(String);
  const certs = arr(ctx, 'tls_certificate_sds_secret_configs').map((s) => str(s, 'name'));
  return alpn.includes('istio') || alpn.includes('istio-peer-exchange') || certs.includes('default');
};

export const tlsNoSni: DumpRule = {
  meta: { id: 'upstream-tls-without-sni', code: 'OPS212', severity: 'warning', title: t('TLS to an external host without its own SNI', '向外部服务发起 TLS 但没有设置自己的 SNI'), chapter: 'common-problem/tls-wrong-sni' },
  check(ix) {
    const out: DumpReport[] = [];
    for (const c of ix.dump.clusters) {
      const ts = obj(c.value, 'transport_socket');
      if (!ts) continue;
      const typed = resolveTyped(ts);
      if (typed.kind !== 'upstream_tls' || isIstioMtls(typed.config) || str(typed.config, 'sni')) continue;
      const name = c.name;
      const fqdn = name.split('|')[3] ?? name;
      const type = str(c.value, 'type');
      const external = !fqdn.endsWith('.svc.cluster.local') && (type === 'STRICT_DNS' || type === 'LOGICAL_DNS' || fqdn.includes('.'));
      const autoSni = field(obj(upstreamHttpOptions(c.value), 'upstream_http_protocol_options'), 'auto_sni') === true;
      if (!external || autoSni) continue;
      out.push({
        path: `${c.path}.transport_socket`,
        resource: `Cluster ${name}`,
        severity: ix.proxyType === 'router' ? 'error' : 'warning',
        message: t(
          `Cluster ${name} starts TLS to ${fqdn} without an SNI of its own.${ix.proxyType === 'router' ? ' On this gateway Envoy passes on the SNI the client sent (the gateway host name);' : ''} A server that checks SNI rejects the handshake and requests fail with 503 UC.`,
          `cluster ${name} 向 ${fqdn} 发起 TLS 时没有设置自己的 SNI。${ix.proxyType === 'router' ? '在该 Gateway 上 Envoy 会沿用客户端发送的 SNI（Gateway 的域名）；' : ''}校验 SNI 的服务端会拒绝握手，请求以 503 UC 失败。`,
        ),
        fix: t(`Set trafficPolicy.tls.sni: ${fqdn} in the DestinationRule for ${fqdn}.`, `在 ${fqdn} 的 DestinationRule 中设置 trafficPolicy.tls.sni: ${fqdn}。`),
      });
    }
    return out;
  },
};
