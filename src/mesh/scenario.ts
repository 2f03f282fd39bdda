// A scenario: the YAML files of a lab read into the resource model (with
// positions), plus what the model does not know: running pods with their IPs,
// service VIPs, which pods have a sidecar or are gateways, and the behaviour of
// each app (our own kind `opslab.dev/v1 AppBehavior`, ignored by the analyzer).
import { modelFromTexts, readManifests, type ResourceModel, type KubeService, type Workload, type Resource } from '../analyzer/resources/index.ts';
import { arr, num, obj, selects, str, strMap, bool } from '../analyzer/resources/values.ts';
import { parseDuration } from './duration.ts';
import { readAppCall, readAppProcess, type AppCall, type AppProcess } from './process.ts';

export interface ScenarioFile {
  name: string;
  text: string;
}

/** Where a piece of config came from, for the "why" of every hop. */
export interface SourceRef {
  resource: string;
  file: string;
  line: number;
}

export interface AppResponse {
  /** Matches when the request path equals `path`, or starts with `prefix`. */
  path?: string;
  prefix?: string;
  method?: string;
  status: number;
  body: string;
  delayMs: number;
  headers: Record<string, string>;
  /** An upstream call made before answering (its URL comes from the process environment). */
  call?: AppCall;
}

export interface AppBehavior {
  name: string;
  namespace: string;
  selector: Record<string, string> | null;
  /** External hosts this behaviour answers for (a server outside the mesh). */
  hosts: string[];
  ready?: boolean;
  sidecar?: boolean;
  responses: AppResponse[];
  /** Server keepalive idle timeout: the app closes a connection idle this long (ms). */
  keepaliveTimeoutMs?: number;
  /**
   * A middlebox between the proxy and this server (NAT, cloud load balancer) forgets
   * connections idle this long (ms) without a FIN or RST to either end.
   */
  networkIdleTimeoutMs?: number;
  /** Chance that a pooled connection the app already closed is still picked (the FIN is in flight). */
  closeRace: number;
  /**
   * With it, the race is no longer drawn: a request on a connection idle between
   * keepaliveTimeout and keepaliveTimeout + this window always meets the FIN; later,
   * the proxy has seen the FIN and opens a new connection (a lab can hit it on purpose).
   */
  closeRaceWindowMs?: number;
  /** TLS server: the names its certificate covers; a handshake with another SNI fails. */
  tlsServerNames?: string[];
  /** `mysql` (server speaks first) or `http` (the default). */
  protocol: 'http' | 'mysql';
  /** Client commands the app runs as soon as its container starts. */
  startupCalls: string[];
  /** The app's main process: command, image files, tools (what kubectl exec/debug see). */
  process?: AppProcess;
  source: SourceRef;
}

export type ProxyKind = 'sidecar' | 'router' | 'none';

export interface PodInstance {
  name: string;
  namespace: string;
  ip: string;
  labels: Record<string, string>;
  workload: Workload;
  proxy: ProxyKind;
  ready: boolean;
  /** Ports the app listens on (container ports; service target ports when none are declared). */
  ports: number[];
  app: AppBehavior | null;
  /** The app container waits for the proxy (holdApplicationUntilProxyStarts). */
  holdApplication: boolean;
}

export interface MeshSettings {
  accessLogEncoding: 'TEXT' | 'JSON';
  /** Envoy format string, '' for Istio's default. */
  accessLogFormat: string;
  outboundPolicy: 'ALLOW_ANY' | 'REGISTRY_ONLY';
  /** defaultConfig.holdApplicationUntilProxyStarts (per pod: proxy.istio.io/config). */
  holdApplication: boolean;
  /** Istio version simulated: the istiod image tag when the scenario has istiod, else 1.24. */
  istioVersion: string;
  /**
   * ExternalName Services are aliases of their target host (ENABLE_EXTERNAL_NAME_ALIAS,
   * opt-in in 1.20, default from 1.21). Before that each was its own service, and a
   * non-HTTP port captured all traffic on that port (istio/istio#20703).
   */
  externalNameAlias: boolean;
  /** ENABLE_AUTO_SNI (default from 1.21): TLS origination without `sni` sends the request's Host. */
  autoSni: boolean;
  source: SourceRef | null;
}

