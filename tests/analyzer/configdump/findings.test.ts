// Every finding with a dump that triggers it and one that does not. Dumps are
// built here by hand, following Envoy's /config_dump layout.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeDump, analyzeAdminClusters, configDumpAnalyzer } from '../../../src/analyzer/configdump/analyzer.ts';
import { readAdminClustersText, adminEndpointTable } from '../../../src/analyzer/configdump/admin-clusters.ts';
import { readIstioctlTable } from '../../../src/analyzer/configdump/istioctl-text.ts';
import { readConfigDump } from '../../../src/analyzer/configdump/model.ts';

const T = 'type.googleapis.com/envoy.admin.v3.';
const HCM = 'envoy.filters.network.http_connection_manager';
const TCP = 'envoy.filters.network.tcp_proxy';
// @type of each filter's typed_config: the network-filter prefix plus the proto message.
const NETWORK = 'type.googleapis.com/envoy.extensions.filters.network.';
const HCM_TYPE = NETWORK + 'http_connection_manager.v3.HttpConnectionManager';
const TCP_TYPE = NETWORK + 'tcp_proxy.v3.TcpProxy';
// Key of a cluster's typed_extension_protocol_options for HTTP settings.
const HTTP_OPTIONS = 'envoy.extensions.upstreams.http.v3.HttpProtocolOptions';
type J = Record<string, unknown>;
const sock = (address: string, port: number) => ({ socket_address: { address, port_value: port } });
const listener = (name: string, address: string, port: number, extra: J = {}) => ({ name, address: sock(address, port), ...extra });
const tcpChain = (cluster: string, match?: J) => ({ ...(match ? { filter_chain_match: match } : {}), filters: [{ name: TCP, typed_config: { '@type': TCP_TYPE, cluster } }] });
const rdsChain = (route: string) => ({ filters: [{ name: HCM, typed_config: { '@type': HCM_TYPE, rds: { route_config_name: route } } }] });
const cla = (cluster: string, ...eps: [string, number, string][]) => ({ endpoint_config: { cluster_name: cluster, endpoints: eps.length ? [{ lb_endpoints: eps.map(([a, p, h]) => ({ endpoint: { address: sock(a, p) }, health_status: h })) }] : [] } });

function build(p: { node?: string; cluster?: string; clusters?: J[]; warmingClusters?: J[]; listeners?: J[]; warmingListeners?: J[]; errorListeners?: J[]; routes?: J[]; endpoints?: J[] | null; secrets?: J[] }) {
  const configs: J[] = [];
  if (p.node) configs.push({ '@type': T + 'BootstrapConfigDump', bootstrap: { node: { id: p.node, cluster: p.cluster ?? '' } } });
  configs.push({ '@type': T + 'ClustersConfigDump', dynamic_active_clusters: (p.clusters ?? []).map((cluster) => ({ cluster })), dynamic_warming_clusters: (p.warmingClusters ?? []).map((cluster) => ({ cluster })) });
  if (p.endpoints) configs.push({ '@type': T + 'EndpointsConfigDump', dynamic_endpoint_configs: p.endpoints });
  configs.push({
    '@type': T + 'ListenersConfigDump',
    dynamic_listeners: [
      ...(p.listeners ?? []).map((l) => ({ name: l.name, active_state: { listener: l } })),
      ...(p.warmingListeners ?? []).map((l) => ({ name: l.name, warming_state: { listener: l } })),
      ...(p.errorListeners ?? []).map((l) => ({ name: l.name, error_state: { failed_configuration: l, details: 'duplicate filter chain match' } })),
    ],
  });
  configs.push({ '@type': T + 'RoutesConfigDump', dynamic_route_configs: (p.routes ?? []).map((route_config) => ({ route_config })) });
  if (p.secrets) configs.push({ '@type': T + 'SecretsConfigDump', dynamic_active_secrets: p.secrets });
  return readConfigDump({ configs });
}
const codes = (d: ReturnType<typeof build>) => analyzeDump(d).map((f) => f.code);
const eds = (name: string, extra: J = {}) => ({ name, type: 'EDS', eds_cluster_config: { service_name: name }, ...extra });
const route = (name: string, cluster: string, extra: J = {}) => ({ name, virtual_hosts: [{ name: 'vh', domains: ['*'], routes: [{ match: { prefix: '/' }, route: { cluster }, ...extra }] }] });

