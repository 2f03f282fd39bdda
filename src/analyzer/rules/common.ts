// Walks shared by several rules: the destinations of a VirtualService, the
// gateways it binds to, the servers of a Gateway.
import type { FieldPath, Obj } from '../resources/read.ts';
import type { Resource, ResourceModel, Workload } from '../resources/model.ts';
import { hostCovers, resolveHost, visibleFrom } from '../resources/hosts.ts';
import { arr, num, obj, str, strList, strMap } from '../resources/values.ts';

export interface VsDestination {
  destination: Obj;
  /** Path of the `destination` object (or of `mirror`). */
  path: FieldPath;
  section: 'http' | 'tcp' | 'tls';
  mirror: boolean;
}

export function vsDestinations(vs: Resource): VsDestination[] {
  const out: VsDestination[] = [];
  for (const section of ['http', 'tcp', 'tls'] as const) {
    arr(vs.spec[section]).forEach((rule, i) => {
      const r = obj(rule);
      arr(r.route).forEach((rt, j) => out.push({ destination: obj(obj(rt).destination), path: ['spec', section, i, 'route', j, 'destination'], section, mirror: false }));
      if (section === 'http') {
        if (r.mirror !== undefined) out.push({ destination: obj(r.mirror), path: ['spec', section, i, 'mirror'], section, mirror: true });
        arr(r.mirrors).forEach((m, k) => out.push({ destination: obj(obj(m).destination), path: ['spec', section, i, 'mirrors', k, 'destination'], section, mirror: true }));
      }
    });
  }
  return out;
}

/** The gateways a VirtualService binds to; none means `mesh`. */
export function vsGateways(vs: Resource): string[] {
  const g = strList(vs.spec.gateways);
  return g.length === 0 ? ['mesh'] : g;
}

export function appliesToMesh(vs: Resource): boolean {
  return vsGateways(vs).includes('mesh');
}

/** The resolved (FQDN) hosts of a VirtualService. */
export function vsHosts(vs: Resource): string[] {
  return strList(vs.spec.hosts).map((h) => resolveHost(h, vs.namespace));
}

export interface GatewayServer {
  server: Obj;
  index: number;
  port: number | undefined;
  protocol: string;
  portName: string | undefined;
  hosts: string[];
  bind: string | undefined;
  tls: Obj;
}

export function gatewayServers(gw: Resource): GatewayServer[] {
  return arr(gw.spec.servers).map((s, index) => {
    const server = obj(s);
    const port = obj(server.port);
    return {
      server,
      index,
      port: num(port.number),
      protocol: (str(port.protocol) ?? '').toUpperCase(),
      portName: str(port.name),
      hosts: strList(server.hosts),
      bind: str(server.bind),
      tls: obj(server.tls),
    };
  });
}

export function gatewaySelector(gw: Resource): Record<string, string> {
  return strMap(gw.spec.selector);
}

/**
 * Pods a Gateway selects. Istio looks in every namespace unless
 * PILOT_SCOPE_GATEWAY_TO_NAMESPACE is set; we do the same.
 */
export function gatewayWorkloads(model: ResourceModel, gw: Resource): Workload[] {
  const sel = gatewaySelector(gw);
  return model.workloadsMatching(null, sel);
}

const gatewayPods = new WeakMap<ResourceModel, Map<Resource, Set<Workload>>>();

/** The pods of a gateway as a set, computed once per model (rules compare gateways pairwise). */
function gatewayWorkloadSet(model: ResourceModel, gw: Resource): Set<Workload> {
  let byGateway = gatewayPods.get(model);
  if (!byGateway) gatewayPods.set(model, (byGateway = new Map()));
  let set = byGateway.get(gw);
  if (!set) byGateway.set(gw, (set = new Set(gatewayWorkloads(model, gw))));
  return set;
}

/** Do two gateways serve the same pods? Same selector, or a known pod selected by both. */
export function gatewaysShareWorkload(model: ResourceModel, a: Resource, b: Resource): boolean {
  const sa = gatewaySelector(a);
  const sb = gatewaySelector(b);
  const same = Object.keys(sa).length === Object.keys(sb).length && Object.entries(sa).every(([k, v]) => sb[k] === v);
  if (same) return true;
  const wa = gatewayWorkloadSet(model, a);
  for (const w of gatewayWorkloadSet(model, b)) if (wa.has(w)) return true;
  return false;
}

/** Does a VirtualService bind to this gateway? (`ns/name`, or a short name in the VS namespace) */
export function vsBindsGateway(model: ResourceModel, vs: Resource, gw: Resource): boolean {
  return vsGateways(vs).some((ref) => ref !== 'mesh' && model.gateway(ref, vs.namespace) === gw);
}

const drIndex = new WeakMap<ResourceModel, { exact: Map<string, Resource[]>; wild: { host: string; dr: Resource }[] }>();

/** DestinationRules by resolved host, built once per model. */
function drsByHost(model: ResourceModel) {
  let idx = drIndex.get(model);
  if (!idx) {
    idx = { exact: new Map(), wild: [] };
    for (const dr of model.ofKind('DestinationRule')) {
      const host = resolveHost(str(dr.spec.host) ?? '', dr.namespace);
      if (!host) continue;
      if (host.startsWith('*')) idx.wild.push({ host, dr });
      else idx.exact.set(host, [...(idx.exact.get(host) ?? []), dr]);
    }
    drIndex.set(model, idx);
  }
  return idx;
}

/** The DestinationRules whose host covers `fqdn` and that are visible from `fromNs`. */
export function destinationRulesFor(model: ResourceModel, fqdn: string, fromNs: string): Resource[] {
  const idx = drsByHost(model);
  const candidates = [...(idx.exact.get(fqdn) ?? []), ...idx.wild.filter((w) => hostCovers(w.host, fqdn)).map((w) => w.dr)];
  return candidates.filter((dr) => {
    const exportTo = dr.spec.exportTo === undefined ? undefined : strList(dr.spec.exportTo);
    return visibleFrom(exportTo, dr.namespace, fromNs);
  });
}

export function labelText(sel: Record<string, string>): string {
  return Object.entries(sel).map(([k, v]) => `${k}=${v}`).join(',');
}
