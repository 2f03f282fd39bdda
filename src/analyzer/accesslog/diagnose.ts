// From entries to a diagnosis: counts, error groups with their explanation,
// who answered each error, retries, TCP connections, and one request followed
// across proxies by its x-request-id.
import type { Localized } from '../finding.ts';
import { isTcp, type AccessLogEntry } from './entry.ts';
import { decodeCluster } from './knowledge/clusters.ts';
import { explainDetails, explainTransport } from './knowledge/details.ts';
import { FLAG_BY_CODE, type FlagInfo } from './knowledge/flags.ts';

export type ProxyRole = 'gateway' | 'client-sidecar' | 'server-sidecar' | 'proxy';

export const ROLE_NAMES: Record<ProxyRole, Localized> = {
  gateway: { en: 'the gateway', zh: '网关' },
  'client-sidecar': { en: 'the client sidecar', zh: '客户端 Sidecar' },
  'server-sidecar': { en: 'the server sidecar', zh: '服务端 Sidecar' },
  proxy: { en: 'the proxy that logged it', zh: '记录该日志的代理' },
};

const ipOf = (addr: string | null): string | null => {
  if (!addr) return null;
  if (addr.startsWith('[')) return addr.slice(1, addr.indexOf(']'));
  const i = addr.lastIndexOf(':');
  return i > 0 && addr.indexOf(':') === i ? addr.slice(0, i) : addr;
};

/** Which kind of proxy wrote this line, from its addresses and cluster (null: cannot tell). */
export function roleOf(e: AccessLogEntry): ProxyRole | null {
  const c = e.upstream_cluster;
  if (c && (c.startsWith('inbound|') || c.startsWith('inbound-vip|') || c.startsWith('InboundPassthroughCluster'))) return 'server-sidecar';
  const ula = e.upstream_local_address;
  if (ula && (ula.startsWith('127.0.0.6:') || ula.startsWith('[::6]:'))) return 'server-sidecar';
  const dra = ipOf(e.downstream_remote_address);
  const local = ipOf(ula);
  // A sidecar's app and proxy share the pod IP: the client is ourselves.
  if (dra && local && dra === local) return 'client-sidecar';
  if (dra === '127.0.0.1' || dra === '::1') return 'client-sidecar';
  // A gateway accepts on its own IP from someone else.
  const dla = ipOf(e.downstream_local_address);
  if (dla && local && dla === local && dra && dra !== local) return 'gateway';
  return null;
}

/** A role hint from a file name (kubectl logs … > gateway.txt). */
export function roleFromName(name: string | undefined): ProxyRole | null {
  if (!name) return null;
  const n = name.toLowerCase();
  if (/gateway|ingress|egress/.test(n)) return 'gateway';
  if (/server|inbound|dest/.test(n)) return 'server-sidecar';
  if (/client|outbound|source/.test(n)) return 'client-sidecar';
  return null;
}

export type AnsweredBy = 'app' | 'proxy' | 'upstream' | 'client-gone';

export interface Answer {
  by: AnsweredBy;
  /** The proxy that answered (by = proxy) or that logged the line. */
  role: ProxyRole;
  why: Localized;
}

const CANDIDATE_FLAGS = (e: AccessLogEntry): FlagInfo[] => {
  const out: FlagInfo[] = [];
  for (const f of e.response_flags) {
    const info = FLAG_BY_CODE.get(f);
    if (info) out.push(info);
  }
  return out;
};

/** Who produced this response: the app, this proxy, something upstream of it, or nobody (client left). */
export function whoAnswered(e: AccessLogEntry, role: ProxyRole): Answer {
  const flags = CANDIDATE_FLAGS(e);
  const local = flags.find((f) => f.producer === 'proxy');
  const rname = ROLE_NAMES[role];
  if (local) return { by: 'proxy', role, why: { en: `flag ${local.code}: ${rname.en} answered itself (${local.meaning.en})`, zh: `标志 ${local.code}：由${rname.zh}自己作答（${local.meaning.zh}）` } };
  const gone = flags.find((f) => f.producer === 'downstream');
  if (gone) return { by: 'client-gone', role, why: { en: `flag ${gone.code}: the client went away before the answer`, zh: `标志 ${gone.code}：客户端在收到响应之前离开了` } };
  const details = e.response_code_details;
  if (details) {
    const info = explainDetails(details);
    if (details === 'via_upstream') return upstreamAnswer(role, { en: 'response_code_details is via_upstream', zh: 'response_code_details 为 via_upstream' });
    if (info?.producer === 'downstream') return { by: 'client-gone', role, why: { en: `${details}: the client went away`, zh: `${details}：客户端已离开` } };
    return { by: 'proxy', role, why: { en: `${details}: a local reply of ${rname.en}`, zh: `${details}：${rname.zh}的本地响应` } };
  }
  // Older formats have no details: an upstream service time means upstream headers came back.
  if (e.upstream_service_time !== null) return upstreamAnswer(role, { en: 'x-envoy-upstream-service-time is set', zh: '存在 x-envoy-upstream-service-time' });
  if (e.upstream_host === null) return { by: 'proxy', role, why: { en: `no upstream host was contacted: ${rname.en} answered`, zh: `没有联系任何上游主机：由${rname.zh}作答` } };
  return upstreamAnswer(role, { en: 'an upstream host was contacted and no flag is set', zh: '联系了上游主机且没有任何标志' });
}

