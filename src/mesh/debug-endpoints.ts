// Debug endpoints and logs the simulator does not compute (istiod's port 15014,
// Envoy's admin port 15000, istiod's log), answered from lab files. A lab maps
// pod + port + path to a file (`serve:` in lab.yaml); these wrappers around the
// mesh's kubectl, istioctl and curl reach them the ways an operator would:
//
//   kubectl exec -n istio-system deploy/istiod -- curl -s localhost:15014/metrics
//   kubectl exec POD -c istio-proxy -- pilot-agent request GET memory
//   kubectl port-forward -n istio-system deploy/istiod 15014   (then) curl -s localhost:15014/debug/syncz
//   istioctl x internal-debug syncz        istioctl proxy-status (from the served syncz)
//   kubectl logs -n istio-system deploy/istiod
//
// Everything else goes to the wrapped command unchanged.
import { tabwrite } from '../analyzer/configdump/tabwriter.ts';
import { scanOptions } from '../shell/options.ts';
import { fail, ok, type CommandContext, type CommandResult, type CommandSpec } from '../shell/types.ts';
import { parseCurl } from './curl.ts';
import type { Mesh } from './mesh.ts';
import type { PodInstance } from './scenario.ts';

export interface ServedFile {
  /** namespace/name of a pod or of the Deployment that owns it. */
  pod: string;
  /** Port and path of a debug endpoint (path starts with "/"; a query must match exactly when given). */
  port?: number;
  path?: string;
  /** Instead of an endpoint: what `kubectl logs` prints for the pod. */
  logs?: boolean;
  /** The lab file with the answer, read when asked (so it is what the learner sees). */
  file: string;
}

/** istiod's monitoring and debug port. */
export const ISTIOD_DEBUG_PORT = 15014;
/** Envoy's admin port, which `pilot-agent request` talks to. */
export const ENVOY_ADMIN_PORT = 15000;

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** `pod/x`, `deploy/x`, `deployment/x` or a bare pod name, in a namespace. */
export function resolveTarget(mesh: Mesh, namespace: string, target: string): PodInstance | undefined {
  const [kind, name] = target.includes('/') ? (target.split('/', 2) as [string, string]) : ['pod', target];
  const inNs = mesh.scenario.pods.filter((p) => p.namespace === namespace);
  if (/^(po|pods?)$/.test(kind)) return inNs.find((p) => p.name === name);
  if (/^(deploy|deployments?)$/.test(kind)) return inNs.find((p) => p.workload.resource.kind === 'Deployment' && p.workload.resource.name === name);
  return undefined;
}

const servesPod = (entry: ServedFile, pod: PodInstance): boolean => {
  const [ns, name] = entry.pod.split('/', 2) as [string, string];
  return pod.namespace === ns && (pod.name === name || pod.workload.resource.name === name);
};

/** The path a request matches: the entry's exact path, or the request's path without its query. */
function findEndpoint(served: ServedFile[], pod: PodInstance, port: number, path: string): ServedFile | 'no-port' | 'no-path' {
  const onPort = served.filter((e) => e.port === port && servesPod(e, pod));
  if (!onPort.length) return 'no-port';
  const bare = path.split('?')[0];
  return onPort.find((e) => e.path === path) ?? onPort.find((e) => e.path === bare) ?? 'no-path';
}

/** What the pod's port answers on a path, as curl prints it (`curl -s`). */
function answer(served: ServedFile[], pod: PodInstance, port: number, path: string, ctx: CommandContext, host = 'localhost'): CommandResult {
  const hit = findEndpoint(served, pod, port, path);
  if (hit === 'no-port') return fail(`curl: (7) Failed to connect to ${host} port ${port} after 0 ms: Couldn't connect to server`, 7);
  if (hit === 'no-path') {
    // Go's http.ServeMux (istiod) and Envoy's admin answer an unknown path differently.
    if (port === ENVOY_ADMIN_PORT) return ok(`invalid path. admin commands are:\n${served.filter((e) => e.port === port && servesPod(e, pod)).map((e) => `  ${e.path}`).join('\n')}\n`);
    return ok('404 page not found\n');
  }
  const text = ctx.fs.read(hit.file);
  if (text === undefined) return fail(`lab error: ${hit.file} (served for ${pod.name} ${port}${hit.path}) is missing`, 1);
  return ok(text);
}