export interface Scenario {
  files: ScenarioFile[];
  model: ResourceModel;
  pods: PodInstance[];
  apps: AppBehavior[];
  vips: Map<KubeService, string>;
  mesh: MeshSettings;
}

export const DEFAULT_GATEWAY_FILE = '(built-in)/istio-ingressgateway.yaml';

// Istio's default ingress gateway, added when a Gateway exists but no gateway
// workload was given: what `istioctl install` (default profile) creates.
const DEFAULT_GATEWAY = `apiVersion: v1
kind: Namespace
metadata:
  name: istio-system
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: istio-ingressgateway
  namespace: istio-system
spec:
  selector:
    matchLabels: {istio: ingressgateway}
  template:
    metadata:
      labels: {app: istio-ingressgateway, istio: ingressgateway}
      annotations: {sidecar.istio.io/inject: "false"}
    spec:
      containers:
      - name: istio-proxy
        ports: [{containerPort: 8080}, {containerPort: 8443}]
---
apiVersion: v1
kind: Service
metadata:
  name: istio-ingressgateway
  namespace: istio-system
spec:
  type: LoadBalancer
  selector: {istio: ingressgateway}
  ports:
  - {name: http2, port: 80, targetPort: 8080}
  - {name: https, port: 443, targetPort: 8443}
`;

export function sourceOf(r: Resource, path: (string | number)[] = []): SourceRef {
  return { resource: r.ref, file: r.file, line: r.locate(path).line };
}

