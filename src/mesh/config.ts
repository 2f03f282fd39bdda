// What istiod would push to one proxy, derived from the scenario: listeners,
// route configs (VirtualService rules in order), clusters (DestinationRule
// subsets and policy) and endpoints (pods picked by selector + subset labels).
// Every piece keeps the resource and line it came from, so a simulated request
// can say why it went where it went. dump.ts turns this into a /config_dump.
import type { KubeService, Resource } from '../analyzer/resources/index.ts';
import { gatewayHostTakes, hostCovers, resolveHost } from '../analyzer/resources/index.ts';
import { externalNameCatchesAll, type Protocol } from '../analyzer/resources/protocol.ts';
import { arr, num, obj, selects, str, strList, strMap } from '../analyzer/resources/values.ts';
import { parseDuration } from './duration.ts';
import { sourceOf, targetPort, type PodInstance, type Scenario, type SourceRef } from './scenario.ts';

export interface StringMatch {
  exact?: string;
  prefix?: string;
  regex?: string;
}

export interface RouteMatch {
  path?: string;
  prefix?: string;
  regex?: string;
  headers: { name: string; match: StringMatch }[];
}

export interface RetrySpec {
  attempts: number;
  perTryTimeoutMs: number | null;
  retryOn: string[];
  retriableStatusCodes: number[];
}

export interface FaultSpec {
  delayMs?: number;
  delayPercent?: number;
  abortStatus?: number;
  abortPercent?: number;
}

export interface WeightedCluster {
  name: string;
  weight: number;
  /** The destination in the VirtualService that named it. */
  source?: SourceRef;
}

export type RouteAction =
  | { kind: 'route'; clusters: WeightedCluster[]; timeoutMs: number; retry: RetrySpec | null; fault: FaultSpec | null }
  | { kind: 'direct'; status: number; body: string }
  | { kind: 'redirect'; location: string; status: number };

export interface DRoute {
  /** Envoy route name (ROUTE_NAME in logs); '' when the rule has no name. */
  name: string;
  match: RouteMatch;
  action: RouteAction;
  /** The VirtualService and http rule it came from. */
  vs?: Resource;
  source?: SourceRef;
}

export interface DVirtualHost {
  name: string;
  domains: string[];
  routes: DRoute[];
}

export interface DRouteConfig {
  name: string;
  vhosts: DVirtualHost[];
}

export interface DEndpoint {
  ip: string;
  port: number;
  pod: PodInstance | null;
  healthy: boolean;
}

export interface DCluster {
  name: string;
  type: 'EDS' | 'ORIGINAL_DST' | 'STATIC' | 'STRICT_DNS';
  host?: string;
  port?: number;
  subset?: string;
  service?: KubeService;
  direction: 'outbound' | 'inbound' | '';
  dr?: Resource;
  source?: SourceRef;
  tls?: { mode: string; sni?: string };
  keepalive?: { time?: number; interval?: number; probes?: number };
  /** DestinationRule connectionPool.tcp.connectTimeout (Envoy's connect_timeout; mesh default 10s). */
  connectTimeoutMs?: number;
  /** DestinationRule connectionPool.http.idleTimeout: Envoy closes a pooled connection idle this long (Istio's default 1h). */
  idleTimeoutMs?: number;
  /** DestinationRule outlierDetection, as istiod translates it (cluster_traffic_policy.go applyOutlierDetection). */
  outlier?: OutlierSpec;
  /** Endpoints (EDS); null for clusters without EDS. */
  endpoints: DEndpoint[] | null;
}

/**
 * Envoy's OutlierDetection as istiod writes it. Unset fields keep Envoy's
 * defaults (outlier_detection.proto): consecutive_5xx 5 (enforced 100%),
 * consecutive_gateway_failure 5 (enforced 0%: off), interval 10s,
 * base_ejection_time 30s, max_ejection_percent 10. istiod always sets the
 * panic threshold to minHealthPercent (0 = never panic) and turns the
 * success-rate detector off.
 */
export interface OutlierSpec {
  consecutive5xx?: number;
  /** The deprecated `consecutiveErrors` maps here, with the 5xx detector off (istio/api#617). */
  consecutiveGateway?: number;
  enforce5xx?: boolean;
  intervalMs?: number;
  baseEjectionMs?: number;
  maxEjectionPercent?: number;
  minHealthPercent: number;
  source: SourceRef;
}

export interface DListener {
  name: string;
  address: string;
  port: number;
  kind: 'virtualOutbound' | 'virtualInbound' | 'http' | 'tcp' | 'gateway';
  rds?: string;
  tcpCluster?: string;
  /** Inbound chains by target port (virtualInbound). */
  inbound?: { port: number; cluster: string; tcp?: boolean }[];
  /**
   * The default filter chain of a `0.0.0.0_PORT` listener: traffic no other chain
   * takes (TLS, non-HTTP) goes to this cluster. Istio adds it for a service without
   * a VIP (ExternalName), which is how such a service captures the whole port.
   */
  defaultCluster?: string;
  /** Gateway HTTPS listener: the SNI names its accepted servers cover (filter chain match). */
  tlsHosts?: string[];
  source?: SourceRef;
}

