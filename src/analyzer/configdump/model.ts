// Reads an Envoy /config_dump (v3; v2 type names too) into a flat model: every
// listener, route config, cluster, endpoint assignment and secret with its
// state and the JSON path it came from. It also accepts the arrays that
// `istioctl proxy-config … -o json` prints. Unknown config types are kept in
// `other`, never an error; nothing here throws on bad input.
import { arr, field, isObj, keyOf, obj, seg, str, typeName, type Obj } from './json.ts';

export type State = 'static' | 'active' | 'warming' | 'draining' | 'error';

export interface Entry {
  /** The resource itself (Cluster, Listener, RouteConfiguration, ClusterLoadAssignment, Secret…). */
  value: Obj;
  name: string;
  state: State;
  /** JSON path of `value` in the input, e.g. `$.configs[1].dynamic_active_clusters[0].cluster`. */
  path: string;
  versionInfo?: string;
  lastUpdated?: string;
  /** Listener error_state details (a NACK) when there is one. */
  errorDetails?: string;
}

export interface Problem {
  message: string;
  line: number | null;
  path?: string;
}

export interface ConfigDump {
  bootstrap: Obj | null;
  bootstrapPath: string | null;
  clusters: Entry[];
  listeners: Entry[];
  routes: Entry[];
  scopedRoutes: Entry[];
  /** null when the dump has no EndpointsConfigDump (taken without ?include_eds). */
  endpoints: Entry[] | null;
  secrets: Entry[];
  ecds: Entry[];
  /** Config sections of a type this reader does not know, kept as they are. */
  other: Entry[];
  problems: Problem[];
}

export function emptyDump(): ConfigDump {
  return { bootstrap: null, bootstrapPath: null, clusters: [], listeners: [], routes: [], scopedRoutes: [], endpoints: null, secrets: [], ecds: [], other: [], problems: [] };
}

