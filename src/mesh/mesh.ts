// A running mesh for a lab or the CLI: the scenario's files (replaced when the
// reader applies a change), the derived proxies, and the access-log lines each
// proxy has written so far (what `kubectl logs -c istio-proxy` shows).
import { parseCurl } from './curl.ts';
import { parseMysql } from './mysql.ts';
import { toConfigDump } from './dump.ts';
import { curlOutput, Simulator, type RequestOutcome } from './request.ts';
import { findPod, loadScenario, type PodInstance, type Scenario, type ScenarioFile } from './scenario.ts';
import { startPod, type PodStart } from './startup.ts';
import { istiodPushLog, isIstiod } from './istiod-log.ts';
import type { OutputChunk } from '../shell/types.ts';

export interface CurlRun {
  stdout: string;
  stderr: string;
  exitCode: number;
  /** stdout and stderr in write order (curl -v), when both have text. */
  output?: OutputChunk[];
  outcome: RequestOutcome | null;
}

const srcOf = (s: { resource: string; file: string; line: number }) => `; ${s.resource}, ${s.file}:${s.line}`;

/**
 * The app's log line for an inbound HTTP stream its sidecar forwarded: the app answered
 * (via_upstream) or was still working when the caller went away (DC). Local replies of
 * the sidecar (UF, UC) never reached the app. The client address is the sidecar's
 * (127.0.0.6 from Istio 1.10); the request id is the header the app received.
 */
function appLogLine(h: RequestOutcome['hops'][number]): string | null {
  const e = h.entry;
  if (h.direction !== 'inbound' || e.method === null) return null;
  if (e.response_code_details !== 'via_upstream' && !e.response_flags.includes('DC')) return null;
  return `${e.start_time ?? '-'} INFO request received method=${e.method} path=${e.path ?? '-'} client=${e.upstream_local_address ?? '-'} x-request-id=${e.request_id ?? '-'}`;
}

export class Mesh {
  files: ScenarioFile[];
  scenario!: Scenario;
  sim!: Simulator;
  /** Access-log lines by `pod.namespace`, oldest first. */
  readonly proxyLogs = new Map<string, string[]>();
  /**
   * The app container's own log by `pod.namespace`: one line per request its sidecar
   * handed to it (so one per retry attempt), written when the request arrives. Apps
   * without a sidecar have no inbound line to derive it from and log nothing here.
   */
  readonly appLogs = new Map<string, string[]>();
  /** How each pod's app container started (pods whose app calls out as it starts), by `pod.namespace`. */
  readonly starts = new Map<string, PodStart>();
  /** The pod template each start was played for: a changed template rolls out a new pod. */
  private readonly startedTemplates = new Map<string, string>();
  private readonly seed: number;

  constructor(files: ScenarioFile[], seed = 1) {
    this.files = [...files];
    this.seed = seed;
    this.rebuild();
  }

  /** Re-reads the files; the clock, the random sequence (request ids, ports) and the logs written so far carry over. */
  rebuild(): void {
    const clock = this.sim?.clock ?? 0;
    const first = !this.sim;
    this.scenario = loadScenario(this.files);
    this.sim = new Simulator(this.scenario, this.sim?.rng ?? this.seed);
    this.sim.clock = clock;
    // The proxies connected to istiod when their pods started (kubectl shows them 12 minutes old); every change pushes again.
    this.logIstiodPush(first ? clock - 11 * 60_000 : clock);
    this.startPods();
  }

  /** Appends istiod's push lines (omitted gateway listeners, LDS pushes) to istiod's log, when the scenario runs istiod. */
  private logIstiodPush(at: number): void {
    const istiod = this.scenario.pods.find(isIstiod);
    if (!istiod) return;
    const key = `${istiod.name}.${istiod.namespace}`;
    this.appLogs.set(key, [...(this.appLogs.get(key) ?? []), ...istiodPushLog(this.scenario, this.sim, at)]);
  }

