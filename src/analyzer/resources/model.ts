// The model of a set of Kubernetes/Istio resources: what the rules (and the
// mesh simulator) query. Built once from every file given together, as
// `istioctl analyze` sees all its inputs as one cluster.
import type { FieldPath, Obj, Position, ReadProblem, SourceObject } from './read.ts';
import { readEmbedded } from './read.ts';
import { arr, num, obj, selects, str, strList, strMap } from './values.ts';
import { DEFAULT_DOMAIN, hostCovers, resolveHost, visibleFrom } from './hosts.ts';
import { servicePortProtocol, parseProtocol, type Protocol } from './protocol.ts';

/** API groups and the versions of them we model (all served versions). */
const istioKinds: Record<string, { group: string; versions: string[] }> = {
  VirtualService: { group: 'networking.istio.io', versions: ['v1alpha3', 'v1beta1', 'v1'] },
  DestinationRule: { group: 'networking.istio.io', versions: ['v1alpha3', 'v1beta1', 'v1'] },
  Gateway: { group: 'networking.istio.io', versions: ['v1alpha3', 'v1beta1', 'v1'] },
  ServiceEntry: { group: 'networking.istio.io', versions: ['v1alpha3', 'v1beta1', 'v1'] },
  Sidecar: { group: 'networking.istio.io', versions: ['v1alpha3', 'v1beta1', 'v1'] },
  WorkloadEntry: { group: 'networking.istio.io', versions: ['v1alpha3', 'v1beta1', 'v1'] },
  EnvoyFilter: { group: 'networking.istio.io', versions: ['v1alpha3'] },
  PeerAuthentication: { group: 'security.istio.io', versions: ['v1beta1', 'v1'] },
  AuthorizationPolicy: { group: 'security.istio.io', versions: ['v1beta1', 'v1'] },
  RequestAuthentication: { group: 'security.istio.io', versions: ['v1beta1', 'v1'] },
  Telemetry: { group: 'telemetry.istio.io', versions: ['v1alpha1', 'v1'] },
};

const kubeKinds: Record<string, string[]> = {
  Namespace: [''],
  Pod: [''],
  Service: [''],
  Endpoints: [''],
  ConfigMap: [''],
  Deployment: ['apps', 'extensions'],
  StatefulSet: ['apps'],
  DaemonSet: ['apps', 'extensions'],
  ReplicaSet: ['apps', 'extensions'],
  EndpointSlice: ['discovery.k8s.io'],
};

export const modelledKinds = [...Object.keys(kubeKinds), ...Object.keys(istioKinds)];

export const SUPPRESS_ANNOTATION = 'galley.istio.io/analyze-suppress';

export interface Resource {
  kind: string;
  apiVersion: string;
  name: string;
  /** Namespace (`default` when omitted, as istioctl assumes); '' for cluster-scoped kinds. */
  namespace: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  spec: Obj;
  data: Obj;
  file: string;
  locate(path: FieldPath): Position;
  /** "Kind namespace/name", or "Kind name" when cluster-scoped. */
  ref: string;
  /** Codes silenced by the `galley.istio.io/analyze-suppress` annotation ('*' = all). */
  suppress: string[];
}

/** A pod or the pod template of a controller: what a selector can pick. */
export interface Workload {
  resource: Resource;
  namespace: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  podSpec: Obj;
  /** Where the pod spec and pod metadata live inside the resource. */
  specPath: FieldPath;
  metaPath: FieldPath;
}

export interface ServicePort {
  index: number;
  name?: string;
  port: number;
  targetPort?: number | string;
  nodePort?: number;
  /** L4 protocol field (TCP/UDP/SCTP). */
  l4: string;
  appProtocol?: string;
  protocol: Protocol;
}

export interface KubeService {
  resource: Resource;
  name: string;
  namespace: string;
  fqdn: string;
  type: string;
  headless: boolean;
  externalName?: string;
  selector: Record<string, string> | null;
  ports: ServicePort[];
  exportTo?: string[];
}

