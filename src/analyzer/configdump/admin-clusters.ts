// Envoy's admin `/clusters` output, as text (`C::HOST::health_flags::…`) or as
// `?format=json`, read into hosts with their health; and the endpoint table
// `istioctl proxy-config endpoints` prints from it.
import { goSortSlice } from './gosort.ts';
import { arr, field, isObj, obj, str } from './json.ts';
import { parseJson, type Problem } from './model.ts';
import { tabwrite } from './tabwriter.ts';

export interface AdminHost {
  cluster: string;
  address: string;
  port: number;
  /** eds health status name: HEALTHY, UNHEALTHY, DRAINING, TIMEOUT, DEGRADED, UNKNOWN. */
  status: string;
  failedOutlierCheck: boolean;
  /** Raw health flags from the text form (`healthy`, `/failed_eds_health`…). */
  healthFlags: string;
  line: number | null;
}

export interface AdminClusters {
  clusters: string[];
  hosts: AdminHost[];
  problems: Problem[];
}

/** Does this text look like `/clusters` text output? */
export function looksLikeAdminClustersText(head: string): boolean {
  return /^[^\s:]+(::[^\n]*)?::(health_flags|cx_active|added_via_api|default_priority|observability_name)::/m.test(head);
}

function statusFromFlags(flags: string): string {
  if (flags.includes('/failed_eds_health')) return 'UNHEALTHY';
  if (flags.includes('/eds_status_draining')) return 'DRAINING';
  if (flags.includes('/degraded_eds_health')) return 'DEGRADED';
  return 'HEALTHY';
}

export function readAdminClustersText(text: string): AdminClusters {
  const byKey = new Map<string, AdminHost>();
  const clusters = new Set<string>();
  const problems: Problem[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (!line.trim()) return;
    const parts = line.split('::');
    if (parts.length < 2) {
      problems.push({ message: `not a /clusters line: ${line.slice(0, 80)}`, line: i + 1 });
      return;
    }
    const cluster = parts[0] as string;
    if (cluster === 'version_info') return;
    clusters.add(cluster);
    // host lines: CLUSTER::IP:PORT::KEY::VALUE
    const hp = /^(.*):(\d+)$/.exec(parts[1] as string);
    if (parts.length >= 4 && hp) {
      const key = `${cluster}\u0000${parts[1]}`;
      let h = byKey.get(key);
      if (!h) {
        h = { cluster, address: (hp[1] as string).replace(/^\[|\]$/g, ''), port: Number(hp[2]), status: 'HEALTHY', failedOutlierCheck: false, healthFlags: '', line: i + 1 };
        byKey.set(key, h);
      }
      if (parts[2] === 'health_flags') {
        h.healthFlags = parts.slice(3).join('::');
        h.status = statusFromFlags(h.healthFlags);
        h.failedOutlierCheck = h.healthFlags.includes('/failed_outlier_check');
      }
    }
  });
  return { clusters: [...clusters], hosts: [...byKey.values()], problems };
}

export function readAdminClustersJson(input: string | unknown): AdminClusters {
  let v = input;
  const problems: Problem[] = [];
  if (typeof input === 'string') {
    const p = parseJson(input);
    if (p.problem) return { clusters: [], hosts: [], problems: [p.problem] };
    v = p.value;
  }
  const hosts: AdminHost[] = [];
  const clusters: string[] = [];
  for (const c of arr(v, 'cluster_statuses')) {
    const name = str(c, 'name');
    clusters.push(name);
    for (const h of arr(c, 'host_statuses')) {
      const sa = obj(obj(h, 'address'), 'socket_address');
      const hs = obj(h, 'health_status');
      hosts.push({
        cluster: name,
        address: sa ? str(sa, 'address') : str(obj(obj(h, 'address'), 'pipe'), 'path'),
        port: sa ? Number(field(sa, 'port_value') ?? 0) : 0,
        status: str(hs, 'eds_health_status') || 'UNKNOWN',
        failedOutlierCheck: field(hs, 'failed_outlier_check') === true,
        healthFlags: '',
        line: null,
      });
    }
  }
  if (!isObj(v) || field(v, 'cluster_statuses') === undefined) problems.push({ message: 'no "cluster_statuses": not /clusters?format=json output', line: 1 });
  return { clusters, hosts, problems };
}

/** `istioctl proxy-config endpoints` (from /clusters): ENDPOINT STATUS OUTLIER CHECK CLUSTER. */
export function adminEndpointTable(a: AdminClusters, f: { address?: string; port?: number; cluster?: string; status?: string } = {}): string {
  const hosts = a.hosts.filter(
    (h) =>
      (!f.address || h.address.toLowerCase() === f.address.toLowerCase()) &&
      (!f.port || h.port === f.port) &&
      (!f.cluster || h.cluster.toLowerCase() === f.cluster.toLowerCase()) &&
      (!f.status || h.status.toLowerCase() === f.status.toLowerCase()),
  );
  goSortSlice(hosts, (x, y) => {
    if (x.address === y.address) {
      if (x.port === y.port) return x.cluster < y.cluster;
      return x.port < y.port;
    }
    return x.address < y.address;
  });
  const rows = [['ENDPOINT', 'STATUS', 'OUTLIER CHECK', 'CLUSTER']];
  for (const h of hosts) rows.push([h.port ? `${h.address}:${h.port}` : h.address, h.status, h.failedOutlierCheck ? 'FAILED' : 'OK', h.cluster]);
  return tabwrite(rows, 5);
}