  /** Plays the start of every pod that is new or whose template changed since its last start. */
  private startPods(): void {
    for (const pod of this.scenario.pods) {
      const key = `${pod.name}.${pod.namespace}`;
      // A mesh-wide default (meshConfig) reaches a running pod only when it is recreated: not part of the template.
      const template = JSON.stringify([pod.workload.podSpec, pod.workload.annotations, pod.app?.startupCalls]);
      const before = this.startedTemplates.get(key);
      if (before === template) continue;
      this.startedTemplates.set(key, template);
      // A changed template rolls out a new pod: the old pod's logs go with it.
      if (before !== undefined && this.starts.has(key)) {
        this.proxyLogs.delete(key);
        this.appLogs.delete(key);
      }
      const start = startPod(this, pod, this.sim.clock);
      if (start) this.starts.set(key, start);
      else this.starts.delete(key);
    }
  }

  /** Adds or replaces a file (by name) and rebuilds. */
  applyFile(name: string, text: string): void {
    const i = this.files.findIndex((f) => f.name === name);
    if (i >= 0) this.files[i] = { name, text };
    else this.files.push({ name, text });
    this.rebuild();
  }

  pod(ref: string): PodInstance | undefined {
    return findPod(this.scenario, ref);
  }

  configDump(pod: PodInstance): Record<string, unknown> | null {
    const cfg = this.sim.config(pod);
    return cfg ? toConfigDump(cfg, this.scenario) : null;
  }

  private record(outcome: RequestOutcome): void {
    for (const h of outcome.hops) {
      const list = this.proxyLogs.get(h.proxy) ?? [];
      list.push(h.log);
      this.proxyLogs.set(h.proxy, list);
      const line = appLogLine(h);
      if (line) this.appLogs.set(h.proxy, [...(this.appLogs.get(h.proxy) ?? []), line]);
    }
  }

  /** Runs a client command from a pod: `curl …` or `mysql -h … -P …`. */
  run(from: PodInstance, argv: string[]): CurlRun {
    if (argv[0] === 'mysql') return this.mysql(from, argv);
    if (argv[0] === 'curl') return this.curl(from, argv);
    return { stdout: '', stderr: `${argv[0] ?? ''}: command not found (simulated clients: curl, mysql)\n`, exitCode: 127, outcome: null };
  }

  /** Runs `mysql -h HOST -P PORT …` from a pod (a server-first TCP client). */
  mysql(from: PodInstance, argv: string[]): CurlRun {
    const parsed = parseMysql(argv);
    if (!parsed.ok) return { stdout: '', stderr: parsed.error + '\n', exitCode: 2, outcome: null };
    const outcome = this.sim.tcpClient(from, parsed.host, parsed.port, parsed.connectTimeoutMs);
    this.record(outcome);
    const c = outcome.client;
    return { stdout: c.body, stderr: c.error ? c.error + '\n' : '', exitCode: c.exitCode, outcome };
  }

  /**
   * Plays the start-up calls of a pod's app (AppBehavior startupCalls), made as soon
   * as the app container starts: before the sidecar is ready unless the pod holds
   * the app until the proxy has started.
   */
  startup(from: PodInstance): CurlRun[] {
    return (from.app?.startupCalls ?? []).map((line) => {
      const argv = line.trim().split(/\s+/).map((w) => w.replace(/^(['"])(.*)\1$/, '$2'));
      return this.curl(from, argv, { proxyReady: from.holdApplication });
    });
  }

  /** Runs `curl …` (argv[0] = 'curl') from a pod and records each proxy's log line. */
  curl(from: PodInstance, argv: string[], opts: { proxyReady?: boolean } = {}): CurlRun {
    const parsed = parseCurl(argv);
    if (!parsed.ok) return { stdout: '', stderr: parsed.error + '\n', exitCode: parsed.exitCode, outcome: null };
    const outcome = this.sim.send(from, parsed.req, opts);
    this.record(outcome);
    if (opts.proxyReady === false && from.proxy === 'sidecar') outcome.notes = [{ kind: 'note', name: 'sidecar not ready', detail: `the app container started before istio-proxy: iptables sends its traffic to 15001, where nothing listens yet (holdApplicationUntilProxyStarts is off${from.app ? srcOf(from.app.source) : ''})` }];
    const ip = this.sim.resolve(parsed.req.host, from)?.ip ?? null;
    const out = curlOutput(parsed.req, outcome, ip, outcome.client.exitCode === 7 && ip ? { ip: from.ip, port: this.sim.ephemeralPort() } : undefined);
    return { ...out, exitCode: outcome.client.exitCode, outcome };
  }
}