function upstreamAnswer(role: ProxyRole, because: Localized): Answer {
  if (role === 'server-sidecar') return { by: 'app', role, why: { en: `${because.en}: the application answered`, zh: `${because.zh}：由应用作答` } };
  return { by: 'upstream', role, why: { en: `${because.en}: the upstream (the server sidecar or the app behind it) answered; follow the x-request-id into the server side's log`, zh: `${because.zh}：由上游（服务端 Sidecar 或其后的应用）作答；请用 x-request-id 到服务端日志中继续追查` } };
}

export function isError(e: AccessLogEntry): boolean {
  const code = e.response_code;
  if (code !== null && code >= 400) return true;
  if (e.upstream_transport_failure_reason !== null) return true;
  for (const f of e.response_flags) if (f !== 'DI' && f !== 'RFCF') return true;
  return code === 0 && !isTcp(e);
}

export interface Explanation {
  meaning: Localized;
  causes: Localized;
  chapter: string;
  family: string;
  next: string | null;
}

/** The host name of an :authority (`reviews.shop:9080` → `reviews.shop`); null for an IP address. */
export function hostOf(authority: string | null): string | null {
  if (!authority || authority.startsWith('[')) return null;
  const host = authority.replace(/:\d+$/, '');
  return /^[0-9.]+$/.test(host) || host.includes(':') ? null : host;
}

/** Fills {cluster} {fqdn} {port} {subset} {authority} {pod} in a command. */
export function fillCommand(cmd: string, e: AccessLogEntry): string {
  const c = e.upstream_cluster ? decodeCluster(e.upstream_cluster) : null;
  const vals: Record<string, string | null | undefined> = {
    cluster: e.upstream_cluster,
    // No cluster (NR, NC): the host the client asked for is the best filter (istioctl --fqdn matches a part of the name).
    fqdn: c?.fqdn ?? hostOf(e.authority),
    port: c?.port != null ? String(c.port) : (e.downstream_local_address?.split(':').pop() ?? null),
    subset: c?.subset,
    authority: e.authority,
  };
  return cmd.replace(/\{(\w+)\}/g, (m, k: string) => (k === 'pod' ? '<pod>' : (vals[k] ?? `<${k}>`)));
}

const join = (xs: Localized[], sep = ' ') => ({ en: xs.map((x) => x.en).join(sep), zh: xs.map((x) => x.zh).join(sep) });