/** A Gateway server istiod skipped (counted in pilot_total_rejected_configs). */
export interface RejectedServer {
  gateway: string;
  port: number;
  duplicates: string[];
  source: SourceRef;
}

/** How a proxy writes HTTP/1.1 header names (EnvoyFilter header_key_format). */
export type HeaderCase = 'lower' | 'preserve' | 'proper';

/** The Sidecar resource that narrows what a sidecar gets (egress hosts). */
export interface SidecarScope {
  sidecar: Resource;
  /** `namespace/dnsName` patterns of all egress listeners. */
  egressHosts: string[];
  /** Registry hosts in scope (FQDNs). */
  hosts: Set<string>;
  source: SourceRef;
}

export interface ProxyConfig {
  pod: PodInstance;
  kind: 'sidecar' | 'router';
  /** outboundTrafficPolicy of this proxy: the mesh's, or its Sidecar's. */
  outboundPolicy: 'ALLOW_ANY' | 'REGISTRY_ONLY';
  /** Set when a Sidecar resource limits this sidecar's outbound config. */
  scope?: SidecarScope;
  listeners: DListener[];
  routes: DRouteConfig[];
  clusters: DCluster[];
  rejected: RejectedServer[];
  headerCase: HeaderCase;
}

// 'auto' ports (protocol sniffing) get a 0.0.0.0_PORT listener too; curl speaks HTTP, so they route as HTTP.
const HTTP_PROTOCOLS = new Set(['HTTP', 'HTTP2', 'GRPC', 'GRPC-WEB', 'HTTP_PROXY', 'auto']);

/** Istio's retry default when a route has none (pilot's DefaultPolicy). */
export const DEFAULT_RETRY: RetrySpec = { attempts: 2, perTryTimeoutMs: null, retryOn: ['connect-failure', 'refused-stream', 'unavailable', 'cancelled', 'retriable-status-codes'], retriableStatusCodes: [503] };

export function clusterName(direction: string, port: number, subset: string, host: string): string {
  return `${direction}|${port}|${subset}|${host}`;
}

interface OutboundService {
  host: string;
  namespace: string;
  ports: { number: number; protocol: Protocol; name?: string }[];
  service?: KubeService;
  vip?: string;
  /** A ServiceEntry's `addresses` that are single IPs (a bare IP or /32): each gets its own TCP listeners. */
  addresses?: string[];
  entry?: Resource;
  resolution?: string;
  endpoints?: { address: string; ports: Record<string, number>; labels: Record<string, string> }[];
}

function outboundServices(sc: Scenario, fromNs: string): OutboundService[] {
  const out: OutboundService[] = [];
  for (const e of sc.model.registry) {
    if (e.host.startsWith('*')) continue;
    if (sc.model.lookupHost(e.host, fromNs).length === 0) continue;
    const os: OutboundService = { host: e.host, namespace: e.namespace, ports: e.ports };
    if (e.service) {
      os.service = e.service;
      const vip = sc.vips.get(e.service);
      if (vip) os.vip = vip;
    } else {
      os.entry = e.source;
      os.resolution = (str(e.source.spec.resolution) ?? 'NONE').toUpperCase();
      const ips = strList(e.source.spec.addresses).map((a) => a.replace(/\/32$/, '')).filter((a) => /^\d+\.\d+\.\d+\.\d+$/.test(a));
      if (ips.length) os.addresses = ips;
      os.endpoints = arr(e.source.spec.endpoints).map((x) => ({ address: str(obj(x).address) ?? '', ports: Object.fromEntries(Object.entries(obj(obj(x).ports)).map(([k, v]) => [k, num(v) ?? 0])), labels: strMap(obj(x).labels) }));
    }
    out.push(os);
  }
  return out;
}

/** The DestinationRule for a host as seen from a namespace: own namespace first, then the host's, then the root. */
export function destinationRuleFor(sc: Scenario, host: string, fromNs: string, hostNs: string): Resource | undefined {
  const drs = sc.model.ofKind('DestinationRule').filter((d) => {
    const h = resolveHost(str(d.spec.host) ?? '', d.namespace, sc.model.domain);
    return h !== '' && hostCovers(h, host);
  });
  return drs.find((d) => d.namespace === fromNs) ?? drs.find((d) => d.namespace === hostNs) ?? drs.find((d) => d.namespace === sc.model.rootNamespace) ?? drs[0];
}

function outlierFrom(od: Record<string, unknown>, source: SourceRef): OutlierSpec {
  const out: OutlierSpec = { minHealthPercent: num(od.minHealthPercent) ?? 0, source };
  const legacy = num(od.consecutiveErrors);
  if (legacy !== undefined && legacy > 0) {
    out.consecutiveGateway = legacy;
    out.enforce5xx = false;
  }
  const c5 = num(od.consecutive5xxErrors);
  if (c5 !== undefined) {
    out.consecutive5xx = c5;
    out.enforce5xx = c5 > 0;
  }
  const gw = num(od.consecutiveGatewayErrors);
  if (gw !== undefined) out.consecutiveGateway = gw;
  const interval = parseDuration(od.interval);
  const base = parseDuration(od.baseEjectionTime);
  const max = num(od.maxEjectionPercent);
  if (interval !== null) out.intervalMs = interval;
  if (base !== null) out.baseEjectionMs = base;
  if (max !== undefined && max > 0) out.maxEjectionPercent = max;
  return out;
}

