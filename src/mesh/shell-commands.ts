// kubectl, istioctl and curl for the lab's simulated shell, over a live Mesh:
// `kubectl apply -f` feeds an edited file back into the scenario, and the next
// curl shows what the change did. Tables follow kubectl's and istioctl's
// column layouts (kubectl pads columns with 3 spaces).
import { stringify as yamlStringify } from 'yaml';
import { analyzeResourceTexts } from '../analyzer/resources/index.ts';
import { readManifests } from '../analyzer/resources/read.ts';
import { str, strList } from '../analyzer/resources/values.ts';
import { clusterTable, endpointTable, listenerTable, routeTable, allTables, selectClusters, selectListeners, selectRoutes, selectEndpoints, toIstioctlJson } from '../analyzer/configdump/tables.ts';
import { readConfigDump } from '../analyzer/configdump/model.ts';
import { tabwrite } from '../analyzer/configdump/tabwriter.ts';
import { scanOptions } from '../shell/options.ts';
import { fail, ok, type CommandResult, type CommandSpec } from '../shell/types.ts';
import type { Mesh } from './mesh.ts';
import { debugPod, execInApp } from './container.ts';
import { hashString, type PodInstance } from './scenario.ts';
import type { KubeService } from '../analyzer/resources/index.ts';
import { describeContainers, injectedPod, restartsColumn } from './pod-view.ts';
import { appContainerName } from './startup.ts';

export interface MeshShellOptions {
  /** Returns the current mesh (the lab may replace it). */
  mesh: () => Mesh;
  /** The pod a bare `curl` runs from, as namespace/name. */
  clientPod?: string;
}

const AGE = '12m';

const KINDS: Record<string, string> = {
  po: 'Pod', pod: 'Pod', pods: 'Pod',
  svc: 'Service', service: 'Service', services: 'Service',
  deploy: 'Deployment', deployment: 'Deployment', deployments: 'Deployment',
  vs: 'VirtualService', virtualservice: 'VirtualService', virtualservices: 'VirtualService',
  dr: 'DestinationRule', destinationrule: 'DestinationRule', destinationrules: 'DestinationRule',
  gw: 'Gateway', gateway: 'Gateway', gateways: 'Gateway',
  se: 'ServiceEntry', serviceentry: 'ServiceEntry', serviceentries: 'ServiceEntry',
  ns: 'Namespace', namespace: 'Namespace', namespaces: 'Namespace',
};

const table = (rows: string[][]): string => tabwrite(rows, 3);
const labelsText = (l: Record<string, string>): string => Object.entries(l).sort().map(([k, v]) => `${k}=${v}`).join(',') || '<none>';

function podRows(pods: PodInstance[], all: boolean, showLabels: boolean, wide: boolean, mesh?: Mesh): string {
  const rows = [[...(all ? ['NAMESPACE'] : []), 'NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', ...(wide ? ['IP'] : []), ...(showLabels ? ['LABELS'] : [])]];
  for (const p of pods) {
    const containers = p.workload.podSpec.containers;
    const n = (Array.isArray(containers) ? containers.length : 1) + (p.proxy === 'sidecar' ? 1 : 0);
    const ready = p.ready ? n : n - 1;
    const start = mesh?.starts.get(`${p.name}.${p.namespace}`);
    const status = start?.crashLoop ? 'CrashLoopBackOff' : 'Running';
    const readyCount = start?.crashLoop ? Math.min(ready, n - 1) : ready;
    rows.push([...(all ? [p.namespace] : []), p.name, `${readyCount}/${n}`, status, start ? restartsColumn(start, AGE) : '0', AGE, ...(wide ? [p.ip] : []), ...(showLabels ? [labelsText(p.labels)] : [])]);
  }
  return table(rows);
}