describe('OPS201 EDS cluster in use without endpoints', () => {
  const v2 = 'outbound|9080|v2|reviews.shop.svc.cluster.local';
  it('fires for a routed subset with no endpoints, with the path of its assignment', () => {
    const f = analyzeDump(build({ clusters: [eds(v2)], routes: [route('9080', v2)], endpoints: [cla(v2)] })).filter((x) => x.code === 'OPS201');
    expect(f).toHaveLength(1);
    expect(f[0]!.path).toBe('$.configs[1].dynamic_endpoint_configs[0].endpoint_config');
    expect(f[0]!.chapter).toBe('case-studies/no-healthy-upstream');
    expect(f[0]!.message.en).toContain('503 UH');
    expect(f[0]!.fix!.en).toContain('version');
  });
  it('does not fire with endpoints, or when the dump has no EDS at all', () => {
    expect(codes(build({ clusters: [eds(v2)], routes: [route('9080', v2)], endpoints: [cla(v2, ['10.0.0.1', 9080, 'HEALTHY'])] }))).not.toContain('OPS201');
    expect(codes(build({ clusters: [eds(v2)], routes: [route('9080', v2)], endpoints: null }))).not.toContain('OPS201');
  });
});

describe('OPS202 all endpoints unhealthy', () => {
  it('fires when none is healthy, not when one is', () => {
    expect(codes(build({ endpoints: [cla('c', ['10.0.0.1', 80, 'UNHEALTHY'], ['10.0.0.2', 80, 'DRAINING'])] }))).toContain('OPS202');
    expect(codes(build({ endpoints: [cla('c', ['10.0.0.1', 80, 'UNHEALTHY'], ['10.0.0.2', 80, 'HEALTHY'])] }))).not.toContain('OPS202');
  });
  it('from admin /clusters text: all hosts failing', () => {
    const a = readAdminClustersText(['outbound|80||a.ns.svc.cluster.local::10.0.0.1:80::health_flags::/failed_eds_health', 'outbound|80||b.ns.svc.cluster.local::10.0.0.2:80::health_flags::healthy'].join('\n'));
    expect(analyzeAdminClusters(a).map((f) => f.resource)).toEqual(['Cluster outbound|80||a.ns.svc.cluster.local']);
  });
});

describe('OPS203 route to a missing cluster (NC)', () => {
  it('fires for a route and for a tcp_proxy naming a cluster the proxy lacks', () => {
    const f = analyzeDump(build({ clusters: [eds('a')], routes: [route('80', 'outbound|80|v3|r.ns.svc.cluster.local')], listeners: [listener('l', '10.0.0.9', 5432, { filter_chains: [tcpChain('gone')] })] })).filter((x) => x.code === 'OPS203');
    expect(f.map((x) => x.path)).toEqual(['$.configs[2].dynamic_route_configs[0].route_config.virtual_hosts[0].routes[0].route.cluster', '$.configs[1].dynamic_listeners[0].active_state.listener.filter_chains[0].filters[0].typed_config.cluster']);
    expect(f[0]!.fix!.en).toContain('subset "v3"');
  });
  it('does not fire when the cluster exists', () => {
    expect(codes(build({ clusters: [eds('a')], routes: [route('80', 'a')] }))).not.toContain('OPS203');
  });
});

describe('OPS204 RDS route config not loaded; OPS205/206 NR', () => {
  it('OPS204 fires for a missing route config only', () => {
    expect(codes(build({ listeners: [listener('0.0.0.0_80', '0.0.0.0', 80, { default_filter_chain: rdsChain('80') })] }))).toContain('OPS204');
    expect(codes(build({ listeners: [listener('0.0.0.0_80', '0.0.0.0', 80, { default_filter_chain: rdsChain('80') })], routes: [route('80', 'x')], clusters: [eds('x')] }))).not.toContain('OPS204');
  });
  it('OPS205 fires for a vhost without routes', () => {
    expect(codes(build({ routes: [{ name: 'http.8080', virtual_hosts: [{ name: 'blackhole:8080', domains: ['*'] }] }] }))).toContain('OPS205');
    expect(codes(build({ clusters: [eds('x')], routes: [route('http.8080', 'x')] }))).not.toContain('OPS205');
  });
  it('OPS206 fires when no route catches other paths', () => {
    const only = { name: '80', virtual_hosts: [{ name: 'v', domains: ['a'], routes: [{ match: { path: '/api' }, route: { cluster: 'x' } }] }] };
    expect(codes(build({ clusters: [eds('x')], routes: [only] }))).toContain('OPS206');
    expect(codes(build({ clusters: [eds('x')], routes: [route('80', 'x')] }))).not.toContain('OPS206');
  });
});