/** Why this error likely happened, from its flags, details and transport failure reason. */
export function explain(e: AccessLogEntry, answer: Answer): Explanation {
  const flags = CANDIDATE_FLAGS(e);
  const primary = flags.find((f) => f.producer !== 'marker') ?? flags[0];
  const details = e.response_code_details ? explainDetails(e.response_code_details) : undefined;
  const transportText = e.upstream_transport_failure_reason ?? (e.response_code_details?.match(/\{[^,}]*[,|](.+)\}/)?.[1] ?? null);
  const transport = transportText ? explainTransport(transportText) : undefined;
  const meanings: Localized[] = [];
  const causes: Localized[] = [];
  for (const f of flags) meanings.push({ en: `${f.code} (${f.long}): ${f.meaning.en}.`, zh: `${f.code}（${f.long}）：${f.meaning.zh}。` });
  if (details && details.match !== 'via_upstream') meanings.push({ en: `${e.response_code_details}: ${details.meaning.en}.`, zh: `${e.response_code_details}：${details.meaning.zh}。` });
  if (transport) meanings.push({ en: `Transport: ${transport.meaning.en}.`, zh: `传输层：${transport.meaning.zh}。` });
  if (transport) causes.push(transport.causes);
  if (primary) causes.push(primary.causes);
  else if (details) causes.push(details.causes);
  if (answer.by === 'app') {
    meanings.push({ en: `The application itself returned ${e.response_code}.`, zh: `应用自己返回了 ${e.response_code}。` });
    causes.push({ en: "look at the application's own log for this request", zh: '查看应用自身针对该请求的日志' });
  } else if (answer.by === 'upstream' && !primary) {
    meanings.push({ en: `The upstream returned ${e.response_code}; this proxy relayed it.`, zh: `上游返回了 ${e.response_code}，本代理只是转发。` });
    causes.push({ en: "find the same x-request-id in the server side's log", zh: '在服务端日志中查找相同的 x-request-id' });
  }
  if (e.upstream_cluster) {
    const c = decodeCluster(e.upstream_cluster);
    if (c.kind === 'blackhole' || c.kind === 'passthrough') meanings.push({ en: `Cluster ${c.raw}: ${c.meaning.en}.`, zh: `集群 ${c.raw}：${c.meaning.zh}。` });
  }
  const family = primary?.family ?? details?.family ?? (transport ? 'OPS112' : answer.by === 'app' || answer.by === 'upstream' ? 'OPS111' : answer.by === 'client-gone' ? 'OPS109' : 'OPS101');
  const chapter = transport && !primary ? transport.chapter : (primary?.chapter ?? details?.chapter ?? 'debug-istio/envoy-log');
  const nextTpl = primary?.next ?? details?.next ?? (answer.by === 'app' ? 'kubectl logs <server-pod> -c <app>' : answer.by === 'upstream' ? 'opslab logs --request-id {request_id} <client.log> <server.log>' : null);
  const next = nextTpl ? fillCommand(nextTpl.replace('{request_id}', e.request_id ?? '<id>'), e) : null;
  return { meaning: join(meanings), causes: join(causes, '; '), chapter, family, next };
}

// ---------------------------------------------------------------------------

export interface ErrorGroup {
  response_code: number | null;
  response_flags: string[];
  response_code_details: string | null;
  upstream_cluster: string | null;
  upstream_transport_failure_reason: string | null;
  file: string | null;
  count: number;
  first_line: number;
  lines: number[];
  request_ids: string[];
  answer: Answer;
  explanation: Explanation;
  sample: AccessLogEntry;
}

export interface Retry {
  request_id: string;
  file: string | null;
  attempts: { line: number; response_code: number | null; response_flags: string[]; upstream_host: string | null }[];
}

export interface Hop {
  file: string | null;
  line: number;
  role: ProxyRole;
  start_time: string | null;
  response_code: number | null;
  response_flags: string[];
  response_code_details: string | null;
  downstream_remote_address: string | null;
  downstream_local_address: string | null;
  upstream_local_address: string | null;
  upstream_host: string | null;
  upstream_cluster: string | null;
  answer: Answer;
  /** Further attempts of the same hop (retries), in order. */
  attempts: number;
}

export interface RequestTrace {
  request_id: string;
  hops: Hop[];
  /** Where it failed: the hop that answered with the error, or null if it succeeded. */
  failed_at: { hop: number; by: AnsweredBy; role: ProxyRole; summary: Localized } | null;
}

export interface SummaryReport {
  entries: number;
  http: number;
  tcp: { lines: number; connections: number; repeated_lines: number };
  by_code: Record<string, number>;
  by_flag: Record<string, number>;
  by_cluster: Record<string, number>;
  by_authority: Record<string, number>;
  by_route: Record<string, number>;
  errors: number;
  error_groups: ErrorGroup[];
  retries: Retry[];
  requests: RequestTrace[];
}

const MAX_KEYS = 5000;
const OTHER = '(other)';
const MAX_TRACKED_IDS = 20000;
const MAX_TCP_KEYS = 500000;

/**
 * A copy of a string that does not keep alive the text it was cut from. A
 * value cut from a line (or a key built from such values) points into the
 * whole chunk of input it came from; keeping it would keep that chunk, and a
 * few kept values per chunk kept the whole log in memory. Concatenating and
 * slicing again copies just the characters.
 */
const own = (s: string): string => (s.length > 12 ? (' ' + s).slice(1) : s);

function bump(m: Map<string, number>, k: string, n = 1): void {
  const v = m.get(k);
  if (v !== undefined) m.set(k, v + n);
  else if (m.size < MAX_KEYS) m.set(own(k), n);
  else m.set(OTHER, (m.get(OTHER) ?? 0) + n);
}

