// Plays one HTTP request from a pod through the proxies of the mesh: the
// client's sidecar (outbound), gateways, the server's sidecar (inbound) and the
// app. Each proxy writes one access-log entry per stream (so one server line per
// retry attempt) and a `path`: which listener, route config, virtual host,
// route, cluster and endpoint took the request, and the YAML line behind each.
//
// Envoy behaviours reproduced (Envoy router docs, "HTTP routing" / "Retry
// semantics"; Istio "Traffic Management" docs; response flags as in the
// access-log docs):
// - no virtual host / no route: 404 NR route_not_found, empty body;
// - route to a cluster the proxy does not have: 503 NC cluster_not_found;
// - cluster without healthy endpoints: 503 UH no_healthy_upstream, body `no healthy upstream`;
// - route timeout (covers every attempt): 504 UT response_timeout, body `upstream request timeout`;
// - per-try timeout: the attempt is reset (the server side logs 0 DC); retried when
//   retry_on has 5xx/gateway-error/reset, else 504 UT upstream_per_try_timeout;
// - retries exhausted on a retriable result: the result plus URX;
// - fault delay DI / abort FI fault_filter_abort (body `fault filter abort`);
// - direct response (VirtualService directResponse, REGISTRY_ONLY `block_all` 502).
import { emptyEntry, type AccessLogEntry } from '../analyzer/accesslog/index.ts';
import { hostCovers, type KubeService } from '../analyzer/resources/index.ts';
import { deriveProxyConfig, type DCluster, type DListener, type HeaderCase, type DRoute, type DVirtualHost, type ProxyConfig, type RetrySpec, type StringMatch } from './config.ts';
import { authorityOf, type CurlRequest } from './curl.ts';
import { renderLogLine } from './logs.ts';
import { maxRuleFor, OutlierDetector } from './outlier.ts';
import { Rng } from './rng.ts';
import { hashString, targetPort, type AppBehavior, type PodInstance, type Scenario, type SourceRef } from './scenario.ts';
import { containerEnv, expandEnv, type AppCall } from './process.ts';
import { resolvesOutside } from './dns.ts';
import type { OutputChunk } from '../shell/types.ts';

export interface PathStep {
  kind: 'listener' | 'filter_chain' | 'route_config' | 'virtual_host' | 'route' | 'fault' | 'cluster' | 'endpoint' | 'retry' | 'app' | 'note';
  name: string;
  detail?: string;
  source?: SourceRef;
}

export interface Hop {
  /** `pod.namespace` of the proxy. */
  proxy: string;
  direction: 'outbound' | 'inbound' | 'gateway';
  log: string;
  entry: AccessLogEntry;
  path: PathStep[];
  /** ms since the request started. */
  startMs: number;
}

export interface ClientResult {
  status: number | null;
  body: string;
  headers: [string, string][];
  error: string | null;
  exitCode: number;
  durationMs: number;
  /** The names on the certificate the server presented, when it did not cover the host (curl -v prints its subject). */
  certNames?: string[];
}

export interface RequestOutcome {
  client: ClientResult;
  hops: Hop[];
  /** Why, when no proxy wrote a line (a hang, a proxy not started yet). */
  notes?: PathStep[];
}

interface HttpReq {
  method: string;
  path: string;
  authority: string;
  headers: [string, string][];
  body: string;
  requestId: string;
  userAgent: string;
  xff: string | null;
  /** SNI of the client's TLS handshake (curl https://HOST: HOST); null for plain text. */
  sni: string | null;
}

interface Reply {
  status: number;
  body: string;
  headers: [string, string][];
  /** Time from arrival to the response (ms). */
  ms: number;
  /**
   * The connection failed instead of an HTTP response: refused (nothing listens),
   * reset, termination (a pooled connection the server had closed), tls (upstream
   * handshake failed), cert (the server's certificate does not cover the name),
   * hang (nobody speaks: both ends wait).
   */
  reset?: 'refused' | 'reset' | 'termination' | 'tls' | 'cert' | 'hang';
  hops: Hop[];
  /** Why, when the failure left no access-log line. */
  notes?: PathStep[];
}

const ENVOY_UA = 'curl/8.5.0';
const EPOCH = Date.UTC(2024, 4, 1, 8, 0, 0);

/** Envoy's local reply for a failed upstream TLS handshake (`retried and the latest reset reason` after retries). */
const tlsFailureBody = (retried: boolean): string =>
  `upstream connect error or disconnect/reset before headers. ${retried ? 'retried and the latest reset reason' : 'reset reason'}: connection failure, transport failure reason: ${TLS_HANDSHAKE_FAILURE}`;

export const LOCAL_BODIES = {
  uh: 'no healthy upstream',
  ut: 'upstream request timeout',
  fi: 'fault filter abort',
  uf: 'upstream connect error or disconnect/reset before headers. reset reason: connection failure',
  uc: 'upstream connect error or disconnect/reset before headers. reset reason: connection termination',
};

/** BoringSSL's error when the server answers the ClientHello with a handshake_failure alert. */
/** The server's handshake_failure alert (40) as BoringSSL reports it: 268435456 + 1000 + 40; spaces become `_` in recent Envoy. */
export const TLS_HANDSHAKE_FAILURE = 'TLS_error:|268436496:SSL_routines:OPENSSL_internal:SSLV3_ALERT_HANDSHAKE_FAILURE:TLS_error_end';

/** Does a certificate name (maybe `*.x`) cover a host? */
function certCovers(names: string[], host: string): boolean {
  return names.some((n) => n === host || (n.startsWith('*.') && host.endsWith(n.slice(1)) && !host.slice(0, -n.length + 1).includes('.')));
}

export function isoTime(ms: number): string {
  return new Date(EPOCH + ms).toISOString();
}

function stringMatches(m: StringMatch, v: string | undefined): boolean {
  if (v === undefined) return false;
  if (m.exact !== undefined) return v === m.exact;
  if (m.prefix !== undefined) return v.startsWith(m.prefix);
  try {
    return new RegExp(`^(?:${m.regex ?? ''})$`).test(v);
  } catch {
    return false;
  }
}

function routeMatches(r: DRoute, req: HttpReq): boolean {
  const path = req.path.split('?')[0] ?? '/';
  if (r.match.path !== undefined && path !== r.match.path) return false;
  if (r.match.prefix !== undefined && !path.startsWith(r.match.prefix)) return false;
  if (r.match.regex !== undefined && !stringMatches({ regex: r.match.regex }, path)) return false;
  for (const h of r.match.headers) {
    const v = h.name === ':method' ? req.method : req.headers.find(([k]) => k.toLowerCase() === h.name)?.[1];
    if (!stringMatches(h.match, v)) return false;
  }
  return true;
}

/** Envoy's virtual host choice: exact domain, then suffix wildcards (`*.x`, `h:*`), then `*`. */
function pickVhost(vhosts: DVirtualHost[], authority: string): DVirtualHost | undefined {
  const host = authority.toLowerCase();
  const exact = vhosts.find((v) => v.domains.includes(host));
  if (exact) return exact;
  const wild = vhosts.find((v) => v.domains.some((d) => d !== '*' && ((d.startsWith('*') && host.endsWith(d.slice(1))) || (d.endsWith(':*') && host.startsWith(d.slice(0, -1))))));
  return wild ?? vhosts.find((v) => v.domains.includes('*'));
}

function retriableStatus(r: RetrySpec, status: number): boolean {
  if (r.retryOn.includes('5xx') && status >= 500) return true;
  if (r.retryOn.includes('gateway-error') && [502, 503, 504].includes(status)) return true;
  if (r.retryOn.includes('retriable-status-codes') && r.retriableStatusCodes.includes(status)) return true;
  return false;
}
const retriableReset = (r: RetrySpec): boolean => r.retryOn.some((c) => ['5xx', 'gateway-error', 'reset', 'connect-failure'].includes(c));
const retriableTimeout = (r: RetrySpec): boolean => r.retryOn.some((c) => ['5xx', 'gateway-error', 'reset'].includes(c));

function srcOf(s: SourceRef | undefined): string {
  return s ? ` (${s.resource}, ${s.file}:${s.line})` : '';
}

export class Simulator {
  private configs = new Map<PodInstance, ProxyConfig | null>();
  private rr = new Map<string, number>();
  readonly rng: Rng;
  /** ms since the scenario's epoch at which the next request starts. */
  clock = 0;
  /** Pause between the end of one client command and the start of the next (ms). */
  gapMs = 1000;

  /** `seed` may be the Rng of a previous simulator, so ids and ports keep going after a rebuild. */
  constructor(readonly sc: Scenario, seed: number | Rng = 1) {
    this.rng = typeof seed === 'number' ? new Rng(seed) : seed;
  }

  config(pod: PodInstance): ProxyConfig | null {
    if (!this.configs.has(pod)) this.configs.set(pod, deriveProxyConfig(this.sc, pod));
    return this.configs.get(pod) ?? null;
  }

  private port(): number {
    return this.rng.int(32768, 60999);
  }

