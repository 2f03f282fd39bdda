// `opslab proxy-config <type> --file <dump>`: istioctl's proxy-config tables,
// offline, from a saved /config_dump (or admin /clusters output for endpoints).
import { Option, type Command } from 'commander';
import { adminEndpointTable, looksLikeAdminClustersText, readAdminClustersJson, readAdminClustersText } from '../../analyzer/configdump/admin-clusters.ts';
import { readConfigDump } from '../../analyzer/configdump/model.ts';
import { loadMesh, podOf } from './simulate.ts';
import {
  allTables,
  jsonToYaml,
  clusterTable,
  endpointTable,
  listenerTable,
  routeTable,
  secretTable,
  selectClusters,
  selectEndpoints,
  selectListeners,
  selectRoutes,
  toIstioctlJson,
  toIstioctlYaml,
} from '../../analyzer/configdump/tables.ts';
import { readInput, UsageError, type SetExit } from '../io.ts';

const TYPES: Record<string, string> = {
  listeners: 'listeners', listener: 'listeners', l: 'listeners',
  routes: 'routes', route: 'routes', r: 'routes',
  clusters: 'clusters', cluster: 'clusters', c: 'clusters',
  endpoints: 'endpoints', endpoint: 'endpoints', ep: 'endpoints', eds: 'endpoints',
  secrets: 'secrets', secret: 'secrets', s: 'secrets',
  all: 'all',
};

interface Opts {
  file?: string;
  scenario?: string[];
  pod?: string;
  output: 'short' | 'json' | 'yaml';
  verbose: boolean;
  fqdn?: string;
  port?: string;
  subset?: string;
  direction?: string;
  address?: string;
  type?: string;
  name?: string;
  cluster?: string;
  status?: string;
}

function port(p: string | undefined): number | undefined {
  if (p === undefined) return undefined;
  if (!/^\d+$/.test(p)) throw new UsageError(`--port ${p}: expected a number`);
  return Number(p);
}

export function registerProxyConfig(program: Command, _setExit: SetExit): void {
  program
    .command('proxy-config')
    .alias('pc')
    .description("Print istioctl's proxy-config tables from a saved Envoy /config_dump (offline)")
    .argument('<type>', 'listeners | routes | clusters | endpoints | secrets | all')
    .option('--file <file>', 'Envoy /config_dump JSON ("-" for stdin); for endpoints also admin /clusters output')
    .option('--scenario <paths...>', 'instead of --file: the simulated mesh of these scenario YAML files or folders (with --pod)')
    .option('--pod <namespace/name>', 'with --scenario: the proxy whose derived configuration to print')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['short', 'json', 'yaml']).default('short'))
    .option('--verbose', 'wide tables (listeners: MATCH/DESTINATION, routes: per route)', true)
    .option('--no-verbose', 'short tables (listeners: TYPE, routes: vhost count)')
    .option('--fqdn <fqdn>', 'clusters: FQDN substring')
    .option('--port <port>', 'clusters, listeners, endpoints: port')
    .option('--subset <subset>', 'clusters: subset')
    .option('--direction <dir>', 'clusters: inbound or outbound')
    .option('--address <address>', 'listeners, endpoints: address')
    .option('--type <type>', 'listeners: HTTP, TCP, HTTP+TCP, UNKNOWN')
    .option('--name <name>', 'routes: route config name')
    .option('--cluster <cluster>', 'endpoints: cluster name')
    .option('--status <status>', 'endpoints: HEALTHY, UNHEALTHY, DRAINING, …')
    .action((typeArg: string, o: Opts): void => {
      const type = TYPES[typeArg.toLowerCase()];
      if (!type) throw new UsageError(`unknown config type "${typeArg}" (listeners, routes, clusters, endpoints, secrets, all)`);
      if (!o.file === !o.scenario) throw new UsageError('give either --file <config_dump.json> or --scenario <paths...> --pod <namespace/name>');
      let source: unknown;
      if (o.scenario) {
        if (!o.pod) throw new UsageError('--scenario needs --pod <namespace/name>');
        const mesh = loadMesh(o.scenario, 1);
        source = mesh.configDump(podOf(mesh, o.pod));
        if (!source) throw new UsageError(`${o.pod} has no proxy (no sidecar or gateway)`);
      }
      const text = o.file ? new TextDecoder().decode(readInput(o.file)) : '';
      const p = port(o.port);
      const write = (s: string): void => void process.stdout.write(s);
      const raw = (items: unknown[]): void => write(o.output === 'yaml' ? toIstioctlYaml(items) : toIstioctlJson(items));

      // endpoints may come from admin /clusters output instead of a dump
      if (o.file && type === 'endpoints' && (/"cluster_statuses"\s*:/.test(text.slice(0, 65536)) || (!/^\s*[{[]/.test(text) && looksLikeAdminClustersText(text.slice(0, 65536))))) {
        const a = /^\s*[{[]/.test(text) ? readAdminClustersJson(text) : readAdminClustersText(text);
        if (a.hosts.length === 0 && a.problems.length) throw new UsageError(`${o.file}: ${a.problems[0]!.message}`);
        write(adminEndpointTable(a, { address: o.address, port: p, cluster: o.cluster, status: o.status }));
        return;
      }
      const dump = readConfigDump(source ?? text);
      const fatal = dump.problems.find((x) => dump.clusters.length + dump.listeners.length + dump.routes.length + dump.secrets.length === 0 && x);
      if (fatal) throw new UsageError(`${o.file ?? o.pod}${fatal.line ? `:${fatal.line}` : ''}: ${fatal.message}`);
      const cf = { fqdn: o.fqdn, port: p, subset: o.subset, direction: o.direction };
      const lf = { address: o.address, port: p, type: o.type, verbose: o.verbose };
      const rf = { name: o.name, verbose: o.verbose };
      const ef = { address: o.address, port: p, cluster: o.cluster, status: o.status };
      const short = o.output === 'short';
      switch (type) {
        case 'clusters':
          if (!dump.clusters.length) throw new UsageError('no clusters found');
          return short ? write(clusterTable(dump, cf)) : raw(selectClusters(dump, cf));
        case 'listeners':
          if (!dump.listeners.length) throw new UsageError('no listeners found');
          return short ? write(listenerTable(dump, lf)) : raw(selectListeners(dump, lf));
        case 'routes':
          if (!dump.routes.length) throw new UsageError('no routes found');
          return short ? write(routeTable(dump, rf)) : raw(selectRoutes(dump, rf));
        case 'endpoints':
          if (!dump.endpoints) throw new UsageError(`${o.file}: the dump has no endpoints; take it with /config_dump?include_eds, or give admin /clusters output`);
          return short ? write(endpointTable(dump, ef)) : raw(selectEndpoints(dump, ef));
        case 'secrets':
          return short ? write(secretTable(dump)) : raw(dump.secrets.map((s) => s.value));
        default:
          if (short) return write(allTables(dump, { cluster: cf, listener: lf, route: rf, endpoint: ef }));
          // istioctl prints the whole dump for `all -o json|yaml`, as read (no filters).
          return write(o.output === 'yaml' ? jsonToYaml(source ?? JSON.parse(text)) + '\n' : (source ? JSON.stringify(source, null, 2) : text).trimEnd() + '\n');
      }
    });
}