type TrafficPolicy = { tls?: { mode: string; sni?: string }; keepalive?: DCluster['keepalive']; connectTimeoutMs?: number; idleTimeoutMs?: number; outlier?: OutlierSpec };

function trafficPolicyFor(dr: Resource, subsetIndex: number | null, port: number): TrafficPolicy {
  const layers: { tp: Record<string, unknown>; path: (string | number)[] }[] = [{ tp: obj(dr.spec.trafficPolicy), path: ['spec', 'trafficPolicy'] }];
  if (subsetIndex !== null) layers.push({ tp: obj(obj(arr(dr.spec.subsets)[subsetIndex]).trafficPolicy), path: ['spec', 'subsets', subsetIndex, 'trafficPolicy'] });
  const out: TrafficPolicy = {};
  for (const { tp, path } of layers) {
    const plsIndex = arr(tp.portLevelSettings).map(obj).findIndex((p) => num(obj(p.port).number) === port);
    const pls = plsIndex >= 0 ? obj(arr(tp.portLevelSettings)[plsIndex]) : null;
    for (const [layer, at] of [[tp, path], [pls ?? {}, [...path, 'portLevelSettings', plsIndex]]] as const) {
      if (layer.outlierDetection !== undefined) out.outlier = outlierFrom(obj(layer.outlierDetection), sourceOf(dr, [...at, 'outlierDetection']));
      const tls = obj(layer.tls);
      const mode = str(tls.mode);
      if (mode) {
        out.tls = { mode: mode.toUpperCase() };
        const sni = str(tls.sni);
        if (sni) out.tls.sni = sni;
      }
      const connect = parseDuration(obj(obj(layer.connectionPool).tcp).connectTimeout);
      if (connect !== null) out.connectTimeoutMs = connect;
      const idle = parseDuration(obj(obj(layer.connectionPool).http).idleTimeout);
      if (idle !== null) out.idleTimeoutMs = idle;
      const ka = obj(obj(obj(layer.connectionPool).tcp).tcpKeepalive);
      if (Object.keys(ka).length) {
        const k: NonNullable<DCluster['keepalive']> = {};
        const t = parseDuration(ka.time);
        const i = parseDuration(ka.interval);
        const p = num(ka.probes);
        if (t !== null) k.time = Math.round(t / 1000);
        if (i !== null) k.interval = Math.round(i / 1000);
        if (p !== undefined) k.probes = p;
        out.keepalive = k;
      }
    }
  }
  return out;
}

function endpointsFor(sc: Scenario, os: OutboundService, port: number, subsetLabels: Record<string, string>): DEndpoint[] | null {
  if (os.service) {
    if (os.service.externalName) return null;
    const pods = sc.pods.filter((p) => p.namespace === os.service!.namespace && os.service!.selector && Object.keys(os.service!.selector).length > 0 && selects(os.service!.selector, p.labels) && selects(subsetLabels, p.labels));
    const tp = targetPort(os.service, port);
    return pods.map((p) => ({ ip: p.ip, port: tp, pod: p, healthy: p.ready }));
  }
  if (os.resolution === 'STATIC' || (os.endpoints && os.endpoints.length > 0)) {
    const portName = os.ports.find((p) => p.number === port)?.name;
    return (os.endpoints ?? []).filter((e) => selects(subsetLabels, e.labels)).map((e) => ({ ip: e.address, port: (portName && e.ports[portName]) || port, pod: null, healthy: true }));
  }
  return null;
}

function buildOutboundClusters(sc: Scenario, fromNs: string, services: OutboundService[]): DCluster[] {
  const clusters: DCluster[] = [];
  for (const os of services) {
    const dr = destinationRuleFor(sc, os.host, fromNs, os.namespace);
    for (const p of os.ports) {
      const type: DCluster['type'] = os.service ? (os.service.externalName ? 'STRICT_DNS' : 'EDS') : os.resolution === 'DNS' ? 'STRICT_DNS' : os.resolution === 'STATIC' ? 'EDS' : 'ORIGINAL_DST';
      const base: DCluster = { name: clusterName('outbound', p.number, '', os.host), type, host: os.host, port: p.number, direction: 'outbound', endpoints: type === 'EDS' ? endpointsFor(sc, os, p.number, {}) ?? [] : null };
      if (os.service) base.service = os.service;
      if (dr) {
        base.dr = dr;
        base.source = sourceOf(dr, ['spec', 'host']);
        Object.assign(base, trafficPolicyFor(dr, null, p.number));
      }
      clusters.push(base);
      if (!dr) continue;
      arr(dr.spec.subsets).forEach((s, i) => {
        const name = str(obj(s).name);
        if (!name) return;
        const labels = strMap(obj(s).labels);
        const c: DCluster = { ...base, name: clusterName('outbound', p.number, name, os.host), subset: name, source: sourceOf(dr, ['spec', 'subsets', i, 'name']), endpoints: type === 'EDS' ? endpointsFor(sc, os, p.number, labels) ?? [] : null };
        delete c.tls;
        delete c.keepalive;
        delete c.connectTimeoutMs;
        delete c.idleTimeoutMs;
        delete c.outlier;
        Object.assign(c, trafficPolicyFor(dr, i, p.number));
        clusters.push(c);
      });
    }
  }
  clusters.push({ name: 'BlackHoleCluster', type: 'STATIC', direction: '', endpoints: null });
  clusters.push({ name: 'PassthroughCluster', type: 'ORIGINAL_DST', direction: '', endpoints: null });
  return clusters;
}