  /** A fresh ephemeral port, as the kernel picks for a client's socket (curl -v names it when a connect fails). */
  ephemeralPort(): number {
    return this.port();
  }

  /** Local ports of the proxies' pooled upstream connections, by `proxy>address`. */
  private connPorts = new Map<string, number>();

  /**
   * The local port of a proxy's connection to an address: a pooled connection is
   * reused, so requests show the same port until it breaks. A port is drawn every
   * time all the same, so the random sequence (request ids) does not depend on reuse.
   */
  private connectionPort(key: string): number {
    const drawn = this.port();
    const pooled = this.connPorts.get(key);
    if (pooled !== undefined) return pooled;
    this.connPorts.set(key, drawn);
    return drawn;
  }

  // ---- name resolution ---------------------------------------------------------

  /** What a name resolves to from a pod: a service VIP, a ServiceEntry address, or an outside IP. */
  resolve(host: string, from: PodInstance): { ip: string; service?: KubeService } | null {
    if (/^\d+\.\d+\.\d+\.\d+$/.test(host)) return { ip: host };
    const candidates = [host, `${host}.${from.namespace}.svc.cluster.local`, `${host}.svc.cluster.local`, `${host}.cluster.local`];
    for (const c of candidates) {
      const s = this.sc.model.services.find((x) => x.fqdn === c);
      if (s) {
        // ExternalName: DNS answers with a CNAME to the external name.
        if (s.externalName !== undefined) return this.resolve(s.externalName, from);
        const vip = this.sc.vips.get(s)!;
        if (vip === 'None') {
          const pod = this.sc.pods.find((p) => p.namespace === s.namespace && s.selector && Object.keys(s.selector).length && Object.entries(s.selector).every(([k, v]) => p.labels[k] === v));
          return pod ? { ip: pod.ip, service: s } : null;
        }
        return { ip: vip, service: s };
      }
    }
    if (host.endsWith('.cluster.local') || !host.includes('.')) return null;
    const se = this.sc.model.ofKind('ServiceEntry').find((r) => Array.isArray(r.spec.addresses) && Array.isArray(r.spec.hosts) && (r.spec.hosts as unknown[]).includes(host));
    if (se) return { ip: String((se.spec.addresses as unknown[])[0]).split('/')[0]! };
    // A name nothing declares and no public domain holds: NXDOMAIN (curl exits 6).
    if (!resolvesOutside(this.sc, host)) return null;
    return { ip: `203.0.113.${(hashString(host) % 250) + 1}` };
  }

  private serviceByVip(ip: string): KubeService | undefined {
    for (const [s, vip] of this.sc.vips) if (vip === ip) return s;
    return undefined;
  }

  private externalApp(ip: string) {
    return this.sc.apps.find((a) => a.hosts.some((h) => this.resolve(h, this.sc.pods[0]!)?.ip === ip)) ?? null;
  }

  // ---- connection pools -----------------------------------------------------------

  /** Outlier detectors by `proxy>cluster`: each Envoy keeps its own per cluster. */
  private detectors = new Map<string, OutlierDetector>();

  private detector(proxy: string, cluster: DCluster): OutlierDetector {
    const key = `${proxy}>${cluster.name}`;
    let d = this.detectors.get(key);
    if (!d) this.detectors.set(key, (d = new OutlierDetector(cluster.outlier!, cluster.endpoints!.length, maxRuleFor(this.sc.mesh.istioVersion))));
    return d;
  }

  /**
   * A middlebox on the path (NAT, cloud load balancer) drops a connection idle longer
   * than its timeout without telling either end (AppBehavior networkIdleTimeout); the
   * next request on that pooled connection meets a RST (guide chapter tcp-keepalive).
   * TCP keepalive probes (DestinationRule connectionPool.tcp.tcpKeepalive; the kernel's
   * 7200s when `time` is unset) sent sooner than that timeout keep the entry alive.
   */
  private droppedOnPath(owner: string, addr: string, app: AppBehavior | null, at: number, cluster: DCluster): boolean {
    if (!app?.networkIdleTimeoutMs) return false;
    const key = `${owner}>${addr}`;
    const now = this.clock + at;
    const last = this.pools.get(key);
    if (last === undefined || now - last < app.networkIdleTimeoutMs) return false;
    const probeAfterMs = cluster.keepalive ? (cluster.keepalive.time ?? 7200) * 1000 : Infinity;
    if (probeAfterMs < app.networkIdleTimeoutMs) return false;
    this.pools.set(key, now);
    return true;
  }

  /** When each proxy's pooled connection to an app address was last used (ms on the mesh clock). */
  private pools = new Map<string, number>();

  /**
   * Envoy keeps upstream connections in a pool and reuses them. An app with a
   * keepalive idle timeout closes a connection idle that long; if Envoy picks it
   * before it has seen the FIN, the request fails with UC connection_termination
   * (guide chapter upstream-connection-termination; envoyproxy/envoy#14981). The
   * FIN racing the request is drawn from the seeded PRNG (AppBehavior closeRace).
   */
  private pooledConnectionClosed(owner: string, addr: string, app: AppBehavior | null, at: number): boolean {
    const key = `${owner}>${addr}`;
    const now = this.clock + at;
    const last = this.pools.get(key);
    this.pools.set(key, now);
    if (last === undefined || !app?.keepaliveTimeoutMs) return false;
    if (now - last < app.keepaliveTimeoutMs) return false;
    if (app.closeRaceWindowMs !== undefined) return now - last < app.keepaliveTimeoutMs + app.closeRaceWindowMs;
    return this.rng.next() < app.closeRace;
  }

  /**
   * Why a proxy's pooled connection to an app is gone before the next request, if it
   * is: Envoy closed it itself after the cluster's idle timeout (DestinationRule
   * connectionPool.http.idleTimeout), or the app closed it (keepaliveTimeout) long
   * enough ago, past its closeRaceWindow, that Envoy has seen the FIN. Null: still pooled.
   */
  private closedWhileIdle(key: string, app: AppBehavior, at: number, cluster: DCluster): string | null {
    const last = this.pools.get(key);
    if (last === undefined) return null;
    const idle = this.clock + at - last;
    if (cluster.idleTimeoutMs !== undefined && idle >= cluster.idleTimeoutMs) return `idle ${idle / 1000}s: Envoy closed it after the cluster's idleTimeout of ${cluster.idleTimeoutMs / 1000}s (DestinationRule connectionPool.http.idleTimeout)`;
    if (app.keepaliveTimeoutMs !== undefined && app.closeRaceWindowMs !== undefined && idle >= app.keepaliveTimeoutMs + app.closeRaceWindowMs) return `idle ${idle / 1000}s: the app closed it after its keepaliveTimeout of ${app.keepaliveTimeoutMs / 1000}s, and Envoy had seen the FIN`;
    return null;
  }

  /** A new upstream connection in place of a closed pooled one: a new local port. */
  private reconnect(key: string, at: number): number {
    const port = this.port();
    this.connPorts.set(key, port);
    this.pools.set(key, this.clock + at);
    return port;
  }

  // ---- the app ------------------------------------------------------------------

  private app(pod: PodInstance | null, port: number, req: HttpReq, externalIp?: string, t = 0): Reply {
    if (pod && !pod.ports.includes(port)) return { status: 0, body: '', headers: [], ms: 1, reset: 'refused', hops: [] };
    const behavior = pod ? pod.app : this.externalApp(externalIp ?? '');
    // TLS from the client itself (curl https through passthrough): the server's certificate must cover the name.
    if (req.sni && behavior?.tlsServerNames && !certCovers(behavior.tlsServerNames, req.sni)) return { status: 0, body: behavior.tlsServerNames.join(','), headers: [], ms: 1, reset: 'cert', hops: [] };
    const path = req.path.split('?')[0] ?? '/';
    if (!behavior || behavior.responses.length === 0) return { status: 200, body: 'ok\n', headers: [['content-type', 'text/plain']], ms: 1, hops: [] };
    const r = behavior.responses.find((x) => (x.method === undefined || x.method === req.method) && (x.path !== undefined ? x.path === path : x.prefix !== undefined ? path.startsWith(x.prefix) : true));
    if (!r) return { status: 404, body: '404 page not found\n', headers: [['content-type', 'text/plain; charset=utf-8']], ms: 1, hops: [] };
    if (r.call && pod) {
      // The app calls upstream first; on failure it answers its fallback instead.
      const called = this.appCall(pod, r.call, t + 1);
      const answer = called.ok ? { status: r.status, body: r.body } : r.call.onError;
      return { ...answer, headers: [['content-type', r.headers['content-type'] ?? 'text/plain']], ms: Math.max(1, r.delayMs) + called.ms, hops: called.hops, notes: [called.note] };
    }
    return { status: r.status, body: r.body, headers: [['content-type', r.headers['content-type'] ?? 'text/plain'], ...Object.entries(r.headers).filter(([k]) => k !== 'content-type')], ms: Math.max(1, r.delayMs), hops: [] };
  }

