// One lab session: the simulated shell over the learner's files and, when the
// lab has a scenario, the mesh simulator behind kubectl, istioctl and curl.
// The worker and `opslab lab check` (through replay.ts) both start sessions here.
import { createShell, parseLine, type Shell, type ShellOptions, type RunRecord } from '../shell/index.ts';
import { Mesh, meshCommands } from '../mesh/index.ts';
import { labCommands } from './integration.ts';
import { withServedFiles } from '../mesh/debug-endpoints.ts';
import { pprofCommand } from './pprof.ts';
import { debuggerCommands } from '../debugger/commands.ts';
import type { CheckEnv } from './checks.ts';
import type { LabData } from './protocol.ts';

export interface LabSession {
  shell: Shell;
  mesh: Mesh | null;
  /** Runs a `request` check's command against the simulated mesh. */
  request?: CheckEnv['request'];
}

const applied = (r: RunRecord): string | null => {
  const argv = r.stages[0] ?? [];
  if (r.exitCode !== 0 || argv[0] !== 'kubectl' || argv[1] !== 'apply') return null;
  const f = argv.indexOf('-f');
  return f > 0 ? argv[f + 1] ?? null : null;
};

export function createLabSession(lab: LabData, opts: ShellOptions): LabSession {
  const shell = createShell(opts).register(pprofCommand);
  if (lab.scenario.length === 0) return { shell: shell.register(...labCommands), mesh: null };
  // The mesh starts from the lab's own files; what the learner applied in an
  // earlier visit (kept in the run records) is applied again, as it was then.
  const original = new Map(lab.files.map((f) => [f.path, f.content]));
  const mesh = new Mesh(lab.scenario.map((name) => ({ name, text: original.get(name) ?? '' })));
  for (const r of opts.records ?? []) {
    const file = applied(r);
    const text = file ? opts.fs.read(file) : undefined;
    if (file && text !== undefined && lab.scenario.includes(file)) mesh.applyFile(file, text);
  }
  const commands = meshCommands({ mesh: () => mesh, clientPod: lab.client });
  const served = lab.serve?.length ? withServedFiles(commands, () => mesh, lab.serve) : commands;
  shell.register(...served);
  if (lab.debugger) shell.register(...debuggerCommands({ config: lab.debugger, mesh: () => mesh, base: served, read: (path) => shell.fs.read(path) }));
  // A check's request runs on a copy of the mesh, so it adds no lines to the
  // proxies' logs the learner reads with `kubectl logs`.
  const request: CheckEnv['request'] = async (from, command, idleMs, atStart) => {
    const probe = new Mesh(mesh.files);
    const pod = probe.pod(from);
    if (!pod) return { status: 0, body: `no pod ${from} in the scenario`, flags: [] };
    const parsed = parseLine(command, {});
    const argv = parsed.ok ? parsed.stages[0] ?? [] : [];
    if (idleMs !== undefined) {
      // Open (and pool) the connection first, then let it sit idle; the second request is judged.
      probe.run(pod, argv);
      probe.sim.clock += idleMs;
    }
    // At start the sidecar is ready only if the injector made the app wait for it.
    const run = atStart ? probe.curl(pod, argv, { proxyReady: pod.holdApplication }) : probe.run(pod, argv);
    return { status: run.outcome?.client.status ?? 0, body: run.stdout, flags: run.outcome?.hops[0]?.entry.response_flags ?? [] };
  };
  return { shell, mesh, request };
}
