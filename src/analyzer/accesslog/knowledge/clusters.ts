// Istio cluster names, decoded (envoy-istio-facts.md §4.1).
import type { Localized } from '../../finding.ts';

export interface ClusterName {
  raw: string;
  kind: 'outbound' | 'inbound' | 'inbound-vip' | 'passthrough' | 'inbound-passthrough' | 'blackhole' | 'dynamic-dns' | 'bootstrap' | 'other';
  port: number | null;
  subset: string | null;
  fqdn: string | null;
  /** Service name and namespace when the FQDN is a Kubernetes service name. */
  service: string | null;
  namespace: string | null;
  meaning: Localized;
}

const BOOTSTRAP = new Set(['prometheus_stats', 'agent', 'sds-grpc', 'xds-grpc', 'zipkin', 'lightstep', 'datadog_agent', 'envoy_accesslog_service', 'envoy_metrics_service', 'sds-files-grpc', 'local_cluster']);

function k8s(fqdn: string | null): { service: string | null; namespace: string | null } {
  const m = fqdn ? /^([^.]+)\.([^.]+)\.svc(\.|$)/.exec(fqdn) : null;
  return m ? { service: m[1]!, namespace: m[2]! } : { service: null, namespace: null };
}

export function decodeCluster(raw: string): ClusterName {
  const name = raw.endsWith(';') ? raw.slice(0, -1) : raw;
  const base = { raw, port: null, subset: null, fqdn: null, service: null, namespace: null };
  if (name === 'PassthroughCluster')
    return { ...base, kind: 'passthrough', meaning: { en: 'traffic to a destination the mesh does not know, let through as is (outboundTrafficPolicy ALLOW_ANY)', zh: '发往网格未知目标的流量被原样放行（outboundTrafficPolicy 为 ALLOW_ANY）' } };
  if (name === 'BlackHoleCluster')
    return { ...base, kind: 'blackhole', meaning: { en: 'traffic to an unknown destination, dropped (outboundTrafficPolicy REGISTRY_ONLY)', zh: '发往未知目标的流量被丢弃（outboundTrafficPolicy 为 REGISTRY_ONLY）' } };
  if (name.startsWith('InboundPassthroughCluster'))
    return { ...base, kind: 'inbound-passthrough', meaning: { en: 'inbound traffic to a port no Service declares, passed to the app unchanged', zh: '入站流量访问的端口没有被任何 Service 声明，原样转给应用' } };
  if (name === 'AllowAnyDynamicDNSCluster')
    return { ...base, kind: 'dynamic-dns', meaning: { en: 'unknown outbound host resolved by DNS at request time', zh: '未知的出站主机在请求时通过 DNS 解析' } };
  if (BOOTSTRAP.has(name)) return { ...base, kind: 'bootstrap', meaning: { en: "a cluster of the proxy's own bootstrap", zh: '代理自身引导配置中的集群' } };
  const parts = name.split('|');
  if (parts.length === 4 && (parts[0] === 'outbound' || parts[0] === 'inbound' || parts[0] === 'inbound-vip')) {
    const [dir, port, subset, fqdn] = parts as [string, string, string, string];
    const p = /^\d+$/.test(port) ? Number(port) : null;
    const kind = dir as 'outbound' | 'inbound' | 'inbound-vip';
    const f = fqdn || null;
    const sub = subset || null;
    const svc = k8s(f);
    const meaning =
      kind === 'outbound'
        ? { en: `outbound to ${f ?? '?'} port ${port}${sub ? `, subset ${sub}` : ''}`, zh: `出站到 ${f ?? '?'} 的 ${port} 端口${sub ? `，subset 为 ${sub}` : ''}` }
        : kind === 'inbound'
          ? { en: `inbound to the local app on port ${port}${f ? ` (${f})` : ''}`, zh: `入站到本 Pod 应用的 ${port} 端口${f ? `（${f}）` : ''}` }
          : { en: `waypoint inbound for ${f ?? '?'} port ${port}`, zh: `waypoint 入站：${f ?? '?'} 的 ${port} 端口` };
    // Istio ≤1.7 put the port name in the third field of inbound names.
    return { raw, kind, port: p, subset: kind === 'outbound' ? sub : null, fqdn: f, ...svc, meaning };
  }
  return { ...base, kind: 'other', meaning: { en: 'a cluster that is not named the Istio way', zh: '不是按 Istio 规则命名的集群' } };
}

/** "Service namespace/name" for a cluster of a Kubernetes service, else null. */
export function clusterResource(raw: string | null): string | null {
  if (!raw) return null;
  const c = decodeCluster(raw);
  return c.service && c.namespace ? `Service ${c.namespace}/${c.service}` : null;
}