/** 1-based line of a character offset. */
function lineAt(text: string, pos: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < pos; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** Parses JSON text; on failure returns the problem with its line. */
export function parseJson(text: string): { value: unknown; problem?: Problem } {
  try {
    return { value: JSON.parse(text) };
  } catch (err) {
    const msg = (err as Error).message;
    const lc = /line (\d+) column/.exec(msg);
    const pos = /position (\d+)/.exec(msg);
    const line = lc ? Number(lc[1]) : pos ? lineAt(text, Number(pos[1])) : null;
    return { value: undefined, problem: { message: `not valid JSON: ${msg}`, line } };
  }
}

/** Reads a config dump from text or an already parsed object. */
export function readConfigDump(input: string | unknown): ConfigDump {
  const dump = emptyDump();
  let value: unknown = input;
  if (typeof input === 'string') {
    const parsed = parseJson(input);
    if (parsed.problem) {
      dump.problems.push(parsed.problem);
      return dump;
    }
    value = parsed.value;
  }
  if (Array.isArray(value)) {
    readResourceArray(dump, value);
    return dump;
  }
  if (!isObj(value)) {
    dump.problems.push({ message: 'expected a JSON object with "configs" (an Envoy /config_dump)', line: 1 });
    return dump;
  }
  const configs = field(value, 'configs');
  if (Array.isArray(configs)) {
    const key = keyOf(value, 'configs');
    configs.forEach((c, i) => readSection(dump, c, `$.${key}[${i}]`));
  } else if (str(value, '@type')) {
    readSection(dump, value, '$');
  } else {
    dump.problems.push({ message: 'no "configs" array: this does not look like an Envoy /config_dump', line: 1 });
  }
  return dump;
}

const SECTION = /\.(BootstrapConfigDump|ClustersConfigDump|ListenersConfigDump|RoutesConfigDump|ScopedRoutesConfigDump|EndpointsConfigDump|SecretsConfigDump|EcdsConfigDump)$/;

function readSection(dump: ConfigDump, section: unknown, path: string): void {
  const type = typeName(section);
  const kind = SECTION.exec(type)?.[1];
  if (!isObj(section)) return;
  switch (kind) {
    case 'BootstrapConfigDump': {
      const b = obj(section, 'bootstrap');
      if (b) {
        dump.bootstrap = b;
        dump.bootstrapPath = `${path}${seg(keyOf(section, 'bootstrap'))}`;
      }
      return;
    }
    case 'ClustersConfigDump':
      eachEntry(section, path, 'static_clusters', 'cluster', 'static', dump.clusters);
      eachEntry(section, path, 'dynamic_active_clusters', 'cluster', 'active', dump.clusters);
      eachEntry(section, path, 'dynamic_warming_clusters', 'cluster', 'warming', dump.clusters);
      return;
    case 'ListenersConfigDump':
      eachEntry(section, path, 'static_listeners', 'listener', 'static', dump.listeners);
      arr(section, 'dynamic_listeners').forEach((dl, i) => {
        const base = `${path}${seg(keyOf(section, 'dynamic_listeners'))}[${i}]`;
        for (const [stateKey, state] of [['active_state', 'active'], ['warming_state', 'warming'], ['draining_state', 'draining']] as const) {
          const st = obj(dl, stateKey);
          const l = obj(st, 'listener');
          if (st && l) dump.listeners.push(entry(l, state, `${base}${seg(keyOf(dl, stateKey))}${seg(keyOf(st, 'listener'))}`, st));
        }
        const es = obj(dl, 'error_state');
        if (es) {
          const failed = obj(es, 'failed_configuration') ?? {};
          const e = entry(failed, 'error', `${base}${seg(keyOf(dl, 'error_state'))}`, es);
          e.name = str(dl, 'name') || e.name;
          e.errorDetails = str(es, 'details');
          dump.listeners.push(e);
        }
      });
      return;
    case 'RoutesConfigDump':
      eachEntry(section, path, 'static_route_configs', 'route_config', 'static', dump.routes);
      eachEntry(section, path, 'dynamic_route_configs', 'route_config', 'active', dump.routes);
      return;
    case 'ScopedRoutesConfigDump':
      arr(section, 'inline_scoped_route_configs').forEach((s, i) => {
        arr(s, 'scoped_route_configs').forEach((r, j) => {
          if (isObj(r)) dump.scopedRoutes.push(entry(r, 'static', `${path}${seg(keyOf(section, 'inline_scoped_route_configs'))}[${i}]${seg(keyOf(s, 'scoped_route_configs'))}[${j}]`, s));
        });
      });
      arr(section, 'dynamic_scoped_route_configs').forEach((s, i) => {
        arr(s, 'scoped_route_configs').forEach((r, j) => {
          if (isObj(r)) dump.scopedRoutes.push(entry(r, 'active', `${path}${seg(keyOf(section, 'dynamic_scoped_route_configs'))}[${i}]${seg(keyOf(s, 'scoped_route_configs'))}[${j}]`, s));
        });
      });
      return;
    case 'EndpointsConfigDump':
      dump.endpoints ??= [];
      eachEntry(section, path, 'static_endpoint_configs', 'endpoint_config', 'static', dump.endpoints);
      eachEntry(section, path, 'dynamic_endpoint_configs', 'endpoint_config', 'active', dump.endpoints);
      return;
    case 'SecretsConfigDump':
      eachSecret(section, path, 'static_secrets', 'static', dump.secrets);
      eachSecret(section, path, 'dynamic_active_secrets', 'active', dump.secrets);
      eachSecret(section, path, 'dynamic_warming_secrets', 'warming', dump.secrets);
      return;
    case 'EcdsConfigDump':
      eachEntry(section, path, 'ecds_filters', 'ecds_filter', 'active', dump.ecds);
      return;
    default:
      dump.other.push({ value: section, name: type || '(no @type)', state: 'static', path });
  }
}

function entry(value: Obj, state: State, path: string, wrapper: unknown): Entry {
  const e: Entry = { value, name: resourceName(value), state, path };
  const v = str(wrapper, 'version_info');
  if (v) e.versionInfo = v;
  const u = str(wrapper, 'last_updated');
  if (u) e.lastUpdated = u;
  return e;
}

function resourceName(v: Obj): string {
  return str(v, 'name') || str(v, 'cluster_name');
}

function eachEntry(section: Obj, path: string, listKey: string, itemKey: string, state: State, into: Entry[]): void {
  // Path pieces computed once per list: a dump has tens of thousands of entries.
  const prefix = `${path}${seg(keyOf(section, listKey))}[`;
  const itemSeg = seg(itemKey);
  arr(section, listKey).forEach((w, i) => {
    const v = obj(w, itemKey);
    if (!v) return;
    const k = keyOf(w, itemKey);
    into.push(entry(v, state, `${prefix}${i}]${k === itemKey ? itemSeg : seg(k)}`, w));
  });
}

function eachSecret(section: Obj, path: string, listKey: string, state: State, into: Entry[]): void {
  const lk = keyOf(section, listKey);
  arr(section, listKey).forEach((w, i) => {
    if (!isObj(w)) return;
    const secret = obj(w, 'secret') ?? {};
    const e = entry(secret, state, `${path}${seg(lk)}[${i}]`, w);
    e.name = str(w, 'name') || e.name;
    into.push(e);
  });
}

/** `istioctl pc clusters|listeners|routes|endpoints -o json` output: a bare array. */
function readResourceArray(dump: ConfigDump, items: unknown[]): void {
  items.forEach((v, i) => {
    if (!isObj(v)) return;
    const path = `$[${i}]`;
    if (field(v, 'filter_chains') !== undefined || field(v, 'default_filter_chain') !== undefined || field(v, 'address') !== undefined) dump.listeners.push(entry(v, 'active', path, {}));
    else if (field(v, 'virtual_hosts') !== undefined) dump.routes.push(entry(v, 'active', path, {}));
    else if (field(v, 'cluster_name') !== undefined) (dump.endpoints ??= []).push(entry(v, 'active', path, {}));
    else if (field(v, 'connect_timeout') !== undefined || field(v, 'type') !== undefined || field(v, 'eds_cluster_config') !== undefined || field(v, 'load_assignment') !== undefined || field(v, 'cluster_type') !== undefined)
      dump.clusters.push(entry(v, 'active', path, {}));
    else dump.other.push(entry(v, 'static', path, {}));
  });
}

// ---- typed_config resolution -------------------------------------------------

/** Short kinds for the typed configs that matter when troubleshooting. */
const KNOWN: Record<string, string> = {
  'envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager': 'hcm',
  'envoy.config.filter.network.http_connection_manager.v2.HttpConnectionManager': 'hcm',
  'envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy': 'tcp_proxy',
  'envoy.config.filter.network.tcp_proxy.v2.TcpProxy': 'tcp_proxy',
  'envoy.extensions.filters.network.rbac.v3.RBAC': 'rbac',
  'envoy.extensions.filters.http.rbac.v3.RBAC': 'rbac',
  'envoy.extensions.filters.http.router.v3.Router': 'router',
  'envoy.extensions.filters.http.fault.v3.HTTPFault': 'fault',
  'envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication': 'jwt_authn',
  'envoy.extensions.filters.http.ext_authz.v3.ExtAuthz': 'ext_authz',
  'envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit': 'local_ratelimit',
  'envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext': 'upstream_tls',
  'envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext': 'downstream_tls',
  'envoy.api.v2.auth.UpstreamTlsContext': 'upstream_tls',
  'envoy.api.v2.auth.DownstreamTlsContext': 'downstream_tls',
  'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': 'http_protocol_options',
  'envoy.extensions.filters.listener.original_dst.v3.OriginalDst': 'original_dst',
  'envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector': 'tls_inspector',
  'envoy.extensions.filters.listener.http_inspector.v3.HttpInspector': 'http_inspector',
  'envoy.extensions.access_loggers.file.v3.FileAccessLog': 'file_access_log',
};

const FILTER_NAMES: Record<string, string> = {
  'envoy.filters.network.http_connection_manager': 'hcm',
  'envoy.http_connection_manager': 'hcm',
  'envoy.filters.network.tcp_proxy': 'tcp_proxy',
  'envoy.tcp_proxy': 'tcp_proxy',
  'envoy.filters.http.router': 'router',
  'envoy.router': 'router',
};

export interface Typed {
  /** Short kind (`hcm`, `tcp_proxy`, `upstream_tls`…) or '' when unknown. */
  kind: string;
  /** Full proto type name, '' when absent. */
  type: string;
  /** The config fields (for a TypedStruct: its inner value). */
  config: Obj;
}

/** Resolves a filter's / transport socket's `typed_config` (or legacy `config`). */
export function resolveTyped(holder: unknown): Typed {
  const name = str(holder, 'name');
  let tc = obj(holder, 'typed_config') ?? obj(holder, 'config') ?? {};
  let type = typeName(tc);
  if (/TypedStruct$/.test(type)) {
    type = str(tc, 'type_url').replace(/^.*\//, '');
    tc = obj(tc, 'value') ?? {};
  }
  return { kind: KNOWN[type] ?? FILTER_NAMES[name] ?? '', type, config: tc };
}

/** The network filters of a listener, chain by chain, default chain last (as istioctl lists them). */
export function filterChains(listener: Obj): { chain: Obj; path: string; isDefault: boolean }[] {
  const out = arr(listener, 'filter_chains').filter(isObj).map((chain, i) => ({ chain, path: `${seg(keyOf(listener, 'filter_chains'))}[${i}]`, isDefault: false }));
  const d = obj(listener, 'default_filter_chain');
  if (d) out.push({ chain: d, path: seg(keyOf(listener, 'default_filter_chain')), isDefault: true });
  return out;
}

export function socketAddress(holder: unknown): { address: string; port: number } {
  const a = obj(holder, 'address');
  const sa = obj(a, 'socket_address');
  if (sa) return { address: str(sa, 'address'), port: Number(field(sa, 'port_value') ?? 0) || 0 };
  const pipe = obj(a, 'pipe');
  if (pipe) return { address: str(pipe, 'path'), port: 0 };
  return { address: '', port: 0 };
}
