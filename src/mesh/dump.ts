// The derived config as an Envoy v3 /config_dump (with EDS, as
// `/config_dump?include_eds` gives it), so the config-dump analyzer and its
// istioctl tables read it like a dump taken from a real proxy.
import type { ProxyConfig, DCluster, DRoute, DListener, StringMatch } from './config.ts';
import { protoDuration } from './duration.ts';
import type { Scenario } from './scenario.ts';

type Json = Record<string, unknown>;
const T = 'type.googleapis.com/';
const HCM = 'envoy.filters.network.http_connection_manager';
const TCP = 'envoy.filters.network.tcp_proxy';
const VERSION = '2024-05-01T08:00:00Z/1';
const UPDATED = '2024-05-01T08:00:00.000Z';

function meta(kind: 'destination-rule' | 'virtual-service', ns: string, name: string): Json {
  return { filter_metadata: { istio: { config: `/apis/networking.istio.io/v1/namespaces/${ns}/${kind}/${name}` } } };
}

function clusterJson(c: DCluster): Json {
  const j: Json = { '@type': `${T}envoy.config.cluster.v3.Cluster`, name: c.name, type: c.type, connect_timeout: protoDuration(c.connectTimeoutMs ?? 10_000) };
  if (c.type === 'EDS') j.eds_cluster_config = { eds_config: { ads: {}, initial_fetch_timeout: '0s', resource_api_version: 'V3' }, service_name: c.name };
  if (c.type === 'ORIGINAL_DST') j.lb_policy = 'CLUSTER_PROVIDED';
  if (c.name === 'BlackHoleCluster') j.type = 'STATIC';
  if (c.dr) j.metadata = meta('destination-rule', c.dr.namespace, c.dr.name);
  else if (c.service) j.metadata = { filter_metadata: { istio: { services: [{ host: c.host, name: c.service.name, namespace: c.service.namespace }] } } };
  if (c.tls && c.tls.mode !== 'DISABLE') {
    const tls: Json = { '@type': `${T}envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext`, common_tls_context: {} };
    if (c.tls.sni) tls.sni = c.tls.sni;
    j.transport_socket = { name: 'envoy.transport_sockets.tls', typed_config: tls };
  }
  if (c.keepalive) {
    const k: Json = {};
    if (c.keepalive.probes !== undefined) k.keepalive_probes = c.keepalive.probes;
    if (c.keepalive.time !== undefined) k.keepalive_time = c.keepalive.time;
    if (c.keepalive.interval !== undefined) k.keepalive_interval = c.keepalive.interval;
    j.upstream_connection_options = { tcp_keepalive: k };
  }
  if (c.idleTimeoutMs !== undefined) {
    // istiod puts connectionPool.http.idleTimeout into the cluster's HTTP protocol options.
    const options = 'envoy.extensions.upstreams.http.v3.HttpProtocolOptions';
    const idle = { idle_timeout: protoDuration(c.idleTimeoutMs) };
    j.typed_extension_protocol_options = { [options]: { '@type': T + options, common_http_protocol_options: idle, explicit_http_config: { http_protocol_options: {} } } };
  }
  if (c.outlier) {
    // Field names and order of envoy.config.cluster.v3.OutlierDetection; only what istiod sets.
    const o = c.outlier;
    const od: Json = {};
    if (o.consecutive5xx !== undefined) od.consecutive_5xx = o.consecutive5xx;
    if (o.intervalMs !== undefined) od.interval = protoDuration(o.intervalMs);
    if (o.baseEjectionMs !== undefined) od.base_ejection_time = protoDuration(o.baseEjectionMs);
    if (o.maxEjectionPercent !== undefined) od.max_ejection_percent = o.maxEjectionPercent;
    if (o.enforce5xx !== undefined) od.enforcing_consecutive_5xx = o.enforce5xx ? 100 : 0;
    od.enforcing_success_rate = 0;
    if (o.consecutiveGateway !== undefined) {
      od.consecutive_gateway_failure = o.consecutiveGateway;
      od.enforcing_consecutive_gateway_failure = o.consecutiveGateway > 0 ? 100 : 0;
    }
    j.outlier_detection = od;
    // Proto JSON leaves out a zero value: a panic threshold of 0 prints as {}.
    j.common_lb_config = { healthy_panic_threshold: o.minHealthPercent ? { value: o.minHealthPercent } : {} };
  }
  return j;
}

function stringMatch(m: StringMatch): Json {
  if (m.exact !== undefined) return { exact: m.exact };
  if (m.prefix !== undefined) return { prefix: m.prefix };
  return { safe_regex: { regex: m.regex ?? '' } };
}