describe('OPS207 default filter chain hijack (ExternalName)', () => {
  it('fires for 0.0.0.0:PORT whose default chain proxies TCP to one service', () => {
    const f = analyzeDump(build({ clusters: [{ name: 'outbound|9080||ext.shop.svc.cluster.local', type: 'STRICT_DNS' }], listeners: [listener('0.0.0.0_9080', '0.0.0.0', 9080, { default_filter_chain: tcpChain('outbound|9080||ext.shop.svc.cluster.local') })] })).filter((x) => x.code === 'OPS207');
    expect(f).toHaveLength(1);
    expect(f[0]!.chapter).toBe('common-problem/external-name-hijack');
    expect(f[0]!.path).toBe('$.configs[1].dynamic_listeners[0].active_state.listener.default_filter_chain.filters[0].typed_config.cluster');
  });
  it('does not fire for a VIP listener or a passthrough default chain', () => {
    expect(codes(build({ clusters: [eds('outbound|5432||db')], listeners: [listener('10.96.0.5_5432', '10.96.0.5', 5432, { default_filter_chain: tcpChain('outbound|5432||db') })] }))).not.toContain('OPS207');
    expect(codes(build({ listeners: [listener('0.0.0.0_9080', '0.0.0.0', 9080, { default_filter_chain: tcpChain('PassthroughCluster') })] }))).not.toContain('OPS207');
  });
});

describe('OPS208 gateway port without listener', () => {
  const gw = { node: 'router~10.0.0.5~istio-ingressgateway-7c9.istio-system~istio-system.svc.cluster.local', cluster: 'istio-ingressgateway.istio-system' };
  const svc = (port: number) => eds(`outbound|${port}||istio-ingressgateway.istio-system.svc.cluster.local`);
  it('fires for a TCP port with no listener; 80 is served by 8080', () => {
    const f = analyzeDump(build({ ...gw, clusters: [svc(80), svc(31400), svc(15021)], listeners: [listener('0.0.0.0_8080', '0.0.0.0', 8080)] })).filter((x) => x.code === 'OPS208');
    expect(f.map((x) => x.message.en.match(/port (\d+)/)?.[1])).toEqual(['31400']);
    // Nothing listens on the port, so the pod's kernel refuses the connection (RST to the SYN): not a reset of an open one.
    expect(f[0]!.message.en).toContain('refused');
    expect(f[0]!.message.en).not.toMatch(/reset/);
    expect(f[0]!.message.zh).toContain('拒绝');
    expect(f[0]!.message.zh).not.toContain('重置');
  });
  it('does not fire when the listener exists, nor on a sidecar', () => {
    expect(codes(build({ ...gw, clusters: [svc(31400)], listeners: [listener('0.0.0.0_31400', '0.0.0.0', 31400)] }))).not.toContain('OPS208');
    expect(codes(build({ node: 'sidecar~1~a.b~b.svc.cluster.local', cluster: 'istio-ingressgateway.istio-system', clusters: [svc(31400)] }))).not.toContain('OPS208');
  });
});

describe('OPS209/210/211 warming and rejected', () => {
  it('fire for warming listeners/clusters and a listener error_state', () => {
    const c = codes(build({ warmingListeners: [listener('w', '0.0.0.0', 80)], warmingClusters: [eds('c')], errorListeners: [listener('e', '0.0.0.0', 443)] }));
    expect(c).toEqual(expect.arrayContaining(['OPS209', 'OPS210', 'OPS211']));
  });
  it('do not fire for active ones', () => {
    const c = codes(build({ listeners: [listener('w', '0.0.0.0', 80)], clusters: [eds('c')] }));
    expect(c.filter((x) => ['OPS209', 'OPS210', 'OPS211'].includes(x))).toEqual([]);
  });
});

