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
import type { KubeService } from '../analyzer/resources/index.ts';
import { deriveProxyConfig, type DCluster, type DRoute, type DVirtualHost, type ProxyConfig, type RetrySpec, type StringMatch } from './config.ts';
import { authorityOf, type CurlRequest } from './curl.ts';
import { renderLogLine } from './logs.ts';
import { Rng } from './rng.ts';
import { hashString, targetPort, type PodInstance, type Scenario, type SourceRef } from './scenario.ts';

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
}

export interface RequestOutcome {
  client: ClientResult;
  hops: Hop[];
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
}

interface Reply {
  status: number;
  body: string;
  headers: [string, string][];
  /** Time from arrival to the response (ms). */
  ms: number;
  /** The connection failed or was reset instead of an HTTP response. */
  reset?: 'refused' | 'reset';
  hops: Hop[];
}

const ENVOY_UA = 'curl/8.5.0';
const EPOCH = Date.UTC(2024, 4, 1, 8, 0, 0);

export const LOCAL_BODIES = {
  uh: 'no healthy upstream',
  ut: 'upstream request timeout',
  fi: 'fault filter abort',
  uf: 'upstream connect error or disconnect/reset before headers. reset reason: connection failure',
};

function isoTime(ms: number): string {
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

  constructor(readonly sc: Scenario, seed = 1) {
    this.rng = new Rng(seed);
  }

  config(pod: PodInstance): ProxyConfig | null {
    if (!this.configs.has(pod)) this.configs.set(pod, deriveProxyConfig(this.sc, pod));
    return this.configs.get(pod) ?? null;
  }

  private port(): number {
    return this.rng.int(32768, 60999);
  }

  // ---- name resolution ---------------------------------------------------------

  /** What a name resolves to from a pod: a service VIP, a ServiceEntry address, or an outside IP. */
  resolve(host: string, from: PodInstance): { ip: string; service?: KubeService } | null {
    if (/^\d+\.\d+\.\d+\.\d+$/.test(host)) return { ip: host };
    const candidates = [host, `${host}.${from.namespace}.svc.cluster.local`, `${host}.svc.cluster.local`, `${host}.cluster.local`];
    for (const c of candidates) {
      const s = this.sc.model.services.find((x) => x.fqdn === c);
      if (s) {
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
    return { ip: `203.0.113.${(hashString(host) % 250) + 1}` };
  }

  private serviceByVip(ip: string): KubeService | undefined {
    for (const [s, vip] of this.sc.vips) if (vip === ip) return s;
    return undefined;
  }

  private externalHost(ip: string): string | undefined {
    for (const a of this.sc.apps) for (const h of a.hosts) if (this.resolve(h, this.sc.pods[0]!)?.ip === ip) return h;
    return undefined;
  }

  // ---- the app ------------------------------------------------------------------

  private app(pod: PodInstance | null, port: number, req: HttpReq, externalIp?: string): Reply {
    if (pod && !pod.ports.includes(port)) return { status: 0, body: '', headers: [], ms: 1, reset: 'refused', hops: [] };
    const behavior = pod ? pod.app : this.sc.apps.find((a) => a.hosts.some((h) => this.resolve(h, this.sc.pods[0]!)?.ip === externalIp)) ?? null;
    const path = req.path.split('?')[0] ?? '/';
    if (!behavior || behavior.responses.length === 0) return { status: 200, body: 'ok\n', headers: [['content-type', 'text/plain']], ms: 1, hops: [] };
    const r = behavior.responses.find((x) => (x.method === undefined || x.method === req.method) && (x.path !== undefined ? x.path === path : x.prefix !== undefined ? path.startsWith(x.prefix) : true));
    if (!r) return { status: 404, body: '404 page not found\n', headers: [['content-type', 'text/plain; charset=utf-8']], ms: 1, hops: [] };
    return { status: r.status, body: r.body, headers: [['content-type', r.headers['content-type'] ?? 'text/plain'], ...Object.entries(r.headers).filter(([k]) => k !== 'content-type')], ms: Math.max(1, r.delayMs), hops: [] };
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
    if (pod.proxy === 'router') return this.gateway(pod, port, req, t, src);
    if (pod.proxy === 'sidecar') return this.inbound(pod, port, req, t, src, sni);
    return this.app(pod, port, req);
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
    if (chain) path.push({ kind: 'route_config', name: cluster, detail: 'inline' }, { kind: 'virtual_host', name: `inbound|http|${port}` }, { kind: 'route', name: 'default' });
    path.push({ kind: 'cluster', name: cluster }, { kind: 'endpoint', name: `${pod.ip}:${port}`, detail: `app container of ${pod.name}` });
    const hop = this.newHop(pod, 'inbound', path, t);
    const app = this.app(pod, port, req);
    const e = hop.entry;
    this.fillRequest(e, req);
    e.upstream_cluster = cluster;
    e.downstream_local_address = `${pod.ip}:${port}`;
    e.downstream_remote_address = `${src.ip}:${src.port}`;
    e.requested_server_name = sni;
    e.route_name = chain ? 'default' : null;
    e.upstream_host = `${pod.ip}:${port}`;
    if (app.reset) {
      this.localReply(e, 503, 'UF', 'upstream_reset_before_response_started{connection_failure}', LOCAL_BODIES.uf, 1);
      e.upstream_transport_failure_reason = null;
      path.push({ kind: 'note', name: 'connection refused', detail: `nothing listens on ${pod.ip}:${port} in ${pod.name}` });
      return { status: 503, body: LOCAL_BODIES.uf, headers: [['content-type', 'text/plain']], ms: 2, hops: [hop] };
    }
    e.upstream_local_address = `127.0.0.6:${this.port()}`;
    e.response_code = app.status;
    e.response_code_details = 'via_upstream';
    e.bytes_sent = app.body.length;
    e.upstream_service_time = app.ms;
    e.duration = app.ms + 1;
    path.push({ kind: 'app', name: `${app.status}`, detail: pod.app ? `${pod.app.source.resource} (${pod.app.source.file}:${pod.app.source.line})` : 'no AppBehavior: answers 200' });
    return { status: app.status, body: app.body, headers: [...app.headers, ['x-envoy-upstream-service-time', String(app.ms)]], ms: app.ms + 1, hops: [hop] };
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

  private gateway(pod: PodInstance, port: number, req: HttpReq, t: number, src: { ip: string; port: number }): Reply {
    const cfg = this.config(pod)!;
    const listener = cfg.listeners.find((l) => l.port === port && l.kind === 'gateway');
    if (!listener) return { status: 0, body: '', headers: [], ms: 1, reset: 'refused', hops: [] };
    const fwd = { ...req, xff: req.xff ? `${req.xff},${src.ip}` : src.ip };
    return this.route(cfg, listener.name, listener.rds!, fwd, t, { local: `${pod.ip}:${port}`, remote: `${src.ip}:${src.port}` }, 'gateway', [{ kind: 'listener', name: listener.name, detail: `gateway port ${port}`, ...(listener.source ? { source: listener.source } : {}) }]);
  }

  /** Routes an HTTP request on a proxy: vhost, route, fault, cluster, endpoints, attempts. */
  private route(cfg: ProxyConfig, listenerName: string, rdsName: string, req: HttpReq, t0: number, down: { local: string; remote: string }, direction: Hop['direction'], path: PathStep[]): Reply {
    const pod = cfg.pod;
    const hop = this.newHop(pod, direction, path, t0);
    const e = hop.entry;
    this.fillRequest(e, req);
    e.downstream_local_address = down.local;
    e.downstream_remote_address = down.remote;
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
    path.push({ kind: 'cluster', name: cluster.name, detail: cluster.dr ? `DestinationRule ${cluster.dr.namespace}/${cluster.dr.name}${cluster.subset ? ` subset ${cluster.subset}` : ''}${cluster.tls ? `, tls ${cluster.tls.mode}${cluster.tls.sni ? ` sni ${cluster.tls.sni}` : ''}` : ''}` : 'no DestinationRule', ...(cluster.source ? { source: cluster.source } : pick.source ? { source: pick.source } : {}) });
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
    const healthy = (cluster.endpoints ?? []).filter((x) => x.healthy);
    if (cluster.endpoints && healthy.length === 0) {
      path.push({ kind: 'endpoint', name: '(none)', detail: cluster.endpoints.length ? `${cluster.endpoints.length} endpoint(s), none healthy (pods not ready)` : cluster.subset ? `no pod has the subset's labels and the service's selector` : 'the service selects no pods' });
      return local(503, [...flags, 'UH'].join(','), 'no_healthy_upstream', LOCAL_BODIES.uh, t - t0);
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
      let ep = healthy[0];
      if (healthy.length) {
        const fresh = healthy.filter((x) => !tried.has(`${x.ip}:${x.port}`));
        const pool = fresh.length ? fresh : healthy;
        const k = `${pod.name}/${cluster.name}`;
        const n = this.rr.get(k) ?? this.rng.int(0, pool.length);
        this.rr.set(k, n + 1);
        ep = pool[n % pool.length]!;
      }
      const addr = ep ? `${ep.ip}:${ep.port}` : cluster.host && cluster.port ? `${cluster.host}:${cluster.port}` : down.local;
      tried.add(addr);
      upstreamAddr = addr;
      path.push({ kind: 'endpoint', name: addr, detail: `${ep?.pod ? `pod ${ep.pod.name}` : 'outside the mesh'}${attempt > 1 ? `, attempt ${attempt}` : ''}` });
      const src = { ip: pod.ip, port: this.port() };
      e.upstream_local_address = `${src.ip}:${src.port}`;
      let rep: Reply;
      if (ep?.pod) rep = this.toPod(ep.pod, ep.port, { ...req }, t, src, sni);
      else {
        const ip = ep ? ep.ip : this.resolve(cluster.host ?? '', pod)?.ip ?? '';
        rep = this.toAddress(ip, ep ? ep.port : cluster.port ?? 80, { ...req }, t, src, null);
      }
      hops.push(...rep.hops);
      const perTry = retry?.perTryTimeoutMs ? t + retry.perTryTimeoutMs : Infinity;
      const limit = Math.min(deadline, perTry);
      if (t + rep.ms > limit) {
        cancel(rep.hops, limit);
        t = limit;
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
      if (rep.reset) {
        if (retry && retriableReset(retry) && left > 0) {
          left--;
          path.push({ kind: 'retry', name: 'connection failure', detail: `retrying (retryOn ${retry.retryOn.join(',')})` });
          t += this.backoff(attempt);
          continue;
        }
        e.upstream_host = addr;
        const urx = retry && retriableReset(retry) && attempt > 1 ? ['URX'] : [];
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

  private outbound(pod: PodInstance, ip: string, port: number, req: HttpReq, t: number, tls: boolean): Reply {
    const cfg = this.config(pod)!;
    const down = { local: `${ip}:${port}`, remote: `${pod.ip}:${this.port()}` };
    const tcp = cfg.listeners.find((l) => l.kind === 'tcp' && l.address === ip && l.port === port);
    const http = tls ? undefined : cfg.listeners.find((l) => l.kind === 'http' && l.port === port);
    if (http && !tcp) return this.route(cfg, http.name, http.rds!, req, t, down, 'outbound', [{ kind: 'listener', name: http.name, detail: `0.0.0.0:${port}, HTTP (one listener per service port)` }]);
    // TCP: a service's VIP:port listener, or the virtualOutbound catch-all.
    const cluster = tcp?.tcpCluster ?? (this.sc.mesh.outboundPolicy === 'ALLOW_ANY' ? 'PassthroughCluster' : 'BlackHoleCluster');
    const path: PathStep[] = tcp
      ? [{ kind: 'listener', name: tcp.name, detail: 'TCP service port' }]
      : [
          { kind: 'listener', name: 'virtualOutbound', detail: `no listener for ${ip}:${port}; 0.0.0.0:15001 catches it` },
          { kind: 'filter_chain', name: 'virtualOutbound-catchall-tcp', detail: `outboundTrafficPolicy ${this.sc.mesh.outboundPolicy}`, ...(this.sc.mesh.source ? { source: this.sc.mesh.source } : {}) },
        ];
    path.push({ kind: 'cluster', name: cluster });
    const hop = this.newHop(pod, 'outbound', path, t);
    const e = hop.entry;
    e.response_code = 0;
    e.upstream_cluster = cluster;
    e.downstream_local_address = down.local;
    e.downstream_remote_address = down.remote;
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
    let dst = { ip, port };
    if (c?.endpoints) {
      if (!healthy.length) {
        e.response_flags = ['UH'];
        e.duration = 0;
        return { status: 0, body: '', headers: [], ms: 1, reset: 'reset', hops: [hop] };
      }
      const ep = healthy[this.rng.int(0, healthy.length)]!;
      dst = { ip: ep.ip, port: ep.port };
    }
    e.upstream_host = `${dst.ip}:${dst.port}`;
    path.push({ kind: 'endpoint', name: e.upstream_host });
    const src = { ip: pod.ip, port: this.port() };
    e.upstream_local_address = `${src.ip}:${src.port}`;
    const rep = this.toAddress(dst.ip, dst.port, req, t + 1, src, null);
    e.bytes_received = req.body.length + 78 + req.authority.length + req.path.length;
    e.bytes_sent = rep.body.length + 120;
    e.duration = rep.ms + 1;
    return { ...rep, ms: rep.ms + 1, hops: [hop, ...rep.hops] };
  }

  // ---- the client -------------------------------------------------------------

  /** Sends one curl request from a pod. */
  send(from: PodInstance, c: CurlRequest): RequestOutcome {
    const authority = authorityOf(c);
    const ua = c.headers.find(([k]) => k.toLowerCase() === 'user-agent')?.[1] ?? ENVOY_UA;
    const req: HttpReq = { method: c.method, path: c.path, authority, headers: c.headers, body: c.body, requestId: this.rng.uuid(), userAgent: ua, xff: null };
    const start = this.clock;
    const target = this.resolve(c.host, from);
    let rep: Reply | null = null;
    let error: string | null = null;
    let exitCode = 0;
    if (!target) {
      error = `curl: (6) Could not resolve host: ${c.host}`;
      exitCode = 6;
    } else if (from.proxy === 'sidecar') {
      rep = this.outbound(from, target.ip, c.port, req, 0, c.scheme === 'https');
    } else {
      rep = this.toAddress(target.ip, c.port, req, 0, { ip: from.ip, port: this.port() }, null);
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
    } else if (rep?.reset === 'reset') {
      error = c.scheme === 'https' ? `curl: (35) OpenSSL SSL_connect: SSL_ERROR_SYSCALL in connection to ${c.host}:${c.port} ` : 'curl: (56) Recv failure: Connection reset by peer';
      exitCode = c.scheme === 'https' ? 35 : 56;
    } else if (rep && c.fail && rep.status >= 400) {
      error = `curl: (22) The requested URL returned error: ${rep.status}`;
      exitCode = 22;
    }
    const hops = rep?.hops ?? [];
    for (const h of hops) h.log = renderLogLine(h.entry, this.sc.mesh);
    this.clock = start + durationMs + 1000;
    const ok = rep && !rep.reset && exitCode !== 28;
    return {
      client: { status: ok ? rep!.status : null, body: ok && !(c.fail && rep!.status >= 400) ? rep!.body : '', headers: ok ? rep!.headers : [], error, exitCode, durationMs },
      hops,
    };
  }
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
export function curlOutput(c: CurlRequest, out: RequestOutcome, targetIp: string | null): { stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  const r = out.client;
  const statusLine = r.status !== null ? `HTTP/1.1 ${r.status} ${REASONS[r.status] ?? ''}`.trimEnd() : '';
  const headers = [...r.headers, ['date', new Date(EPOCH).toUTCString()], ['server', 'envoy']] as [string, string][];
  if (c.verbose) {
    if (targetIp) stderr += `*   Trying ${targetIp}:${c.port}...\n* Connected to ${c.host} (${targetIp}) port ${c.port}\n`;
    stderr += `> ${c.method} ${c.path} HTTP/1.1\n> Host: ${authorityOf(c)}\n> User-Agent: ${ENVOY_UA}\n> Accept: */*\n`;
    for (const [k, v] of c.headers) if (k.toLowerCase() !== 'host') stderr += `> ${k}: ${v}\n`;
    stderr += '>\n';
    if (r.status !== null) {
      stderr += `< ${statusLine}\n`;
      for (const [k, v] of headers) stderr += `< ${k}: ${v}\n`;
      stderr += '<\n';
    }
  }
  if (r.status !== null && c.include) {
    stdout += statusLine + '\n';
    for (const [k, v] of headers) stdout += `${k}: ${v}\n`;
    stdout += '\n';
  }
  if (!c.head && c.output === null) stdout += r.body;
  if (c.writeOut) stdout += c.writeOut.replace(/%\{http_code\}/g, String(r.status ?? 0).padStart(3, '0')).replace(/\\n/g, '\n');
  if (r.error && (!c.silent || c.verbose)) stderr += r.error + '\n';
  if (c.verbose && r.status !== null) stderr += `* Connection #0 to host ${c.host} left intact\n`;
  return { stdout, stderr };
}