function routeJson(r: DRoute): Json {
  const match: Json = {};
  if (r.match.path !== undefined) match.path = r.match.path;
  else if (r.match.regex !== undefined) match.safe_regex = { regex: r.match.regex };
  else match.prefix = r.match.prefix ?? '/';
  if (r.match.headers.length) match.headers = r.match.headers.map((h) => ({ name: h.name, string_match: stringMatch(h.match) }));
  const j: Json = { match };
  if (r.name) j.name = r.name;
  const a = r.action;
  if (a.kind === 'direct') j.direct_response = a.body ? { status: a.status, body: { inline_string: a.body } } : { status: a.status };
  else if (a.kind === 'redirect') j.redirect = { path_redirect: a.location, ...(a.status !== 301 ? { response_code: a.status === 302 ? 'FOUND' : 'MOVED_PERMANENTLY' } : {}) };
  else {
    const action: Json = a.clusters.length === 1 ? { cluster: a.clusters[0]!.name } : { weighted_clusters: { clusters: a.clusters.map((c) => ({ name: c.name, weight: c.weight })) } };
    action.timeout = protoDuration(a.timeoutMs);
    if (a.retry) {
      const rp: Json = { retry_on: a.retry.retryOn.join(','), num_retries: a.retry.attempts, retry_host_predicate: [{ name: 'envoy.retry_host_predicates.previous_hosts' }], host_selection_retry_max_attempts: '5' };
      if (a.retry.perTryTimeoutMs) rp.per_try_timeout = protoDuration(a.retry.perTryTimeoutMs);
      if (a.retry.retriableStatusCodes.length) rp.retriable_status_codes = a.retry.retriableStatusCodes;
      action.retry_policy = rp;
    }
    j.route = action;
    if (a.fault) {
      const f: Json = { '@type': `${T}envoy.extensions.filters.http.fault.v3.HTTPFault` };
      if (a.fault.delayMs !== undefined) f.delay = { fixed_delay: protoDuration(a.fault.delayMs), percentage: { numerator: Math.round((a.fault.delayPercent ?? 100) * 10000), denominator: 'MILLION' } };
      if (a.fault.abortStatus !== undefined) f.abort = { http_status: a.fault.abortStatus, percentage: { numerator: Math.round((a.fault.abortPercent ?? 100) * 10000), denominator: 'MILLION' } };
      j.typed_per_filter_config = { 'envoy.filters.http.fault': f };
    }
  }
  if (r.vs) j.metadata = meta('virtual-service', r.vs.namespace, r.vs.name);
  return j;
}

function hcm(statPrefix: string, routeSpec: Json): Json {
  return {
    name: HCM,
    typed_config: {
      '@type': `${T}envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager`,
      stat_prefix: statPrefix,
      ...routeSpec,
      http_filters: [
        { name: 'envoy.filters.http.fault', typed_config: { '@type': `${T}envoy.extensions.filters.http.fault.v3.HTTPFault` } },
        { name: 'envoy.filters.http.router', typed_config: { '@type': `${T}envoy.extensions.filters.http.router.v3.Router` } },
      ],
    },
  };
}

function tcpProxy(cluster: string, statPrefix = cluster): Json {
  return { name: TCP, typed_config: { '@type': `${T}envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy`, stat_prefix: statPrefix, cluster } };
}

function listenerJson(l: DListener, cfg: ProxyConfig): Json {
  const j: Json = { '@type': `${T}envoy.config.listener.v3.Listener`, name: l.name, address: { socket_address: { address: l.address, port_value: l.port } } };
  const passthrough = cfg.outboundPolicy === 'ALLOW_ANY' ? 'PassthroughCluster' : 'BlackHoleCluster';
  switch (l.kind) {
    case 'virtualOutbound':
      j.filter_chains = [{ filter_chain_match: { destination_port: 15001 }, filters: [tcpProxy('BlackHoleCluster')], name: 'virtualOutbound-blackhole' }];
      j.default_filter_chain = { filters: [tcpProxy(passthrough)], name: 'virtualOutbound-catchall-tcp' };
      j.use_original_dst = true;
      j.traffic_direction = 'OUTBOUND';
      break;
    case 'virtualInbound':
      j.filter_chains = [
        { filter_chain_match: { destination_port: 15006 }, filters: [tcpProxy('BlackHoleCluster')], name: 'virtualInbound-blackhole' },
        ...(l.inbound ?? []).map((c) => c.tcp ? { filter_chain_match: { destination_port: c.port }, filters: [tcpProxy(c.cluster)], name: `0.0.0.0_${c.port}` } : ({
          filter_chain_match: { destination_port: c.port },
          filters: [hcm(`inbound_0.0.0.0_${c.port}`, { route_config: { name: c.cluster, virtual_hosts: [{ name: `inbound|http|${c.port}`, domains: ['*'], routes: [{ name: 'default', match: { prefix: '/' }, route: { cluster: c.cluster, timeout: '0s' } }] }] } })],
          name: `0.0.0.0_${c.port}`,
        })),
      ];
      j.default_filter_chain = { filters: [tcpProxy('InboundPassthroughCluster')], name: 'virtualInbound' };
      j.traffic_direction = 'INBOUND';
      break;
    case 'http':
    case 'gateway':
      j.filter_chains = [{ filters: [hcm(l.kind === 'http' ? `outbound_0.0.0.0_${l.port}` : `outbound_0.0.0.0_${l.port}`, { rds: { config_source: { ads: {}, resource_api_version: 'V3' }, route_config_name: l.rds } })] }];
      if (l.kind === 'http') {
        j.bind_to_port = false;
        j.traffic_direction = 'OUTBOUND';
      }
      // A service without a VIP (ExternalName) on this port: everything else goes to it.
      if (l.defaultCluster) j.default_filter_chain = { filters: [tcpProxy(l.defaultCluster)], name: 'default_filter_chain' };
      break;
    case 'tcp':
      j.filter_chains = [{ filters: [tcpProxy(l.tcpCluster ?? passthrough)] }];
      j.bind_to_port = false;
      j.traffic_direction = 'OUTBOUND';
      break;
  }
  return j;
}