export function meshCommands(opts: MeshShellOptions): CommandSpec[] {
  const kubectl: CommandSpec = {
    name: 'kubectl',
    summary: { en: 'Kubernetes: get, describe, logs, apply -f, exec, debug (simulated cluster)', zh: 'Kubernetes：get、describe、logs、apply -f、exec、debug（模拟集群）' },
    usage: 'kubectl get|describe|logs|apply|exec|debug ...',
    run(argv, _stdin, ctx) {
      const mesh = opts.mesh();
      const dash = argv.indexOf('--');
      const head = dash >= 0 ? argv.slice(0, dash) : argv;
      const tail = dash >= 0 ? argv.slice(dash + 1) : [];
      const s = scanOptions(head.slice(1), { flags: 'AitLPp', values: 'nocflSgTry', long: { namespace: 'n', output: 'o', container: 'c', filename: 'f', 'all-namespaces': 'A', 'show-labels': 'L', selector: 'l', prefix: 'P', previous: 'p', since: 'S', image: 'g', target: 'T', profile: 'r', 'copy-to': 'y', stdin: 'i', tty: 't' } });
      if (!s.ok) return fail(`error: ${s.error}`);
      const flags = s.flags;
      const showLabels = head.includes('--show-labels');
      const ns = s.values.get('n')?.[0] ?? 'default';
      const all = flags.has('A');
      const [verb, ...rest] = s.operands;
      const sc = mesh.scenario;
      switch (verb) {
        case 'get': {
          const kind = KINDS[(rest[0] ?? '').toLowerCase()];
          if (!kind) return fail(`error: the server doesn't have a resource type "${rest[0] ?? ''}"`);
          const name = rest[1];
          const output = s.values.get('o')?.[0];
          const selectorText = s.values.get('l')?.[0];
          const selector = selectorText === undefined ? () => true : parseSelector(selectorText);
          if (!selector) return fail(badSelector(selectorText!));
          // kubectl writes this to stderr and exits 0; with -A (or a cluster-wide kind) it names no namespace.
          const none = { stdout: '', stderr: all || kind === 'Namespace' ? 'No resources found\n' : `No resources found in ${ns} namespace.\n`, exitCode: 0 };
          if (kind === 'Pod') {
            const pods = sc.pods.filter((p) => (all || p.namespace === ns) && (!name || p.name === name) && selector(p.labels)).sort(byNamespaceAndName);
            if (name && !pods.length) return fail(`Error from server (NotFound): pods "${name}" not found`);
            if (!pods.length) return none;
            if (output === 'yaml') return ok(pods.map((p) => yamlStringify(injectedPod(mesh, p))).join('---\n'));
            return ok(podRows(pods, all, showLabels, output === 'wide', mesh));
          }
          const list = sc.model.ofKind(kind).filter((r) => (kind === 'Namespace' || all || r.namespace === ns) && (!name || r.name === name) && !r.file.startsWith('(built-in)') && selector(r.labels)).sort(byNamespaceAndName);
          if (name && !list.length) return fail(`Error from server (NotFound): ${RESOURCES[kind] ?? rest[0]} "${name}" not found`);
          if (!list.length) return none;
          if (output === 'yaml') return ok(list.map((r) => yamlStringify(r.data)).join('---\n'));
          const lead = (r: { namespace: string }) => (all ? [r.namespace] : []);
          const nsCol = all ? ['NAMESPACE'] : [];
          const lbl = (l: Record<string, string>) => (showLabels ? [labelsText(l)] : []);
          const lblCol = showLabels ? ['LABELS'] : [];
          let rows: string[][];
          switch (kind) {
            case 'Service':
              rows = [[...nsCol, 'NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE', ...lblCol]];
              for (const r of list) {
                const svc = sc.model.services.find((x) => x.resource === r)!;
                rows.push([...lead(r), r.name, svc.type, sc.vips.get(svc) ?? '<none>', externalIpColumn(svc, output === 'wide'), portsColumn(svc), AGE, ...lbl(r.labels)]);
              }
              break;
            case 'Deployment':
              rows = [[...nsCol, 'NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE', ...lblCol]];
              for (const r of list) {
                const pods = sc.pods.filter((p) => p.workload.resource === r);
                const ready = pods.filter((p) => p.ready).length;
                rows.push([...lead(r), r.name, `${ready}/${pods.length}`, String(pods.length), String(ready), AGE, ...lbl(r.labels)]);
              }
              break;
            // Istio's CRDs (additionalPrinterColumns): a list prints as JSON, an unset field as an empty cell.
            case 'VirtualService':
              rows = [[...nsCol, 'NAME', 'GATEWAYS', 'HOSTS', 'AGE']];
              for (const r of list) rows.push([...lead(r), r.name, crdCell(r.spec.gateways), crdCell(r.spec.hosts), AGE]);
              break;
            case 'ServiceEntry':
              rows = [[...nsCol, 'NAME', 'HOSTS', 'LOCATION', 'RESOLUTION', 'AGE']];
              for (const r of list) rows.push([...lead(r), r.name, crdCell(r.spec.hosts), crdCell(r.spec.location), crdCell(r.spec.resolution), AGE]);
              break;
            case 'DestinationRule':
              rows = [[...nsCol, 'NAME', 'HOST', 'AGE']];
              for (const r of list) rows.push([...lead(r), r.name, crdCell(r.spec.host), AGE]);
              break;
            case 'Namespace':
              rows = [['NAME', 'STATUS', 'AGE', ...lblCol]];
              for (const r of list) rows.push([r.name, 'Active', AGE, ...lbl(r.labels)]);
              break;
            default:
              rows = [[...nsCol, 'NAME', 'AGE']];
              for (const r of list) rows.push([...lead(r), r.name, AGE]);
          }
          return ok(table(rows));
        }
        case 'describe': {
          if ((rest[0] ?? '').toLowerCase().replace(/s$/, '') !== 'pod' && rest[0] !== 'po') return fail('error: only `kubectl describe pod NAME` is simulated');
          const pod = mesh.pod(`${ns}/${rest[1] ?? ''}`);
          if (!pod || !rest[1]) return fail(`Error from server (NotFound): pods "${rest[1] ?? ''}" not found`);
          const svcs = sc.model.servicesOf(pod.workload).map((x) => x.name);
          const lines = [
            ['Name:', pod.name], ['Namespace:', pod.namespace], ['Labels:', labelsText(pod.labels).split(',').join('\n                ')], ['Status:', 'Running'], ['IP:', pod.ip],
            ['Controlled By:', pod.workload.resource.kind === 'Pod' ? '<none>' : `${pod.workload.resource.kind}/${pod.workload.resource.name}`],
            ['Ready:', String(pod.ready)], ['Services:', svcs.join(', ') || '<none>'],
          ];
          return ok(lines.map(([k, v]) => `${k!.padEnd(16)}${v}`).join('\n') + '\n' + describeContainers(mesh, pod));
        }
        case 'logs': {
          // POD, pod/POD, deploy/NAME (one of its pods, as kubectl picks one) or -l key=value,...
          // (every matching pod). --since is accepted: a lab session is far shorter than any window.
          const selector = s.values.get('l')?.[0];
          let pods: PodInstance[];
          if (selector !== undefined) {
            const wanted = parseSelector(selector);
            if (!wanted) return fail(badSelector(selector));
            pods = sc.pods.filter((p) => p.namespace === ns && wanted(p.labels));
            if (!pods.length) return { stdout: '', stderr: `No resources found in ${ns} namespace.\n`, exitCode: 0 };
          } else {
            const pod = podByRef(mesh, ns, rest[0] ?? '');
            if (!pod) return fail(notFound(rest[0] ?? ''));
            pods = [pod];
          }
          // A gateway pod has one container, istio-proxy: it is the default there.
          const c = s.values.get('c')?.[0] ?? (pods.length > 0 && pods.every((p) => p.proxy === 'router') ? 'istio-proxy' : undefined);
          // --previous: the log of the container's last terminated run (only app containers that crashed at start have one).
          if (flags.has('p')) {
            const out: string[] = [];
            for (const p of pods) {
              const start = mesh.starts.get(`${p.name}.${p.namespace}`);
              const name = c ?? start?.container ?? appContainerName(p);
              const previous = start && name === start.container ? start.runs[start.runs.length - 2] : undefined;
              if (!previous) return fail(`Error from server (BadRequest): previous terminated container "${name}" in pod "${p.name}" not found`);
              out.push(...previous.log.map((l) => (s.flags.has('P') ? `[pod/${p.name}/${name}] ` : '') + l + '\n'));
            }
            return ok(out.join(''));
          }
          if (c === 'istio-proxy') {
            const bad = pods.find((p) => p.proxy === 'none');
            if (bad) return fail(`error: container istio-proxy is not valid for pod ${bad.name}`);
            const prefix = (p: PodInstance) => (s.flags.has('P') ? `[pod/${p.name}/istio-proxy] ` : '');
            return ok(pods.flatMap((p) => (mesh.proxyLogs.get(`${p.name}.${p.namespace}`) ?? []).map((l) => prefix(p) + l + '\n')).join(''));
          }
          // Any other container: the app's own log (kubectl's default is the first container).
          const appPrefix = (p: PodInstance) => (s.flags.has('P') ? `[pod/${p.name}/${c ?? appContainerName(p)}] ` : '');
          // A container that ran start-up calls printed its own lines first (its current run's).
          const startLog = (p: PodInstance) => {
            const start = mesh.starts.get(`${p.name}.${p.namespace}`);
            return start && (c === undefined || c === start.container) ? start.runs.at(-1)?.log ?? [] : [];
          };
          return ok(pods.flatMap((p) => [...startLog(p), ...(mesh.appLogs.get(`${p.name}.${p.namespace}`) ?? [])].map((l) => appPrefix(p) + l + '\n')).join(''));
        }
        case 'apply': {
          const file = s.values.get('f')?.[0];
          if (!file) return fail('error: must specify one of -f and -k');
          const text = ctx.fs.read(file);
          if (text === undefined) return fail(`error: the path "${file}" does not exist`);
          const read = readManifests(file, text);
          if (read.problems.length) return fail(`error: error parsing ${file}: line ${read.problems[0]!.line}: ${read.problems[0]!.message}`);
          if (!read.objects.length) return fail('error: no objects passed to apply');
          const name = mesh.files.find((f) => f.name === file || f.name.endsWith('/' + file.replace(/^\.?\//, '')) || file.endsWith('/' + f.name))?.name ?? file;
          mesh.applyFile(name, text);
          return ok(read.objects.map((o) => {
            const kind = String(o.data.kind ?? '').toLowerCase();
            const group = String(o.data.apiVersion ?? '').includes('/') ? '.' + String(o.data.apiVersion).split('/')[0] : '';
            const meta = (o.data.metadata ?? {}) as Record<string, unknown>;
            return `${kind}${group}/${String(meta.name ?? '')} configured\n`;
          }).join(''));
        }
        case 'exec': {
          const pod = podByRef(mesh, ns, rest[0] ?? '');
          if (!pod) return fail(notFound(rest[0] ?? ''));
          // An app whose process is modelled has its own tools (none in a distroless image) and /proc.
          if (pod.app?.process) return execInApp(mesh, pod, s.values.get('c')?.[0], tail, ctx).then((r) => r ?? curlResult(mesh, pod, tail));
          if (tail[0] !== 'curl' && tail[0] !== 'mysql') return fail(`error: only curl and mysql can be run in the simulated pods`, 126);
          return curlResult(mesh, pod, tail);
        }
        case 'debug': {
          // An ephemeral container next to the app (`--copy-to` copies of pods are not simulated).
          const type = (rest[0] ?? '').includes('/') ? rest[0]!.split('/')[0]! : 'pod';
          if (!/^(po|pod|pods)$/.test(type)) return fail(`error: ephemeral containers go into a pod: give the pod's name (kubectl get pods), not ${rest[0]}`);
          const pod = podByRef(mesh, ns, rest[0] ?? '');
          if (!pod) return fail(notFound(rest[0] ?? ''));
          if (s.values.has('y')) return fail('error: --copy-to is not simulated in this lab; use an ephemeral container (--image, --target)');
          const image = s.values.get('g')?.[0];
          if (!image) return fail('error: --image is required for an ephemeral debug container');
          const target = s.values.get('T')?.[0];
          const profile = s.values.get('r')?.[0];
          return debugPod(mesh, pod, { image, interactive: flags.has('i'), ...(target !== undefined ? { target } : {}), ...(profile !== undefined ? { profile } : {}) }, tail, ctx);
        }
        default:
          return fail(`error: unknown command "${verb ?? ''}" for "kubectl" (simulated: get, describe, logs, apply, exec, debug)`);
      }
    },
  };

  const istioctl: CommandSpec = {
    name: 'istioctl',
    summary: { en: 'Istio: proxy-config, proxy-status, analyze (simulated mesh)', zh: 'Istio：proxy-config、proxy-status、analyze（模拟网格）' },
    usage: 'istioctl proxy-config clusters|listeners|routes|endpoints|all POD[.NS] [--fqdn F] [--port P] [--subset S] [--direction D] [--name N] [--cluster C] [-o json]\nistioctl proxy-status\nistioctl analyze [-A]',
    run(argv) {
      const mesh = opts.mesh();
      const s = scanOptions(argv.slice(1), { flags: 'A', values: 'noFPSDRNCT', long: { namespace: 'n', output: 'o', fqdn: 'F', port: 'P', subset: 'S', direction: 'D', address: 'R', name: 'N', cluster: 'C', status: 'T', 'all-namespaces': 'A' } });
      if (!s.ok) return fail(`Error: ${s.error}`);
      const v = (k: string) => s.values.get(k)?.[0];
      const [verb, kindArg, podArg] = s.operands;
      if (verb === 'analyze') {
        const { findings } = analyzeResourceTexts(mesh.scenario.files.filter((f) => !f.name.startsWith('(built-in)')));
        const shown = findings.filter((f) => !f.suppressed);
        if (!shown.length) return ok('✔ No validation issues found when analyzing namespace: default.\n');
        const sev = (x: string) => x[0]!.toUpperCase() + x.slice(1);
        return { stdout: shown.map((f) => `${sev(f.severity)} [${f.code}] (${f.resource ?? ''}${f.file ? ` ${f.file}:${f.line}` : ''}) ${f.message.en}\n`).join(''), stderr: '', exitCode: shown.some((f) => f.severity === 'error') ? 79 : 0 };
      }
      if (verb === 'proxy-status' || verb === 'ps') {
        const rows = [['NAME', 'CLUSTER', 'CDS', 'LDS', 'EDS', 'RDS', 'ECDS', 'ISTIOD', 'VERSION']];
        for (const p of mesh.scenario.pods.filter((x) => x.proxy !== 'none')) rows.push([`${p.name}.${p.namespace}`, 'Kubernetes', 'SYNCED', 'SYNCED', 'SYNCED', 'SYNCED', 'IGNORED', 'istiod-7d4c8b6f9c-x2x7q', mesh.scenario.mesh.istioVersion]);
        return ok(table(rows));
      }
      if (verb !== 'proxy-config' && verb !== 'pc') return fail(`Error: unknown command "${verb ?? ''}" for "istioctl" (simulated: proxy-config, proxy-status, analyze)`);
      if (!podArg) return fail('Error: proxy-config requires a type and a pod name');
      // POD, POD.NAMESPACE, or deploy/NAME as istioctl also takes it.
      const pod = podArg.includes('/') ? podByRef(mesh, v('n') ?? 'default', podArg) : mesh.pod(podArg.includes('.') ? podArg : `${v('n') ?? 'default'}/${podArg}`);
      if (!pod) return fail(`Error: failed to retrieve proxy config: pods "${podArg}" not found`);
      const dumpJson = mesh.configDump(pod);
      if (!dumpJson) return fail(`Error: pod ${pod.name} has no istio-proxy container`);
      const dump = readConfigDump(dumpJson);
      const port = v('P') ? Number(v('P')) : undefined;
      const json = v('o') === 'json';
      const k = (kindArg ?? '').toLowerCase();
      const cf = { fqdn: v('F'), port, subset: v('S'), direction: v('D') };
      if (/^(clusters?|c)$/.test(k)) return ok(json ? toIstioctlJson(selectClusters(dump, cf)) : clusterTable(dump, cf));
      if (/^(listeners?|l)$/.test(k)) return ok(json ? toIstioctlJson(selectListeners(dump, { port, address: v('R') })) : listenerTable(dump, { port, address: v('R'), verbose: true }));
      if (/^(routes?|r)$/.test(k)) return ok(json ? toIstioctlJson(selectRoutes(dump, { name: v('N') })) : routeTable(dump, { name: v('N'), verbose: true }));
      if (/^(endpoints?|ep|eds)$/.test(k)) return ok(json ? toIstioctlJson(selectEndpoints(dump, { cluster: v('C'), port, status: v('T') })) : endpointTable(dump, { cluster: v('C'), port, status: v('T'), address: v('R') }));
      if (k === 'all') return ok(allTables(dump));
      return fail(`Error: unknown proxy-config type "${kindArg ?? ''}"`);
    },
  };

  const curl: CommandSpec = {
    name: 'curl',
    summary: { en: `send an HTTP request from the lab's client pod through the mesh`, zh: '从实验的客户端 Pod 经网格发送 HTTP 请求' },
    usage: 'curl [-v] [-s] [-i] [-X METHOD] [-H "Name: value"] [-m SECONDS] URL',
    run(argv) {
      const mesh = opts.mesh();
      const ref = opts.clientPod ?? mesh.scenario.pods.find((p) => p.proxy === 'sidecar' && !p.app)?.namespace + '/' + mesh.scenario.pods.find((p) => p.proxy === 'sidecar' && !p.app)?.name;
      const pod = mesh.pod(ref);
      if (!pod) return fail('curl: no client pod in this lab');
      return curlResult(mesh, pod, argv);
    },
  };
  const mysql: CommandSpec = {
    name: 'mysql',
    summary: { en: `connect a MySQL client from the lab's client pod through the mesh`, zh: '从实验的客户端 Pod 经网格连接 MySQL 客户端' },
    usage: 'mysql -h HOST -P PORT [-u USER] [-pPASSWORD] [--connect-timeout SECONDS]',
    run(argv) {
      const mesh = opts.mesh();
      const ref = opts.clientPod ?? mesh.scenario.pods.find((p) => p.proxy === 'sidecar' && !p.app)?.namespace + '/' + mesh.scenario.pods.find((p) => p.proxy === 'sidecar' && !p.app)?.name;
      const pod = mesh.pod(ref);
      if (!pod) return fail('mysql: no client pod in this lab');
      return curlResult(mesh, pod, argv);
    },
  };
  const sleep: CommandSpec = {
    name: 'sleep',
    summary: { en: 'let simulated time pass (it returns at once): idle connections age, timeouts run out', zh: '让模拟时间流逝（立即返回）：空闲连接随之老化，超时随之到期' },
    usage: 'sleep NUMBER[s|m|h|d] ...',
    run(argv) {
      const args = argv.slice(1);
      if (args.length === 0) return fail("sleep: missing operand\nTry 'sleep 20m' (s, m, h or d; seconds without a suffix).");
      let ms = 0;
      for (const a of args) {
        const m = /^(\d+(?:\.\d+)?)([smhd]?)$/.exec(a);
        if (!m) return fail(`sleep: invalid time interval '${a}'`);
        ms += Number(m[1]) * SLEEP_UNITS[m[2] || 's']!;
      }
      if (ms > 30 * SLEEP_UNITS.d!) return fail('sleep: the simulated clock moves at most 30 days at a time');
      opts.mesh().sim.clock += Math.round(ms);
      return ok(`(${formatSpan(ms)} passed on the simulated clock)\n`);
    },
  };
  return [kubectl, istioctl, curl, mysql, sleep];
}

const SLEEP_UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** 1200000 → `20m`, 90500 → `1m30.5s`: how long a `sleep` moved the clock. */
function formatSpan(ms: number): string {
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.round((ms % 60_000) / 100) / 10;
  return [h ? `${h}h` : '', m ? `${m}m` : '', s || (!h && !m) ? `${s}s` : ''].join('');
}

/** POD, pod/POD or deploy/NAME (kubectl then picks one of the Deployment's pods). */
function podByRef(mesh: Mesh, ns: string, ref: string): PodInstance | undefined {
  const [type, name] = ref.includes('/') ? (ref.split('/', 2) as [string, string]) : ['pod', ref];
  if (!name) return undefined;
  if (/^(deploy|deployment|deployments)$/.test(type)) return mesh.scenario.pods.find((p) => p.namespace === ns && p.workload.resource.kind === 'Deployment' && p.workload.resource.name === name);
  return /^(po|pod|pods)$/.test(type) ? mesh.pod(`${ns}/${name}`) : undefined;
}

const notFound = (ref: string): string => {
  const [type, name] = ref.includes('/') ? ref.split('/', 2) : ['pod', ref];
  return `Error from server (NotFound): ${/^deploy/.test(type!) ? 'deployments.apps' : 'pods'} "${name}" not found`;
};

/** The API server lists objects in key order: by namespace, then by name. */
const byNamespaceAndName = (a: { namespace: string; name: string }, b: { namespace: string; name: string }): number =>
  a.namespace < b.namespace ? -1 : a.namespace > b.namespace ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0;

type LabelTest = (labels: Record<string, string>) => boolean;

/**
 * A label selector as kubectl reads `-l`: requirements separated by commas, all of which
 * must hold: `k=v` (or `k==v`), `k!=v`, `k in (a,b)`, `k notin (a,b)`, `k`, `!k`. As in
 * Kubernetes, `!=` and `notin` also match objects without the label. Null: it does not parse.
 */
function parseSelector(text: string): LabelTest | null {
  const parts: string[] = [];
  let depth = 0;
  let part = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(part);
      part = '';
    } else part += ch;
  }
  parts.push(part);
  if (text.trim() === '') return () => true;
  const key = '([A-Za-z0-9][A-Za-z0-9._/-]*)';
  const value = '([A-Za-z0-9._-]*)';
  const tests: LabelTest[] = [];
  for (const raw of parts) {
    const p = raw.trim();
    const eq = new RegExp(`^${key}\\s*(==|=|!=)\\s*${value}$`).exec(p);
    const set = new RegExp(`^${key}\\s+(in|notin)\\s*\\(([^()]*)\\)$`).exec(p);
    const exists = new RegExp(`^(!?)\\s*${key}$`).exec(p);
    if (eq) {
      const [, k, op, v] = eq as unknown as [string, string, string, string];
      tests.push(op === '!=' ? (l) => l[k] !== v : (l) => l[k] === v);
    } else if (set) {
      const [, k, op, list] = set as unknown as [string, string, string, string];
      const values = list.split(',').map((v) => v.trim());
      if (values.some((v) => !new RegExp(`^${value}$`).test(v))) return null;
      tests.push(op === 'in' ? (l) => Object.hasOwn(l, k) && values.includes(l[k]!) : (l) => !Object.hasOwn(l, k) || !values.includes(l[k]!));
    } else if (exists) {
      const [, not, k] = exists as unknown as [string, string, string];
      tests.push(not ? (l) => !Object.hasOwn(l, k) : (l) => Object.hasOwn(l, k));
    } else return null;
  }
  return (l) => tests.every((t) => t(l));
}

const badSelector = (text: string): string => `error: unable to parse requirement: "${text}" (simulated: key=value, key!=value, key in (a,b), key notin (a,b), key, !key; joined by commas)`;

/** Plural resource names with their API group, as kubectl's NotFound errors print them. */
const RESOURCES: Record<string, string> = {
  Service: 'services', Deployment: 'deployments.apps', Namespace: 'namespaces',
  VirtualService: 'virtualservices.networking.istio.io', DestinationRule: 'destinationrules.networking.istio.io',
  Gateway: 'gateways.networking.istio.io', ServiceEntry: 'serviceentries.networking.istio.io',
};

/** A CRD printer column's cell: a string as is, a list or object as JSON, an unset field empty. */
function crdCell(v: unknown): string {
  if (v === undefined || v === null) return '';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/**
 * kubectl's EXTERNAL-IP: for a LoadBalancer the addresses in status.loadBalancer.ingress
 * (`<pending>` until the cloud assigns one; over 16 characters cut to 13 and `...` unless
 * -o wide), then spec.externalIPs; the external name of an ExternalName service.
 */
function externalIpColumn(svc: KubeService, wide: boolean): string {
  const data = svc.resource.data as { spec?: { externalIPs?: unknown }; status?: { loadBalancer?: { ingress?: unknown } } };
  const externalIps = strList(data.spec?.externalIPs);
  if (svc.type === 'ExternalName') return svc.externalName ?? '';
  if (svc.type !== 'LoadBalancer') return externalIps.join(',') || '<none>';
  const ingress = (Array.isArray(data.status?.loadBalancer?.ingress) ? data.status.loadBalancer.ingress : []) as Record<string, unknown>[];
  let lb = ingress.map((i) => str(i.ip) ?? str(i.hostname) ?? '').filter(Boolean).join(',');
  if (!wide && lb.length > 16) lb = lb.slice(0, 13) + '...';
  return [lb, ...externalIps].filter(Boolean).join(',') || '<pending>';
}

/** kubectl's PORT(S): `port/PROTO`, with `:nodePort` for NodePort and LoadBalancer services (allocated in 30000-32767 when not set). */
function portsColumn(svc: KubeService): string {
  const withNodePort = svc.type === 'NodePort' || svc.type === 'LoadBalancer';
  return svc.ports.map((p) => {
    const node = withNodePort ? `:${p.nodePort ?? 30000 + (hashString(`${svc.fqdn}:${p.port}`) % 2768)}` : '';
    return `${p.port}${node}/${p.l4}`;
  }).join(',') || '<none>';
}

function curlResult(mesh: Mesh, pod: PodInstance, argv: string[]): CommandResult {
  const r = mesh.run(pod, argv);
  return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode, ...(r.output ? { output: r.output } : {}) };
}