/** How many distinct values a Counter compares directly before it asks its map. */
const HOT_KEYS = 8;

/**
 * Counts values. A log has few distinct clusters, authorities and routes, and
 * each line brings a fresh string of one of them: comparing it with the first
 * few values seen is cheaper than hashing it into the map every time.
 */
class Counter {
  readonly map = new Map<string, number>();
  private readonly hot: string[] = [];
  private readonly hotCounts: number[] = [];
  add(k: string): void {
    const hot = this.hot;
    for (let i = 0; i < hot.length; i++) {
      if (hot[i] === k) {
        this.hotCounts[i]!++;
        return;
      }
    }
    // First time (or not among the hot values): the map keeps first-seen order and the key limit.
    bump(this.map, k);
    if (hot.length < HOT_KEYS && !this.map.has(OTHER)) {
      hot.push(own(k));
      this.hotCounts.push(0);
    }
  }
  done(): Map<string, number> {
    for (let i = 0; i < this.hot.length; i++) bump(this.map, this.hot[i]!, this.hotCounts[i]!);
    this.hotCounts.fill(0);
    return this.map;
  }
}

/**
 * A cheap number from a request id, to rule out (without hashing the whole
 * string into a map) ids that were never tracked. Request ids are mostly
 * UUIDs, random in their first 8 and last 4 characters.
 */
