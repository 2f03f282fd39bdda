// `opslab simulate <scenario>... --from <ns>/<pod> -- curl …`: plays requests
// through the simulated mesh and prints what the client saw and each proxy's
// access-log line with the reason for its path. `opslab config-dump` and
// `opslab simulate-config <kind>` print what the simulator derived for a proxy.
import { Option, type Command } from 'commander';
import { clusterTable, endpointTable, listenerTable, routeTable, allTables } from '../../analyzer/configdump/tables.ts';
import { Mesh, formatPath, type Hop } from '../../mesh/index.ts';
import { parseDuration } from '../../mesh/duration.ts';
import { expandPaths, readInput, UsageError, type SetExit } from '../io.ts';

export function loadMesh(paths: string[], seed: number): Mesh {
  const files = expandPaths(paths)
    .filter((p) => /\.(ya?ml|json)$/i.test(p))
    .map((p) => ({ name: p, text: new TextDecoder().decode(readInput(p)) }));
  if (!files.length) throw new UsageError(`${paths.join(' ')}: no YAML files`);
  return new Mesh(files, seed);
}

function seedOf(s: string | undefined): number {
  if (s === undefined) return 1;
  if (!/^\d+$/.test(s)) throw new UsageError(`--seed ${s}: expected a whole number`);
  return Number(s);
}

export function podOf(mesh: Mesh, ref: string) {
  const pod = mesh.pod(ref);
  if (!pod) throw new UsageError(`pod ${ref} not found (pods: ${mesh.scenario.pods.map((p) => `${p.namespace}/${p.name}`).join(', ')})`);
  return pod;
}

const hopJson = (h: Hop) => ({ proxy: h.proxy, direction: h.direction, log: h.log, entry: h.entry, path: h.path });

export function registerSimulate(program: Command, setExit: SetExit): void {
  program
    .command('simulate')
    .description('Play a client command (curl) through the simulated mesh of a scenario: client output, each proxy\'s access-log line and why it went that way')
    .argument('<scenario...>', 'scenario YAML files or folders, then -- and the client command')
    .requiredOption('--from <pod>', 'client pod as namespace/name')
    .option('--times <n>', 'send the request N times', '1')
    .option('--seed <n>', 'seed for every random choice (same seed, same output)')
    .option('--interval <duration>', 'pause between requests with --times (e.g. 5s, 200ms)', '1s')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action((_args: string[], o: { from: string; times: string; seed?: string; interval: string; format: 'text' | 'json' }, cmd: Command): void => {
      // commander drops the `--`; its raw argv (untyped) still has it.
      const raw = (cmd.parent as unknown as { rawArgs?: string[] } | null)?.rawArgs ?? process.argv;
      const dash = raw.indexOf('--');
      if (dash < 0 || dash === raw.length - 1) throw new UsageError('give the client command after --, e.g. -- curl -s http://ratings.shop:8080/');
      const client = raw.slice(dash + 1);
      const scenario = _args.slice(0, _args.length - client.length);
      if (!['curl', 'mysql', 'startup'].includes(client[0]!)) throw new UsageError(`${client[0]}: simulated clients are curl, mysql and startup (the pod's start-up calls)`);
      if (!/^\d+$/.test(o.times) || Number(o.times) < 1) throw new UsageError(`--times ${o.times}: expected a positive number`);
      const mesh = loadMesh(scenario, seedOf(o.seed));
      const from = podOf(mesh, o.from);
      const gap = parseDuration(o.interval);
      if (gap === null) throw new UsageError(`--interval ${o.interval}: expected a duration such as 5s or 200ms`);
      mesh.sim.gapMs = gap;
      const results = [];
      let text = '';
      for (let i = 0; i < Number(o.times); i++) {
        // `startup`: the app's own start-up calls (AppBehavior startupCalls), each played once.
        const runs = client[0] === 'startup' ? mesh.startup(from) : [mesh.run(from, client)];
        if (client[0] === 'startup' && !runs.length) throw new UsageError(`${o.from}: its AppBehavior has no startupCalls`);
        for (const r of runs) {
          if (!r.outcome) throw new UsageError(r.stderr.trim());
          const c = r.outcome.client;
          results.push({ client: { status: c.status, body: c.body, error: c.error, exitCode: c.exitCode }, hops: r.outcome.hops.map(hopJson), ...(r.outcome.notes ? { notes: r.outcome.notes } : {}) });
          if (Number(o.times) > 1 || runs.length > 1) text += `=== request ${results.length}\n`;
          text += r.stdout + (r.stdout && !r.stdout.endsWith('\n') ? '\n' : '') + r.stderr;
          // With curl -s the error is silent; the summary line still names it.
          const hidden = c.error && !r.stderr.includes(c.error) ? ` (${c.error})` : '';
          text += `--- exit ${c.exitCode}${c.status !== null ? `, HTTP ${c.status}` : ''}${c.durationMs >= 1000 ? ` after ${c.durationMs / 1000}s` : ''}${hidden}\n`;
          for (const h of r.outcome.hops) text += `[${h.proxy} ${h.direction}] ${h.log}\n${formatPath(h.path)}`;
          if (r.outcome.notes) text += `[no access-log line]\n${formatPath(r.outcome.notes)}`;
          if (c.exitCode !== 0) setExit(1);
        }
      }
      process.stdout.write(o.format === 'json' ? JSON.stringify(results.length > 1 ? results : results[0], null, 2) + '\n' : text);
    });

  program
    .command('config-dump')
    .description('Print the /config_dump (with endpoints) the simulator derives for a pod of a scenario')
    .requiredOption('--scenario <path...>', 'scenario YAML files or folders')
    .requiredOption('--pod <pod>', 'namespace/name')
    .action((o: { scenario: string[]; pod: string }): void => {
      const mesh = loadMesh(o.scenario, 1);
      const dump = mesh.configDump(podOf(mesh, o.pod));
      if (!dump) throw new UsageError(`${o.pod} has no proxy (no sidecar injected)`);
      process.stdout.write(JSON.stringify(dump, null, 2) + '\n');
    });

  program
    .command('simulate-config')
    .description("istioctl proxy-config tables of the config the simulator derives for a pod (clusters, listeners, routes, endpoints, all)")
    .argument('<kind>', 'clusters | listeners | routes | endpoints | all')
    .requiredOption('--scenario <path...>', 'scenario YAML files or folders')
    .requiredOption('--pod <pod>', 'namespace/name')
    .action((kind: string, o: { scenario: string[]; pod: string }): void => {
      const mesh = loadMesh(o.scenario, 1);
      const dump = mesh.configDump(podOf(mesh, o.pod));
      if (!dump) throw new UsageError(`${o.pod} has no proxy (no sidecar injected)`);
      const k = kind.toLowerCase();
      const out = k.startsWith('c') ? clusterTable(dump) : k.startsWith('l') ? listenerTable(dump, { verbose: true }) : k.startsWith('r') ? routeTable(dump, { verbose: true }) : k.startsWith('e') ? endpointTable(dump) : k === 'all' ? allTables(dump) : null;
      if (out === null) throw new UsageError(`unknown config type "${kind}" (clusters, listeners, routes, endpoints, all)`);
      process.stdout.write(out);
    });
}