/**
 * The two listeners of Istio's Envoy bootstrap, present on every sidecar and
 * gateway whatever istiod sends: Prometheus stats on 15090 and pilot-agent's
 * readiness on 15021.
 */
function bootstrapListener(port: number, statPrefix: string, prefix: string, cluster: string): Json {
  return {
    listener: {
      '@type': `${T}envoy.config.listener.v3.Listener`,
      address: { socket_address: { address: '0.0.0.0', port_value: port } },
      filter_chains: [{ filters: [hcm(statPrefix, { route_config: { virtual_hosts: [{ name: 'backend', domains: ['*'], routes: [{ match: { prefix }, route: { cluster } }] }] } })] }],
    },
    last_updated: UPDATED,
  };
}

export function nodeId(cfg: ProxyConfig): string {
  const p = cfg.pod;
  return `${cfg.kind}~${p.ip}~${p.name}.${p.namespace}~${p.namespace}.svc.cluster.local`;
}

/** The /config_dump?include_eds of one proxy (the scenario argument is kept for callers; the config carries all it needs). */
export function toConfigDump(cfg: ProxyConfig, _sc?: Scenario): Json {
  const wrap = <K extends string>(key: K, v: Json): Json => ({ version_info: VERSION, [key]: v, last_updated: UPDATED });
  const p = cfg.pod;
  const clusters = cfg.clusters.map(clusterJson);
  const eds = cfg.clusters.filter((c) => c.endpoints !== null).map((c) => ({
    endpoint_config: {
      '@type': `${T}envoy.config.endpoint.v3.ClusterLoadAssignment`,
      cluster_name: c.name,
      endpoints: c.endpoints!.length
        ? [{ locality: {}, lb_endpoints: c.endpoints!.map((e) => ({ endpoint: { address: { socket_address: { address: e.ip, port_value: e.port } } }, health_status: e.healthy ? 'HEALTHY' : 'UNHEALTHY', load_balancing_weight: 1 })) }]
        : [],
      policy: { overprovisioning_factor: 140 },
    },
  }));
  return {
    configs: [
      {
        '@type': `${T}envoy.admin.v3.BootstrapConfigDump`,
        bootstrap: { node: { id: nodeId(cfg), cluster: `${p.workload.resource.name}.${p.namespace}`, metadata: { NAME: p.name, NAMESPACE: p.namespace, INSTANCE_IPS: p.ip, LABELS: p.labels } } },
        last_updated: UPDATED,
      },
      {
        '@type': `${T}envoy.admin.v3.ClustersConfigDump`,
        version_info: VERSION,
        static_clusters: [],
        dynamic_active_clusters: clusters.map((c) => wrap('cluster', c)),
      },
      { '@type': `${T}envoy.admin.v3.EndpointsConfigDump`, dynamic_endpoint_configs: eds.map((e) => ({ version_info: VERSION, ...e, last_updated: UPDATED })) },
      {
        '@type': `${T}envoy.admin.v3.ListenersConfigDump`,
        version_info: VERSION,
        static_listeners: [bootstrapListener(15090, 'stats', '/stats/prometheus', 'prometheus_stats'), bootstrapListener(15021, 'agent', '/healthz/ready', 'agent')],
        dynamic_listeners: cfg.listeners.map((l) => ({ name: l.name, active_state: wrap('listener', listenerJson(l, cfg)) })),
      },
      { '@type': `${T}envoy.admin.v3.ScopedRoutesConfigDump` },
      {
        '@type': `${T}envoy.admin.v3.RoutesConfigDump`,
        dynamic_route_configs: cfg.routes.map((rc) =>
          wrap('route_config', {
            '@type': `${T}envoy.config.route.v3.RouteConfiguration`,
            name: rc.name,
            virtual_hosts: rc.vhosts.map((vh) => ({ name: vh.name, domains: vh.domains, routes: vh.routes.map(routeJson), include_request_attempt_count: true })),
            validate_clusters: false,
          }),
        ),
      },
    ],
  };
}
