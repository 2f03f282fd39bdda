// The app's process inside its container: the command it runs, the files of its
// image, and the environment the kubelet starts it with (the pod spec's `env`
// plus the service-link variables of every Service in the namespace). An app
// whose upstream URL comes from that environment calls what the variables say,
// not what its authors meant; `kubectl exec`/`kubectl debug` read the same data
// through /proc (see container.ts).
//
// Service links as the kubelet writes them (Kubernetes docs, "Service >
// Environment variables"; pkg/kubelet/envvars): for each Service with a cluster
// IP, `<NAME>_SERVICE_HOST`, `<NAME>_SERVICE_PORT` (first port),
// `<NAME>_SERVICE_PORT_<PORTNAME>` (named ports) and the Docker-links family
// `<NAME>_PORT=tcp://IP:PORT`, `<NAME>_PORT_<P>_TCP{,_PROTO,_PORT,_ADDR}`. A
// variable the container sets itself wins over a service link of the same name;
// `enableServiceLinks: false` drops all but those of the `kubernetes` Service.
import { arr, bool, num, obj, str, strMap } from '../analyzer/resources/values.ts';
import type { PodInstance, Scenario } from './scenario.ts';

export interface AppProcess {
  /** argv of the app's main process (PID 1 of its container). */
  command: string[];
  /** Files of the image by absolute path (what /proc/1/root shows). */
  files: Record<string, string>;
  workingDir: string;
  /** The user the process runs as (a uid or a name). */
  user: string;
  /** Variables the image sets (Dockerfile ENV), before the pod spec's. */
  imageEnv: [string, string][];
  /** Commands the image has; an empty list is a distroless image: no shell, no cat. */
  tools: string[];
}

/** An upstream call the app makes while answering; its URL is expanded from the process environment. */
export interface AppCall {
  /** e.g. `http://ratings:${RATINGS_PORT:-8080}/ratings/42` (`${V}`, `${V-d}`, `${V:-d}`). */
  url: string;
  userAgent: string;
  /** What the app answers when the call fails or its URL cannot be parsed. */
  onError: { status: number; body: string };
}

/** The cluster IP of the `kubernetes` Service (default namespace), always in a pod's environment. */
const KUBERNETES_VIP = '10.96.0.1';

export function readAppProcess(value: unknown): AppProcess | undefined {
  if (value === undefined || value === null) return undefined;
  const p = obj(value);
  return {
    command: arr(p.command).map(String),
    files: strMap(p.files),
    workingDir: str(p.workingDir) ?? '/',
    user: String(p.user ?? 'root'),
    imageEnv: Object.entries(strMap(p.env)),
    tools: p.tools === undefined ? ['sh', 'cat', 'ls', 'ps', 'env', 'grep', 'curl'] : arr(p.tools).map(String),
  };
}

export function readAppCall(value: unknown): AppCall | undefined {
  if (value === undefined || value === null) return undefined;
  const c = obj(value);
  const onError = obj(c.onError);
  return { url: str(c.url) ?? '', userAgent: str(c.userAgent) ?? 'python-requests/2.31.0', onError: { status: num(onError.status) ?? 500, body: str(onError.body) ?? '' } };
}

/** `ratings-v1` → `RATINGS_V1`, as the kubelet names service-link variables. */
const envName = (name: string): string => name.toUpperCase().replace(/-/g, '_');

function linkVars(name: string, ip: string, ports: { port: number; name?: string; l4: string }[]): [string, string][] {
  const n = envName(name);
  const first = ports[0];
  if (!first) return [];
  const out: [string, string][] = [[`${n}_SERVICE_HOST`, ip], [`${n}_SERVICE_PORT`, String(first.port)]];
  for (const p of ports) if (p.name) out.push([`${n}_SERVICE_PORT_${envName(p.name)}`, String(p.port)]);
  out.push([`${n}_PORT`, `${first.l4.toLowerCase()}://${ip}:${first.port}`]);
  for (const p of ports) {
    const proto = p.l4.toLowerCase();
    const key = `${n}_PORT_${p.port}_${proto.toUpperCase()}`;
    out.push([key, `${proto}://${ip}:${p.port}`], [`${key}_PROTO`, proto], [`${key}_PORT`, String(p.port)], [`${key}_ADDR`, ip]);
  }
  return out;
}

/** The service-link variables a pod in `namespace` gets: its namespace's Services (by name), then `kubernetes`. */
export function serviceLinkEnv(sc: Scenario, namespace: string, enabled = true): [string, string][] {
  const out: [string, string][] = [];
  if (enabled) {
    const services = sc.model.services.filter((s) => s.namespace === namespace && s.name !== 'kubernetes').sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const s of services) {
      const ip = sc.vips.get(s);
      if (!ip || ip === 'None') continue; // headless and ExternalName Services get no variables
      out.push(...linkVars(s.name, ip, s.ports));
    }
  }
  out.push(...linkVars('kubernetes', KUBERNETES_VIP, [{ port: 443, name: 'https', l4: 'TCP' }]));
  return out;
}

/**
 * The environment a container of a pod starts with: PATH and HOSTNAME, the image's
 * variables, the container's `env` (literal values), then the service links it
 * does not override.
 */
export function containerEnv(sc: Scenario, pod: PodInstance, containerName?: string): [string, string][] {
  const containers = arr(pod.workload.podSpec.containers).map(obj);
  const container = containers.find((c) => containerName === undefined || str(c.name) === containerName) ?? containers[0] ?? {};
  const image = pod.app?.process?.imageEnv ?? [];
  const env = new Map<string, string>([['PATH', '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], ['HOSTNAME', pod.name], ...image]);
  for (const e of arr(container.env).map(obj)) {
    const name = str(e.name);
    // valueFrom (secrets, the downward API) is not modelled: such a variable is left out.
    if (name !== undefined && e.value !== undefined) env.set(name, String(e.value));
  }
  const links = bool(pod.workload.podSpec.enableServiceLinks) ?? true;
  for (const [k, v] of serviceLinkEnv(sc, pod.namespace, links)) if (!env.has(k)) env.set(k, v);
  return [...env];
}

/** Expands `${NAME}`, `${NAME-default}` (unset only) and `${NAME:-default}` (unset or empty). */
export function expandEnv(template: string, env: [string, string][]): string {
  const vars = new Map(env);
  return template.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)-([^}]*))?\}/g, (_m, name: string, colon: string | undefined, fallback: string | undefined) => {
    const v = vars.get(name);
    if (fallback === undefined) return v ?? '';
    if (v === undefined || (colon === ':' && v === '')) return fallback;
    return v;
  });
}
