// Config-dump bench: a generated ~100 MB /config_dump (thousands of clusters,
// listeners, routes and endpoints) turned into every table, timed in the same
// run against JSON.parse of the same file (the floor) and a jq program that
// extracts the cluster table (what a user would do instead). Target: ≤ 2× JSON.parse.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { readConfigDump } from '../../src/analyzer/configdump/model.ts';
import { clusterTable, endpointTable, listenerTable, routeTable } from '../../src/analyzer/configdump/tables.ts';
import { analyzeDump } from '../../src/analyzer/configdump/analyzer.ts';

const here = dirname(fileURLToPath(import.meta.url));
const file = join(here, '.data', 'configdump-100mb.json');
const T = 'type.googleapis.com/envoy.admin.v3.';
const NETWORK = 'type.googleapis.com/envoy.extensions.filters.network.';

function generate(services: number): string {
  const svc = (i: number) => `svc-${i}.ns-${i % 50}.svc.cluster.local`;
  const clusters: unknown[] = [];
  const cla: unknown[] = [];
  const routes: unknown[] = [];
  const listeners: unknown[] = [];
  for (let i = 0; i < services; i++) {
    for (const subset of ['', 'v1', 'v2']) {
      const name = `outbound|${8000 + (i % 500)}|${subset}|${svc(i)}`;
      clusters.push({ version_info: '2024-06-01T12:00:00Z/42', cluster: { '@type': 'type.googleapis.com/envoy.config.cluster.v3.Cluster', name, type: 'EDS', eds_cluster_config: { eds_config: { ads: {}, initial_fetch_timeout: '0s', resource_api_version: 'V3' }, service_name: name }, connect_timeout: '10s', lb_policy: 'LEAST_REQUEST', circuit_breakers: { thresholds: [{ max_connections: 4294967295, max_pending_requests: 4294967295, max_requests: 4294967295, max_retries: 4294967295, track_remaining: true }] }, metadata: { filter_metadata: { istio: { config: `/apis/networking.istio.io/v1/namespaces/ns-${i % 50}/destination-rule/dr-${i}`, services: [{ host: svc(i), name: `svc-${i}`, namespace: `ns-${i % 50}` }] } } }, common_lb_config: { locality_weighted_lb_config: {} }, transport_socket_matches: [{ name: 'tlsMode-istio', match: { tlsMode: 'istio' }, transport_socket: { name: 'envoy.transport_sockets.tls', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext', common_tls_context: { alpn_protocols: ['istio-peer-exchange', 'istio'], tls_certificate_sds_secret_configs: [{ name: 'default', sds_config: { api_config_source: { api_type: 'GRPC', transport_api_version: 'V3', grpc_services: [{ envoy_grpc: { cluster_name: 'sds-grpc' } }] } } }] }, sni: `outbound_.${8000 + (i % 500)}_.${subset}_.${svc(i)}` } } }] }, last_updated: '2024-06-01T12:00:00.123Z' });
      cla.push({ endpoint_config: { '@type': 'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment', cluster_name: name, endpoints: [{ locality: { region: 'r1', zone: `z${i % 3}` }, lb_endpoints: [0, 1, 2].map((k) => ({ endpoint: { address: { socket_address: { address: `10.${(i >> 8) & 255}.${i & 255}.${k + 1}`, port_value: 8080 } } }, health_status: 'HEALTHY', metadata: { filter_metadata: { istio: { workload: `svc-${i}-${subset || 'v1'};ns-${i % 50};svc-${i};;Kubernetes` } } }, load_balancing_weight: 1 })) }] } });
    }
    listeners.push({ name: `10.96.${(i >> 8) & 255}.${i & 255}_${9000 + (i % 7)}`, active_state: { version_info: 'v', listener: { '@type': 'type.googleapis.com/envoy.config.listener.v3.Listener', name: `10.96.${(i >> 8) & 255}.${i & 255}_${9000 + (i % 7)}`, address: { socket_address: { address: `10.96.${(i >> 8) & 255}.${i & 255}`, port_value: 9000 + (i % 7) } }, filter_chains: [{ filters: [{ name: 'envoy.filters.network.tcp_proxy', typed_config: { '@type': NETWORK + 'tcp_proxy.v3.TcpProxy', stat_prefix: `outbound|${8000 + (i % 500)}||${svc(i)}`, cluster: `outbound|${8000 + (i % 500)}||${svc(i)}`, access_log: [{ name: 'envoy.access_loggers.file', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog', path: '/dev/stdout' } }] } }] }], traffic_direction: 'OUTBOUND' } } });
  }
  for (let p = 0; p < 500; p++) {
    const vhs = [];
    for (let i = p; i < services; i += 500) vhs.push({ name: `${svc(i)}:${8000 + p}`, domains: [svc(i), `${svc(i)}:${8000 + p}`, `svc-${i}`, `svc-${i}.ns-${i % 50}`, `svc-${i}.ns-${i % 50}.svc`, `10.96.${(i >> 8) & 255}.${i & 255}`], routes: [{ name: 'default', match: { prefix: '/' }, route: { cluster: `outbound|${8000 + p}||${svc(i)}`, timeout: '0s', retry_policy: { retry_on: 'connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes', num_retries: 2 }, max_grpc_timeout: '0s' }, metadata: { filter_metadata: { istio: { config: `/apis/networking.istio.io/v1/namespaces/ns-${i % 50}/virtual-service/vs-${i}` } } }, decorator: { operation: `svc-${i}:${8000 + p}/*` } }] });
    vhs.push({ name: 'allow_any', domains: ['*'], routes: [{ name: 'allow_any', match: { prefix: '/' }, route: { cluster: 'PassthroughCluster' } }] });
    routes.push({ version_info: 'v', route_config: { '@type': 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration', name: String(8000 + p), virtual_hosts: vhs, validate_clusters: false }, last_updated: '2024-06-01T12:00:00Z' });
    listeners.push({ name: `0.0.0.0_${8000 + p}`, active_state: { listener: { '@type': 'type.googleapis.com/envoy.config.listener.v3.Listener', name: `0.0.0.0_${8000 + p}`, address: { socket_address: { address: '0.0.0.0', port_value: 8000 + p } }, default_filter_chain: { filters: [{ name: 'envoy.filters.network.http_connection_manager', typed_config: { '@type': NETWORK + 'http_connection_manager.v3.HttpConnectionManager', stat_prefix: `outbound_0.0.0.0_${8000 + p}`, rds: { route_config_name: String(8000 + p) } } }] } } } });
  }
  return JSON.stringify({ configs: [
    { '@type': T + 'BootstrapConfigDump', bootstrap: { node: { id: 'sidecar~10.0.0.1~bench.ns~ns.svc.cluster.local', cluster: 'bench.ns' } } },
    { '@type': T + 'ClustersConfigDump', dynamic_active_clusters: clusters },
    { '@type': T + 'EndpointsConfigDump', dynamic_endpoint_configs: cla },
    { '@type': T + 'ListenersConfigDump', dynamic_listeners: listeners },
    { '@type': T + 'RoutesConfigDump', dynamic_route_configs: routes },
  ] }, null, 1);
}

const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

export default async function bench(): Promise<void> {
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, generate(6000));
  }
  const mb = statSync(file).size / 1e6;
  const text = readFileSync(file, 'utf8');
  // Three rounds, each timing the floor and ours back to back; medians are
  // reported, so one round's garbage collection does not decide the ratio.
  const rounds: { parseMs: number; readMs: number; tablesMs: number }[] = [];
  let dump = readConfigDump('{}');
  let out: string[] = [];
  for (let round = 0; round < 3; round++) {
    // The previous round's dump goes first, so every round starts from the same heap.
    dump = readConfigDump('{}');
    out = [];
    let t0 = process.hrtime.bigint();
    JSON.parse(text);
    const parseMs = ms(t0);
    t0 = process.hrtime.bigint();
    dump = readConfigDump(text);
    const readMs = ms(t0);
    t0 = process.hrtime.bigint();
    out = [clusterTable(dump), listenerTable(dump, { verbose: true }), routeTable(dump, { verbose: true }), endpointTable(dump)];
    rounds.push({ parseMs, readMs, tablesMs: ms(t0) });
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[1]!;
  const parseMs = median(rounds.map((r) => r.parseMs));
  const readMs = median(rounds.map((r) => r.readMs));
  const tablesMs = median(rounds.map((r) => r.tablesMs));
  const totalMs = median(rounds.map((r) => r.readMs + r.tablesMs));
  let t0 = process.hrtime.bigint();
  const findings = analyzeDump(dump);
  const analyzeMs = ms(t0);
  let jqMs = NaN;
  try {
    t0 = process.hrtime.bigint();
    execFileSync('jq', ['-r', '.configs[] | select(."@type"|endswith("ClustersConfigDump")) | (.dynamic_active_clusters // [])[] | .cluster | [(.name|split("|")[3]), (.name|split("|")[1]), (.name|split("|")[2]), (.name|split("|")[0]), (.type // "STATIC")] | @tsv', file], { maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'ignore'] });
    jqMs = ms(t0);
  } catch {
    /* jq not installed */
  }
  console.log(`dump: ${mb.toFixed(1)} MB, ${dump.clusters.length} clusters, ${dump.listeners.length} listeners, ${dump.routes.length} route configs, ${dump.endpoints?.length ?? 0} endpoint assignments`);
  console.log(`rounds (JSON.parse / read / tables, ms): ${rounds.map((r) => `${r.parseMs.toFixed(0)}/${r.readMs.toFixed(0)}/${r.tablesMs.toFixed(0)}`).join('  ')}`);
  console.log(`JSON.parse alone:            ${parseMs.toFixed(0)} ms (median)`);
  console.log(`read dump (parse + index):   ${readMs.toFixed(0)} ms`);
  console.log(`all tables (4, ${out.reduce((n, s) => n + s.split('\n').length, 0)} rows): ${tablesMs.toFixed(0)} ms`);
  console.log(`read + all tables:           ${totalMs.toFixed(0)} ms = ${(totalMs / parseMs).toFixed(2)}× JSON.parse (target ≤ 2×)`);
  console.log(`findings (${findings.length}):              ${analyzeMs.toFixed(0)} ms`);
  console.log(`jq cluster table:            ${Number.isNaN(jqMs) ? 'jq not installed' : `${jqMs.toFixed(0)} ms`}`);
}