  /**
   * An upstream call of the app (AppBehavior response `call`), sent from its pod
   * through its own sidecar. The URL is expanded from the process environment; a
   * URL that does not parse fails inside the app, before any connection: no proxy
   * sees it, so no access-log line is written anywhere.
   */
  private appCall(pod: PodInstance, call: AppCall, t: number): { ok: boolean; ms: number; hops: Hop[]; note: PathStep } {
    const url = expandEnv(call.url, containerEnv(this.sc, pod));
    let parsed: URL | null = null;
    try {
      parsed = new URL(url);
    } catch {
      parsed = null;
    }
    if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
      return { ok: false, ms: 0, hops: [], note: { kind: 'note', name: 'app call not sent', detail: `the app built the URL "${url}" from its environment (${call.url}); it does not parse, so the app opened no connection` } };
    }
    const https = parsed.protocol === 'https:';
    const port = parsed.port ? Number(parsed.port) : https ? 443 : 80;
    const target = this.resolve(parsed.hostname, pod);
    if (!target) return { ok: false, ms: 1, hops: [], note: { kind: 'note', name: 'app call not sent', detail: `${parsed.hostname} does not resolve (from ${url})` } };
    const req: HttpReq = { method: 'GET', path: parsed.pathname + parsed.search, authority: parsed.host, headers: [], body: '', requestId: this.rng.uuid(), userAgent: call.userAgent, xff: null, sni: https ? parsed.hostname : null };
    const rep = pod.proxy === 'sidecar' ? this.outbound(pod, target.ip, port, req, t, https) : this.toAddress(target.ip, port, req, t, { ip: pod.ip, port: this.port() }, req.sni);
    const ok = !rep.reset && rep.status > 0 && rep.status < 400;
    return { ok, ms: rep.ms, hops: rep.hops, note: { kind: 'note', name: `app call ${ok ? rep.status : 'failed'}`, detail: `GET ${url}` } };
  }

  // ---- delivery to an address ---------------------------------------------------

  /** Delivers to ip:port without a client-side proxy (kube-proxy picks a pod behind a VIP). */
  private toAddress(ip: string, port: number, req: HttpReq, t: number, src: { ip: string; port: number }, sni: string | null): Reply {
    const svc = this.serviceByVip(ip);
    if (svc) {
      const ready = this.sc.pods.filter((p) => p.ready && p.namespace === svc.namespace && svc.selector && Object.keys(svc.selector).length && Object.entries(svc.selector).every(([k, v]) => p.labels[k] === v));
      if (!ready.length || !svc.ports.some((p) => p.port === port)) return { status: 0, body: '', headers: [], ms: 1, reset: 'refused', hops: [] };
      const pod = ready[this.rng.int(0, ready.length)]!;
      return this.toPod(pod, targetPort(svc, port), req, t, src, sni);
    }
    const pod = this.sc.pods.find((p) => p.ip === ip);
    if (pod) return this.toPod(pod, port, req, t, src, sni);
    return this.app(null, port, req, ip);
  }

  private toPod(pod: PodInstance, port: number, req: HttpReq, t: number, src: { ip: string; port: number }, sni: string | null): Reply {
    if (pod.proxy === 'router') return this.gateway(pod, port, req, t, src, sni);
    if (pod.proxy === 'sidecar') return this.inbound(pod, port, req, t, src, sni);
    return this.app(pod, port, req, undefined, t);
  }

  // ---- inbound ------------------------------------------------------------------

  private inbound(pod: PodInstance, port: number, req: HttpReq, t: number, src: { ip: string; port: number }, sni: string | null): Reply {
    const cfg = this.config(pod)!;
    const chain = cfg.listeners.find((l) => l.kind === 'virtualInbound')?.inbound?.find((c) => c.port === port);
    const cluster = chain ? chain.cluster : 'InboundPassthroughCluster';
    const path: PathStep[] = [
      { kind: 'listener', name: 'virtualInbound', detail: `0.0.0.0:15006 (iptables redirects inbound traffic to port ${port})` },
      { kind: 'filter_chain', name: chain ? `0.0.0.0_${port}` : 'virtualInbound (passthrough)', detail: chain ? `a port of ${this.sc.model.servicesOf(pod.workload).map((s) => s.name).join(', ')}` : 'no service declares this port' },
    ];
    if (chain && !chain.tcp) path.push({ kind: 'route_config', name: cluster, detail: 'inline' }, { kind: 'virtual_host', name: `inbound|http|${port}` }, { kind: 'route', name: 'default' });
    path.push({ kind: 'cluster', name: cluster }, { kind: 'endpoint', name: `${pod.ip}:${port}`, detail: `app container of ${pod.name}` });
    const hop = this.newHop(pod, 'inbound', path, t);
    const app = this.app(pod, port, req, undefined, t);
    if (app.notes) path.push(...app.notes);
    const e = hop.entry;
    this.fillRequest(e, req);
    e.upstream_cluster = cluster;
    e.downstream_local_address = `${pod.ip}:${port}`;
    e.downstream_remote_address = `${src.ip}:${src.port}`;
    e.requested_server_name = sni;
    e.route_name = chain ? 'default' : null;
    e.upstream_host = `${pod.ip}:${port}`;
    if (chain?.tcp) {
      // A TCP service port: tcp_proxy, one line per connection without HTTP fields.
      e.method = e.path = e.protocol = e.authority = e.user_agent = e.request_id = e.route_name = null;
      e.response_code = 0;
      e.response_code_details = null;
      if (app.reset) {
        e.response_flags = ['UF'];
        e.duration = 1;
        e.bytes_received = 0;
        e.bytes_sent = 0;
        path.push({ kind: 'note', name: 'connection refused', detail: `nothing listens on ${pod.ip}:${port} in ${pod.name}; the proxy closes the client's connection` });
        return { status: 0, body: '', headers: [], ms: 2, reset: 'reset', hops: [hop] };
      }
      e.upstream_local_address = `127.0.0.6:${this.port()}`;
      e.bytes_received = req.body.length + 78 + req.authority.length + req.path.length;
      e.bytes_sent = app.body.length + 120;
      e.duration = app.ms + 1;
      return { ...app, ms: app.ms + 1, hops: [hop] };
    }
    if (app.reset) {
      this.localReply(e, 503, 'UF', 'upstream_reset_before_response_started{connection_failure}', LOCAL_BODIES.uf, 1);
      e.upstream_transport_failure_reason = null;
      path.push({ kind: 'note', name: 'connection refused', detail: `nothing listens on ${pod.ip}:${port} in ${pod.name}` });
      return { status: 503, body: LOCAL_BODIES.uf, headers: [['content-type', 'text/plain']], ms: 2, hops: [hop] };
    }
    e.upstream_local_address = `127.0.0.6:${this.port()}`;
    if (this.pooledConnectionClosed(hop.proxy, `${pod.ip}:${port}`, pod.app, t)) {
      this.localReply(e, 503, 'UC', 'upstream_reset_before_response_started{connection_termination}', LOCAL_BODIES.uc, 1);
      path.push({ kind: 'note', name: 'pooled connection closed by the app', detail: `idle for at least the app's keepaliveTimeout (${pod.app?.keepaliveTimeoutMs}ms); the app's FIN crossed the request${pod.app ? srcOf(pod.app.source) : ''}` });
      return { status: 503, body: LOCAL_BODIES.uc, headers: [['content-length', String(LOCAL_BODIES.uc.length)], ['content-type', 'text/plain']], ms: 2, hops: [hop] };
    }
    e.response_code = app.status;
    e.response_code_details = 'via_upstream';
    e.bytes_sent = app.body.length;
    e.upstream_service_time = app.ms;
    e.duration = app.ms + 1;
    path.push({ kind: 'app', name: `${app.status}`, detail: pod.app ? `${pod.app.source.resource} (${pod.app.source.file}:${pod.app.source.line})` : 'no AppBehavior: answers 200' });
    // The app's own upstream calls end before its answer, so their log lines come first.
    return { status: app.status, body: app.body, headers: [...app.headers, ['x-envoy-upstream-service-time', String(app.ms)]], ms: app.ms + 1, hops: [...app.hops, hop] };
  }

  // ---- the HTTP connection manager + router shared by sidecars and gateways ----

  private newHop(pod: PodInstance, direction: Hop['direction'], path: PathStep[], t: number): Hop {
    const entry = emptyEntry();
    entry.start_time = isoTime(this.clock + t);
    return { proxy: `${pod.name}.${pod.namespace}`, direction, log: '', entry, path, startMs: t };
  }

  private fillRequest(e: AccessLogEntry, req: HttpReq): void {
    e.method = req.method;
    e.path = req.path;
    e.protocol = 'HTTP/1.1';
    e.authority = req.authority;
    e.user_agent = req.userAgent;
    e.request_id = req.requestId;
    e.x_forwarded_for = req.xff;
    e.bytes_received = req.body.length;
    e.response_flags = [];
  }

  private localReply(e: AccessLogEntry, status: number, flags: string, details: string, body: string, ms: number): void {
    e.response_code = status;
    e.response_flags = flags ? flags.split(',') : [];
    e.response_code_details = details;
    e.bytes_sent = body.length;
    e.duration = ms;
    e.upstream_service_time = null;
  }

  private gateway(pod: PodInstance, port: number, req: HttpReq, t: number, src: { ip: string; port: number }, sni: string | null): Reply {
    const cfg = this.config(pod)!;
    const listener = cfg.listeners.find((l) => l.port === port && (l.kind === 'gateway' || l.kind === 'tcp'));
    // No Gateway server (or a TCP server without a VirtualService tcp route): no listener, the port refuses.
    if (!listener) {
      const tcpServer = this.sc.model.ofKind('Gateway').some((g) => Array.isArray(g.spec.servers) && (g.spec.servers as Record<string, Record<string, unknown>>[]).some((sv) => String(sv.port?.protocol ?? '').toUpperCase() === 'TCP'));
      return { status: 0, body: '', headers: [], ms: 1, reset: 'refused', hops: [], notes: [{ kind: 'note', name: `no listener on ${pod.name} port ${port}`, detail: tcpServer ? `a Gateway TCP server gets a listener only when a VirtualService with a matching tcp route is bound to it (istiod: gateway omitting listener "0.0.0.0_${port}" due to: must have more than 0 chains)` : 'no Gateway server with a VirtualService covers this port' }] };
    }
    const down = { local: `${pod.ip}:${port}`, remote: `${src.ip}:${src.port}` };
    if (listener.kind === 'tcp') return this.tcpProxy(cfg, listener.tcpCluster!, down, req, t, 'gateway', [{ kind: 'listener', name: listener.name, detail: `gateway TCP port ${port}: tcp_proxy from a VirtualService tcp route`, ...(listener.source ? { source: listener.source } : {}) }]);
    if (listener.tlsHosts) {
      // HTTPS servers: one filter chain per accepted server, matched by SNI. No chain: the handshake is reset.
      const name = sni ?? '';
      if (!listener.tlsHosts.some((h) => h === '*' || hostCovers(h, name))) {
        const notes: PathStep[] = [{ kind: 'listener', name: listener.name, detail: `HTTPS filter chains for ${listener.tlsHosts.join(', ')}; none matches SNI "${name}", so the handshake is reset`, ...(listener.source ? { source: listener.source } : {}) }];
        for (const r of cfg.rejected) notes.push({ kind: 'note', name: `istiod rejected a server of Gateway ${r.gateway}`, detail: `port ${r.port}: duplicate TLS host(s) ${r.duplicates.join(', ')} already on an earlier Gateway (pilot_total_rejected_configs{type="${r.gateway}"})`, source: r.source });
        return { status: 0, body: '', headers: [], ms: 1, reset: 'reset', hops: [], notes };
      }
    }
    const fwd = { ...req, sni, xff: req.xff ? `${req.xff},${src.ip}` : src.ip };
    return this.route(cfg, listener.name, listener.rds!, fwd, t, down, 'gateway', [{ kind: 'listener', name: listener.name, detail: `gateway port ${port}`, ...(listener.source ? { source: listener.source } : {}) }]);
  }

  /** Routes an HTTP request on a proxy: vhost, route, fault, cluster, endpoints, attempts. */
  private route(cfg: ProxyConfig, listenerName: string, rdsName: string, req: HttpReq, t0: number, down: { local: string; remote: string }, direction: Hop['direction'], path: PathStep[]): Reply {
    const pod = cfg.pod;
    const hop = this.newHop(pod, direction, path, t0);
    const e = hop.entry;
    this.fillRequest(e, req);
    e.downstream_local_address = down.local;
    e.downstream_remote_address = down.remote;
    e.requested_server_name = req.sni;
    const hops: Hop[] = [hop];
    const local = (status: number, flags: string, details: string, body: string, ms = 1): Reply => {
      this.localReply(e, status, flags, details, body, ms);
      const headers: [string, string][] = body ? [['content-length', String(body.length)], ['content-type', 'text/plain']] : [['content-length', '0']];
      return { status, body, headers, ms, hops };
    };
    const rc = cfg.routes.find((r) => r.name === rdsName);
    path.push({ kind: 'route_config', name: rdsName, detail: `${listenerName} uses RDS ${rdsName}` });
    const vh = rc ? pickVhost(rc.vhosts, req.authority) : undefined;
    if (!vh) {
      path.push({ kind: 'note', name: 'no virtual host', detail: `no domain of route config ${rdsName} matches "${req.authority}"` });
      return local(404, 'NR', 'route_not_found', '');
    }
    path.push({ kind: 'virtual_host', name: vh.name, detail: `domain matched for "${req.authority}"` });
    const r = vh.routes.find((x) => routeMatches(x, req));
    if (!r) {
      path.push({ kind: 'note', name: 'no route', detail: vh.routes.length ? `none of the ${vh.routes.length} route(s) of ${vh.name} match ${req.method} ${req.path}` : `${vh.name} has no routes (no VirtualService for this host is bound here)` });
      return local(404, 'NR', 'route_not_found', '');
    }
    e.route_name = r.name || null;
    path.push({ kind: 'route', name: r.name || '(unnamed)', detail: r.vs ? `VirtualService ${r.vs.namespace}/${r.vs.name}` : r.name === 'default' ? 'generated default route (no VirtualService)' : 'generated', ...(r.source ? { source: r.source } : {}) });
    const a = r.action;
    if (a.kind === 'direct') {
      path.push({ kind: 'note', name: `direct response ${a.status}`, detail: r.name === 'block_all' ? 'outboundTrafficPolicy REGISTRY_ONLY: unknown hosts get 502' : 'the route answers by itself' });
      return local(a.status, '', 'direct_response', a.body);
    }
    if (a.kind === 'redirect') {
      const rep = local(a.status, '', 'direct_response', '');
      rep.headers.push(['location', a.location]);
      return rep;
    }
    // weighted pick
    let pick = a.clusters[0]!;
    if (a.clusters.length > 1) {
      const total = a.clusters.reduce((s, c) => s + c.weight, 0) || 1;
      let x = this.rng.next() * total;
      for (const c of a.clusters) {
        x -= c.weight;
        if (x < 0) {
          pick = c;
          break;
        }
      }
    }
    const cluster: DCluster | undefined = cfg.clusters.find((c) => c.name === pick.name);
    if (!cluster) {
      path.push({ kind: 'cluster', name: pick.name, detail: 'NOT FOUND in this proxy: no DestinationRule defines this subset, or the host is unknown', ...(pick.source ? { source: pick.source } : {}) });
      return local(503, 'NC', 'cluster_not_found', '');
    }
    e.upstream_cluster = cluster.name;
    path.push({ kind: 'cluster', name: cluster.name, detail: cluster.dr ? `DestinationRule ${cluster.dr.namespace}/${cluster.dr.name}${cluster.subset ? ` subset ${cluster.subset}` : ''}${cluster.tls ? `, tls ${cluster.tls.mode}${cluster.tls.sni ? ` sni ${cluster.tls.sni}` : ''}` : ''}${cluster.outlier ? ', outlierDetection' : ''}` : 'no DestinationRule', ...(cluster.source ? { source: cluster.source } : pick.source ? { source: pick.source } : {}) });
    let t = t0 + 1;
    const flags: string[] = [];
    if (a.fault) {
      if (a.fault.delayMs !== undefined && this.rng.next() * 100 < (a.fault.delayPercent ?? 100)) {
        flags.push('DI');
        t += a.fault.delayMs;
        path.push({ kind: 'fault', name: `delay ${a.fault.delayMs}ms`, ...(r.source ? { source: r.source } : {}) });
      }
      if (a.fault.abortStatus !== undefined && this.rng.next() * 100 < (a.fault.abortPercent ?? 100)) {
        path.push({ kind: 'fault', name: `abort ${a.fault.abortStatus}`, ...(r.source ? { source: r.source } : {}) });
        return local(a.fault.abortStatus, [...flags, 'FI'].join(','), 'fault_filter_abort', LOCAL_BODIES.fi, t - t0);
      }
    }
    // Passthrough: to the original destination, no endpoints of our own.
    if (cluster.name === 'PassthroughCluster') {
      const [ip, p] = down.local.split(':');
      path.push({ kind: 'endpoint', name: down.local, detail: 'original destination (ALLOW_ANY)' });
      const rep = this.toAddress(ip!, Number(p), { ...req }, t, { ip: pod.ip, port: this.port() }, null);
      return this.finish(e, hop, hops, rep, t0, t, down.local, flags, path);
    }
    let healthy = (cluster.endpoints ?? []).filter((x) => x.healthy);
    if (cluster.endpoints && healthy.length === 0 && !cluster.outlier) {
      path.push({ kind: 'endpoint', name: '(none)', detail: cluster.endpoints.length ? `${cluster.endpoints.length} endpoint(s), none healthy (pods not ready)` : cluster.subset ? `no pod has the subset's labels and the service's selector` : 'the service selects no pods' });
      return local(503, [...flags, 'UH'].join(','), 'no_healthy_upstream', LOCAL_BODIES.uh, t - t0);
    }
    // Outlier detection (DestinationRule outlierDetection): ejected hosts leave the
    // load-balancing set; below minHealthPercent the balancer panics and uses every host.
    const detector = cluster.outlier && cluster.endpoints ? this.detector(hop.proxy, cluster) : null;
    const observe = (addr: string, status: number, at: number): void => {
      const ev = detector?.record(addr, status, this.clock + at);
      if (ev) path.push({ kind: 'note', name: `outlier detection: ${addr} ${ev.kind}`, detail: ev.detail, source: cluster.outlier!.source });
      if (ev?.kind === 'ejected') healthy = healthy.filter((x) => `${x.ip}:${x.port}` !== addr);
    };
    if (detector && cluster.endpoints) {
      for (const ev of detector.sweep(this.clock + t)) path.push({ kind: 'note', name: `outlier detection: ${ev.host} ${ev.kind}`, detail: ev.detail, source: cluster.outlier!.source });
      const usable = healthy.filter((x) => !detector.isEjected(`${x.ip}:${x.port}`));
      const total = cluster.endpoints.length;
      // Envoy's healthy share counts with the overprovisioning factor (1.4, as Istio's EDS sets it).
      const healthyPercent = total ? Math.min(100, (140 * usable.length) / total) : 0;
      const threshold = cluster.outlier!.minHealthPercent;
      if (total && healthyPercent < threshold) {
        path.push({ kind: 'note', name: 'panic mode', detail: `${usable.length} of ${total} hosts usable (${Math.round(healthyPercent)}% with overprovisioning 1.4) < minHealthPercent ${threshold}%: the load balancer uses every host, ejected or not`, source: cluster.outlier!.source });
        healthy = [...cluster.endpoints];
      } else healthy = usable;
      if (healthy.length === 0) {
        const ejected = detector.ejectedCount();
        path.push({ kind: 'endpoint', name: '(none)', detail: ejected ? `${ejected} of ${total} endpoint(s) ejected by outlier detection, the others unhealthy; minHealthPercent ${threshold}% (istiod's default 0 turns panic mode off)` : total ? `${total} endpoint(s), none healthy (pods not ready)` : cluster.subset ? `no pod has the subset's labels and the service's selector` : 'the service selects no pods', ...(ejected ? { source: cluster.outlier!.source } : {}) });
        return local(503, [...flags, 'UH'].join(','), 'no_healthy_upstream', LOCAL_BODIES.uh, t - t0);
      }
    }
    // Attempts (first try + retries), bounded by the route timeout.
    const retry = a.retry;
    const deadline = a.timeoutMs > 0 ? t0 + a.timeoutMs : Infinity;
    let left = retry ? retry.attempts : 0;
    let attempt = 0;
    let upstreamAddr = '';
    const tried = new Set<string>();
    const sni = `outbound_.${cluster.port}_.${cluster.subset ?? ''}_.${cluster.host}`;
    for (;;) {
      attempt++;
      if (detector && healthy.length === 0) {
        path.push({ kind: 'endpoint', name: '(none)', detail: 'outlier detection ejected the last usable host during the retries', source: cluster.outlier!.source });
        return local(503, [...flags, 'UH'].join(','), 'no_healthy_upstream', LOCAL_BODIES.uh, t - t0);
      }
      let ep = healthy[0];
      if (healthy.length) {
        const fresh = healthy.filter((x) => !tried.has(`${x.ip}:${x.port}`));
        const pool = fresh.length ? fresh : healthy;
        const k = `${pod.name}/${cluster.name}`;
        const n = this.rr.get(k) ?? this.rng.int(0, pool.length);
        this.rr.set(k, n + 1);
        ep = pool[n % pool.length]!;
      }
      // STRICT_DNS clusters (DNS ServiceEntry, ExternalName): the address DNS gives for the host.
      const dnsIp = ep ? undefined : this.resolve(cluster.service?.externalName ?? cluster.host ?? '', pod)?.ip;
      const addr = ep ? `${ep.ip}:${ep.port}` : dnsIp && cluster.port ? `${dnsIp}:${cluster.port}` : down.local;
      tried.add(addr);
      upstreamAddr = addr;
      path.push({ kind: 'endpoint', name: addr, detail: `${ep?.pod ? `pod ${ep.pod.name}` : 'outside the mesh'}${attempt > 1 ? `, attempt ${attempt}` : ''}` });
      const connection = `${hop.proxy}>${addr}`;
      const src = { ip: pod.ip, port: this.connectionPort(connection) };
      e.upstream_local_address = `${src.ip}:${src.port}`;
      let rep: Reply;
      const ip = ep ? ep.ip : dnsIp ?? '';
      const direct = ep?.pod ? (ep.pod.proxy === 'none' ? ep.pod.app : undefined) : this.externalApp(ip);
      // TLS origination: the DestinationRule's sni; else (auto SNI, Istio >= 1.21) the request's
      // Host; before that Envoy passed on the downstream SNI (guide: tls-wrong-sni), or none.
      const originating = cluster.tls && cluster.tls.mode !== 'DISABLE' && cluster.tls.mode !== 'ISTIO_MUTUAL';
      // Without `sni` Envoy sends none, unless auto SNI (Istio >= 1.21) takes the request's Host.
      const upstreamSni = originating ? cluster.tls?.sni ?? (this.sc.mesh.autoSni ? req.authority.split(':')[0]! : '') : null;
      // A pooled connection closed while idle left the pool: this request opens a new one.
      const closed = direct ? this.closedWhileIdle(connection, direct, t, cluster) : null;
      if (closed) {
        src.port = this.reconnect(connection, t);
        e.upstream_local_address = `${src.ip}:${src.port}`;
        path.push({ kind: 'note', name: 'new upstream connection', detail: `the pooled connection was closed while idle (${closed})`, ...(cluster.idleTimeoutMs !== undefined && cluster.source ? { source: cluster.source } : {}) });
      }
      if (!closed && direct !== undefined && this.droppedOnPath(hop.proxy, addr, direct, t, cluster)) {
        rep = { status: 0, body: '', headers: [], ms: 1, reset: 'termination', hops: [] };
        const ka = cluster.keepalive ? `TCP keepalive probes start only after ${cluster.keepalive.time ?? 7200}s idle` : 'The cluster has no TCP keepalive';
        path.push({ kind: 'note', name: 'pooled connection dropped on the path', detail: `idle for at least ${direct!.networkIdleTimeoutMs! / 1000}s, the idle timeout of a middlebox between this proxy and the server, which forgot the connection silently; the request met a RST. ${ka}${srcOf(direct!.source)}`, ...(cluster.source ? { source: cluster.source } : {}) });
      } else if (!closed && direct !== undefined && this.pooledConnectionClosed(hop.proxy, addr, direct, t)) {
        rep = { status: 0, body: '', headers: [], ms: 1, reset: 'termination', hops: [] };
        path.push({ kind: 'note', name: 'pooled connection closed by the app', detail: `idle for at least the app's keepaliveTimeout (${direct?.keepaliveTimeoutMs}ms); the FIN crossed the request${direct ? srcOf(direct.source) : ''}` });
      } else if (upstreamSni !== null && direct?.tlsServerNames && !certCovers(direct.tlsServerNames, upstreamSni)) {
        // TLS origination (DestinationRule tls SIMPLE/MUTUAL) naming a host the server has no certificate for, or none.
        rep = { status: 0, body: '', headers: [], ms: 1, reset: 'tls', hops: [] };
        path.push({ kind: 'note', name: `TLS handshake failed (${upstreamSni ? `SNI ${upstreamSni}` : 'no SNI'})`, detail: `the server only knows ${direct.tlsServerNames.join(', ')}; ${cluster.tls?.sni ? 'the DestinationRule sets this sni' : this.sc.mesh.autoSni ? `the DestinationRule sets no sni, so auto SNI used the Host header (Istio ${this.sc.mesh.istioVersion})` : `the DestinationRule sets no sni, and before Istio 1.21 none is sent (Istio ${this.sc.mesh.istioVersion})`}`, ...(cluster.source ? { source: cluster.source } : {}) });
      } else if (ep?.pod) rep = this.toPod(ep.pod, ep.port, { ...req, sni: null }, t, src, sni);
      else rep = this.toAddress(ip, ep ? ep.port : cluster.port ?? 80, { ...req, sni: null }, t, src, null);
      // A reset or refused connection leaves the pool: the next request opens a new one.
      if (rep.reset) this.connPorts.delete(connection);
      hops.push(...rep.hops);
      const perTry = retry?.perTryTimeoutMs ? t + retry.perTryTimeoutMs : Infinity;
      const limit = Math.min(deadline, perTry);
      if (t + rep.ms > limit) {
        cancel(rep.hops, limit);
        t = limit;
        observe(addr, 504, t);
        if (limit === deadline) {
          path.push({ kind: 'note', name: 'route timeout', detail: `${a.timeoutMs}ms elapsed (VirtualService timeout)` });
          e.upstream_host = addr;
          return local(504, [...flags, 'UT'].join(','), 'response_timeout', LOCAL_BODIES.ut, t - t0);
        }
        if (retry && retriableTimeout(retry) && left > 0) {
          left--;
          path.push({ kind: 'retry', name: `per-try timeout ${retry.perTryTimeoutMs}ms`, detail: `retrying (retryOn ${retry.retryOn.join(',')})` });
          t += this.backoff(attempt);
          continue;
        }
        e.upstream_host = addr;
        const urx = retry && retriableTimeout(retry) ? ['URX'] : [];
        path.push({ kind: 'note', name: 'per-try timeout', detail: retry && !retriableTimeout(retry) ? `retryOn ${retry.retryOn.join(',')} does not retry timeouts` : 'retries exhausted' });
        return local(504, [...flags, 'UT', ...urx].join(','), 'upstream_per_try_timeout', LOCAL_BODIES.ut, t - t0);
      }
      t += rep.ms;
      observe(addr, rep.reset ? 503 : rep.status, t);
      if (rep.reset === 'termination') {
        // Not a connect failure: only retryOn reset (or 5xx / gateway-error) retries it; Istio's default policy does not.
        if (retry && retriableTimeout(retry) && left > 0) {
          left--;
          path.push({ kind: 'retry', name: 'upstream reset', detail: `retrying on a new connection (retryOn ${retry.retryOn.join(',')})` });
          t += this.backoff(attempt);
          continue;
        }
        e.upstream_host = addr;
        const urx = retry && retriableTimeout(retry) && attempt > 1 ? ['URX'] : [];
        return local(503, [...flags, 'UC', ...urx].join(','), 'upstream_reset_before_response_started{connection_termination}', LOCAL_BODIES.uc, t - t0);
      }
      if (rep.reset) {
        if (retry && retriableReset(retry) && left > 0) {
          left--;
          path.push({ kind: 'retry', name: 'connection failure', detail: `retrying (retryOn ${retry.retryOn.join(',')})` });
          t += this.backoff(attempt);
          continue;
        }
        e.upstream_host = addr;
        const urx = retry && retriableReset(retry) && attempt > 1 ? ['URX'] : [];
        if (rep.reset === 'tls') {
          // A TLS upstream counts as connected only after its handshake: a failed one is a connection failure, with the reason.
          const rl = local(503, [...flags, 'UF', ...urx].join(','), `upstream_reset_before_response_started{connection_failure,${TLS_HANDSHAKE_FAILURE}}`, tlsFailureBody(attempt > 1), t - t0);
          e.upstream_transport_failure_reason = TLS_HANDSHAKE_FAILURE;
          return rl;
        }
        return local(503, [...flags, 'UF', ...urx].join(','), 'upstream_reset_before_response_started{connection_failure}', LOCAL_BODIES.uf, t - t0);
      }
      if (retry && retriableStatus(retry, rep.status)) {
        if (left > 0) {
          left--;
          path.push({ kind: 'retry', name: `status ${rep.status}`, detail: `retrying (retryOn ${retry.retryOn.join(',')}; ${left} left)` });
          t += this.backoff(attempt);
          continue;
        }
        flags.push('URX');
      }
      return this.finish(e, hop, hops, rep, t0, t, upstreamAddr, flags, path);
    }
  }

  private backoff(attempt: number): number {
    // Envoy's default: fully jittered exponential back-off, base 25ms, max 250ms.
    return this.rng.int(0, Math.min(250, 25 * 2 ** attempt));
  }

  private finish(e: AccessLogEntry, _hop: Hop, hops: Hop[], rep: Reply, t0: number, t: number, upstream: string, flags: string[], path: PathStep[]): Reply {
    if (!hops.includes(rep.hops[0]!) && rep.hops.length) hops.push(...rep.hops);
    e.upstream_host = upstream;
    if (rep.reset) {
      this.localReply(e, 503, 'UF', 'upstream_reset_before_response_started{connection_failure}', LOCAL_BODIES.uf, t - t0);
      return { status: 503, body: LOCAL_BODIES.uf, headers: [['content-type', 'text/plain']], ms: t - t0, hops };
    }
    e.response_code = rep.status;
    e.response_flags = flags;
    e.response_code_details = 'via_upstream';
    e.bytes_sent = rep.body.length;
    e.duration = t - t0 + 1;
    const ust = rep.headers.find(([k]) => k === 'x-envoy-upstream-service-time');
    e.upstream_service_time = ust ? Number(ust[1]) + 1 : rep.ms;
    void path;
    const headers = rep.headers.filter(([k]) => k !== 'x-envoy-upstream-service-time');
    headers.push(['x-envoy-upstream-service-time', String(e.upstream_service_time)]);
    return { status: rep.status, body: rep.body, headers, ms: t - t0 + 1, hops };
  }

  // ---- outbound from a sidecar ---------------------------------------------------

  /** The listener that takes ip:port on a sidecar, and whether it proxies as TCP (and to which cluster). */
  private outboundListener(cfg: ProxyConfig, ip: string, port: number, tls: boolean): { http?: DListener; tcp?: DListener; cluster: string } {
    const vip = cfg.listeners.find((l) => l.kind === 'tcp' && l.address === ip && l.port === port);
    if (vip) return { tcp: vip, cluster: vip.tcpCluster! };
    const wild = cfg.listeners.find((l) => l.address === '0.0.0.0' && l.port === port && (l.kind === 'http' || l.kind === 'tcp'));
    if (wild?.kind === 'http' && !tls) return { http: wild, cluster: '' };
    if (wild?.defaultCluster) return { tcp: wild, cluster: wild.defaultCluster };
    return { cluster: cfg.outboundPolicy === 'ALLOW_ANY' ? 'PassthroughCluster' : 'BlackHoleCluster' };
  }

  private outbound(pod: PodInstance, ip: string, port: number, req: HttpReq, t: number, tls: boolean): Reply {
    const cfg = this.config(pod)!;
    const down = { local: `${ip}:${port}`, remote: `${pod.ip}:${this.port()}` };
    const l = this.outboundListener(cfg, ip, port, tls);
    // A service left out by a Sidecar's egress hosts: this proxy has no config for it.
    const svc = this.serviceByVip(ip);
    const scopeNote: PathStep[] = cfg.scope && svc && !cfg.scope.hosts.has(svc.fqdn) ? [{ kind: 'note', name: 'outside the Sidecar scope', detail: `${svc.fqdn} is not in the egress hosts of Sidecar ${cfg.scope.sidecar.namespace}/${cfg.scope.sidecar.name} (${cfg.scope.egressHosts.join(', ')}): no listener, route or cluster for it on this proxy, so it is handled as an unknown destination (outboundTrafficPolicy ${cfg.outboundPolicy})`, source: cfg.scope.source }] : [];
    if (l.http) return this.route(cfg, l.http.name, l.http.rds!, req, t, down, 'outbound', [{ kind: 'listener', name: l.http.name, detail: `0.0.0.0:${port}, HTTP (one listener per service port)` }, ...scopeNote]);
    // TCP: a service's VIP:port listener, a default chain, or the virtualOutbound catch-all.
    const path: PathStep[] = l.tcp
      ? l.tcp.defaultCluster
        ? [{ kind: 'listener', name: l.tcp.name, detail: `0.0.0.0:${port}` }, { kind: 'filter_chain', name: 'default_filter_chain', detail: `traffic no other chain takes on port ${port} (${tls ? 'TLS' : 'not HTTP'}) goes to a service without a VIP (ExternalName)`, ...(l.tcp.source ? { source: l.tcp.source } : {}) }]
        : [{ kind: 'listener', name: l.tcp.name, detail: 'TCP service port' }]
      : [
          { kind: 'listener', name: 'virtualOutbound', detail: `no listener for ${ip}:${port}; 0.0.0.0:15001 catches it` },
          { kind: 'filter_chain', name: 'virtualOutbound-catchall-tcp', detail: `outboundTrafficPolicy ${cfg.outboundPolicy}`, ...(this.sc.mesh.source ? { source: this.sc.mesh.source } : {}) },
        ];
    return this.tcpProxy(cfg, l.cluster, down, req, t, 'outbound', [...path, ...scopeNote]);
  }

  /** Envoy's tcp_proxy: one log line per connection (no HTTP fields), bytes both ways. */
  private tcpProxy(cfg: ProxyConfig, cluster: string, down: { local: string; remote: string }, req: HttpReq, t: number, direction: Hop['direction'], path: PathStep[]): Reply {
    const pod = cfg.pod;
    path.push({ kind: 'cluster', name: cluster });
    const hop = this.newHop(pod, direction, path, t);
    const e = hop.entry;
    e.response_code = 0;
    e.upstream_cluster = cluster;
    e.downstream_local_address = down.local;
    e.downstream_remote_address = down.remote;
    e.requested_server_name = req.sni;
    e.bytes_received = 0;
    e.bytes_sent = 0;
    if (cluster === 'BlackHoleCluster') {
      e.response_flags = ['UH'];
      e.duration = 0;
      path.push({ kind: 'note', name: 'connection closed', detail: 'BlackHoleCluster has no endpoints: REGISTRY_ONLY blocks hosts outside the registry' });
      return { status: 0, body: '', headers: [], ms: 1, reset: 'reset', hops: [hop] };
    }
    const c = cfg.clusters.find((x) => x.name === cluster);
    const healthy = (c?.endpoints ?? []).filter((x) => x.healthy);
    const [lip, lport] = down.local.split(':');
    let dst = { ip: lip!, port: Number(lport) };
    if (c?.endpoints) {
      if (!healthy.length) {
        e.response_flags = ['UH'];
        e.duration = 0;
        path.push({ kind: 'endpoint', name: '(none)', detail: 'no healthy endpoint: the connection is closed' });
        return { status: 0, body: '', headers: [], ms: 1, reset: 'reset', hops: [hop] };
      }
      const ep = healthy[this.rng.int(0, healthy.length)]!;
      dst = { ip: ep.ip, port: ep.port };
    } else if (c?.type === 'STRICT_DNS' && c.host) {
      const name = c.service?.externalName ?? c.host;
      dst = { ip: this.resolve(name, pod)?.ip ?? dst.ip, port: c.port ?? dst.port };
      path.push({ kind: 'note', name: `DNS ${name}`, detail: `STRICT_DNS cluster resolves ${name}` });
    }
    e.upstream_host = `${dst.ip}:${dst.port}`;
    path.push({ kind: 'endpoint', name: e.upstream_host });
    const src = { ip: pod.ip, port: this.port() };
    e.upstream_local_address = `${src.ip}:${src.port}`;
    const rep = this.toAddress(dst.ip, dst.port, req, t + 1, src, req.sni);
    if (rep.reset === 'refused') {
      e.response_flags = ['UF'];
      e.duration = 1;
      e.upstream_transport_failure_reason = null;
      return { ...rep, reset: 'reset', ms: 2, hops: [hop, ...rep.hops] };
    }
    e.bytes_received = req.method ? req.body.length + 78 + req.authority.length + req.path.length : 0;
    e.bytes_sent = rep.reset ? 0 : rep.body.length + 120;
    e.duration = rep.ms + 1;
    return { ...rep, ms: rep.ms + 1, hops: [hop, ...rep.hops] };
  }

  // ---- the client -------------------------------------------------------------

  /**
   * A plain TCP client (mysql) to host:port. MySQL is a server-first protocol: the
   * client waits for the server's greeting. If the client sidecar has an HTTP (or
   * protocol-sniffing) listener on that port, Envoy waits for the client's first
   * bytes instead, and both sides wait until the client gives up (guide chapter
   * server-speaks-first-protocol; Istio "Server First Protocols").
   */
  tcpClient(from: PodInstance, host: string, port: number, timeoutMs: number): RequestOutcome {
    const start = this.clock;
    const target = this.resolve(host, from);
    const req: HttpReq = { method: '', path: '', authority: '', headers: [], body: '', requestId: '', userAgent: '', xff: null, sni: null };
    const done = (client: ClientResult, hops: Hop[], notes?: PathStep[]): RequestOutcome => {
      for (const h of hops) h.log = renderLogLine(h.entry, this.sc.mesh);
      this.clock = start + client.durationMs + this.gapMs;
      return { client, hops, ...(notes ? { notes } : {}) };
    };
    if (!target) return done({ status: null, body: '', headers: [], error: `ERROR 2005 (HY000): Unknown MySQL server host '${host}' (-2)`, exitCode: 1, durationMs: 1 }, []);
    let rep: Reply;
    if (from.proxy === 'sidecar') {
      const cfg = this.config(from)!;
      const l = this.outboundListener(cfg, target.ip, port, false);
      if (l.http) {
        const notes: PathStep[] = [
          { kind: 'listener', name: l.http.name, detail: `an HTTP service port ${port} exists in the mesh, so ${target.ip}:${port} is taken by the HTTP listener` },
          { kind: 'note', name: 'both sides wait', detail: 'Envoy waits for an HTTP request from the client; the MySQL client waits for the server greeting, which never comes (no connection to the server is opened). No access-log line: no request was ever read' },
        ];
        return done({ status: null, body: '', headers: [], error: `ERROR 2013 (HY000): Lost connection to MySQL server at 'reading initial communication packet', system error: 110`, exitCode: 1, durationMs: timeoutMs }, [], notes);
      }
      const down = { local: `${target.ip}:${port}`, remote: `${from.ip}:${this.port()}` };
      const path: PathStep[] = l.tcp ? [{ kind: 'listener', name: l.tcp.name, detail: l.tcp.defaultCluster ? 'default_filter_chain' : 'TCP service port' }] : [{ kind: 'listener', name: 'virtualOutbound', detail: `no listener for ${target.ip}:${port}; 0.0.0.0:15001 catches it` }, { kind: 'filter_chain', name: 'virtualOutbound-catchall-tcp', detail: `outboundTrafficPolicy ${cfg.outboundPolicy}` }];
      rep = this.tcpProxy(cfg, l.cluster, down, req, 0, 'outbound', path);
    } else rep = this.toAddress(target.ip, port, req, 0, { ip: from.ip, port: this.port() }, null);
    // Through a Service VIP or a gateway, the server is the pod the last proxy on the path connected to.
    const lastHost = rep.hops.at(-1)?.entry.upstream_host?.split(':')[0];
    const app = this.externalApp(target.ip) ?? this.sc.pods.find((p) => p.ip === target.ip)?.app ?? this.sc.pods.find((p) => p.ip === lastHost)?.app ?? null;
    for (const h of rep.hops) {
      // A MySQL session: greeting, login, a query, quit (byte counts of a short session).
      h.entry.bytes_sent = 1200;
      h.entry.bytes_received = 300;
      h.entry.method = null;
      h.entry.path = null;
      h.entry.protocol = null;
      h.entry.authority = null;
      h.entry.user_agent = null;
      h.entry.request_id = null;
      h.entry.response_code = 0;
      h.entry.response_code_details = null;
    }
    if (rep.reset === 'refused' || (rep.reset && !rep.hops.length)) return done({ status: null, body: '', headers: [], error: `ERROR 2003 (HY000): Can't connect to MySQL server on '${host}:${port}' (111)`, exitCode: 1, durationMs: 1 }, rep.hops);
    if (rep.reset) return done({ status: null, body: '', headers: [], error: `ERROR 2013 (HY000): Lost connection to MySQL server at 'reading initial communication packet', system error: 104`, exitCode: 1, durationMs: 2 }, rep.hops);
    if (app?.protocol !== 'mysql') return done({ status: null, body: '', headers: [], error: `ERROR 2013 (HY000): Lost connection to MySQL server at 'reading initial communication packet', system error: 0`, exitCode: 1, durationMs: rep.ms }, rep.hops);
    return done({ status: null, body: 'Welcome to the MySQL monitor.  Commands end with ; or \\g.\nServer version: 8.0.36 MySQL Community Server - GPL\n', headers: [], error: null, exitCode: 0, durationMs: rep.ms }, rep.hops);
  }

  /** Every Envoy on the path rewrites HTTP/1.1 header names; the strictest one wins. */
  private headerCaseOf(hops: Hop[]): HeaderCase {
    const cases = new Set<HeaderCase>();
    for (const h of hops) {
      const pod = this.sc.pods.find((p) => `${p.name}.${p.namespace}` === h.proxy);
      cases.add(pod ? this.config(pod)?.headerCase ?? 'lower' : 'lower');
    }
    return cases.has('lower') ? 'lower' : cases.has('proper') ? 'proper' : 'preserve';
  }

  /**
   * Sends one curl request from a pod. `proxyReady: false` plays a call made while
   * the sidecar is still starting: iptables already redirects the app's traffic to
   * port 15001, where nothing listens yet, so the connection is refused (guide chapter
   * startup-dependence; cured by holdApplicationUntilProxyStarts).
   */
  send(from: PodInstance, c: CurlRequest, opts: { proxyReady?: boolean } = {}): RequestOutcome {
    const authority = authorityOf(c);
    const ua = c.headers.find(([k]) => k.toLowerCase() === 'user-agent')?.[1] ?? ENVOY_UA;
    // Envoy keeps the x-request-id an in-mesh (internal) caller sends and generates one only when it is missing.
    const givenId = c.headers.find(([k]) => k.toLowerCase() === 'x-request-id')?.[1];
    const req: HttpReq = { method: c.method, path: c.path, authority, headers: c.headers, body: c.body, requestId: givenId || this.rng.uuid(), userAgent: ua, xff: null, sni: c.scheme === 'https' ? c.host : null };
    const start = this.clock;
    // --resolve HOST:PORT:ADDR (ADDR may be a service name here, for readability).
    const target = c.resolve?.host === c.host && c.resolve.port === c.port ? this.resolve(c.resolve.ip, from) : this.resolve(c.host, from);
    let rep: Reply | null = null;
    let error: string | null = null;
    let exitCode = 0;
    if (!target) {
      error = `curl: (6) Could not resolve host: ${c.host}`;
      exitCode = 6;
    } else if (from.proxy === 'sidecar' && opts.proxyReady === false) {
      rep = { status: 0, body: '', headers: [], ms: 0, reset: 'refused', hops: [] };
    } else if (from.proxy === 'sidecar') {
      rep = this.outbound(from, target.ip, c.port, req, 0, c.scheme === 'https');
    } else {
      rep = this.toAddress(target.ip, c.port, req, 0, { ip: from.ip, port: this.port() }, req.sni);
    }
    let durationMs = rep ? rep.ms : 1;
    if (rep && c.maxTimeMs !== null && rep.ms > c.maxTimeMs) {
      cancel(rep.hops, c.maxTimeMs);
      durationMs = c.maxTimeMs;
      error = `curl: (28) Operation timed out after ${c.maxTimeMs} milliseconds with 0 bytes received`;
      exitCode = 28;
      rep = { ...rep, status: 0, reset: 'reset' };
    } else if (rep?.reset === 'refused') {
      error = `curl: (7) Failed to connect to ${c.host} port ${c.port} after ${rep.ms} ms: Couldn't connect to server`;
      exitCode = 7;
    } else if (rep?.reset === 'cert') {
      error = `curl: (60) SSL: no alternative certificate subject name matches target host name '${c.host}'`;
      exitCode = 60;
    } else if (rep?.reset) {
      // A listener with no filter chain for the SNI resets the handshake (guide: duplicate TLS hosts);
      // BlackHoleCluster just closes the connection.
      const how = rep.hops.length === 0 ? 'Connection reset by peer' : 'SSL_ERROR_SYSCALL';
      error = c.scheme === 'https' ? `curl: (35) OpenSSL SSL_connect: ${how} in connection to ${c.host}:${c.port} ` : 'curl: (56) Recv failure: Connection reset by peer';
      exitCode = c.scheme === 'https' ? 35 : 56;
    } else if (rep && c.fail && rep.status >= 400) {
      error = `curl: (22) The requested URL returned error: ${rep.status}`;
      exitCode = 22;
    }
    const hops = rep?.hops ?? [];
    const notes = rep?.notes;
    for (const h of hops) h.log = renderLogLine(h.entry, this.sc.mesh);
    if (rep && hops.length) rep = { ...rep, headers: caseHeaders(rep.headers, this.headerCaseOf(hops)) };
    this.clock = start + durationMs + this.gapMs;
    const ok = rep && !rep.reset && exitCode !== 28;
    return {
      client: { status: ok ? rep!.status : null, body: ok && !(c.fail && rep!.status >= 400) ? rep!.body : '', headers: ok ? rep!.headers : [], error, exitCode, durationMs, ...(rep?.reset === 'cert' ? { certNames: rep.body.split(',') } : {}) },
      hops,
      ...(notes ? { notes } : {}),
    };
  }
}

