// The shell commands of a debugging lab: `kubectl port-forward` (added to the
// simulator's kubectl), `curl` to a forwarded local port (the request reaches
// the app in the pod; other URLs go to the simulator's curl) and `dlv connect`.
// The debug pod runs the program under `dlv exec --headless`; its flags come
// from the pod spec, so a Deployment without `--listen` has nothing to connect to.
import { parseCurl } from '../mesh/curl.ts';
import type { Mesh } from '../mesh/mesh.ts';
import type { PodInstance } from '../mesh/scenario.ts';
import { arr, obj, str } from '../analyzer/resources/values.ts';
import { scanOptions } from '../shell/options.ts';
import { fail, ok, type CommandContext, type CommandResult, type CommandSpec } from '../shell/types.ts';
import { DlvClient } from './client.ts';
import { ledgerProgram } from './ledger.ts';
import type { GoProgram, HttpResponseOut } from './program.ts';
import { DebugTarget } from './target.ts';

/** The programs a lab can run under the debugger, by the name lab.yaml gives. */
export const programs: Record<string, (source: string) => GoProgram> = { ledger: ledgerProgram };

export interface DebugLabConfig {
  program: string;
  /** namespace/name of the workload whose pods run the program under Delve. */
  workload: string;
  /** The lab file holding the program's source. */
  source: string;
}

export interface DebuggerCommandOptions {
  config: DebugLabConfig;
  mesh: () => Mesh;
  /** The simulator's kubectl and curl, for everything that is not port-forwarding. */
  base: CommandSpec[];
  /** Reads a lab file (the program's source). */
  read: (path: string) => string | undefined;
}

/** How the debug container starts Delve, read from its command and args. */
export interface DelveServer {
  listen: number;
  /** --continue: the program runs without waiting for a client. */
  running: boolean;
}

