// The tables `istioctl proxy-config … --file` prints, from a dump read by
// model.ts: same columns, row order (Go's sort.Slice, ported in gosort.ts),
// spacing (Go's tabwriter, tabwriter.ts) and special cases. The lab's simulated
// istioctl and the mesh simulator call these with an in-memory dump.
import { stringify as yamlStringify } from 'yaml';
import { goSortSlice } from './gosort.ts';
import { arr, field, isObj, num, obj, str, type Obj } from './json.ts';
import { filterChains, readConfigDump, socketAddress, type ConfigDump, type Entry } from './model.ts';
import { tabwrite } from './tabwriter.ts';
import { dataSourceText, firstPemCert, rfc3339 } from './x509.ts';

export const HCM_NAME = 'envoy.filters.network.http_connection_manager';
export const TCP_PROXY_NAME = 'envoy.filters.network.tcp_proxy';

export type DumpInput = ConfigDump | string | unknown;
const asDump = (d: DumpInput): ConfigDump => (isDump(d) ? d : readConfigDump(d));
function isDump(d: unknown): d is ConfigDump {
  return isObj(d) && Array.isArray(d.clusters) && Array.isArray(d.listeners) && Array.isArray(d.problems);
}

export interface TableOptions {
  /** `proxy-config all` names each row `<type>/<name>`: a leading NAME column for clusters and listeners, the existing name column for routes, secrets and endpoints. */
  includeConfigType?: boolean;
}

// ---- names -------------------------------------------------------------------

export interface SubsetKey {
  direction: string;
  port: number;
  subset: string;
  fqdn: string;
}

/** Istio's model.ParseSubsetKey: `dir|port|subset|fqdn` (or the `outbound_.port_.subset_.fqdn` SNI form). */
export function parseSubsetKey(name: string): SubsetKey {
  const sep = name.startsWith('outbound_') || name.startsWith('inbound_') ? '_.' : '|';
  const out: SubsetKey = { direction: '', port: 0, subset: '', fqdn: '' };
  const i1 = name.indexOf(sep);
  if (i1 < 0) return out;
  out.direction = name.slice(0, i1);
  const i2 = name.indexOf(sep, i1 + sep.length);
  if (i2 < 0) return out;
  const port = name.slice(i1 + sep.length, i2);
  out.port = /^[+-]?\d+$/.test(port) ? Number(port) : 0;
  const i3 = name.indexOf(sep, i2 + sep.length);
  if (i3 < 0) return out;
  out.subset = name.slice(i2 + sep.length, i3);
  if (name.indexOf(sep, i3 + sep.length) < 0) out.fqdn = name.slice(i3 + sep.length);
  return out;
}

/** istioctl parses a name only when it has more than three `|`-separated parts; null otherwise. */
function parsedName(name: string): SubsetKey | null {
  let bars = 0;
  for (let i = name.indexOf('|'); i >= 0 && bars < 3; i = name.indexOf('|', i + 1)) bars++;
  return bars >= 3 ? parseSubsetKey(name) : null;
}

/** The sort key of a name istioctl does not parse: the whole name as the fqdn. */
const wholeName = (name: string): SubsetKey => ({ direction: '', subset: '', fqdn: name, port: 0 });

/**
 * Each distinct string's place in JavaScript's `<` order, so the sort compares
 * small integers instead of long, mostly alike names (thousands of fqdns that
 * differ late): the same outcome for every comparison, far cheaper.
 */