/** A host of the service registry: a Kubernetes Service or one host of a ServiceEntry. */
export interface RegistryHost {
  host: string;
  namespace: string;
  exportTo?: string[];
  ports: { number: number; name?: string; protocol: Protocol }[];
  source: Resource;
  service?: KubeService;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function suppressionOf(annotations: Record<string, string>): string[] {
  const v = annotations[SUPPRESS_ANNOTATION];
  return v ? v.split(',').map((s) => s.trim()).filter(Boolean) : [];
}

/** Turns one read object into a Resource, or null when it is not a kind we model. */
export function toResource(src: SourceObject): Resource | null {
  const kind = str(src.data.kind);
  const apiVersion = str(src.data.apiVersion) ?? '';
  if (!kind) return null;
  const slash = apiVersion.lastIndexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  const istio = istioKinds[kind];
  if (istio) {
    if (group !== istio.group || !istio.versions.includes(version)) return null;
  } else {
    const groups = kubeKinds[kind];
    if (!groups || !groups.includes(group)) return null;
  }
  const meta = obj(src.data.metadata);
  const name = str(meta.name) ?? str(meta.generateName) ?? '(unnamed)';
  const clusterScoped = kind === 'Namespace';
  const namespace = clusterScoped ? '' : str(meta.namespace) ?? 'default';
  const annotations = strMap(meta.annotations);
  return {
    kind,
    apiVersion,
    name,
    namespace,
    labels: strMap(meta.labels),
    annotations,
    spec: obj(src.data.spec),
    data: src.data,
    file: src.file,
    locate: src.locate,
    ref: clusterScoped ? `${kind} ${name}` : `${kind} ${namespace}/${name}`,
    suppress: suppressionOf(annotations),
  };
}

function workloadOf(r: Resource): Workload | null {
  if (r.kind === 'Pod') return { resource: r, namespace: r.namespace, labels: r.labels, annotations: r.annotations, podSpec: r.spec, specPath: ['spec'], metaPath: ['metadata'] };
  if (['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'].includes(r.kind)) {
    const tpl = obj(r.spec.template);
    const meta = obj(tpl.metadata);
    return { resource: r, namespace: r.namespace, labels: strMap(meta.labels), annotations: strMap(meta.annotations), podSpec: obj(tpl.spec), specPath: ['spec', 'template', 'spec'], metaPath: ['spec', 'template', 'metadata'] };
  }
  return null;
}

function serviceOf(r: Resource, domain: string): KubeService {
  const spec = r.spec;
  const type = str(spec.type) ?? (str(spec.externalName) ? 'ExternalName' : 'ClusterIP');
  const ports: ServicePort[] = arr(spec.ports).map((p, index) => {
    const o = obj(p);
    const tp = o.targetPort;
    const port: ServicePort = {
      index,
      port: num(o.port) ?? 0,
      l4: (str(o.protocol) ?? 'TCP').toUpperCase(),
      protocol: 'auto',
    };
    const name = str(o.name);
    if (name !== undefined) port.name = name;
    const appProtocol = str(o.appProtocol);
    if (appProtocol !== undefined) port.appProtocol = appProtocol;
    if (typeof tp === 'number' || typeof tp === 'string') port.targetPort = tp;
    const np = num(o.nodePort);
    if (np !== undefined) port.nodePort = np;
    port.protocol = servicePortProtocol({ ...(name !== undefined ? { name } : {}), ...(appProtocol !== undefined ? { appProtocol } : {}), protocol: port.l4 });
    return port;
  });
  const selector = spec.selector === undefined ? null : strMap(spec.selector);
  const exportTo = r.annotations['networking.istio.io/exportTo'];
  const svc: KubeService = {
    resource: r,
    name: r.name,
    namespace: r.namespace,
    fqdn: `${r.name}.${r.namespace}.svc.${domain}`,
    type,
    headless: str(spec.clusterIP) === 'None',
    selector,
    ports,
  };
  const ext = str(spec.externalName);
  if (ext !== undefined) svc.externalName = ext;
  if (exportTo) svc.exportTo = exportTo.split(',').map((s) => s.trim());
  return svc;
}

/** The `proxy.istio.io/config` annotation or a mesh `defaultConfig`, as an object. */
function proxyConfigFrom(v: unknown): Obj {
  if (typeof v === 'string') return readEmbedded(v) ?? {};
  return obj(v);
}

export class ResourceModel {
  readonly resources: Resource[];
  readonly problems: ReadProblem[];
  readonly domain = DEFAULT_DOMAIN;
  readonly workloads: Workload[] = [];
  readonly services: KubeService[] = [];
  readonly registry: RegistryHost[] = [];
  readonly namespaces = new Map<string, Resource>();
  /** The parsed `mesh` key of the `istio` ConfigMap ({} when none was given). */
  readonly meshConfig: Obj = {};
  readonly meshConfigSource: Resource | null = null;
  /** The injector's `values` (istio-sidecar-injector ConfigMap), when given. */
  readonly injectorValues: Obj = {};
  readonly rootNamespace: string;
  private readonly byKind = new Map<string, Resource[]>();
  // Indexes so that lookups stay cheap on large inputs (10,000+ resources).
  private readonly hostIndex = new Map<string, RegistryHost[]>();
  private readonly wildcardHosts: RegistryHost[] = [];
  private readonly workloadsByNs = new Map<string, Workload[]>();
  private readonly servicesByNs = new Map<string, KubeService[]>();
  private gatewayIndex: Map<string, Resource> | undefined;

