// `kubectl exec` into an app container and `kubectl debug` (an ephemeral
// container) for the lab shell. An app with an AppBehavior `process` has a PID 1,
// an image and an environment; the tools a learner runs see them through /proc,
// as on a node: /proc/<pid>/environ and cmdline (NUL-separated), root/ (the
// process's filesystem) and cwd/. A distroless image has no tools at all, so
// `kubectl exec` fails and an ephemeral container with `--target` is the way in
// (Kubernetes docs, "Debug Running Pods"; proc(5)).
//
// The commands that run inside are the shell's own built-ins (cat, ls, grep,
// head, tail, wc) over a file system of the container's view, plus ps and env.
import { cat, head, ls, tail, wc } from '../shell/commands/basic.ts';
import { grep } from '../shell/commands/grep.ts';
import { VirtualFS } from '../shell/vfs.ts';
import { fail, ok, type CommandContext, type CommandResult, type CommandSpec } from '../shell/types.ts';
import type { Mesh } from './mesh.ts';
import { containerEnv, serviceLinkEnv } from './process.ts';
import { hashString, type PodInstance } from './scenario.ts';

interface Proc {
  pid: number;
  user: string;
  argv: string[];
  env: [string, string][];
  cwd: string;
  /** The process's filesystem by absolute path. */
  files: Record<string, string>;
}

const FILE_TOOLS: CommandSpec[] = [cat, ls, grep, head, tail, wc];
/** What a debugging image such as busybox offers here. */
const DEBUG_TOOLS = ['cat', 'ls', 'grep', 'head', 'tail', 'wc', 'ps', 'env'];
const DEBUG_PID = 19;

const isRoot = (user: string) => user === '0' || user === 'root';

/** The app's main process, from its AppBehavior `process`. */
function appProc(mesh: Mesh, pod: PodInstance, container: string | undefined): Proc | null {
  const p = pod.app?.process;
  if (!p) return null;
  return { pid: 1, user: p.user, argv: p.command, env: containerEnv(mesh.scenario, pod, container), cwd: p.workingDir, files: p.files };
}

/** /proc of a PID namespace; `canRead` says whether the caller may read a process's environ and root (ptrace access). */
function procFs(procs: Proc[], own: Record<string, string>, canRead: (p: Proc) => boolean): { fs: VirtualFS; denied: string[] } {
  const fs = new VirtualFS(Object.entries(own).map(([path, content]) => ({ path, content })));
  const denied: string[] = [];
  for (const p of procs) {
    const base = `proc/${p.pid}`;
    fs.write(`${base}/cmdline`, p.argv.map((a) => a + '\0').join(''));
    if (!canRead(p)) {
      denied.push(`${base}/environ`, `${base}/root`, `${base}/cwd`);
      fs.write(`${base}/environ`, '');
      continue;
    }
    fs.write(`${base}/environ`, p.env.map(([k, v]) => `${k}=${v}\0`).join(''));
    const cwd = p.cwd.replace(/^\/+|\/+$/g, '');
    for (const [path, content] of Object.entries(p.files)) {
      const rel = path.replace(/^\/+/, '');
      fs.write(`${base}/root/${rel}`, content);
      if (cwd && rel.startsWith(cwd + '/')) fs.write(`${base}/cwd/${rel.slice(cwd.length + 1)}`, content);
    }
  }
  return { fs, denied };
}

/** busybox ps: PID, USER, TIME, COMMAND. */
function psTable(procs: Proc[]): string {
  const rows = ['PID   USER     TIME  COMMAND'];
  for (const p of procs) rows.push(`${String(p.pid).padStart(5)} ${p.user.padEnd(8)} ${(p.pid === 1 && p.user !== 'root' ? '0:04' : '0:00').padStart(5)} ${p.argv.join(' ')}`);
  return rows.join('\n') + '\n';
}

/** Runs one command in a container whose PID namespace holds `procs`, as process `self`. */
async function runInside(argv: string[], self: Proc, procs: Proc[], tools: string[], canRead: (p: Proc) => boolean, ctx: CommandContext): Promise<CommandResult> {
  const tool = argv[0] ?? '';
  if (!tools.includes(tool)) return notFound(tool);
  if (tool === 'ps') return ok(psTable(procs));
  if (tool === 'env') return ok(self.env.map(([k, v]) => `${k}=${v}\n`).join(''));
  const { fs, denied } = procFs(procs, self.files, canRead);
  const blocked = argv.slice(1).find((a) => denied.some((d) => a.replace(/^\/+/, '').replace(/\/+$/, '') === d || a.replace(/^\/+/, '').startsWith(d + '/')));
  if (blocked) return fail(tool === 'cat' ? `cat: can't open '${blocked}': Permission denied` : `${tool}: ${blocked}: Permission denied`);
  const spec = FILE_TOOLS.find((s) => s.name === tool)!;
  return spec.run(argv, '', { ...ctx, fs, env: Object.fromEntries(self.env), commands: () => FILE_TOOLS });
}