function ranks(values: string[]): Map<string, number> {
  const distinct = [...new Set(values)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return new Map(distinct.map((v, i) => [v, i]));
}

/** Sorts by parsed cluster name as istioctl does: fqdn, subset, port, direction (keys computed once). */
function sortBySubsetKey(list: Obj[], name: (o: Obj) => string): Obj[] {
  return sortKeyed(list, name).map((x) => x.o);
}

/** sortBySubsetKey, keeping each item's parsed name (null when istioctl does not parse it). */
function sortKeyed(list: Obj[], name: (o: Obj) => string): { o: Obj; parsed: SubsetKey | null }[] {
  const parsed = list.map((o) => parsedName(name(o)));
  const keys = list.map((o, i) => parsed[i] ?? wholeName(name(o)));
  const fqdn = ranks(keys.map((k) => k.fqdn));
  const subset = ranks(keys.map((k) => k.subset));
  const direction = ranks(keys.map((k) => k.direction));
  const ranked = () => list.map((o, i) => {
    const k = keys[i]!;
    return { o, parsed: parsed[i]!, fqdn: fqdn.get(k.fqdn)!, subset: subset.get(k.subset)!, port: k.port, direction: direction.get(k.direction)! };
  });
  const keyed = ranked();
  type Keyed = (typeof keyed)[number];
  const cmp = (i: Keyed, j: Keyed) => i.fqdn - j.fqdn || i.subset - j.subset || i.port - j.port || i.direction - j.direction;
  // Without equal keys the order is a strict total order, so any sort gives Go's
  // result and the engine's own is fastest; ties need Go's exact algorithm.
  keyed.sort(cmp);
  if (keyed.some((k, i) => i > 0 && cmp(keyed[i - 1]!, k) === 0)) {
    return goSortSlice(ranked(), (i, j) => cmp(i, j) < 0);
  }
  return keyed;
}

/** DESTINATION RULE / VIRTUAL SERVICE cell: `name.namespace` from `metadata.filter_metadata.istio.config`. */
export function describeManagement(metadata: unknown): string {
  const istio = obj(obj(metadata, 'filter_metadata'), 'istio');
  if (!istio || field(istio, 'config') === undefined) return '';
  const path = str(istio, 'config');
  if (/^\/apis\/networking\.istio\.io\/[^/]+\/namespaces\//.test(path)) {
    const p = path.split('/');
    return p.length === 8 ? `${p[7]}.${p[5]}` : '';
  }
  return '<unknown>';
}

// ---- clusters ----------------------------------------------------------------

export interface ClusterFilter {
  fqdn?: string;
  port?: number;
  subset?: string;
  direction?: string;
}

export function clusterMatches(name: string, f: ClusterFilter): boolean {
  if (f.fqdn && !name.includes(f.fqdn)) return false;
  if (f.direction && !name.includes(f.direction)) return false;
  if (f.subset && !name.includes(f.subset)) return false;
  if (f.port && !name.includes(`|${f.port}|`)) return false;
  return true;
}

/** Dynamic active then static clusters (warming ones are not listed), sorted as istioctl does, with their parsed names. */
function keyedClusters(d: DumpInput, f: ClusterFilter): { o: Obj; parsed: SubsetKey | null }[] {
  const dump = asDump(d);
  const list = [...dump.clusters.filter((c) => c.state === 'active'), ...dump.clusters.filter((c) => c.state === 'static')].map((c) => c.value);
  return sortKeyed(list, (c) => str(c, 'name')).filter((x) => clusterMatches(str(x.o, 'name'), f));
}

export function selectClusters(d: DumpInput, f: ClusterFilter = {}): Obj[] {
  return keyedClusters(d, f).map((x) => x.o);
}

const clusterType = (c: Obj): string => str(c, 'type') || 'STATIC';

export function clusterTable(d: DumpInput, f: ClusterFilter = {}, opts: TableOptions = {}): string {
  const rows: string[][] = [[...(opts.includeConfigType ? ['NAME'] : []), 'SERVICE FQDN', 'PORT', 'SUBSET', 'DIRECTION', 'TYPE', 'DESTINATION RULE']];
  for (const { o: c, parsed: k } of keyedClusters(d, f)) {
    const name = str(c, 'name');
    const row = k ? [k.fqdn, String(k.port), k.subset || '-', k.direction, clusterType(c), describeManagement(field(c, 'metadata'))] : [name, '-', '-', '-', clusterType(c), describeManagement(field(c, 'metadata'))];
    if (opts.includeConfigType) row.unshift(`cluster/${name}`);
    rows.push(row);
  }
  return tabwrite(rows, 5);
}

// ---- listeners ---------------------------------------------------------------

export interface ListenerFilter {
  address?: string;
  port?: number;
  type?: string;
  /** Wide form (ADDRESSES PORT MATCH DESTINATION); istioctl's default. */
  verbose?: boolean;
}

function listenerAddresses(l: Obj): string[] {
  const out = [socketAddress(l).address];
  for (const a of arr(l, 'additional_addresses')) out.push(socketAddress(a).address);
  return out;
}

/** What istioctl reads as "mentions BlackHoleCluster" in a tcp_proxy's raw bytes. */
const mentionsBlackHole = (filter: unknown): boolean => hasString(field(filter, 'typed_config'), 'BlackHoleCluster');

/** Does any string inside `v` contain `needle`? (the proto bytes istioctl searches hold only these strings) */
function hasString(v: unknown, needle: string): boolean {
  if (typeof v === 'string') return v.includes(needle);
  if (Array.isArray(v)) return v.some((x) => hasString(x, needle));
  if (isObj(v)) for (const k in v) if (hasString(v[k], needle)) return true;
  return false;
}

/** HTTP | TCP | HTTP+TCP | UNKNOWN */
export function listenerType(l: Obj): string {
  let nHTTP = 0;
  let nTCP = 0;
  for (const { chain } of filterChains(l)) {
    for (const f of arr(chain, 'filters')) {
      const name = str(f, 'name');
      if (name === HCM_NAME) nHTTP++;
      else if (name === TCP_PROXY_NAME && !mentionsBlackHole(f)) nTCP++;
    }
  }
  if (nHTTP > 0) return nTCP === 0 ? 'HTTP' : 'HTTP+TCP';
  return nTCP > 0 ? 'TCP' : 'UNKNOWN';
}

export function listenerMatches(l: Obj, f: ListenerFilter): boolean {
  if (f.address && !listenerAddresses(l).some((a) => a.toLowerCase() === f.address!.toLowerCase())) return false;
  if (f.port && socketAddress(l).port !== f.port) return false;
  if (f.type && listenerType(l).toLowerCase() !== f.type.toLowerCase()) return false;
  return true;
}

/** Active dynamic then static listeners (warming/draining ones are not listed). */
function baseListeners(dump: ConfigDump): Obj[] {
  return [...dump.listeners.filter((l) => l.state === 'active'), ...dump.listeners.filter((l) => l.state === 'static')].map((l) => l.value);
}

export function selectListeners(d: DumpInput, f: ListenerFilter = {}): Obj[] {
  return baseListeners(asDump(d)).filter((l) => listenerMatches(l, f));
}

const ALPN_NAMES: [string, string[]][] = [
  ['App: HTTP TLS', ['http/1.0', 'http/1.1', 'h2c', 'istio-http/1.0', 'istio-http/1.1', 'istio-h2']],
  ['App: Istio HTTP Plain', ['istio', 'istio-http/1.0', 'istio-http/1.1', 'istio-h2']],
  ['App: TCP TLS', ['istio-peer-exchange', 'istio']],
  ['App: HTTP', ['http/1.0', 'http/1.1', 'h2c']],
];

/** MATCH cell of a filter chain. */
export function describeChainMatch(m: unknown): string {
  const d: string[] = [];
  const sni = arr(m, 'server_names').map(String);
  if (sni.length) d.push(`SNI: ${sni.join(',')}`);
  const trans = str(m, 'transport_protocol');
  if (trans) d.push(`Trans: ${trans}`);
  const alpn = arr(m, 'application_protocols').map(String);
  if (alpn.length) {
    const named = ALPN_NAMES.find(([, list]) => list.length === alpn.length && list.every((p, i) => p === alpn[i]));
    d.push(named ? named[0] : `App: ${alpn.join(',')}`);
  }
  const dp = field(m, 'destination_port');
  const port = dp !== undefined ? `:${isObj(dp) ? Number(dp.value ?? 0) : Number(dp)}` : '';
  const ranges = arr(m, 'prefix_ranges');
  if (ranges.length) d.push(`Addr: ${ranges.map((r) => `${str(r, 'address_prefix')}/${Number(field(r, 'prefix_len') ?? 0) || (isObj(field(r, 'prefix_len')) ? Number((field(r, 'prefix_len') as Obj).value ?? 0) : 0)}`).join(',')}${port}`);
  else if (port) d.push(`Addr: *${port}`);
  return d.length ? d.join('; ') : 'ALL';
}

function describeRouteMatch(match: unknown): string {
  const c: string[] = [];
  const prefix = str(match, 'prefix');
  if (prefix) c.push(`${prefix}*`);
  const psp = str(match, 'path_separated_prefix');
  if (psp) c.push(`PathPrefix:${psp}`);
  const path = str(match, 'path');
  if (path) c.push(path);
  const re = obj(match, 'safe_regex');
  if (re) c.push(`regex ${str(re, 'regex')}`);
  return c.join(' ');
}

function routeCluster(route: unknown): string | null {
  const action = obj(route, 'route');
  if (!action) return null;
  const c = field(action, 'cluster');
  return typeof c === 'string' ? c : null;
}

function matchAllCluster(rc: unknown): string {
  const vhs = arr(rc, 'virtual_hosts');
  if (vhs.length !== 1) return '';
  const vh = vhs[0];
  const domains = arr(vh, 'domains');
  if (domains.length !== 1 || domains[0] !== '*') return '';
  const routes = arr(vh, 'routes');
  if (routes.length !== 1) return '';
  if (str(obj(routes[0], 'match'), 'prefix') !== '/') return '';
  const c = routeCluster(routes[0]);
  if (!c) return '';
  return c.includes('Cluster') ? c : `Cluster: ${c}`;
}

function describeInlineRoutes(rc: unknown): string {
  const all = matchAllCluster(rc);
  if (all) return all;
  const parts = arr(rc, 'virtual_hosts').map((vh) => {
    const domains = arr(vh, 'domains').map(String);
    const dom = domains.length === 1 && domains[0] === '*' ? '' : domains.join('/');
    const routes = arr(vh, 'routes').map((r) => describeRouteMatch(field(r, 'match'))).join(', ');
    return dom === '' ? routes : `${dom} ${routes}`;
  });
  return `Inline Route: ${parts.join('; ')}`;
}

/** DESTINATION cell of a filter chain. */
export function describeChainDestination(filters: unknown[]): string {
  for (const f of filters) {
    const name = str(f, 'name');
    const tc = field(f, 'typed_config');
    if (name === HCM_NAME) {
      const rc = obj(tc, 'route_config');
      if (rc) return describeInlineRoutes(rc);
      const rds = str(obj(tc, 'rds'), 'route_config_name');
      if (rds) return `Route: ${rds}`;
      return 'HTTP';
    } else if (name === TCP_PROXY_NAME && !mentionsBlackHole(f)) {
      const c = str(tc, 'cluster');
      return c.includes('Cluster') ? c : `Cluster: ${c}`;
    }
  }
  return 'Non-HTTP/Non-TCP';
}

export function listenerTable(d: DumpInput, f: ListenerFilter = {}, opts: TableOptions = {}): string {
  const keyed = selectListeners(d, f).map((l) => ({ l, ...socketAddress(l), type: listenerType(l) }));
  goSortSlice(keyed, (a, b) => {
    if (a.port !== b.port) return a.port < b.port;
    if (a.address !== b.address) return a.address < b.address;
    return a.type < b.type;
  });
  const ls = keyed.map((k) => k.l);
  const lead = opts.includeConfigType ? ['NAME'] : [];
  const rows: string[][] = [[...lead, 'ADDRESSES', 'PORT', ...(f.verbose ? ['MATCH', 'DESTINATION'] : ['TYPE'])]];
  for (const l of ls) {
    const addr = listenerAddresses(l).join(',');
    const port = String(socketAddress(l).port);
    const name = opts.includeConfigType ? [`listener/${str(l, 'name')}`] : [];
    if (f.verbose) {
      const matches = filterChains(l).map(({ chain }) => ({ match: describeChainMatch(field(chain, 'filter_chain_match')), dest: describeChainDestination(arr(chain, 'filters')) }));
      if (matches.length > 1) goSortSlice(matches, (a, b) => a.dest > b.dest);
      for (const m of matches) rows.push([...name, addr, port, m.match, m.dest]);
    } else rows.push([...name, addr, port, listenerType(l)]);
  }
  return tabwrite(rows, 1);
}

// ---- routes ------------------------------------------------------------------

export interface RouteFilter {
  name?: string;
  verbose?: boolean;
}

/** Dynamic then static route configs, sorted by numeric name as istioctl does. */
export function sortedRoutes(d: DumpInput): Obj[] {
  const dump = asDump(d);
  const list = [...dump.routes.filter((r) => r.state === 'active'), ...dump.routes.filter((r) => r.state === 'static')].map((r) => r.value);
  const atoi = (s: string): number | null => (/^[+-]?\d+$/.test(s) && Math.abs(Number(s)) < 2 ** 63 ? Number(s) : null);
  const keyed = list.map((r) => ({ r, n: atoi(str(r, 'name')) }));
  goSortSlice(keyed, (a, b) => a.n !== null && b.n !== null && a.n < b.n);
  return keyed.map((k) => k.r);
}

export function selectRoutes(d: DumpInput, f: RouteFilter = {}): Obj[] {
  const all = sortedRoutes(d);
  return f.name ? all.filter((r) => str(r, 'name') === f.name) : all;
}

/** DOMAINS cell: drop `host:port` forms and expanded names, show two and count the rest. */
export function describeRouteDomains(domains: string[]): string {
  if (domains.length === 0) return '';
  if (domains.length === 1) return domains[0] as string;
  const withoutPort = domains.filter((d) => !d.includes(':') || ((d.match(/:/g) ?? []).length > 2 && d.endsWith(']')));
  const unique = new Set(withoutPort);
  const drop = new Set<string>();
  for (const h of withoutPort) {
    const full = h.endsWith('.svc.cluster.local') ? h.slice(0, -'.svc.cluster.local'.length) : h;
    if (full !== h && unique.has(full)) drop.add(h);
    const partial = h.endsWith('.svc') ? h.slice(0, -'.svc'.length) : h;
    if (partial !== h && unique.has(partial)) drop.add(h);
  }
  const kept = withoutPort.filter((h) => !drop.has(h));
  if (kept.length > 2) return `${kept.slice(0, 2).join(', ')} + ${kept.length - 2} more...`;
  return kept.join(', ');
}

export function routeTable(d: DumpInput, f: RouteFilter = {}, opts: TableOptions = {}): string {
  // The table already starts with the route's NAME: `all` prefixes it in place.
  const rows: string[][] = [f.verbose ? ['NAME', 'VHOST NAME', 'DOMAINS', 'MATCH', 'VIRTUAL SERVICE'] : ['NAME', 'VIRTUAL HOSTS']];
  for (const rc of selectRoutes(d, f)) {
    const name = (opts.includeConfigType ? 'route/' : '') + str(rc, 'name');
    if (!f.verbose) {
      rows.push([name, String(arr(rc, 'virtual_hosts').length)]);
      continue;
    }
    for (const vh of arr(rc, 'virtual_hosts')) {
      const domains = describeRouteDomains(arr(vh, 'domains').map(String));
      const routes = arr(vh, 'routes');
      for (const r of routes) {
        if (routeCluster(r) === 'PassthroughCluster') continue;
        rows.push([name, str(vh, 'name'), domains, describeRouteMatch(field(r, 'match')), describeManagement(field(r, 'metadata'))]);
      }
      if (routes.length === 0) rows.push([name, str(vh, 'name'), domains, '/*', '404']);
    }
  }
  return tabwrite(rows, 5);
}

// ---- endpoints (EDS, from a dump taken with ?include_eds) --------------------

export interface EndpointFilter {
  address?: string;
  port?: number;
  cluster?: string;
  status?: string;
}

export function endpointAddress(lbEndpoint: unknown): string {
  const ep = obj(lbEndpoint, 'endpoint');
  const { address, port } = socketAddress(ep);
  const sa = obj(obj(ep, 'address'), 'socket_address');
  if (sa) return `${address}:${port}`;
  return address;
}

export const healthStatus = (lbEndpoint: unknown): string => str(lbEndpoint, 'health_status') || 'UNKNOWN';

function localityString(l: unknown): string {
  if (!isObj(l)) return '';
  let s = str(l, 'region');
  const zone = str(l, 'zone');
  if (!zone) return s;
  s += `/${zone}`;
  const sub = str(l, 'sub_zone');
  return sub ? `${s}/${sub}` : s;
}

function endpointMatches(ep: unknown, cluster: string, f: EndpointFilter): boolean {
  if (f.address && endpointAddress(ep).toLowerCase() !== f.address.toLowerCase()) return false;
  if (f.port && socketAddress(obj(ep, 'endpoint')).port !== f.port) return false;
  if (f.cluster && cluster.toLowerCase() !== f.cluster.toLowerCase()) return false;
  if (f.status && healthStatus(ep).toLowerCase() !== f.status.toLowerCase()) return false;
  return true;
}

/** ClusterLoadAssignments with only the endpoints that pass the filter; empty ones dropped (as istioctl). */
export function selectEndpoints(d: DumpInput, f: EndpointFilter = {}): Obj[] {
  const dump = asDump(d);
  const eps = dump.endpoints ?? [];
  const list: Obj[] = [];
  for (const e of [...eps.filter((x) => x.state === 'active'), ...eps.filter((x) => x.state === 'static')]) {
    const cla = e.value;
    const cluster = str(cla, 'cluster_name');
    const filtering = !!(f.address || f.port || f.cluster || f.status);
    let count = 0;
    if (!filtering) {
      // nothing to drop: keep the assignment as it is (no copies of a big dump)
      for (const llb of arr(cla, 'endpoints')) count += arr(llb, 'lb_endpoints').length;
      if (count) list.push(cla);
      continue;
    }
    const localities = arr(cla, 'endpoints').map((llb) => {
      const kept = arr(llb, 'lb_endpoints').filter((ep) => endpointMatches(ep, cluster, f));
      count += kept.length;
      return isObj(llb) ? { ...llb, lb_endpoints: kept } : llb;
    });
    if (count) list.push({ ...cla, endpoints: localities });
  }
  return sortBySubsetKey(list, (c) => str(c, 'cluster_name'));
}

export function endpointTable(d: DumpInput, f: EndpointFilter = {}, opts: TableOptions = {}): string {
  const rows: string[][] = [['NAME', 'STATUS', 'LOCALITY', 'CLUSTER']];
  const prefix = opts.includeConfigType ? 'endpoint/' : '';
  for (const cla of selectEndpoints(d, f)) {
    const cluster = str(cla, 'cluster_name');
    for (const llb of arr(cla, 'endpoints')) {
      const locality = localityString(field(llb, 'locality'));
      for (const ep of arr(llb, 'lb_endpoints')) rows.push([prefix + endpointAddress(ep), healthStatus(ep), locality, cluster]);
    }
  }
  return tabwrite(rows, 5);
}

// ---- secrets -----------------------------------------------------------------

export interface SecretRow {
  name: string;
  type: string;
  status: string;
  valid: boolean;
  serial: string;
  notAfter: string;
  notBefore: string;
  entry: Entry;
}

export function secretRows(d: DumpInput, now: Date = new Date()): SecretRow[] {
  const dump = asDump(d);
  const rows: SecretRow[] = [];
  for (const e of [...dump.secrets.filter((s) => s.state === 'warming'), ...dump.secrets.filter((s) => s.state === 'active')]) {
    const chain = dataSourceText(field(obj(e.value, 'tls_certificate'), 'certificate_chain'));
    const ca = dataSourceText(field(obj(e.value, 'validation_context'), 'trusted_ca'));
    const type = chain ? 'Cert Chain' : ca ? 'CA' : '';
    const cert = firstPemCert(chain || ca);
    rows.push({
      name: e.name,
      type,
      status: e.state === 'warming' ? 'WARMING' : 'ACTIVE',
      valid: !!cert && now >= cert.notBefore && now <= cert.notAfter,
      serial: cert?.serialHex ?? '',
      notAfter: cert ? rfc3339(cert.notAfter) : '',
      notBefore: cert ? rfc3339(cert.notBefore) : '',
      entry: e,
    });
  }
  return rows;
}

export function secretTable(d: DumpInput, now: Date = new Date(), opts: TableOptions = {}): string {
  const dump = asDump(d);
  if (!dump.secrets.some((s) => s.state === 'active' || s.state === 'warming')) return 'No active or warming secrets found.\n';
  // Like routes, `all` prefixes the name column in place rather than adding one.
  const rows: string[][] = [['RESOURCE NAME', 'TYPE', 'STATUS', 'VALID CERT', 'SERIAL NUMBER', 'NOT AFTER', 'NOT BEFORE']];
  for (const r of secretRows(dump, now)) rows.push([(opts.includeConfigType ? 'secret/' : '') + r.name, r.type, r.status, String(r.valid), r.serial, r.notAfter, r.notBefore]);
  return tabwrite(rows, 5);
}

// ---- all ---------------------------------------------------------------------

export interface AllFilters {
  cluster?: ClusterFilter;
  listener?: ListenerFilter;
  route?: RouteFilter;
  endpoint?: EndpointFilter;
  now?: Date;
}

/**
 * The versions istioctl reads from the bootstrap's node: ISTIO_VERSION and
 * ISTIO_PROXY_SHA (after its "name:" prefix) from the metadata, and Envoy's
 * version from user_agent_build_version with its label, status, type and TLS
 * library. Null when the dump has no bootstrap.
 */
export function bootstrapSummary(d: DumpInput): string | null {
  const node = obj(asDump(d).bootstrap, 'node');
  if (!node) return null;
  const meta = obj(node, 'metadata');
  const istio = str(meta, 'ISTIO_VERSION');
  const sha = str(meta, 'ISTIO_PROXY_SHA');
  const build = obj(node, 'user_agent_build_version');
  const v = obj(build, 'version');
  const bm = obj(build, 'metadata');
  let envoy = `${num(v, 'major_number')}.${num(v, 'minor_number')}.${num(v, 'patch')}`;
  for (const [key, sep] of [['build.label', '-'], ['revision.status', '/'], ['build.type', '/'], ['ssl.version', '/']] as const) {
    if (bm && key in bm) envoy += sep + String(bm[key] ?? '');
  }
  const rows: string[][] = [];
  if (istio) rows.push(['Istio Version:', istio]);
  if (sha) rows.push(['Istio Proxy Version:', sha.includes(':') ? sha.split(':')[1]! : sha]);
  rows.push(['Envoy Version:', envoy]);
  return tabwrite(rows, 1);
}

/**
 * `proxy-config all`: the bootstrap's versions, then clusters, listeners,
 * routes, secrets and endpoints, every row named `<type>/<name>` and a blank
 * line between the sections (the order of istioctl's PrintFullSummary).
 */
export function allTables(d: DumpInput, f: AllFilters = {}): string {
  const dump = asDump(d);
  const o = { includeConfigType: true };
  // istioctl's --verbose defaults to true for `all` too: the wide listener and route tables.
  const parts = [
    clusterTable(dump, f.cluster, o),
    listenerTable(dump, { verbose: true, ...f.listener }, o),
    routeTable(dump, { verbose: true, ...f.route }, o),
    secretTable(dump, f.now, o),
  ];
  if (dump.endpoints) parts.push(endpointTable(dump, f.endpoint, o));
  const head = bootstrapSummary(dump);
  return [...(head === null ? [] : [head]), ...parts].join('\n');
}

// ---- -o json / -o yaml ---------------------------------------------------------

/** Map fields whose keys are data (kept as they are); Struct-valued ones are copied whole. */
const MAP_KEEP_KEYS = new Set(['typed_extension_protocol_options', 'typed_per_filter_config', 'typed_filter_metadata', 'extension_protocol_options']);
const STRUCT_FIELDS = new Set(['filter_metadata', 'fields', 'metadata_value']);

/** protojson spelling (lowerCamelCase keys) of a snake_case resource, as istioctl prints it. */
export function toCamel(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(toCamel);
  if (!isObj(v)) return v;
  const typed = typeof v['@type'] === 'string' && /TypedStruct$/.test(v['@type'] as string);
  const out: Obj = {};
  for (const [k, val] of Object.entries(v)) {
    const ck = k.startsWith('@') ? k : k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
    if (STRUCT_FIELDS.has(k) || (typed && k === 'value')) out[ck] = val;
    else if (MAP_KEEP_KEYS.has(k) && isObj(val)) out[ck] = Object.fromEntries(Object.entries(val).map(([mk, mv]) => [mk, toCamel(mv)]));
    else out[ck] = toCamel(val);
  }
  return out;
}

/** `-o json`: Go json.MarshalIndent with 4 spaces (and its HTML escaping). */
export function toIstioctlJson(items: unknown[]): string {
  return (
    JSON.stringify(items.map(toCamel), null, 4)
      .replace(/</g, '\\u003c')
      .replace(/>/g, '\\u003e')
      .replace(/&/g, '\\u0026') + '\n'
  );
}

/** sigs.k8s.io/yaml JSONToYAML: sorted keys, 2-space indent, sequences not indented. */
export function jsonToYaml(value: unknown): string {
  return yamlStringify(value, { sortMapEntries: true, indent: 2, indentSeq: false, lineWidth: 0, singleQuote: true });
}

/** `-o yaml` of selected resources, as istioctl prints them (protojson names, then JSONToYAML). */
export function toIstioctlYaml(items: unknown[]): string {
  return jsonToYaml(items.map(toCamel)) + '\n';
}
