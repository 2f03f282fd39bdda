// Cross references over a read dump, computed once for all rules: clusters by
// name, endpoints by cluster, route configs by name, and every place a route or
// a tcp_proxy sends traffic to a cluster.
import { arr, field, isObj, obj, seg, keyOf, str, type Obj } from './json.ts';
import { filterChains, resolveTyped, socketAddress, type ConfigDump, type Entry } from './model.ts';

export interface ClusterRef {
  cluster: string;
  /** JSON path of the reference. */
  path: string;
  from: 'route' | 'tcp_proxy';
  /** Route config name (routes) or listener name (tcp_proxy). */
  owner: string;
}

export interface DumpIndex {
  dump: ConfigDump;
  clusters: Map<string, Entry>;
  /** Cluster load assignments by cluster (or eds service) name; null when the dump has no EDS. */
  endpoints: Map<string, Entry> | null;
  routeConfigs: Map<string, Entry>;
  refs: ClusterRef[];
  /** `router` for gateways, `sidecar`, or '' when unknown (from the bootstrap node id). */
  proxyType: string;
  /** The bootstrap node's service cluster, e.g. `istio-ingressgateway.istio-system`. */
  serviceCluster: string;
  now: Date;
}

function routeRefs(rc: Obj, base: string, owner: string, out: ClusterRef[]): void {
  arr(rc, 'virtual_hosts').forEach((vh, i) => {
    arr(vh, 'routes').forEach((r, j) => {
      const action = obj(r, 'route');
      if (!action) return;
      const p = `${base}${seg(keyOf(rc, 'virtual_hosts'))}[${i}]${seg(keyOf(vh, 'routes'))}[${j}]${seg(keyOf(r, 'route'))}`;
      const c = field(action, 'cluster');
      if (typeof c === 'string') out.push({ cluster: c, path: `${p}.cluster`, from: 'route', owner });
      const wc = obj(action, 'weighted_clusters');
      arr(wc, 'clusters').forEach((w, k) => {
        const n = str(w, 'name');
        if (n) out.push({ cluster: n, path: `${p}${seg(keyOf(action, 'weighted_clusters'))}.clusters[${k}].name`, from: 'route', owner });
      });
    });
  });
}

export function buildIndex(dump: ConfigDump, now: Date = new Date()): DumpIndex {
  const clusters = new Map<string, Entry>();
  for (const c of dump.clusters) if (!clusters.has(c.name) || c.state !== 'warming') clusters.set(c.name, c);
  let endpoints: Map<string, Entry> | null = null;
  if (dump.endpoints) {
    endpoints = new Map();
    for (const e of dump.endpoints) endpoints.set(e.name, e);
  }
  const routeConfigs = new Map<string, Entry>();
  const refs: ClusterRef[] = [];
  for (const r of dump.routes) {
    routeConfigs.set(r.name, r);
    routeRefs(r.value, r.path, r.name, refs);
  }
  for (const l of dump.listeners) {
    if (l.state !== 'active' && l.state !== 'static') continue;
    for (const { chain, path } of filterChains(l.value)) {
      arr(chain, 'filters').forEach((f, i) => {
        const typed = resolveTyped(f);
        const fp = `${l.path}${path}.filters[${i}]${seg(keyOf(f, 'typed_config'))}`;
        if (typed.kind === 'tcp_proxy') {
          const c = str(typed.config, 'cluster');
          if (c) refs.push({ cluster: c, path: `${fp}.cluster`, from: 'tcp_proxy', owner: l.name });
        } else if (typed.kind === 'hcm') {
          const rc = obj(typed.config, 'route_config');
          if (rc) routeRefs(rc, `${fp}${seg(keyOf(typed.config, 'route_config'))}`, str(rc, 'name') || l.name, refs);
        }
      });
    }
  }
  const node = obj(dump.bootstrap, 'node');
  const id = str(node, 'id');
  return { dump, clusters, endpoints, routeConfigs, refs, proxyType: id.includes('~') ? (id.split('~')[0] as string) : '', serviceCluster: str(node, 'cluster'), now };
}

/** The name a cluster's endpoints are published under (eds_cluster_config.service_name, else its name). */
export function edsName(cluster: Obj): string {
  return str(obj(cluster, 'eds_cluster_config'), 'service_name') || str(cluster, 'name');
}

export const isEds = (cluster: Obj): boolean => str(cluster, 'type') === 'EDS';

export function lbEndpoints(cla: Obj): Obj[] {
  return arr(cla, 'endpoints').flatMap((l) => arr(l, 'lb_endpoints')).filter(isObj);
}

export function listenerLabel(l: Entry): string {
  const { address, port } = socketAddress(l.value);
  return `Listener ${l.name || `${address}_${port}`}`;
}