/** A stable short hash (FNV-1a) for pod-name suffixes. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

const ALNUM = 'bcdfghjklmnpqrstvwxz2456789';
function suffix(seed: string, len: number): string {
  let h = hashString(seed);
  let out = '';
  for (let i = 0; i < len; i++) {
    out += ALNUM[h % ALNUM.length];
    h = Math.floor(h / ALNUM.length) || hashString(seed + i);
  }
  return out;
}

function readApps(files: ScenarioFile[]): AppBehavior[] {
  const apps: AppBehavior[] = [];
  for (const f of files) {
    for (const o of readManifests(f.name, f.text).objects) {
      if (str(o.data.kind) !== 'AppBehavior' || !String(o.data.apiVersion ?? '').startsWith('opslab.dev/')) continue;
      const meta = obj(o.data.metadata);
      const spec = obj(o.data.spec);
      const name = str(meta.name) ?? '(unnamed)';
      const namespace = str(meta.namespace) ?? 'default';
      const responses: AppResponse[] = arr(spec.responses).map((x) => {
        const r = obj(x);
        const resp: AppResponse = { status: num(r.status) ?? 200, body: str(r.body) ?? '', delayMs: parseDuration(r.delay) ?? 0, headers: strMap(r.headers) };
        const p = str(r.path);
        const pre = str(r.prefix);
        const m = str(r.method);
        if (p !== undefined) resp.path = p;
        if (pre !== undefined) resp.prefix = pre;
        if (m !== undefined) resp.method = m.toUpperCase();
        const call = readAppCall(r.call);
        if (call) resp.call = call;
        return resp;
      });
      const app: AppBehavior = {
        name,
        namespace,
        selector: spec.selector === undefined ? null : strMap(spec.selector),
        hosts: arr(spec.hosts).map((h) => String(h).toLowerCase()),
        responses,
        closeRace: Math.min(1, Math.max(0, num(spec.closeRace) ?? 0.5)),
        protocol: (str(spec.protocol) ?? 'http').toLowerCase() === 'mysql' ? 'mysql' : 'http',
        startupCalls: arr(spec.startupCalls).map((c) => String(c)),
        source: { resource: `AppBehavior ${namespace}/${name}`, file: o.file, line: o.locate([]).line },
      };
      const ready = bool(spec.ready);
      const sidecar = bool(spec.sidecar);
      if (ready !== undefined) app.ready = ready;
      if (sidecar !== undefined) app.sidecar = sidecar;
      const ka = parseDuration(spec.keepaliveTimeout);
      if (ka !== null) app.keepaliveTimeoutMs = ka;
      const raceWindow = parseDuration(spec.closeRaceWindow);
      if (raceWindow !== null) app.closeRaceWindowMs = raceWindow;
      const idle = parseDuration(spec.networkIdleTimeout);
      if (idle !== null) app.networkIdleTimeoutMs = idle;
      const tls = obj(spec.tls);
      if (tls.serverNames !== undefined) app.tlsServerNames = arr(tls.serverNames).map((h) => String(h).toLowerCase());
      const proc = readAppProcess(spec.process);
      if (proc) app.process = proc;
      apps.push(app);
    }
  }
  return apps;
}

function readMesh(model: ResourceModel): MeshSettings {
  const m = model.meshConfig;
  const enc = (str(m.accessLogEncoding) ?? 'TEXT').toUpperCase() === 'JSON' ? 'JSON' : 'TEXT';
  const policy = (str(obj(m.outboundTrafficPolicy).mode) ?? 'ALLOW_ANY').toUpperCase() === 'REGISTRY_ONLY' ? 'REGISTRY_ONLY' : 'ALLOW_ANY';
  const src = model.meshConfigSource;
  const hold = bool(obj(m.defaultConfig).holdApplicationUntilProxyStarts) ?? false;
  // istiod's image tag and env decide the version-dependent behaviours.
  const istiod = model.workloads.find((w) => w.labels.app === 'istiod' || w.resource.name === 'istiod');
  const container = obj(arr(istiod?.podSpec.containers)[0]);
  const tag = /:(\d+\.\d+(?:\.\d+)?)/.exec(str(container.image) ?? '')?.[1] ?? '1.24.2';
  const minor = Number(tag.split('.')[1]);
  const env = (name: string): boolean | undefined => {
    const v = str(obj(arr(container.env).map(obj).find((e) => str(e.name) === name)).value);
    return v === undefined ? undefined : v.toLowerCase() === 'true';
  };
  return { accessLogEncoding: enc, accessLogFormat: str(m.accessLogFormat) ?? '', outboundPolicy: policy, holdApplication: hold, istioVersion: tag, externalNameAlias: env('ENABLE_EXTERNAL_NAME_ALIAS') ?? minor >= 21, autoSni: env('ENABLE_AUTO_SNI') ?? minor >= 21, source: src ? sourceOf(src, ['data', 'mesh']) : null };
}

/** Is this workload a gateway (Envoy as a router, no app)? */
function isGatewayWorkload(model: ResourceModel, w: Workload): boolean {
  if (w.labels.istio === 'ingressgateway' || w.labels.istio === 'egressgateway') return true;
  return model.ofKind('Gateway').some((g) => {
    const sel = strMap(g.spec.selector);
    return Object.keys(sel).length > 0 && selects(sel, w.labels);
  });
}