/** `curl [options] URL` aimed at a local port: the port and path, or null when it is not local. */
function localUrl(argv: string[]): { port: number; path: string; output: string | null } | { error: CommandResult } | null {
  const parsed = parseCurl(argv);
  if (!parsed.ok) return { error: fail(parsed.error, parsed.exitCode) };
  if (!LOCAL_HOSTS.has(parsed.req.host)) return null;
  return { port: parsed.req.port, path: parsed.req.path, output: parsed.req.output };
}

// -f is a flag here (`logs -f`); `apply -f FILE` only reaches the wrapped kubectl, which reads it itself.
const KUBECTL_OPTIONS = { flags: 'AitLfS', values: 'nocsTa', long: { namespace: 'n', output: 'o', container: 'c', filename: 'f', follow: 'f', 'all-namespaces': 'A', 'show-labels': 'L', stdin: 'i', tty: 't', since: 's', tail: 'T', timestamps: 'S', address: 'a' } };

/**
 * Wraps the mesh's kubectl, istioctl and curl (as returned by meshCommands) so
 * the served files answer. Commands other than those three pass through.
 */
export function withServedFiles(commands: CommandSpec[], mesh: () => Mesh, served: ServedFile[]): CommandSpec[] {
  /** Local port → the pod and port `kubectl port-forward` connected it to. */
  const forwards = new Map<number, { pod: PodInstance; port: number }>();
  const istiod = (): PodInstance | undefined => mesh().scenario.pods.find((p) => served.some((e) => e.port === ISTIOD_DEBUG_PORT && servesPod(e, p)));

  const wrap = (name: string, run: (inner: CommandSpec, argv: string[], stdin: string, ctx: CommandContext) => CommandResult | Promise<CommandResult>): CommandSpec | undefined => {
    const inner = commands.find((c) => c.name === name);
    return inner && { ...inner, run: (argv, stdin, ctx) => run(inner, argv, stdin, ctx) };
  };

  const kubectl = wrap('kubectl', (inner, argv, stdin, ctx) => {
    const dash = argv.indexOf('--');
    const head = dash >= 0 ? argv.slice(0, dash) : argv;
    const tail = dash >= 0 ? argv.slice(dash + 1) : [];
    const s = scanOptions(head.slice(1), KUBECTL_OPTIONS);
    if (!s.ok) return inner.run(argv, stdin, ctx);
    const ns = s.values.get('n')?.[0] ?? 'default';
    const [verb, target] = s.operands;
    const pod = target ? resolveTarget(mesh(), ns, target) : undefined;
    if (verb === 'port-forward') {
      if (!target) return fail('error: TYPE/NAME and list of ports are required for port-forward');
      if (!pod) return fail(`Error from server (NotFound): ${target.includes('/') ? target.replace('/', 's "') : `pods "${target}`}" not found`);
      const ports = s.operands.slice(2);
      if (!ports.length) return fail('error: at least 1 PORT is required for port-forward');
      const lines: string[] = [];
      for (const p of ports) {
        const m = /^(?:(\d*):)?(\d+)$/.exec(p);
        if (!m) return fail(`error: invalid port: ${p}`);
        const local = Number(m[1] || m[2]);
        const remote = Number(m[2]);
        forwards.set(local, { pod, port: remote });
        lines.push(`Forwarding from 127.0.0.1:${local} -> ${remote}`, `Forwarding from [::1]:${local} -> ${remote}`);
      }
      // A real port-forward keeps running; here it stays open for the rest of the session.
      return ok(lines.map((l) => l + '\n').join(''));
    }
    if (!pod) return inner.run(argv, stdin, ctx);
    if (verb === 'logs') {
      const log = served.find((e) => e.logs && servesPod(e, pod));
      if (!log) return inner.run(argv.map((a) => (a === target ? pod.name : a)), stdin, ctx);
      const text = ctx.fs.read(log.file) ?? '';
      const n = s.values.get('T')?.[0];
      if (n === undefined || !/^\d+$/.test(n)) return ok(text);
      return ok(text.split('\n').filter(Boolean).slice(-Number(n)).map((l) => l + '\n').join(''));
    }
    if (verb === 'exec') {
      if (tail[0] === 'pilot-agent') {
        // pilot-agent request METHOD PATH: a request to Envoy's admin port.
        if (tail[1] !== 'request' || !tail[2] || !tail[3]) return fail('Error: usage: pilot-agent request <method> <path> [<body>]');
        return answer(served, pod, ENVOY_ADMIN_PORT, '/' + tail[3].replace(/^\//, ''), ctx);
      }
      if (tail[0] === 'curl') {
        const url = localUrl(tail);
        if (url && 'error' in url) return url.error;
        if (url) return answer(served, pod, url.port, url.path, ctx);
      }
      // Not a local port: the mesh runs it, from the resolved pod's name.
      return inner.run(argv.map((a) => (a === target ? pod.name : a)), stdin, ctx);
    }
    return inner.run(argv, stdin, ctx);
  });

  const curl = wrap('curl', (inner, argv, stdin, ctx) => {
    const url = localUrl(argv);
    if (!url) return inner.run(argv, stdin, ctx);
    if ('error' in url) return url.error;
    const fwd = forwards.get(url.port);
    if (!fwd) return fail(`curl: (7) Failed to connect to localhost port ${url.port} after 0 ms: Couldn't connect to server (start kubectl port-forward first)`, 7);
    const r = answer(served, fwd.pod, fwd.port, url.path, ctx);
    if (r.exitCode !== 0 || !url.output) return r;
    ctx.fs.write(url.output, r.stdout);
    return ok('');
  });

  const istioctl = wrap('istioctl', (inner, argv, stdin, ctx) => {
    const [verb, sub, what] = argv.slice(1);
    if ((verb === 'x' || verb === 'experimental') && sub === 'internal-debug') {
      // The same debug data over istiod's xDS port (15012), without a port-forward.
      const pod = istiod();
      if (!pod) return fail('Error: no istiod debug data in this lab');
      if (!what) return fail('Error: internal-debug requires a debug type, e.g. syncz, configz, adsz');
      return answer(served, pod, ISTIOD_DEBUG_PORT, `/debug/${what}`, ctx);
    }
    if (verb === 'proxy-status' || verb === 'ps') {
      const pod = istiod();
      const syncz = pod && findEndpoint(served, pod, ISTIOD_DEBUG_PORT, '/debug/syncz');
      if (!pod || !syncz || typeof syncz === 'string') return inner.run(argv, stdin, ctx);
      return proxyStatus(ctx.fs.read(syncz.file) ?? '[]', pod.name, sub);
    }
    return inner.run(argv, stdin, ctx);
  });

  const replaced = [kubectl, curl, istioctl].filter((c): c is CommandSpec => !!c);
  return commands.map((c) => replaced.find((r) => r.name === c.name) ?? c);
}

/** istioctl's status of one xDS type from what istiod sent and the proxy acknowledged. */
export function xdsStatus(sent: unknown, acked: unknown): string {
  if (typeof sent !== 'string' || sent === '') return 'NOT SENT';
  if (sent === acked) return 'SYNCED';
  if (typeof acked !== 'string' || acked === '') return 'STALE (Never Acknowledged)';
  return 'STALE';
}

/** `istioctl proxy-status [NAME]` (1.16+ columns) from istiod's /debug/syncz JSON. */
export function proxyStatus(synczText: string, istiodPod: string, only?: string): CommandResult {
  let doc: unknown;
  try {
    doc = JSON.parse(synczText);
  } catch (e) {
    return fail(`Error: cannot read istiod's sync status: ${(e as Error).message}`);
  }
  if (!Array.isArray(doc)) return fail("Error: istiod's sync status is not a list");
  const rows = [['NAME', 'CLUSTER', 'CDS', 'LDS', 'EDS', 'RDS', 'ECDS', 'ISTIOD', 'VERSION']];
  const entries = doc
    .filter((e): e is Record<string, unknown> => !!e && typeof e === 'object')
    .filter((e) => !only || String(e.proxy).startsWith(only))
    .sort((a, b) => String(a.proxy).localeCompare(String(b.proxy)));
  for (const e of entries) {
    const ecds = typeof e.extensionconfig_sent === 'string' && e.extensionconfig_sent !== '' ? xdsStatus(e.extensionconfig_sent, e.extensionconfig_acked) : 'IGNORED';
    rows.push([String(e.proxy), String(e.cluster_id ?? 'Kubernetes'), xdsStatus(e.cluster_sent, e.cluster_acked), xdsStatus(e.listener_sent, e.listener_acked), xdsStatus(e.endpoint_sent, e.endpoint_acked), xdsStatus(e.route_sent, e.route_acked), ecds, istiodPod, String(e.proxy_version ?? e.istio_version ?? '')]);
  }
  return ok(tabwrite(rows, 3));
}