describe('OPS212 upstream TLS to an external host without SNI', () => {
  const tls = (sni?: string) => ({ transport_socket: { name: 'envoy.transport_sockets.tls', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext', ...(sni ? { sni } : {}), common_tls_context: {} } } });
  const gw = { node: 'router~10.0.0.5~gw.istio-system~istio-system.svc.cluster.local', cluster: 'gw.istio-system' };
  it('fires (error on a gateway) without sni', () => {
    const f = analyzeDump(build({ ...gw, clusters: [{ name: 'outbound|443||dev.example.org', type: 'STRICT_DNS', ...tls() }] })).filter((x) => x.code === 'OPS212');
    expect(f).toHaveLength(1);
    expect(f[0]!.severity).toBe('error');
    expect(f[0]!.fix!.en).toContain('sni: dev.example.org');
  });
  it('does not fire with sni, or for Istio mTLS', () => {
    expect(codes(build({ ...gw, clusters: [{ name: 'outbound|443||dev.example.org', type: 'STRICT_DNS', ...tls('dev.example.org') }] }))).not.toContain('OPS212');
    const mtls = { transport_socket: { name: 'tls', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext', common_tls_context: { alpn_protocols: ['istio-peer-exchange', 'istio'] } } } };
    expect(codes(build({ ...gw, clusters: [{ name: 'outbound|443||x.example.org', type: 'STRICT_DNS', ...mtls }] }))).not.toContain('OPS212');
  });
});

describe('OPS213-216 balancing, header case, keepalive, internal redirect', () => {
  const gw = { node: 'router~10.0.0.5~gw.istio-system~istio-system.svc.cluster.local', cluster: 'gw.istio-system' };
  it('OPS213: gateway without exact_balance; exact_balance on a use_original_dst listener', () => {
    expect(codes(build({ ...gw, listeners: [listener('0.0.0.0_8080', '0.0.0.0', 8080)] }))).toContain('OPS213');
    expect(codes(build({ ...gw, listeners: [listener('0.0.0.0_8080', '0.0.0.0', 8080, { connection_balance_config: { exact_balance: {} } })] }))).not.toContain('OPS213');
    expect(codes(build({ listeners: [listener('virtualOutbound', '0.0.0.0', 15001, { use_original_dst: true, connection_balance_config: { exact_balance: {} } })] }))).toContain('OPS213');
  });
  it('OPS214: header case on one side only', () => {
    const hcmWithCase = { filters: [{ name: HCM, typed_config: { '@type': HCM_TYPE, http_protocol_options: { header_key_format: { proper_case_words: {} } }, rds: { route_config_name: '80' } } }] };
    const clusterWithCase = eds('x', { typed_extension_protocol_options: { [HTTP_OPTIONS]: { explicit_http_config: { http_protocol_options: { header_key_format: { proper_case_words: {} } } } } } });
    expect(codes(build({ clusters: [eds('x')], routes: [route('80', 'x')], listeners: [listener('l', '0.0.0.0', 80, { default_filter_chain: hcmWithCase })] }))).toContain('OPS214');
    expect(codes(build({ clusters: [clusterWithCase], routes: [route('80', 'x')], listeners: [listener('l', '0.0.0.0', 80, { default_filter_chain: hcmWithCase })] }))).not.toContain('OPS214');
  });
  it('OPS215: tcp_proxy cluster without tcp_keepalive', () => {
    const l = [listener('10.0.0.9_6379', '10.0.0.9', 6379, { filter_chains: [tcpChain('outbound|6379||redis')] })];
    expect(codes(build({ clusters: [eds('outbound|6379||redis')], listeners: l }))).toContain('OPS215');
    expect(codes(build({ clusters: [eds('outbound|6379||redis', { upstream_connection_options: { tcp_keepalive: { keepalive_time: 300 } } })], listeners: l }))).not.toContain('OPS215');
  });
  it('OPS216: internal redirect with default limits', () => {
    const r = (policy: J) => ({ name: '80', virtual_hosts: [{ name: 'v', domains: ['*'], routes: [{ name: 'r', match: { prefix: '/' }, route: { cluster: 'x', internal_redirect_policy: policy } }] }] });
    expect(codes(build({ clusters: [eds('x')], routes: [r({ redirect_response_codes: [302] })] }))).toContain('OPS216');
    expect(codes(build({ clusters: [eds('x')], routes: [r({ max_internal_redirects: 5, allow_cross_scheme_redirect: true })] }))).not.toContain('OPS216');
  });
});

describe('OPS217 SDS secret missing', () => {
  const ts = { transport_socket: { name: 'tls', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext', common_tls_context: { tls_certificate_sds_secret_configs: [{ name: 'kubernetes://shop-cert' }] } } } };
  it('fires when the listener needs a secret the proxy lacks, not when it has it', () => {
    const l = [listener('0.0.0.0_8443', '0.0.0.0', 8443, { filter_chains: [{ ...ts, filters: [] }] })];
    expect(codes(build({ listeners: l, secrets: [{ name: 'default', secret: {} }] }))).toContain('OPS217');
    expect(codes(build({ listeners: l, secrets: [{ name: 'kubernetes://shop-cert', secret: {} }] }))).not.toContain('OPS217');
  });
});

describe('reading', () => {
  it('keeps unknown config types and never throws on bad JSON (line of the error)', () => {
    const d = readConfigDump(readFileSync(new URL('../../fixtures/configdump/sidecar.json', import.meta.url), 'utf8'));
    expect(d.other.map((o) => o.name)).toEqual(['envoy.admin.v3.SomethingNewConfigDump']);
    const bad = readConfigDump('{\n "configs": [\n  {,\n ]}');
    expect(bad.problems[0]!.line).toBe(3);
  });
  it('reads istioctl -o json (camelCase arrays)', () => {
    const d = readConfigDump([{ name: 'outbound|80||a.ns.svc.cluster.local', type: 'EDS', edsClusterConfig: { serviceName: 'x' } }]);
    expect(d.clusters.map((c) => c.name)).toEqual(['outbound|80||a.ns.svc.cluster.local']);
  });
  it('detects dumps and admin /clusters output', () => {
    expect(configDumpAnalyzer.detect({ name: 'x.json', head: '{"configs":[{"@type": "type.googleapis.com/envoy.admin.v3.BootstrapConfigDump"', bytes: new Uint8Array() })).toBeGreaterThan(0.9);
    expect(configDumpAnalyzer.detect({ name: 'c.txt', head: 'outbound|80||a::10.0.0.1:80::health_flags::healthy\n', bytes: new Uint8Array() })).toBeGreaterThan(0.5);
    expect(configDumpAnalyzer.detect({ name: 'a.log', head: '[2024-01-01T00:00:00.000Z] "GET / HTTP/1.1" 200', bytes: new Uint8Array() })).toBe(0);
  });
  it('admin /clusters endpoint table: ENDPOINT STATUS OUTLIER CHECK CLUSTER, sorted by address', () => {
    const a = readAdminClustersText(['outbound|80||b::10.0.0.2:80::cx_active::0', 'outbound|80||b::10.0.0.2:80::health_flags::/failed_outlier_check', 'outbound|80||a::10.0.0.10:80::health_flags::healthy'].join('\n'));
    expect(adminEndpointTable(a)).toBe('ENDPOINT         STATUS      OUTLIER CHECK     CLUSTER\n10.0.0.10:80     HEALTHY     OK                outbound|80||a\n10.0.0.2:80      HEALTHY     FAILED            outbound|80||b\n');
  });
  it('reads an istioctl table back into rows', () => {
    const t = readIstioctlTable('SERVICE FQDN                       PORT     SUBSET     DIRECTION     TYPE     DESTINATION RULE\nreviews.shop.svc.cluster.local     9080     v1         outbound      EDS      reviews.shop\n');
    expect(t.kind).toBe('clusters');
    expect(t.rows).toEqual([{ 'SERVICE FQDN': 'reviews.shop.svc.cluster.local', PORT: '9080', SUBSET: 'v1', DIRECTION: 'outbound', TYPE: 'EDS', 'DESTINATION RULE': 'reviews.shop' }]);
  });
});
