// What istiod logs when it pushes listeners, as `kubectl logs deploy/istiod -n
// istio-system` shows it. Only two kinds of line are modelled:
//   - a gateway's TCP server that no VirtualService tcp route serves: istiod
//     builds no filter chain for it and drops the listener (gateway.go,
//     buildGatewayNetworkFiltersFromTCPRoutes and buildGatewayListeners);
//   - the LDS push to each proxy, with how many listeners it got (xds, scope ads).
import { arr, num, obj, selects, str, strList, strMap } from '../analyzer/resources/values.ts';
import { toConfigDump } from './dump.ts';
import { isoTime, type Simulator } from './request.ts';
import { targetPort, type PodInstance, type Scenario } from './scenario.ts';

/** Istio's util.ByteCount: decimal units, one decimal (1234 → 1.2kB). */
export function byteCount(b: number): string {
  if (b < 1000) return `${b}B`;
  let div = 1000;
  let exp = 0;
  for (let n = Math.floor(b / 1000); n >= 1000; n = Math.floor(n / 1000)) {
    div *= 1000;
    exp++;
  }
  return `${(b / div).toFixed(1)}${'kMGTPE'[exp]}B`;
}

/** Istio's log time, RFC 3339 in UTC with microseconds, at a time of the simulated clock. */
const stamp = (clockMs: number): string => isoTime(clockMs).replace('Z', '000Z');

/** Is this pod istiod? (The simulator reads the Istio version from the same Deployment.) */
export const isIstiod = (p: PodInstance): boolean => p.proxy === 'none' && (p.labels.app === 'istiod' || p.workload.resource.name === 'istiod');

/** The gateway warnings for one gateway pod: TCP servers whose listener istiod omitted. */
function omittedTcpListeners(sc: Scenario, sim: Simulator, pod: PodInstance): [level: string, text: string][] {
  const cfg = sim.config(pod);
  if (!cfg) return [];
  const gwService = sc.model.servicesOf(pod.workload)[0];
  const bound = (gateway: string) => sc.model.ofKind('VirtualService').some((vs) => strList(vs.spec.gateways).some((g) => (g.includes('/') ? g : `${vs.namespace}/${g}`) === gateway));
  const lines: [string, string][] = [];
  const omitted = new Set<number>();
  for (const g of sc.model.ofKind('Gateway')) {
    const sel = strMap(g.spec.selector);
    if (!Object.keys(sel).length || !selects(sel, pod.labels)) continue;
    const name = `${g.namespace}/${g.name}`;
    for (const s of arr(g.spec.servers)) {
      const port = num(obj(obj(s).port).number);
      const proto = (str(obj(obj(s).port).protocol) ?? '').toUpperCase();
      if (port === undefined || !['TCP', 'MONGO', 'MYSQL'].includes(proto) || obj(s).tls) continue;
      const bind = gwService ? targetPort(gwService, port) : port;
      if (cfg.listeners.some((l) => l.port === bind)) continue;
      if (!bound(name)) lines.push(['warn', `no virtual service bound to gateway: ${name}`]);
      lines.push(['warn', `gateway ${name}:${port} listener missed network filter`]);
      omitted.add(bind);
    }
  }
  for (const bind of omitted) lines.push(['info', `gateway omitting listener "0.0.0.0_${bind}" due to: must have more than 0 chains in listener "0.0.0.0_${bind}"`]);
  return lines;
}

/** istiod's lines for a full push to every proxy at `clockMs` on the simulated clock. */
export function istiodPushLog(sc: Scenario, sim: Simulator, clockMs: number): string[] {
  const out: string[] = [];
  const t = stamp(clockMs);
  const proxies = sc.pods.filter((p) => p.proxy !== 'none').sort((a, b) => `${a.name}.${a.namespace}`.localeCompare(`${b.name}.${b.namespace}`));
  for (const pod of proxies) {
    const cfg = sim.config(pod);
    if (!cfg) continue;
    if (pod.proxy === 'router') for (const [level, text] of omittedTcpListeners(sc, sim, pod)) out.push(`${t}\t${level}\t${text}`);
    const section = (toConfigDump(cfg).configs as Record<string, unknown>[]).find((c) => String(c['@type']).endsWith('ListenersConfigDump'));
    const size = JSON.stringify((section?.dynamic_listeners as unknown[] | undefined) ?? []).length;
    out.push(`${t}\tinfo\tads\tLDS: PUSH for node:${pod.name}.${pod.namespace} resources:${cfg.listeners.length} size:${byteCount(size)}`);
  }
  return out;
}