export function delveServerOf(pod: PodInstance): DelveServer | null {
  for (const c of arr(pod.workload.podSpec.containers).map(obj)) {
    const argv = [...arr(c.command), ...arr(c.args)].map((x) => String(x));
    if (!argv.some((a) => /(^|\/)dlv$/.test(a)) || !argv.includes('--headless') && !argv.includes('--headless=true')) continue;
    const i = argv.findIndex((a) => a === '--listen' || a.startsWith('--listen='));
    const listen = i < 0 ? undefined : argv[i]!.includes('=') ? argv[i]!.split('=')[1] : argv[i + 1];
    const port = listen ? Number(/:(\d+)$/.exec(listen)?.[1]) : NaN;
    if (!Number.isInteger(port)) continue;
    return { listen: port, running: argv.includes('--continue') };
  }
  return null;
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

interface Forward {
  pod: PodInstance;
  remote: number;
}

const reasons: Record<number, string> = { 200: 'OK', 400: 'Bad Request', 404: 'Not Found' };

export function debuggerCommands(opts: DebuggerCommandOptions): CommandSpec[] {
  const forwards = new Map<number, Forward>();
  let target: DebugTarget | null = null;
  const program = () => {
    const make = programs[opts.config.program];
    if (!make) throw new Error(`no simulated program "${opts.config.program}"`);
    return make(opts.read(opts.config.source) ?? '');
  };
  const debugPod = (pod: PodInstance) => `${pod.namespace}/${pod.workload.resource.name}` === opts.config.workload;
  /** The process in the debug pod; created on first use, replaced when the pod restarts. */
  const process = (pod: PodInstance): DebugTarget | null => {
    const server = delveServerOf(pod);
    if (!server || !debugPod(pod)) return null;
    target ??= new DebugTarget(program(), { running: server.running });
    return target;
  };
  const baseKubectl = opts.base.find((c) => c.name === 'kubectl');
  const baseCurl = opts.base.find((c) => c.name === 'curl');

  const kubectl: CommandSpec = {
    ...(baseKubectl ?? { name: 'kubectl', summary: { en: 'Kubernetes', zh: 'Kubernetes' } }),
    name: 'kubectl',
    usage: `${baseKubectl?.usage ?? 'kubectl'}\nkubectl port-forward TYPE/NAME [LOCAL_PORT:]REMOTE_PORT... [-n NAMESPACE]`,
    run(argv, stdin, ctx) {
      const s = scanOptions(argv.slice(1), { values: 'n', long: { namespace: 'n', address: 'a' } });
      if (!s.ok || s.operands[0] !== 'port-forward') {
        return baseKubectl ? baseKubectl.run(argv, stdin, ctx) : fail('error: only `kubectl port-forward` is simulated here');
      }
      return portForward(s.values.get('n')?.[0] ?? 'default', s.operands.slice(1));
    },
  };

  function portForward(ns: string, operands: string[]): CommandResult {
    const [ref, ...ports] = operands;
    if (!ref || ports.length === 0) return fail('error: TYPE/NAME and list of ports are required for port-forward');
    const [kind, name] = ref.includes('/') ? (ref.split('/', 2) as [string, string]) : ['pod', ref];
    const mesh = opts.mesh();
    let pod: PodInstance | undefined;
    if (/^(po|pods?)$/.test(kind)) {
      pod = mesh.scenario.pods.find((p) => p.namespace === ns && p.name === name);
      if (!pod) return fail(`Error from server (NotFound): pods "${name}" not found`);
    } else if (/^(deploy|deployments?)$/.test(kind)) {
      pod = mesh.scenario.pods.find((p) => p.namespace === ns && p.workload.resource.kind === 'Deployment' && p.workload.resource.name === name);
      if (!pod) return fail(`Error from server (NotFound): deployments.apps "${name}" not found`);
    } else return fail(`error: port-forward is simulated for pods and deployments, not "${kind}"`);
    const pairs: [number, number][] = [];
    for (const p of ports) {
      const m = /^(?:(\d+):)?(\d+)$/.exec(p);
      if (!m) return fail(`error: Error parsing local port '${p.split(':')[0]}': strconv.ParseUint: parsing "${p.split(':')[0]}": invalid syntax`);
      const local = Number(m[1] ?? m[2]);
      if (forwards.has(local)) return fail(`Unable to listen on port ${local}: Listeners failed to create with the following errors: [unable to create listener: Error listen tcp4 127.0.0.1:${local}: bind: address already in use unable to create listener: Error listen tcp6 [::1]:${local}: bind: address already in use]\nerror: unable to listen on any of the requested ports: [{${local} ${m[2]}}]`);
      pairs.push([local, Number(m[2])]);
    }
    for (const [local, remote] of pairs) forwards.set(local, { pod, remote });
    // Real port-forward keeps the terminal until Ctrl-C; here it keeps forwarding in the background.
    return ok(pairs.map(([l, r]) => `Forwarding from 127.0.0.1:${l} -> ${r}\nForwarding from [::1]:${l} -> ${r}\n`).join(''));
  }

  /** What listens behind a local port: the Delve server, the app, or nothing. */
  function behind(port: number): { kind: 'dlv' | 'app'; target: DebugTarget } | { kind: 'none' } | { kind: 'other'; pod: PodInstance } {
    const f = forwards.get(port);
    if (!f) return { kind: 'none' };
    const t = process(f.pod);
    const server = delveServerOf(f.pod);
    if (t && server && f.remote === server.listen) return { kind: 'dlv', target: t };
    if (t && f.remote === t.program.port) return { kind: 'app', target: t };
    return { kind: 'other', pod: f.pod };
  }

  const curl: CommandSpec = {
    ...(baseCurl ?? { name: 'curl', summary: { en: 'HTTP requests', zh: 'HTTP 请求' } }),
    name: 'curl',
    async run(argv, stdin, ctx) {
      const parsed = parseCurl(argv);
      if (!parsed.ok || !LOCAL_HOSTS.has(parsed.req.host)) {
        if (baseCurl) return baseCurl.run(argv, stdin, ctx);
        return fail(parsed.ok ? `curl: (6) Could not resolve host: ${parsed.req.host}` : parsed.error, parsed.ok ? 6 : parsed.exitCode);
      }
      const req = parsed.req;
      const host = req.host === 'localhost' ? 'localhost' : req.host;
      const dest = behind(req.port);
      if (dest.kind === 'none') return fail(`curl: (7) Failed to connect to ${host} port ${req.port} after 0 ms: Couldn't connect to server`, 7);
      if (dest.kind === 'dlv' || dest.kind === 'other') return fail('curl: (52) Empty reply from server', 52);
      const headers: [string, string][] = [['Host', `${host}:${req.port}`], ['User-Agent', 'curl/8.5.0'], ['Accept', '*/*'], ...req.headers];
      if (req.body) {
        headers.push(['Content-Length', String(new TextEncoder().encode(req.body).length)]);
        if (!req.headers.some(([k]) => k.toLowerCase() === 'content-type')) headers.push(['Content-Type', 'application/x-www-form-urlencoded']);
      }
      const pending = dest.target.request({ method: req.method, target: req.path, headers, body: req.body, host: `${host}:${req.port}`, remoteAddr: '127.0.0.1:52814' });
      const response = await waitFor(pending, ctx, req.maxTimeMs);
      if (response === 'interrupted') return { stdout: '', stderr: '', exitCode: 130 };
      if (response === 'timeout') return fail(`curl: (28) Operation timed out after ${req.maxTimeMs} milliseconds with 0 bytes received`, 28);
      if (response === null) return fail('curl: (52) Empty reply from server', 52);
      return curlOutput(req, response);
    },
  };

  const dlv: CommandSpec = {
    name: 'dlv',
    summary: { en: 'Delve, the Go debugger: dlv connect HOST:PORT (to a headless server)', zh: 'Go 调试器 Delve：dlv connect HOST:PORT（连接无界面服务端）' },
    usage: 'dlv connect HOST:PORT',
    run(argv) {
      if (argv[1] !== 'connect') return fail(`Error: only 'dlv connect' runs in this lab: the program runs in the pod, under 'dlv exec --headless'`);
      const addr = argv[2];
      if (!addr) return fail('Error: you must provide an address as the first argument');
      const m = /^(.*):(\d+)$/.exec(addr);
      const stamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
      const refused = (shown: string) => fail(`${stamp} error layer=rpc error dialing ${addr}: dial tcp ${shown}: connect: connection refused`);
      if (!m) return fail(`${stamp} error layer=rpc error dialing ${addr}: dial tcp: address ${addr}: missing port in address`);
      const host = m[1]!;
      const port = Number(m[2]);
      if (!LOCAL_HOSTS.has(host)) {
        if (/^\d+\.\d+\.\d+\.\d+$/.test(host)) return fail(`${stamp} error layer=rpc error dialing ${addr}: dial tcp ${addr}: connect: connection timed out`);
        return fail(`${stamp} error layer=rpc error dialing ${addr}: dial tcp: lookup ${host}: no such host`);
      }
      const shown = `${host === 'localhost' ? '127.0.0.1' : host}:${port}`;
      const dest = behind(port);
      if (dest.kind !== 'dlv') return refused(shown);
      const t = dest.target;
      // Connecting stops a running target, so the client starts from a known state.
      t.interrupt();
      const client = new DlvClient({ target: () => target ?? t, source: () => opts.read(opts.config.source), onKill: () => (target = null) });
      return { stdout: "Type 'help' for list of commands.\n", stderr: '', exitCode: 0, enter: client };
    },
  };

  return [kubectl, curl, dlv];
}

/** Waits for a response; Ctrl-C or curl's --max-time end the wait. */
function waitFor(pending: Promise<HttpResponseOut | null>, ctx: CommandContext, maxTimeMs: number | null): Promise<HttpResponseOut | null | 'interrupted' | 'timeout'> {
  return new Promise((resolve) => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const onAbort = () => done('interrupted');
    const done = (v: HttpResponseOut | null | 'interrupted' | 'timeout') => {
      if (timer) clearTimeout(timer);
      ctx.signal?.removeEventListener('abort', onAbort);
      resolve(v);
    };
    if (ctx.signal?.aborted) return done('interrupted');
    ctx.signal?.addEventListener('abort', onAbort, { once: true });
    if (maxTimeMs !== null) timer = setTimeout(() => done('timeout'), maxTimeMs);
    void pending.then(done);
  });
}

function curlOutput(req: Extract<ReturnType<typeof parseCurl>, { ok: true }>['req'], res: HttpResponseOut): CommandResult {
  const length = new TextEncoder().encode(res.body).length;
  const headers = [...res.headers, ['Date', new Date().toUTCString()], ['Content-Length', String(length)]];
  const status = `HTTP/1.1 ${res.status} ${reasons[res.status] ?? ''}`.trimEnd();
  const head = [status, ...headers.map(([k, v]) => `${k}: ${v}`)].join('\r\n') + '\r\n\r\n';
  let stdout = req.output === '/dev/null' ? '' : (req.include ? head : '') + (req.head ? '' : res.body);
  if (req.writeOut !== null) stdout += req.writeOut.replace(/%\{http_code\}/g, String(res.status)).replace(/\\n/g, '\n');
  const stderr = req.verbose ? head.split('\r\n').filter(Boolean).map((l) => `< ${l}`).join('\n') + '\n' : '';
  const failed = req.fail && res.status >= 400;
  if (failed) return { stdout: '', stderr: `curl: (22) The requested URL returned error: ${res.status}\n`, exitCode: 22 };
  return { stdout, stderr, exitCode: 0 };
}