function idHint(id: string): number {
  const n = id.length;
  const head = n < 8 ? n : 8;
  // FNV-1a over those characters and the length.
  let h = 0x811c9dc5 ^ n;
  for (let i = 0; i < head; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  for (let i = n - 4 > head ? n - 4 : head; i < n; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return (h ^ (h >>> 16)) & (HINT_BITS - 1);
}

const HINT_BITS = 1 << 20;
const hasBit = (bits: Uint32Array, i: number) => (bits[i >>> 5]! & (1 << (i & 31))) !== 0;

const ROLE_ORDER: Record<ProxyRole, number> = { gateway: 0, 'client-sidecar': 1, proxy: 2, 'server-sidecar': 3 };

/** Makes the strings of an entry we keep its own (see `own`). */
function keep(e: AccessLogEntry): AccessLogEntry {
  for (const k in e) {
    const v = e[k];
    if (typeof v === 'string') e[k] = own(v);
  }
  return e;
}

interface Tracked {
  file: string | null;
  line: number;
  entry: AccessLogEntry;
  /** Added by the second pass (addEarlier). */
  earlier?: boolean;
}

/** Lines one request may gather in the second pass (a few hops, not a flood). */
const MAX_EARLIER_LINES = 50;

/** Accumulates entries (of one or several files) into a report. */
export class Summarizer {
  private entries = 0;
  private tcpLines = 0;
  private readonly tcpKeys = new Set<string>();
  /** Counts by status code 0–999 (others in byOddCode). */
  private readonly byCode = new Float64Array(1000);
  private readonly byOddCode = new Map<string, number>();
  private readonly byFlag = new Counter();
  private readonly byCluster = new Counter();
  private readonly byAuthority = new Counter();
  private readonly byRoute = new Counter();
  /** One bit per idHint value of a tracked id: most lines are ruled out by one bit test. */
  private readonly trackedHints = new Uint32Array(HINT_BITS >>> 5);
  private anyTracked = false;
  private errors = 0;
  private readonly groups = new Map<string, Omit<ErrorGroup, 'answer' | 'explanation'> & { roles: (ProxyRole | null)[] }>();
  /** Entries of request ids that had an error somewhere, to find retries and hops. */
  private readonly tracked = new Map<string, Tracked[]>();
  private readonly fileRoles = new Map<string | null, Map<ProxyRole, number>>();
  private readonly followIds: Set<string> | null;

  constructor(opts: { follow?: string[] } = {}) {
    this.followIds = opts.follow?.length ? new Set(opts.follow) : null;
  }

  add(e: AccessLogEntry, line: number, file: string | null = null): void {
    this.entries++;
    const code = e.response_code;
    if (code !== null && code >= 0 && code < 1000 && code === (code | 0)) this.byCode[code]!++;
    else bump(this.byOddCode, code === null ? '-' : String(code));
    const flags = e.response_flags;
    if (flags.length === 0) this.byFlag.add('-');
    else for (let i = 0; i < flags.length; i++) this.byFlag.add(flags[i]!);
    if (e.upstream_cluster !== null) this.byCluster.add(e.upstream_cluster);
    if (e.authority !== null) this.byAuthority.add(e.authority);
    if (e.route_name !== null) this.byRoute.add(e.route_name);
    if (isTcp(e)) {
      this.tcpLines++;
      // Periodic flushing repeats a connection's line with the same start time and addresses.
      if (this.tcpKeys.size < MAX_TCP_KEYS) {
        const key = `${file}|${e.start_time}|${e.downstream_remote_address}|${e.upstream_local_address}|${e.upstream_host}|${e.upstream_cluster}`;
        if (!this.tcpKeys.has(key)) this.tcpKeys.add(own(key));
      }
    }
    const err = isError(e);
    if (err) this.addError(e, line, file);
    const id = e.request_id;
    if (id === null) return;
    // Look the id up only when it may start being tracked or may be tracked already.
    const canStart = (err && this.tracked.size < MAX_TRACKED_IDS) || this.followIds !== null;
    if (!canStart && !(this.anyTracked && hasBit(this.trackedHints, idHint(id)))) return;
    const t = this.tracked.get(id);
    if (t !== undefined) t.push({ file, line, entry: keep(e) });
    else if ((err && this.tracked.size < MAX_TRACKED_IDS) || this.followIds?.has(id)) {
      keep(e);
      this.tracked.set(e.request_id!, [{ file, line, entry: e }]);
      const hint = idHint(id);
      this.trackedHints[hint >>> 5]! |= 1 << (hint & 31);
      this.anyTracked = true;
    }
  }

  private addError(e: AccessLogEntry, line: number, file: string | null): void {
    this.errors++;
    const role = roleOf(e);
    let votes = this.fileRoles.get(file);
    if (!votes) this.fileRoles.set(file, (votes = new Map()));
    if (role) votes.set(role, (votes.get(role) ?? 0) + 1);
    const key = `${file}\u0000${e.response_code}\u0000${e.response_flags.join(',')}\u0000${e.response_code_details}\u0000${e.upstream_cluster}\u0000${e.upstream_transport_failure_reason}`;
    const g = this.groups.get(key);
    if (g) {
      g.count++;
      if (g.lines.length < 20) g.lines.push(line);
      if (e.request_id && g.request_ids.length < 5 && !g.request_ids.includes(e.request_id)) g.request_ids.push(own(e.request_id));
      if (g.roles.length < 50) g.roles.push(role);
      return;
    }
    keep(e);
    this.groups.set(own(key), {
      response_code: e.response_code,
      response_flags: e.response_flags,
      response_code_details: e.response_code_details,
      upstream_cluster: e.upstream_cluster,
      upstream_transport_failure_reason: e.upstream_transport_failure_reason,
      file,
      count: 1,
      first_line: line,
      lines: [line],
      request_ids: e.request_id ? [e.request_id] : [],
      sample: e,
      roles: [role],
    });
  }

  /** The role of a line: from its own addresses, else what the file's other lines say, else the file name. */
  private resolveRole(role: ProxyRole | null, file: string | null): ProxyRole {
    if (role) return role;
    const votes = this.fileRoles.get(file);
    let best: ProxyRole | null = null;
    let n = 0;
    for (const [r, c] of votes ?? []) if (c > n) (best = r), (n = c);
    return best ?? roleFromName(file ?? undefined) ?? 'proxy';
  }

  private codes(): Map<string, number> {
    const m = new Map(this.byOddCode);
    this.byCode.forEach((n, code) => n && m.set(String(code), n));
    return m;
  }

  /**
   * A request is tracked from its first error on, so the proxies that answered
   * it well in files read before (the gateway that got a good retry, the
   * client's sidecar) are missing from its trace. True when a second pass over
   * the earlier files could add them (see addEarlier).
   */
  wantsEarlierLines(files: number): boolean {
    return files > 1 && this.followIds === null && this.tracked.size > 0;
  }

  /** Second pass: a line of a tracked request from a file that has none of its lines yet. */
  addEarlier(e: AccessLogEntry, line: number, file: string | null = null): void {
    const id = e.request_id;
    if (id === null || !hasBit(this.trackedHints, idHint(id))) return;
    const t = this.tracked.get(id);
    if (t === undefined || t.length >= MAX_EARLIER_LINES || t.some((x) => x.file === file && !x.earlier)) return;
    t.push({ file, line, entry: keep(e), earlier: true });
  }

  report(): SummaryReport {
    const obj = (m: Map<string, number>) => Object.fromEntries([...m].sort((a, b) => b[1] - a[1]));
    const error_groups: ErrorGroup[] = [...this.groups.values()]
      .sort((a, b) => b.count - a.count)
      .map(({ roles, ...g }) => {
        const role = this.resolveRole(roles.find((r) => r !== null) ?? null, g.file);
        const answer = whoAnswered(g.sample, role);
        return { ...g, answer, explanation: explain(g.sample, answer) };
      });
    const retries: Retry[] = [];
    const requests: RequestTrace[] = [];
    for (const [id, list] of this.tracked) {
      const byFile = new Map<string | null, Tracked[]>();
      for (const t of list) {
        const l = byFile.get(t.file);
        if (l) l.push(t);
        else byFile.set(t.file, [t]);
      }
      for (const [file, l] of byFile) {
        if (l.length > 1)
          retries.push({ request_id: id, file, attempts: l.map((t) => ({ line: t.line, response_code: t.entry.response_code, response_flags: t.entry.response_flags, upstream_host: t.entry.upstream_host })) });
      }
      if (byFile.size > 1 || this.followIds?.has(id)) requests.push(this.trace(id, list));
    }
    const tcpConnections = this.tcpKeys.size;
    return {
      entries: this.entries,
      http: this.entries - this.tcpLines,
      tcp: { lines: this.tcpLines, connections: tcpConnections, repeated_lines: this.tcpLines - tcpConnections },
      by_code: obj(this.codes()),
      by_flag: obj(this.byFlag.done()),
      by_cluster: obj(this.byCluster.done()),
      by_authority: obj(this.byAuthority.done()),
      by_route: obj(this.byRoute.done()),
      errors: this.errors,
      error_groups,
      retries: retries.slice(0, 100),
      requests: requests.slice(0, 100),
    };
  }

  private trace(id: string, list: Tracked[]): RequestTrace {
    // One hop per (file, role, cluster); further lines of it are retry attempts.
    const hops = new Map<string, Hop>();
    for (const t of list) {
      const e = t.entry;
      const role = this.resolveRole(roleOf(e), t.file);
      const key = `${t.file}|${role}|${e.upstream_cluster}`;
      const h = hops.get(key);
      if (h) {
        h.attempts++;
        // The hop shows its last attempt: that is what went downstream.
        Object.assign(h, hopOf(t, role), { attempts: h.attempts });
        continue;
      }
      hops.set(key, hopOf(t, role));
    }
    const ordered = [...hops.values()].sort((a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role] || String(a.start_time).localeCompare(String(b.start_time)));
    let failed_at: RequestTrace['failed_at'] = null;
    const errIdx = ordered.findIndex((h) => h.answer.by === 'proxy' || h.answer.by === 'client-gone');
    const last = ordered[ordered.length - 1];
    const anyError = ordered.some((h) => (h.response_code ?? 0) >= 400 || h.response_flags.length > 0);
    if (anyError) {
      const i = errIdx !== -1 ? errIdx : ordered.length - 1;
      const h = ordered[i]!;
      const who = h.answer.by === 'proxy' ? ROLE_NAMES[h.role] : h.answer.by === 'client-gone' ? { en: 'the client (it went away)', zh: '客户端（已离开）' } : { en: 'the application behind the last hop', zh: '最后一跳之后的应用' };
      failed_at = { hop: i, by: h.answer.by, role: h.role, summary: { en: `failed at ${who.en}: ${h.response_code} ${h.response_flags.join(',') || '-'} ${h.response_code_details ?? ''}`.trim(), zh: `失败于${who.zh}：${h.response_code} ${h.response_flags.join(',') || '-'} ${h.response_code_details ?? ''}`.trim() } };
    }
    void last;
    return { request_id: id, hops: ordered, failed_at };
  }
}

function hopOf(t: Tracked, role: ProxyRole): Hop {
  const e = t.entry;
  return {
    file: t.file,
    line: t.line,
    role,
    start_time: e.start_time,
    response_code: e.response_code,
    response_flags: e.response_flags,
    response_code_details: e.response_code_details,
    downstream_remote_address: e.downstream_remote_address,
    downstream_local_address: e.downstream_local_address,
    upstream_local_address: e.upstream_local_address,
    upstream_host: e.upstream_host,
    upstream_cluster: e.upstream_cluster,
    answer: whoAnswered(e, role),
    attempts: 1,
  };
}
