// Which names outside the cluster DNS answers for. A pod's resolver (and Istio's
// DNS proxy, which forwards names it does not know) gets NXDOMAIN for a name that
// exists nowhere, and curl then stops before any connection: `curl: (6) Could
// not resolve host`. The simulator has no internet, so a name resolves when the
// scenario declares it (a ServiceEntry, an external AppBehavior, a Gateway or
// gateway-bound VirtualService host) or when it sits under a public top-level
// domain; `nowhere.billing` or `api.internal` do not.
import { hostCovers, splitGatewayHost } from '../analyzer/resources/hosts.ts';
import { strList } from '../analyzer/resources/values.ts';
import type { Scenario } from './scenario.ts';

/** Generic top-level domains seen in examples and real traffic; any two-letter label is a country code. */
const PUBLIC_TLDS = new Set(['com', 'net', 'org', 'io', 'dev', 'app', 'edu', 'gov', 'mil', 'int', 'info', 'biz', 'cloud', 'ai', 'tech', 'site', 'online', 'xyz', 'shop', 'store']);

/** Does public DNS plausibly answer for this name (its top-level domain exists)? */
export function publicName(host: string): boolean {
  const tld = host.slice(host.lastIndexOf('.') + 1);
  return PUBLIC_TLDS.has(tld) || /^[a-z]{2}$/.test(tld);
}

/** Is the name one the scenario declares as reachable outside the cluster? */
export function declaredName(sc: Scenario, host: string): boolean {
  const covers = (patterns: string[]) => patterns.some((p) => hostCovers(p.toLowerCase(), host));
  if (sc.apps.some((a) => covers(a.hosts))) return true;
  for (const se of sc.model.ofKind('ServiceEntry')) if (covers(strList(se.spec.hosts))) return true;
  for (const gw of sc.model.ofKind('Gateway')) {
    for (const s of Array.isArray(gw.spec.servers) ? gw.spec.servers : []) {
      const hosts = strList((s as Record<string, unknown>)?.hosts).map((h) => splitGatewayHost(h).host).filter((h) => h !== '*');
      if (covers(hosts)) return true;
    }
  }
  return sc.model.ofKind('VirtualService').some((vs) => strList(vs.spec.gateways).some((g) => g !== 'mesh') && covers(strList(vs.spec.hosts).filter((h) => h !== '*')));
}

/** Does DNS answer for a name outside the cluster domain? */
export function resolvesOutside(sc: Scenario, host: string): boolean {
  return declaredName(sc, host) || publicName(host);
}