/** The container runtime's answer for a command the image does not have (kubectl exits 126 with it). */
function notFound(tool: string): CommandResult {
  return fail(`OCI runtime exec failed: exec failed: unable to start container process: exec: "${tool}": executable file not found in $PATH: unknown\ncommand terminated with exit code 126`, 126);
}

/**
 * `kubectl exec POD [-c CONTAINER] -- CMD…` in the app container of a pod whose
 * AppBehavior describes its process; null when the pod has none (the caller
 * keeps its curl/mysql behaviour).
 */
export async function execInApp(mesh: Mesh, pod: PodInstance, container: string | undefined, argv: string[], ctx: CommandContext): Promise<CommandResult | null> {
  if (container === 'istio-proxy') return null;
  const proc = appProc(mesh, pod, container);
  if (!proc) return null;
  const tools = pod.app!.process!.tools;
  if ((argv[0] === 'curl' || argv[0] === 'mysql') && tools.includes(argv[0])) return null;
  return runInside(argv, proc, [proc], tools, () => true, ctx);
}

export interface DebugOptions {
  image: string;
  /** --target: share the PID namespace of this container. */
  target?: string;
  /** --profile: general and sysadmin grant SYS_PTRACE. */
  profile?: string;
  /** -i: attach, so the command's output is shown. */
  interactive: boolean;
}

/** `kubectl debug POD --image=IMG [--target=C] [--profile=P] [-i] -- CMD…`: an ephemeral container in the pod. */
export async function debugPod(mesh: Mesh, pod: PodInstance, opts: DebugOptions, argv: string[], ctx: CommandContext): Promise<CommandResult> {
  const containers = (Array.isArray(pod.workload.podSpec.containers) ? pod.workload.podSpec.containers : []).map((c) => String((c as Record<string, unknown>).name ?? ''));
  if (opts.target !== undefined && !containers.includes(opts.target)) return fail(`error: the target container "${opts.target}" was not found in pod ${pod.name} (containers: ${containers.join(', ')})`);
  const name = `debugger-${(hashString(`${pod.name}/${opts.image}/${argv.join(' ')}`) % 36 ** 5).toString(36).padStart(5, '0')}`;
  let notes = '';
  if (opts.target !== undefined) notes += `Targeting container "${opts.target}". If you don't see processes from this container it may be because the container runtime doesn't support this feature.\n`;
  notes += `Defaulting debug container name to ${name}.\n`;
  if (argv.length === 0 || argv[0] === 'sh' || argv[0] === 'bash') {
    return fail(`${notes}(simulated) this terminal cannot attach to an interactive shell: put the command after --, e.g. kubectl debug -i ${pod.name} --image=${opts.image} --target=${opts.target ?? containers[0] ?? 'app'} -- ps`);
  }
  if (!opts.interactive) return { stdout: '', stderr: `${notes}(simulated) without -i the output goes to \`kubectl logs ${pod.name} -c ${name}\`, which this lab does not keep: add -i to see it.\n`, exitCode: 0 };
  const self: Proc = { pid: opts.target !== undefined ? DEBUG_PID : 1, user: 'root', argv, env: [['PATH', '/usr/sbin:/usr/bin:/sbin:/bin'], ['HOSTNAME', pod.name], ...serviceLinkEnv(mesh.scenario, pod.namespace, pod.workload.podSpec.enableServiceLinks !== false)], cwd: '/', files: { '/bin/busybox': '', '/etc/hostname': pod.name + '\n' } };
  const target = opts.target !== undefined ? appProc(mesh, pod, opts.target) : null;
  const procs = target ? [target, self] : [self];
  const ptrace = opts.profile === 'general' || opts.profile === 'sysadmin';
  const canRead = (p: Proc) => p === self || ptrace || isRoot(p.user);
  const tools = /netshoot|curl/.test(opts.image) ? [...DEBUG_TOOLS, 'curl'] : DEBUG_TOOLS;
  if (argv[0] === 'curl' && tools.includes('curl')) {
    const r = mesh.run(pod, argv);
    return { stdout: r.stdout, stderr: notes + r.stderr, exitCode: r.exitCode };
  }
  const r = await runInside(argv, self, procs, tools, canRead, ctx);
  // kubectl prints its notes before the command's output; this terminal shows stderr after
  // stdout, so on success they are left out rather than shown below the output.
  return r.exitCode === 0 ? r : { ...r, stderr: notes + r.stderr };
}