/** The pod annotation `proxy.istio.io/config` overrides the mesh-wide holdApplicationUntilProxyStarts. */
function holdFor(w: Workload, meshDefault: boolean): boolean {
  const ann = w.annotations['proxy.istio.io/config'];
  const m = ann ? /holdApplicationUntilProxyStarts["']?\s*:\s*(true|false)/.exec(ann) : null;
  return m ? m[1] === 'true' : meshDefault;
}

export function loadScenario(input: ScenarioFile[]): Scenario {
  let files = input;
  let model = modelFromTexts(files);
  const needsGateway = model.ofKind('Gateway').length > 0 && !model.workloads.some((w) => isGatewayWorkload(model, w) && w.resource.file !== DEFAULT_GATEWAY_FILE);
  if (needsGateway && !model.workloads.some((w) => w.labels.istio === 'ingressgateway')) {
    files = [...input, { name: DEFAULT_GATEWAY_FILE, text: DEFAULT_GATEWAY }];
    model = modelFromTexts(files);
  }
  const apps = readApps(files);
  const mesh = readMesh(model);
  const pods: PodInstance[] = [];
  let podIndex = 0;
  for (const w of model.workloads) {
    const r = w.resource;
    if (r.kind === 'ReplicaSet' && Object.keys(r.labels).length === 0) continue;
    const replicas = r.kind === 'Pod' ? 1 : num(r.spec.replicas) ?? 1;
    const app = apps.find((a) => a.namespace === w.namespace && a.selector !== null && selects(a.selector, w.labels)) ?? null;
    const gateway = isGatewayWorkload(model, w);
    let proxy: ProxyKind = gateway ? 'router' : model.isInjected(w) ? 'sidecar' : 'none';
    if (!gateway && app?.sidecar !== undefined) proxy = app.sidecar ? 'sidecar' : 'none';
    const containerPorts = arr(w.podSpec.containers).flatMap((c) => arr(obj(c).ports).map((p) => num(obj(p).containerPort))).filter((p): p is number => p !== undefined);
    for (let i = 0; i < replicas; i++) {
      const name = r.kind === 'Pod' ? r.name : `${r.name}-${suffix(`${r.namespace}/${r.name}`, 10).slice(0, r.kind === 'Deployment' ? 10 : 5)}${r.kind === 'Deployment' ? '-' + suffix(`${r.namespace}/${r.name}/${i}`, 5) : ''}`;
      podIndex++;
      const ip = `10.244.${Math.floor(podIndex / 250)}.${(podIndex % 250) + 4}`;
      const pod: PodInstance = { name, namespace: w.namespace, ip, labels: w.labels, workload: w, proxy, ready: app?.ready ?? true, ports: containerPorts, app, holdApplication: holdFor(w, mesh.holdApplication) };
      pods.push(pod);
    }
  }
  // A container without declared ports still listens on what its services target.
  for (const pod of pods) {
    if (pod.ports.length) continue;
    for (const s of model.servicesOf(pod.workload)) for (const p of s.ports) pod.ports.push(typeof p.targetPort === 'number' ? p.targetPort : p.port);
  }
  const vips = new Map<KubeService, string>();
  model.services.forEach((s, i) => {
    const given = str(s.resource.spec.clusterIP);
    vips.set(s, s.headless || s.externalName !== undefined ? 'None' : given && given !== 'None' ? given : `10.96.${Math.floor(i / 250)}.${(i % 250) + 10}`);
  });
  return { files, model, pods, apps, vips, mesh };
}

export function findPod(sc: Scenario, ref: string): PodInstance | undefined {
  let ns: string | null = null;
  let name = ref;
  if (ref.includes('/')) [ns, name] = ref.split('/', 2) as [string, string];
  else if (ref.includes('.')) {
    const i = ref.lastIndexOf('.');
    ns = ref.slice(i + 1);
    name = ref.slice(0, i);
  }
  const inNs = sc.pods.filter((p) => ns === null || p.namespace === ns);
  return inNs.find((p) => p.name === name) ?? inNs.find((p) => p.workload.resource.name === name) ?? inNs.find((p) => p.name.startsWith(name));
}

/** Target port of a service port on a pod (named target ports resolve through container ports). */
export function targetPort(s: KubeService, port: number): number {
  const p = s.ports.find((x) => x.port === port);
  if (!p) return port;
  return typeof p.targetPort === 'number' ? p.targetPort : p.port;
}
