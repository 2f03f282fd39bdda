// Host names as Istio reads them: short names are relative to the namespace of
// the resource that wrote them, names with a dot are taken as written, and
// `*.example.com` / `*` are wildcards.

export const DEFAULT_DOMAIN = 'cluster.local';

/**
 * Istio's short-name rule: a host without any dot gets `.<ns>.svc.<domain>`.
 * `reviews.prod` is NOT expanded (it is taken as an FQDN and usually resolves to nothing).
 */
export function resolveHost(host: string, namespace: string, domain = DEFAULT_DOMAIN): string {
  const h = host.trim().toLowerCase();
  if (h === '' || h.startsWith('*') || h.includes('.')) return h;
  return `${h}.${namespace}.svc.${domain}`;
}

/** Does `pattern` (maybe a wildcard) cover the concrete or wildcard host `host`? */
export function hostCovers(pattern: string, host: string): boolean {
  if (pattern === host || pattern === '*') return true;
  if (pattern.startsWith('*.')) {
    const suffix = pattern.slice(1); // ".example.com"
    return host.endsWith(suffix) && host.length > suffix.length;
  }
  return false;
}

/** Do two hosts (either maybe a wildcard) have a name in common? */
export function hostsOverlap(a: string, b: string): boolean {
  return hostCovers(a, b) || hostCovers(b, a);
}

/**
 * Does a Gateway server host take a VirtualService host? (istiod's pickMatchingGatewayHosts,
 * for HTTP, TCP and TLS servers alike.) `ns/host` takes only VirtualServices of that namespace
 * (`./host` the Gateway's own; `*` before the slash, any); then the names must overlap, a wildcard on either side.
 */
export function gatewayHostTakes(serverHost: string, gatewayNs: string, vsNs: string, vsHost: string): boolean {
  const { ns, host } = splitGatewayHost(serverHost);
  if (ns !== null && ns !== '*' && (ns === '.' ? gatewayNs : ns) !== vsNs) return false;
  return hostsOverlap(host, vsHost.toLowerCase());
}

/**
 * Is a resource of `ownerNs` with `exportTo` visible from `fromNs`?
 * '.' = own namespace, '*' = everywhere, '~' = nowhere; a missing list means everywhere
 * (the mesh default `defaultXxxExportTo` is `*` unless the mesh config says otherwise).
 */
export function visibleFrom(exportTo: string[] | undefined, ownerNs: string, fromNs: string): boolean {
  if (!exportTo || exportTo.length === 0) return true;
  return exportTo.some((e) => e === '*' || (e === '.' && ownerNs === fromNs) || e === fromNs);
}

/** A Gateway host entry may be `ns/host`, `./host` or `*\/host`: split it. */
export function splitGatewayHost(entry: string): { ns: string | null; host: string } {
  const slash = entry.indexOf('/');
  if (slash < 0) return { ns: null, host: entry.toLowerCase() };
  return { ns: entry.slice(0, slash), host: entry.slice(slash + 1).toLowerCase() };
}
