// JSON from istiod's debug endpoints (port 15014, /debug/…): which one it is,
// and what it says in a few lines.

export type DebugEndpoint = 'syncz' | 'configz' | 'registryz' | 'adsz' | 'push_status';

export interface SyncStatus {
  proxy: string;
  proxyVersion: string | null;
  /** xDS types where what istiod sent differs from what the proxy acknowledged. */
  stale: Array<{ type: string; sent: string; acked: string }>;
  index: number;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

const XDS_TYPES = ['cluster', 'listener', 'route', 'endpoint', 'extensionconfig'];

export function detectDebugEndpoint(doc: unknown): DebugEndpoint | null {
  if (Array.isArray(doc)) {
    const first = doc.find(isObj);
    if (!first) return null;
    if ('proxy' in first && XDS_TYPES.some((t) => `${t}_sent` in first || `${t}_acked` in first)) return 'syncz';
    if ('hostname' in first && ('ports' in first || 'Attributes' in first || 'attributes' in first)) return 'registryz';
    if ('kind' in first && 'metadata' in first && ('spec' in first || 'apiVersion' in first)) return 'configz';
    if ('connectionId' in first && 'watches' in first) return 'adsz';
    return null;
  }
  if (isObj(doc)) {
    if ('totalClients' in doc && Array.isArray(doc.clients)) return 'adsz';
    const keys = Object.keys(doc);
    if (keys.length > 0 && keys.every((k) => k.startsWith('pilot_')) && keys.some((k) => isObj(doc[k]))) return 'push_status';
  }
  return null;
}

export function syncStatus(doc: unknown[]): SyncStatus[] {
  const out: SyncStatus[] = [];
  doc.forEach((p, index) => {
    if (!isObj(p)) return;
    const stale: SyncStatus['stale'] = [];
    for (const t of XDS_TYPES) {
      const sent = p[`${t}_sent`];
      const acked = p[`${t}_acked`];
      if (typeof sent !== 'string' || sent === '') continue; // never sent: nothing to compare
      if (sent !== acked) stale.push({ type: t, sent, acked: typeof acked === 'string' ? acked : '' });
    }
    out.push({ proxy: String(p.proxy ?? `#${index}`), proxyVersion: typeof p.proxy_version === 'string' ? p.proxy_version : typeof p.istio_version === 'string' ? p.istio_version : null, stale, index });
  });
  return out;
}

/** `name.namespace` (the proxy id istiod shows) → "Pod namespace/name". */
export function proxyResource(proxy: string): string {
  const dot = proxy.lastIndexOf('.');
  return dot > 0 ? `Pod ${proxy.slice(dot + 1)}/${proxy.slice(0, dot)}` : `Pod ${proxy}`;
}

function countBy<T>(list: T[], key: (t: T) => string): string {
  const m = new Map<string, number>();
  for (const t of list) m.set(key(t), (m.get(key(t)) ?? 0) + 1);
  return [...m].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k}: ${n}`).join(', ');
}

export function summarizeDebug(endpoint: DebugEndpoint, doc: unknown): string[] {
  switch (endpoint) {
    case 'syncz': {
      const list = syncStatus(doc as unknown[]);
      const stale = list.filter((s) => s.stale.length);
      return [`istiod /debug/syncz: ${list.length} proxies (${countBy(list, (s) => s.proxyVersion ?? 'unknown')}), ${stale.length} not in sync`];
    }
    case 'configz': {
      const list = (doc as unknown[]).filter(isObj);
      return [`istiod /debug/configz: ${list.length} configs (${countBy(list, (c) => String(c.kind))})`];
    }
    case 'registryz': {
      const list = (doc as unknown[]).filter(isObj);
      const ns = (s: Obj) => {
        const a = (s.Attributes ?? s.attributes) as Obj | undefined;
        return String(a?.Namespace ?? a?.namespace ?? 'unknown');
      };
      return [
        `istiod /debug/registryz: ${list.length} services`,
        `  by namespace: ${countBy(list, ns)}`,
        `  mesh-external (ServiceEntry): ${list.filter((s) => s.MeshExternal === true || s.meshExternal === true).length}`,
      ];
    }
    case 'adsz': {
      const clients = (Array.isArray(doc) ? doc : ((doc as Obj).clients as unknown[])).filter(isObj);
      const version = (c: Obj) => String((c.metadata as Obj | undefined)?.ISTIO_VERSION ?? 'unknown');
      return [`istiod /debug/adsz: ${clients.length} xDS connections (${countBy(clients, version)})`];
    }
    case 'push_status': {
      const d = doc as Obj;
      return ['istiod /debug/push_status:', ...Object.keys(d).map((k) => `  ${k}: ${isObj(d[k]) ? Object.keys(d[k] as Obj).length : 0} entries`)];
    }
  }
}

/** push_status entries: metric → key → message. */
export function pushStatusEntries(doc: Obj): Array<{ metric: string; key: string; message: string; proxy: string | null }> {
  const out: Array<{ metric: string; key: string; message: string; proxy: string | null }> = [];
  for (const [metric, entries] of Object.entries(doc)) {
    if (!isObj(entries)) continue;
    for (const [key, e] of Object.entries(entries)) {
      const o = isObj(e) ? e : {};
      out.push({ metric, key, message: typeof o.message === 'string' ? o.message : '', proxy: typeof o.proxy === 'string' ? o.proxy : null });
    }
  }
  return out;
}