  constructor(resources: Resource[], problems: ReadProblem[] = []) {
    this.resources = resources;
    this.problems = problems;
    for (const r of resources) {
      const list = this.byKind.get(r.kind);
      if (list) list.push(r);
      else this.byKind.set(r.kind, [r]);
    }
    for (const r of this.ofKind('ConfigMap')) {
      const data = obj(r.data.data);
      if ((r.name === 'istio' || r.name.startsWith('istio-')) && typeof data.mesh === 'string') {
        Object.assign(this.meshConfig, readEmbedded(data.mesh) ?? {});
        (this as { meshConfigSource: Resource | null }).meshConfigSource = r;
      }
      if (r.name.startsWith('istio-sidecar-injector') && typeof data.values === 'string') {
        Object.assign(this.injectorValues, readEmbedded(data.values) ?? {});
      }
    }
    this.rootNamespace = str(this.meshConfig.rootNamespace) ?? 'istio-system';
    for (const r of this.ofKind('Namespace')) this.namespaces.set(r.name, r);
    for (const r of resources) {
      const w = workloadOf(r);
      if (w) this.workloads.push(w);
    }
    for (const r of this.ofKind('Service')) {
      const svc = serviceOf(r, this.domain);
      this.services.push(svc);
      const entry: RegistryHost = { host: svc.fqdn, namespace: svc.namespace, ports: svc.ports.map((p) => ({ number: p.port, ...(p.name !== undefined ? { name: p.name } : {}), protocol: p.protocol })), source: r, service: svc };
      if (svc.exportTo) entry.exportTo = svc.exportTo;
      this.registry.push(entry);
    }
    for (const r of this.ofKind('ServiceEntry')) {
      const ports = arr(r.spec.ports).map((p) => {
        const o = obj(p);
        const name = str(o.name);
        return { number: num(o.number) ?? 0, ...(name !== undefined ? { name } : {}), protocol: parseProtocol(str(o.protocol)) };
      });
      const exportTo = r.spec.exportTo === undefined ? undefined : strList(r.spec.exportTo);
      for (const h of strList(r.spec.hosts)) {
        const entry: RegistryHost = { host: resolveHost(h, r.namespace, this.domain), namespace: r.namespace, ports, source: r };
        if (exportTo) entry.exportTo = exportTo;
        this.registry.push(entry);
      }
    }
    this.index();
  }

  private index(): void {
    for (const e of this.registry) {
      if (e.host.startsWith('*')) this.wildcardHosts.push(e);
      else push(this.hostIndex, e.host, e);
    }
    for (const w of this.workloads) push(this.workloadsByNs, w.namespace, w);
    for (const s of this.services) push(this.servicesByNs, s.namespace, s);
  }

  ofKind(kind: string): Resource[] {
    return this.byKind.get(kind) ?? [];
  }

  /** Registry hosts visible from `fromNs` that serve `host` (an FQDN; wildcard ServiceEntries count). */
  lookupHost(host: string, fromNs: string): RegistryHost[] {
    return this.hostsNamed(host).filter((e) => visibleFrom(e.exportTo, e.namespace, fromNs));
  }