function parseStringMatch(v: unknown): StringMatch | null {
  const o = obj(v);
  if (str(o.exact) !== undefined) return { exact: str(o.exact)! };
  if (str(o.prefix) !== undefined) return { prefix: str(o.prefix)! };
  if (str(o.regex) !== undefined) return { regex: str(o.regex)! };
  return null;
}

function retryFrom(http: Record<string, unknown>): RetrySpec | null {
  if (http.retries === undefined) return { ...DEFAULT_RETRY };
  const r = obj(http.retries);
  const attempts = num(r.attempts) ?? 0;
  if (attempts === 0) return null;
  const spec: RetrySpec = { ...DEFAULT_RETRY, attempts, perTryTimeoutMs: parseDuration(r.perTryTimeout) };
  const on = str(r.retryOn);
  if (on) {
    const list = on.split(',').map((s) => s.trim()).filter(Boolean);
    // Istio moves numeric codes into retriable_status_codes and adds the condition for them.
    const codes = list.filter((s) => /^\d+$/.test(s)).map(Number);
    spec.retryOn = list.filter((s) => !/^\d+$/.test(s));
    spec.retriableStatusCodes = codes;
    if (codes.length && !spec.retryOn.includes('retriable-status-codes')) spec.retryOn.push('retriable-status-codes');
  }
  return spec;
}

/** Envoy routes for one VirtualService (its http rules in order, one route per match). */
function routesFromVs(sc: Scenario, vs: Resource, port: number, gatewayNames: string[] | null): DRoute[] {
  const routes: DRoute[] = [];
  arr(vs.spec.http).forEach((h, i) => {
    const http = obj(h);
    const matches = arr(http.match).map(obj);
    const usable = matches.map((m, j) => ({ m, j })).filter(({ m }) => {
      const p = num(m.port);
      if (p !== undefined && p !== port) return false;
      const gws = strList(m.gateways);
      if (gws.length && gatewayNames && !gws.some((g) => gatewayNames.includes(g))) return false;
      if (gws.length && !gatewayNames && !gws.includes('mesh')) return false;
      return true;
    });
    if (matches.length && !usable.length) return;
    const httpName = str(http.name) ?? '';
    let action: RouteAction;
    if (http.directResponse !== undefined) {
      const d = obj(http.directResponse);
      const b = obj(d.body);
      action = { kind: 'direct', status: num(d.status) ?? 200, body: str(b.string) ?? '' };
    } else if (http.redirect !== undefined) {
      const r = obj(http.redirect);
      action = { kind: 'redirect', location: `${str(r.authority) ?? ''}${str(r.uri) ?? ''}`, status: num(r.redirectCode) ?? 301 };
    } else {
      const dests = arr(http.route).map(obj);
      const clusters: WeightedCluster[] = dests.map((d, k) => {
        const dest = obj(d.destination);
        const host = resolveHost(str(dest.host) ?? '', vs.namespace, sc.model.domain);
        const dport = num(obj(dest.port).number) ?? singlePortOf(sc, host, vs.namespace) ?? port;
        return { name: clusterName('outbound', dport, str(dest.subset) ?? '', host), weight: num(d.weight) ?? (dests.length === 1 ? 100 : 0), source: sourceOf(vs, ['spec', 'http', i, 'route', k, 'destination']) };
      });
      const f = obj(http.fault);
      let fault: FaultSpec | null = null;
      if (Object.keys(f).length) {
        fault = {};
        const d = obj(f.delay);
        const a = obj(f.abort);
        const pct = (x: Record<string, unknown>): number => num(obj(x.percentage).value) ?? (typeof obj(x.percentage).value === 'number' ? (obj(x.percentage).value as number) : num(x.percent) ?? 100);
        const fd = parseDuration(d.fixedDelay);
        if (fd !== null) {
          fault.delayMs = fd;
          fault.delayPercent = pct(d);
        }
        const hs = num(a.httpStatus);
        if (hs !== undefined) {
          fault.abortStatus = hs;
          fault.abortPercent = pct(a);
        }
      }
      action = { kind: 'route', clusters, timeoutMs: parseDuration(http.timeout) ?? 0, retry: retryFrom(http), fault };
    }
    const list = usable.length ? usable : [{ m: {} as Record<string, unknown>, j: -1 }];
    for (const { m, j } of list) {
      const match: RouteMatch = { headers: [] };
      const uri = parseStringMatch(m.uri);
      if (uri?.exact !== undefined) match.path = uri.exact;
      else if (uri?.regex !== undefined) match.regex = uri.regex;
      else match.prefix = uri?.prefix ?? '/';
      const method = parseStringMatch(m.method);
      if (method) match.headers.push({ name: ':method', match: method });
      for (const [k, v] of Object.entries(obj(m.headers))) {
        const sm = parseStringMatch(v);
        if (sm) match.headers.push({ name: k.toLowerCase(), match: sm });
      }
      const matchName = str(m.name);
      const name = httpName && matchName ? `${httpName}.${matchName}` : httpName || matchName || '';
      routes.push({ name, match, action, vs, source: sourceOf(vs, j >= 0 ? ['spec', 'http', i, 'match', j] : ['spec', 'http', i]) });
    }
  });
  return routes;
}

