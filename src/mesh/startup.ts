// How an app container in an injected pod starts (guide chapters application-start-fail
// and startup-dependence). iptables redirects the app's traffic from the first instant,
// but Envoy has no listener until its first configuration arrives from istiod, so a call
// the app makes as it starts is refused. A start-up script that gives up (`curl … &&
// exec app`) exits, the kubelet restarts the container after its back-off, and by then
// the proxy is ready: RESTARTS 1 and the refusal in `kubectl logs --previous`. With
// holdApplicationUntilProxyStarts the injector puts istio-proxy first with a postStart
// `pilot-agent wait`, and the app starts only once the proxy is ready. curl's own
// --retry with --retry-connrefused rides out the same window.
import { str, arr, obj, strList } from '../analyzer/resources/values.ts';
import { parseLine } from '../shell/parse.ts';
import { parseCurl } from './curl.ts';
import { isoTime } from './request.ts';
import type { Mesh } from './mesh.ts';
import type { PodInstance } from './scenario.ts';

/** Time from the pod's start until its sidecar has its first configuration (a few seconds in a small mesh). */
export const PROXY_READY_MS = 3000;
/** The kubelet's back-off before restarting a crashed container: 10 s, doubled each time, at most 5 min. */
const BACKOFF_MS = 10_000;
const MAX_BACKOFF_MS = 300_000;
/** Runs played before a pod that keeps failing is left in CrashLoopBackOff. */
const MAX_RUNS = 6;

export interface ContainerRun {
  startedAt: number;
  /** null while it runs. */
  finishedAt: number | null;
  exitCode: number | null;
  /** What the container printed (stdout and stderr, as `kubectl logs` shows them). */
  log: string[];
}

export interface PodStart {
  /** When the pod (and its istio-proxy) started, on the mesh clock. */
  startedAt: number;
  /** The app container (the first container that is not istio-proxy). */
  container: string;
  /** Oldest first; the last one is the current container. */
  runs: ContainerRun[];
  /** The app waited for the proxy (postStart `pilot-agent wait`). */
  held: boolean;
  crashLoop: boolean;
}

export const appContainerName = (pod: PodInstance): string =>
  arr(pod.workload.podSpec.containers).map((c) => str(obj(c).name) ?? '').find((n) => n && n !== 'istio-proxy') ?? pod.name;

/**
 * The client commands the app runs as it starts: its AppBehavior's `startupCalls`, else
 * the curl commands in its container's command and args (a start-up script).
 */
export function startupCalls(pod: PodInstance): string[][] {
  if (!pod.app) return [];
  const split = (line: string): string[] => {
    const parsed = parseLine(line, {});
    return parsed.ok ? parsed.stages[0] ?? [] : [];
  };
  if (pod.app.startupCalls.length) return pod.app.startupCalls.map(split);
  const container = obj(arr(pod.workload.podSpec.containers).map(obj).find((c) => str(c.name) === appContainerName(pod)));
  const script = [...strList(container.command), ...strList(container.args)].join(' ');
  return [...script.matchAll(/\bcurl\s[^;&|\n]*/g)].map((m) => split(m[0]));
}

/** One run of the container from `at`: each call in turn (with curl's retries); the first that fails ends it. */
function runOnce(mesh: Mesh, pod: PodInstance, calls: string[][], at: number, proxyReadyAt: number): ContainerRun {
  let t = at;
  const log: string[] = [];
  const urls: string[] = [];
  for (const argv of calls) {
    const parsed = parseCurl(argv);
    if (!parsed.ok) return { startedAt: at, finishedAt: t, exitCode: parsed.exitCode, log: [parsed.error] };
    const retry = parsed.req.retry;
    let left = retry?.count ?? 0;
    let wait = retry?.delayMs ?? 1000;
    for (;;) {
      mesh.sim.clock = t;
      const r = mesh.curl(pod, argv, { proxyReady: t >= proxyReadyAt });
      // The call's own duration only: the simulator's gap between commands stands for a person typing.
      t += r.outcome?.client.durationMs ?? 1;
      mesh.sim.clock = t;
      if (r.exitCode === 0) break;
      const refused = r.exitCode === 7;
      const transient = r.exitCode === 28 || [408, 429, 500, 502, 503, 504].includes(r.outcome?.client.status ?? 0);
      if (retry && left > 0 && (retry.allErrors || (refused ? retry.connRefused : transient))) {
        left--;
        t += wait;
        if (retry.delayMs === null) wait = Math.min(wait * 2, 600_000);
        continue;
      }
      // `curl … && exec app`: the script stops with curl's exit code, after what curl printed.
      log.push(...r.stderr.split('\n').filter(Boolean));
      return { startedAt: at, finishedAt: t, exitCode: r.exitCode, log };
    }
    urls.push(parsed.req.url);
  }
  const port = pod.ports[0];
  log.push(`${isoTime(t)} INFO configuration loaded from ${urls.join(', ')}`);
  if (port !== undefined) log.push(`${isoTime(t)} INFO listening on :${port}`);
  return { startedAt: at, finishedAt: null, exitCode: null, log };
}

/** Plays the pod's start from `at` on the mesh clock; null for a pod whose app makes no start-up calls. */
export function startPod(mesh: Mesh, pod: PodInstance, at: number): PodStart | null {
  const calls = startupCalls(pod);
  if (!calls.length) return null;
  const held = pod.proxy === 'sidecar' && pod.holdApplication;
  const proxyReadyAt = pod.proxy === 'sidecar' ? at + PROXY_READY_MS : at;
  const runs: ContainerRun[] = [];
  let start = held ? proxyReadyAt : at;
  let backoff = BACKOFF_MS;
  for (;;) {
    const run = runOnce(mesh, pod, calls, start, proxyReadyAt);
    runs.push(run);
    if (run.finishedAt === null) return { startedAt: at, container: appContainerName(pod), runs, held, crashLoop: false };
    if (runs.length >= MAX_RUNS) return { startedAt: at, container: appContainerName(pod), runs, held, crashLoop: true };
    start = run.finishedAt + backoff;
    backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
  }
}