  /** Registry hosts with this exact name, whatever their visibility. */
  hostsNamed(host: string): RegistryHost[] {
    const h = host.toLowerCase();
    const exact = this.hostIndex.get(h) ?? [];
    const wild = this.wildcardHosts.filter((e) => hostCovers(e.host, h));
    return wild.length ? [...exact, ...wild] : exact;
  }

  /** Workloads in `namespace` (any namespace when null) whose pod labels include `selector`. */
  workloadsMatching(namespace: string | null, selector: Record<string, string>): Workload[] {
    const pool = namespace === null ? this.workloads : this.workloadsByNs.get(namespace) ?? [];
    return pool.filter((w) => selects(selector, w.labels));
  }

  hasWorkloadsIn(namespace: string | null): boolean {
    return namespace === null ? this.workloads.length > 0 : (this.workloadsByNs.get(namespace)?.length ?? 0) > 0;
  }

  /** Services whose selector picks this workload. */
  servicesOf(w: Workload): KubeService[] {
    return (this.servicesByNs.get(w.namespace) ?? []).filter((s) => s.selector && Object.keys(s.selector).length > 0 && selects(s.selector, w.labels));
  }

  /** Workloads behind a Kubernetes Service. */
  workloadsOf(s: KubeService): Workload[] {
    if (!s.selector || Object.keys(s.selector).length === 0) return [];
    return this.workloadsMatching(s.namespace, s.selector);
  }

  /** Finds the Gateway a VirtualService names (`name`, `ns/name`, or an FQDN-like `name.ns.svc…`). */
  gateway(ref: string, fromNs: string): Resource | undefined {
    let ns = fromNs;
    let name = ref;
    const slash = ref.indexOf('/');
    if (slash >= 0) {
      ns = ref.slice(0, slash);
      name = ref.slice(slash + 1);
    } else if (ref.includes('.')) {
      const parts = ref.split('.');
      name = parts[0] ?? ref;
      ns = parts[1] ?? fromNs;
    }
    if (!this.gatewayIndex) {
      this.gatewayIndex = new Map();
      for (const g of this.ofKind('Gateway')) {
        const key = `${g.namespace}/${g.name}`;
        if (!this.gatewayIndex.has(key)) this.gatewayIndex.set(key, g); // the first one wins, as before
      }
    }
    return this.gatewayIndex.get(`${ns}/${name}`);
  }

  /** The proxy config a workload gets: mesh `defaultConfig` overlaid by its `proxy.istio.io/config` annotation. */
  proxyConfig(w: Workload): Obj {
    const base = proxyConfigFrom(this.meshConfig.defaultConfig);
    const own = proxyConfigFrom(w.annotations['proxy.istio.io/config']);
    const merged: Obj = { ...base, ...own };
    merged.proxyMetadata = { ...obj(base.proxyMetadata), ...obj(own.proxyMetadata) };
    return merged;
  }

  /** Will this workload run with a sidecar? (explicit istio-proxy container, pod opt-in, or namespace injection). */
  isInjected(w: Workload): boolean {
    const containers = [...arr(w.podSpec.containers), ...arr(w.podSpec.initContainers)];
    if (containers.some((c) => str(obj(c).name) === 'istio-proxy')) return true;
    if (w.podSpec.hostNetwork === true) return false;
    const podOpt = w.labels['sidecar.istio.io/inject'] ?? w.annotations['sidecar.istio.io/inject'];
    if (podOpt === 'false') return false;
    if (podOpt === 'true') return true;
    const ns = this.namespaces.get(w.namespace);
    if (!ns) return false;
    return ns.labels['istio-injection'] === 'enabled' || (ns.labels['istio.io/rev'] !== undefined && ns.labels['istio-injection'] !== 'disabled');
  }
}

/** Builds a model from read objects: unknown kinds (including `opslab.dev` AppBehavior) are skipped. */
export function buildModel(objects: SourceObject[], problems: ReadProblem[] = []): ResourceModel {
  const resources: Resource[] = [];
  for (const o of objects) {
    const r = toResource(o);
    if (r) resources.push(r);
  }
  return new ResourceModel(resources, problems);
}