function singlePortOf(sc: Scenario, host: string, fromNs: string): number | undefined {
  const e = sc.model.lookupHost(host, fromNs)[0];
  return e && e.ports.length === 1 ? e.ports[0]!.number : undefined;
}

function defaultRoute(host: string, port: number): DRoute {
  return { name: 'default', match: { prefix: '/', headers: [] }, action: { kind: 'route', clusters: [{ name: clusterName('outbound', port, '', host), weight: 100 }], timeoutMs: 0, retry: { ...DEFAULT_RETRY }, fault: null } };
}

/** VirtualServices bound to the mesh (sidecars) visible from `fromNs`, in creation (file) order. */
function meshVirtualServices(sc: Scenario, fromNs: string): Resource[] {
  return sc.model.ofKind('VirtualService').filter((vs) => {
    const gws = strList(vs.spec.gateways);
    if (gws.length && !gws.includes('mesh')) return false;
    const exportTo = vs.spec.exportTo === undefined ? undefined : strList(vs.spec.exportTo);
    return !exportTo || exportTo.some((e) => e === '*' || e === fromNs || (e === '.' && vs.namespace === fromNs));
  });
}

function domainsFor(os: OutboundService, port: number, fromNs: string): string[] {
  const d: string[] = [];
  const add = (h: string) => d.push(h, `${h}:${port}`);
  add(os.host);
  if (os.service) {
    const short = os.service.name;
    add(`${short}.${os.service.namespace}.svc`);
    add(`${short}.${os.service.namespace}`);
    if (os.service.namespace === fromNs) add(short);
    if (os.vip && os.vip !== 'None') add(os.vip);
  }
  return d;
}

function vsForHost(vss: Resource[], host: string, sc: Scenario): Resource | undefined {
  return vss.find((vs) => strList(vs.spec.hosts).some((h) => hostCovers(resolveHost(h, vs.namespace, sc.model.domain), host)));
}

/**
 * The Sidecar resource for a pod (Istio Sidecar docs): one in the pod's namespace
 * whose workloadSelector matches, else the namespace's one without a selector,
 * else the root namespace's one without a selector (the mesh-wide default).
 */
export function sidecarFor(sc: Scenario, pod: PodInstance): Resource | undefined {
  const all = sc.model.ofKind('Sidecar');
  const selectorOf = (r: Resource) => strMap(obj(r.spec.workloadSelector).labels);
  return (
    all.find((r) => r.namespace === pod.namespace && Object.keys(selectorOf(r)).length > 0 && selects(selectorOf(r), pod.labels)) ??
    all.find((r) => r.namespace === pod.namespace && Object.keys(selectorOf(r)).length === 0) ??
    all.find((r) => r.namespace === sc.model.rootNamespace && Object.keys(selectorOf(r)).length === 0)
  );
}

/**
 * Does an egress host `ns/dnsName` take this host? `*` = any namespace, `~` = none,
 * `.` = the proxy's own namespace (also for the root namespace's default Sidecar,
 * which istiod applies to each namespace as if it were declared there).
 */
function egressTakes(pattern: string, proxyNs: string, host: string, hostNs: string): boolean {
  const slash = pattern.indexOf('/');
  const ns = slash < 0 ? '*' : pattern.slice(0, slash);
  const name = (slash < 0 ? pattern : pattern.slice(slash + 1)).toLowerCase();
  if (ns === '~') return false;
  if (ns !== '*' && (ns === '.' ? proxyNs : ns) !== hostNs) return false;
  return name === '*' || hostCovers(name, host);
}

/**
 * Narrows the outbound services to a Sidecar's egress hosts. A VirtualService in
 * scope also brings the hosts its routes send to (istiod adds them so the routes
 * have their clusters).
 */