/** Header names as the last Envoy writes them (HTTP/1.1 codec: lower case by default). */
function caseHeaders(headers: [string, string][], mode: HeaderCase): [string, string][] {
  if (mode === 'preserve') return headers;
  if (mode === 'lower') return headers.map(([k, v]) => [k.toLowerCase(), v]);
  return headers.map(([k, v]) => [k.replace(/(^|-)([a-z])/g, (_m, d: string, ch: string) => d + ch.toUpperCase()), v]);
}

/** The peer gave up at `at`: streams still open then log 0 DC (downstream_remote_disconnect). */
function cancel(hops: Hop[], at: number): void {
  for (const h of hops) {
    const e = h.entry;
    const end = h.startMs + (e.duration ?? 0);
    if (end <= at) continue;
    e.response_code = 0;
    e.response_flags = ['DC'];
    e.response_code_details = 'downstream_remote_disconnect';
    e.bytes_sent = 0;
    e.duration = Math.max(0, at - h.startMs);
    e.upstream_service_time = null;
  }
}

const REASONS: Record<number, string> = { 200: 'OK', 201: 'Created', 204: 'No Content', 301: 'Moved Permanently', 302: 'Found', 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 429: 'Too Many Requests', 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout' };

/** What curl prints: stdout (headers with -i, then the body) and stderr (-v, errors). */
export function curlOutput(c: CurlRequest, out: RequestOutcome, targetIp: string | null, source?: { ip: string; port: number }): { stdout: string; stderr: string; output?: OutputChunk[] } {
  let stdout = '';
  let stderr = '';
  const r = out.client;
  if (c.verbose && targetIp && r.exitCode === 7) {
    // Refused (curl 8.x -v): the connect fails, so nothing is sent.
    const from = source ? ` from ${source.ip} port ${source.port}` : '';
    stderr += `*   Trying ${targetIp}:${c.port}...\n* connect to ${targetIp} port ${c.port}${from} failed: Connection refused\n`;
    stderr += `${(r.error ?? '').replace(/^curl: \(7\) /, '* ')}\n* Closing connection\n${r.error ?? ''}\n`;
    return { stdout, stderr };
  }
  // No address: curl gives up before it connects or sends anything.
  if (c.verbose && r.exitCode === 6) return { stdout, stderr: `* Could not resolve host: ${c.host}\n* Closing connection\n${r.error ?? ''}\n` };
  const statusLine = r.status !== null ? `HTTP/1.1 ${r.status} ${REASONS[r.status] ?? ''}`.trimEnd() : '';
  // Envoy adds `server: envoy` only when it answered as an HTTP proxy (not for TCP/TLS passthrough).
  const httpProxied = out.hops.some((h) => h.entry.method !== null);
  const headers = [...r.headers, ['date', new Date(EPOCH).toUTCString()], ...(httpProxied ? [['server', 'envoy']] : [])] as [string, string][];
  if (c.verbose) {
    if (targetIp) stderr += `*   Trying ${targetIp}:${c.port}...\n* Connected to ${c.host} (${targetIp}) port ${c.port}\n`;
    if (c.scheme === 'https' && targetIp) {
      // The handshake comes before any request: a certificate for other names ends it there.
      stderr += `* ALPN: curl offers h2,http/1.1\n* TLSv1.3 (OUT), TLS handshake, Client hello (1):\n`;
      if (r.certNames) {
        stderr += `* TLSv1.3 (IN), TLS handshake, Server hello (2):\n* Server certificate:\n*  subject: CN=${r.certNames[0]}\n*  subjectAltName does not match ${c.host}\n`;
        if (r.error) stderr += r.error.replace(/^curl: \(\d+\) /, '* ') + '\n* Closing connection\n';
      } else if (!r.error) stderr += `* SSL connection using TLSv1.3 / TLS_AES_256_GCM_SHA384\n`;
      // -v prints errors even with -s.
      if (r.status === null) return { stdout, stderr: r.error ? stderr + r.error + '\n' : stderr };
    }
    stderr += `> ${c.method} ${c.path} HTTP/1.1\n> Host: ${authorityOf(c)}\n> User-Agent: ${ENVOY_UA}\n> Accept: */*\n`;
    for (const [k, v] of c.headers) if (k.toLowerCase() !== 'host') stderr += `> ${k}: ${v}\n`;
    stderr += '>\n';
    if (r.status !== null) {
      stderr += `< ${statusLine}\n`;
      for (const [k, v] of headers) stderr += `< ${k}: ${v}\n`;
      stderr += '<\n';
    }
  }
  // curl writes the -v lines above before the body, and the ones below after it.
  const stderrBeforeBody = stderr.length;
  if (r.status !== null && c.include) {
    stdout += statusLine + '\n';
    for (const [k, v] of headers) stdout += `${k}: ${v}\n`;
    stdout += '\n';
  }
  if (!c.head && c.output === null) stdout += r.body;
  // curl prints time_total in seconds with six decimals.
  if (c.writeOut) stdout += c.writeOut.replace(/%\{http_code\}/g, String(r.status ?? 0).padStart(3, '0')).replace(/%\{time_total\}/g, (r.durationMs / 1000).toFixed(6)).replace(/\\n/g, '\n');
  if (r.error && (!c.silent || c.showError || c.verbose)) stderr += r.error + '\n';
  if (c.verbose && r.status !== null) stderr += `* Connection #0 to host ${c.host} left intact\n`;
  if (!stdout || !stderr) return { stdout, stderr };
  const output: OutputChunk[] = [
    { stream: 'stderr', text: stderr.slice(0, stderrBeforeBody) },
    { stream: 'stdout', text: stdout },
    { stream: 'stderr', text: stderr.slice(stderrBeforeBody) },
  ];
  return { stdout, stderr, output: output.filter((o) => o.text !== '') };
}
