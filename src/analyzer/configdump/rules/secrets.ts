// OPS217: a TLS context asks SDS for a secret the proxy does not have (or that
// is still warming) — handshakes fail with "Secret is not supplied by SDS".
// OPS218: a certificate in the proxy is expired or not valid yet.
import { arr, obj, str } from '../json.ts';
import { filterChains, resolveTyped, type Entry } from '../model.ts';
import { secretRows } from '../tables.ts';
import { t, type DumpRule, type DumpReport } from './rule.ts';

function sdsNames(tls: Record<string, unknown>): string[] {
  const ctx = obj(tls, 'common_tls_context');
  const names = arr(ctx, 'tls_certificate_sds_secret_configs').map((s) => str(s, 'name'));
  names.push(str(obj(ctx, 'validation_context_sds_secret_config'), 'name'));
  names.push(str(obj(obj(ctx, 'combined_validation_context'), 'validation_context_sds_secret_config'), 'name'));
  return names.filter(Boolean);
}

export const sdsSecretMissing: DumpRule = {
  meta: { id: 'sds-secret-missing', code: 'OPS217', severity: 'error', title: t('TLS secret not supplied by SDS', 'SDS 没有提供 TLS 证书'), chapter: 'common-problem/tls-wrong-sni' },
  check(ix) {
    if (ix.dump.secrets.length === 0) return [];
    const active = new Set(ix.dump.secrets.filter((s) => s.state === 'active' || s.state === 'static').map((s) => s.name));
    const out: DumpReport[] = [];
    const check = (holder: Entry, ts: unknown, path: string, what: string) => {
      const typed = resolveTyped(ts);
      if (typed.kind !== 'upstream_tls' && typed.kind !== 'downstream_tls') return;
      for (const name of sdsNames(typed.config)) {
        if (active.has(name)) continue;
        out.push({
          path,
          resource: `${what} ${holder.name}`,
          message: t(`${what} ${holder.name} needs SDS secret "${name}", which the proxy does not have (or is still warming): TLS handshakes fail with "Secret is not supplied by SDS".`, `${what} ${holder.name} 需要 SDS 证书 "${name}"，但代理上没有（或仍在 warming）：TLS 握手会因 "Secret is not supplied by SDS" 失败。`),
          fix: t('For a Gateway credentialName, create the Kubernetes secret in the gateway\'s namespace with the right keys (tls.crt/tls.key, ca.crt for MUTUAL).', '对于 Gateway 的 credentialName，在 Gateway 所在的命名空间中创建包含正确键（tls.crt/tls.key，MUTUAL 模式还需 ca.crt）的 Kubernetes secret。'),
        });
      }
    };
    for (const c of ix.dump.clusters) {
      const ts = obj(c.value, 'transport_socket');
      if (ts) check(c, ts, `${c.path}.transport_socket`, 'Cluster');
    }
    for (const l of ix.dump.listeners) {
      for (const { chain, path } of filterChains(l.value)) {
        const ts = obj(chain, 'transport_socket');
        if (ts) check(l, ts, `${l.path}${path}.transport_socket`, 'Listener');
      }
    }
    return out;
  },
};

export const certNotValid: DumpRule = {
  meta: { id: 'certificate-not-valid', code: 'OPS218', severity: 'error', title: t('Certificate expired or not yet valid', '证书已过期或尚未生效'), chapter: null },
  check(ix) {
    return secretRows(ix.dump, ix.now)
      .filter((r) => r.type && r.serial && !r.valid)
      .map((r) => ({
        path: r.entry.path,
        resource: `Secret ${r.name}`,
        message: t(`Certificate "${r.name}" (serial ${r.serial}) is valid from ${r.notBefore} to ${r.notAfter}, which does not include now: peers reject it (CERTIFICATE_EXPIRED / CERTIFICATE_VERIFY_FAILED).`, `证书 "${r.name}"（序列号 ${r.serial}）的有效期为 ${r.notBefore} 至 ${r.notAfter}，不包含当前时间：对端会拒绝它（CERTIFICATE_EXPIRED / CERTIFICATE_VERIFY_FAILED）。`),
        fix: t('Renew the certificate (for workload certs check istio-agent and the CA; for gateways update the credentialName secret).', '更新证书（工作负载证书请检查 istio-agent 和 CA；Gateway 证书请更新 credentialName 对应的 secret）。'),
      }));
  },
};