function scopeServices(sc: Scenario, pod: PodInstance, services: OutboundService[]): { services: OutboundService[]; scope?: SidecarScope } {
  const sidecar = sidecarFor(sc, pod);
  if (!sidecar) return { services };
  const egressHosts = arr(sidecar.spec.egress).flatMap((e) => strList(obj(e).hosts));
  const takes = (host: string, ns: string) => egressHosts.some((p) => egressTakes(p, pod.namespace, host, ns));
  const hosts = new Set(services.filter((os) => takes(os.host, os.namespace)).map((os) => os.host));
  for (const vs of meshVirtualServices(sc, pod.namespace)) {
    const vsHosts = strList(vs.spec.hosts).map((h) => resolveHost(h, vs.namespace, sc.model.domain));
    if (!vsHosts.some((h) => takes(h, vs.namespace))) continue;
    for (const h of arr(vs.spec.http).flatMap((x) => arr(obj(x).route)).concat(arr(vs.spec.tcp).flatMap((x) => arr(obj(x).route)))) {
      hosts.add(resolveHost(str(obj(obj(h).destination).host) ?? '', vs.namespace, sc.model.domain));
    }
  }
  return { services: services.filter((os) => hosts.has(os.host)), scope: { sidecar, egressHosts, hosts, source: sourceOf(sidecar, ['spec', 'egress']) } };
}

/** outboundTrafficPolicy: a Sidecar's own setting wins over the mesh's. */
function outboundPolicyFor(sc: Scenario, pod: PodInstance): 'ALLOW_ANY' | 'REGISTRY_ONLY' {
  const mode = str(obj(sidecarFor(sc, pod)?.spec.outboundTrafficPolicy).mode)?.toUpperCase();
  return mode === 'REGISTRY_ONLY' || mode === 'ALLOW_ANY' ? mode : sc.mesh.outboundPolicy;
}

function sidecarConfig(sc: Scenario, pod: PodInstance): ProxyConfig {
  const { services, scope } = scopeServices(sc, pod, outboundServices(sc, pod.namespace));
  const outboundPolicy = outboundPolicyFor(sc, pod);
  const clusters = buildOutboundClusters(sc, pod.namespace, services);
  const vss = meshVirtualServices(sc, pod.namespace);
  const listeners: DListener[] = [{ name: 'virtualOutbound', address: '0.0.0.0', port: 15001, kind: 'virtualOutbound' }];
  const routes: DRouteConfig[] = [];
  const httpPorts = new Set<number>();
  for (const os of services) {
    for (const p of os.ports) {
      if (HTTP_PROTOCOLS.has(p.protocol)) httpPorts.add(p.number);
      else if (os.vip && os.vip !== 'None') listeners.push({ name: `${os.vip}_${p.number}`, address: os.vip, port: p.number, kind: 'tcp', tcpCluster: clusterName('outbound', p.number, '', os.host) });
      // A ServiceEntry with addresses is like a Service VIP: its TCP ports get ADDRESS_PORT listeners,
      // which take that address before any 0.0.0.0_PORT listener does (guide chapter server-speaks-first).
      else for (const ip of os.addresses ?? []) listeners.push({ name: `${ip}_${p.number}`, address: ip, port: p.number, kind: 'tcp', tcpCluster: clusterName('outbound', p.number, '', os.host), ...(os.entry ? { source: sourceOf(os.entry, ['spec', 'addresses']) } : {}) });
    }
  }
  // A service without a VIP (ExternalName) gets a 0.0.0.0_PORT listener whose
  // default chain proxies everything else on that port to it, for a TCP or
  // unnamed port (externalNameCatchesAll).
  const catchAll = new Map<number, { cluster: string; source: SourceRef }>();
  for (const os of services) {
    if (!os.service?.externalName || sc.mesh.externalNameAlias) continue;
    for (const p of os.ports) {
      if (!externalNameCatchesAll(p.protocol)) continue;
      if (!catchAll.has(p.number)) catchAll.set(p.number, { cluster: clusterName('outbound', p.number, '', os.host), source: sourceOf(os.service.resource, ['spec', 'externalName']) });
      if (p.protocol !== 'auto') listeners.push({ name: `0.0.0.0_${p.number}`, address: '0.0.0.0', port: p.number, kind: 'tcp', tcpCluster: catchAll.get(p.number)!.cluster, defaultCluster: catchAll.get(p.number)!.cluster, source: catchAll.get(p.number)!.source });
    }
  }
  for (const port of [...httpPorts].sort((a, b) => a - b)) {
    const ca = catchAll.get(port);
    listeners.push({ name: `0.0.0.0_${port}`, address: '0.0.0.0', port, kind: 'http', rds: String(port), ...(ca ? { defaultCluster: ca.cluster, source: ca.source } : {}) });
    const vhosts: DVirtualHost[] = [];
    for (const os of services) {
      if (!os.ports.some((p) => p.number === port && HTTP_PROTOCOLS.has(p.protocol))) continue;
      const vs = vsForHost(vss, os.host, sc);
      const r = vs ? routesFromVs(sc, vs, port, null) : [];
      vhosts.push({ name: `${os.host}:${port}`, domains: domainsFor(os, port, pod.namespace), routes: r.length || !vs ? (r.length ? r : [defaultRoute(os.host, port)]) : [] });
    }
    vhosts.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    if (outboundPolicy === 'ALLOW_ANY') vhosts.push({ name: 'allow_any', domains: ['*'], routes: [{ name: 'allow_any', match: { prefix: '/', headers: [] }, action: { kind: 'route', clusters: [{ name: 'PassthroughCluster', weight: 100 }], timeoutMs: 0, retry: null, fault: null } }] });
    else vhosts.push({ name: 'block_all', domains: ['*'], routes: [{ name: 'block_all', match: { prefix: '/', headers: [] }, action: { kind: 'direct', status: 502, body: '' } }] });
    routes.push({ name: String(port), vhosts });
  }
  // Inbound: one chain (and cluster) per port the pod's services target.
  const inbound: { port: number; cluster: string; tcp?: boolean }[] = [];
  for (const s of sc.model.servicesOf(pod.workload)) {
    for (const p of s.ports) {
      const tp = targetPort(s, p.port);
      if (inbound.some((x) => x.port === tp)) continue;
      const name = clusterName('inbound', tp, '', '');
      inbound.push({ port: tp, cluster: name, ...(HTTP_PROTOCOLS.has(p.protocol) ? {} : { tcp: true }) });
      clusters.push({ name, type: 'ORIGINAL_DST', direction: 'inbound', port: tp, endpoints: null });
    }
  }
  clusters.push({ name: 'InboundPassthroughCluster', type: 'ORIGINAL_DST', direction: '', endpoints: null });
  listeners.push({ name: 'virtualInbound', address: '0.0.0.0', port: 15006, kind: 'virtualInbound', inbound });
  return { pod, kind: 'sidecar', outboundPolicy, ...(scope ? { scope } : {}), listeners, routes, clusters, rejected: [], headerCase: headerCaseFor(sc, pod) };
}

function gatewayConfig(sc: Scenario, pod: PodInstance): ProxyConfig {
  const services = outboundServices(sc, pod.namespace);
  const clusters = buildOutboundClusters(sc, pod.namespace, services);
  const gateways = sc.model.ofKind('Gateway').filter((g) => {
    const sel = strMap(g.spec.selector);
    return Object.keys(sel).length > 0 && selects(sel, pod.labels);
  });
  const listeners: DListener[] = [];
  const routes: DRouteConfig[] = [];
  const gwService = sc.model.servicesOf(pod.workload)[0];
  const byPort = new Map<number, { gw: Resource; hosts: string[]; idx: number; tls: boolean }[]>();
  const tcpServers: { gw: Resource; port: number; idx: number }[] = [];
  const rejected: RejectedServer[] = [];
  // istiod: a host may carry TLS only once per port; a later server repeating one is
  // skipped whole (gateway.go CheckDuplicates, guide chapter "Gateway 重复 TLS 域名").
  const tlsHostsByPort = new Map<number, Set<string>>();
  for (const g of gateways) {
    arr(g.spec.servers).forEach((s, idx) => {
      const port = num(obj(obj(s).port).number);
      const proto = (str(obj(obj(s).port).protocol) ?? 'HTTP').toUpperCase();
      if (port !== undefined && (proto === 'TCP' || proto === 'MONGO' || proto === 'MYSQL')) tcpServers.push({ gw: g, port, idx });
      if (port === undefined || !['HTTP', 'HTTP2', 'HTTPS', 'GRPC'].includes(proto) || (proto === 'HTTPS' && !obj(obj(s).tls).mode)) return;
      const hosts = strList(obj(s).hosts);
      const tls = proto === 'HTTPS';
      if (tls) {
        const known = tlsHostsByPort.get(port) ?? new Set<string>();
        tlsHostsByPort.set(port, known);
        const dup = hosts.filter((h) => known.has(h));
        if (dup.length) {
          rejected.push({ gateway: `${g.namespace}/${g.name}`, port, duplicates: dup, source: sourceOf(g, ['spec', 'servers', idx, 'hosts']) });
          return;
        }
        for (const h of hosts) known.add(h);
      }
      const list = byPort.get(port) ?? [];
      list.push({ gw: g, hosts, idx, tls });
      byPort.set(port, list);
    });
  }
  // TCP servers: a listener only when a VirtualService tcp route is bound (else nothing listens).
  // istiod (buildGatewayNetworkFiltersFromTCPRoutes): the VirtualService names the Gateway, one of
  // its hosts matches one of the server's, and a tcp rule's match (port, gateways) fits; first rule wins.
  for (const ts of tcpServers) {
    const bind = gwService ? targetPort(gwService, ts.port) : ts.port;
    const gwRef = `${ts.gw.namespace}/${ts.gw.name}`;
    const serverHosts = strList(obj(arr(ts.gw.spec.servers)[ts.idx]).hosts);
    for (const vs of sc.model.ofKind('VirtualService')) {
      const fullRef = (g: string) => (g.includes('/') ? g : `${vs.namespace}/${g}`);
      const gws = strList(vs.spec.gateways).map(fullRef);
      if (!gws.includes(gwRef)) continue;
      const vsHosts = strList(vs.spec.hosts).map((h) => resolveHost(h, vs.namespace, sc.model.domain));
      if (!vsHosts.some((h) => serverHosts.some((sh) => gatewayHostTakes(sh, ts.gw.namespace, vs.namespace, h)))) continue;
      const ti = arr(vs.spec.tcp).findIndex((t) => {
        const ms = arr(obj(t).match).map(obj);
        const fits = (m: Record<string, unknown>) => (num(m.port) === undefined || num(m.port) === ts.port) && (strList(m.gateways).length === 0 || strList(m.gateways).map(fullRef).includes(gwRef));
        return ms.length === 0 || ms.some(fits);
      });
      if (ti < 0) continue;
      const dest = obj(obj(arr(obj(arr(vs.spec.tcp)[ti]).route)[0]).destination);
      const host = resolveHost(str(dest.host) ?? '', vs.namespace, sc.model.domain);
      const dport = num(obj(dest.port).number) ?? singlePortOf(sc, host, vs.namespace) ?? ts.port;
      if (!listeners.some((l) => l.port === bind)) listeners.push({ name: `0.0.0.0_${bind}`, address: '0.0.0.0', port: bind, kind: 'tcp', tcpCluster: clusterName('outbound', dport, str(dest.subset) ?? '', host), source: sourceOf(vs, ['spec', 'tcp', ti]) });
      break;
    }
  }
  for (const [port, servers] of [...byPort.entries()].sort((a, b) => a[0] - b[0])) {
    const bind = gwService ? targetPort(gwService, port) : port;
    const rdsName = `http.${bind}`;
    const tlsHosts = servers.filter((s) => s.tls).flatMap((s) => s.hosts.map((h) => (h.includes('/') ? h.slice(h.indexOf('/') + 1) : h)));
    listeners.push({ name: `0.0.0.0_${bind}`, address: '0.0.0.0', port: bind, kind: 'gateway', rds: rdsName, ...(tlsHosts.length ? { tlsHosts } : {}), source: sourceOf(servers[0]!.gw, ['spec', 'servers', servers[0]!.idx, 'port']) });
    const vhosts: DVirtualHost[] = [];
    for (const vs of sc.model.ofKind('VirtualService')) {
      const gws = strList(vs.spec.gateways).map((g) => (g.includes('/') ? g : `${vs.namespace}/${g}`));
      const bound = servers.filter((s) => gws.includes(`${s.gw.namespace}/${s.gw.name}`));
      if (!bound.length) continue;
      const gwNames = bound.flatMap((s) => [s.gw.name, `${s.gw.namespace}/${s.gw.name}`]);
      const r = routesFromVs(sc, vs, port, gwNames);
      for (const h of strList(vs.spec.hosts)) {
        const allowed = bound.some((s) => s.hosts.some((gh) => {
          const host = gh.includes('/') ? gh.slice(gh.indexOf('/') + 1) : gh;
          return hostCovers(host, h.toLowerCase()) || hostCovers(h.toLowerCase(), host);
        }));
        if (!allowed) continue;
        const name = `${h}:${port}`;
        const existing = vhosts.find((v) => v.name === name);
        if (existing) existing.routes.push(...r);
        else vhosts.push({ name, domains: [h, `${h}:*`], routes: [...r] });
      }
    }
    if (!vhosts.length) vhosts.push({ name: `blackhole:${port}`, domains: ['*'], routes: [] });
    routes.push({ name: rdsName, vhosts });
  }
  return { pod, kind: 'router', outboundPolicy: sc.mesh.outboundPolicy, listeners, routes, clusters, rejected, headerCase: headerCaseFor(sc, pod) };
}

/**
 * Envoy writes HTTP/1.1 header names in lower case unless a header_key_format is
 * configured (Envoy HttpProtocolOptions.header_key_format: proper_case_words, or the
 * preserve_case stateful formatter); Istio exposes that only through EnvoyFilter.
 * An EnvoyFilter in the root namespace applies to every proxy, elsewhere to its
 * namespace, narrowed by workloadSelector.
 */
function headerCaseFor(sc: Scenario, pod: PodInstance): HeaderCase {
  let result: HeaderCase = 'lower';
  for (const f of sc.model.ofKind('EnvoyFilter')) {
    if (f.namespace !== sc.model.rootNamespace && f.namespace !== pod.namespace) continue;
    const sel = strMap(obj(f.spec.workloadSelector).labels);
    if (Object.keys(sel).length && !selects(sel, pod.labels)) continue;
    const text = JSON.stringify(f.spec.configPatches ?? []);
    if (text.includes('preserve_case')) result = 'preserve';
    else if (text.includes('proper_case_words') && result === 'lower') result = 'proper';
  }
  return result;
}

export function deriveProxyConfig(sc: Scenario, pod: PodInstance): ProxyConfig | null {
  if (pod.proxy === 'none') return null;
  return pod.proxy === 'router' ? gatewayConfig(sc, pod) : sidecarConfig(sc, pod);
}
