// IST0177 ConflictingServiceEntryProtocol: ServiceEntries visible together define
// the same host and port number with different protocols; istiod keeps one.
import type { Report, Rule } from './rule.ts';
import { t } from './rule.ts';
import type { Resource } from '../resources/model.ts';
import { resolveHost } from '../resources/hosts.ts';
import { arr, num, obj, str, strList } from '../resources/values.ts';

function scopes(se: Resource): string[] {
  const e = strList(se.spec.exportTo);
  if (e.length === 0 || e.includes('*')) return ['*'];
  return e.map((x) => (x === '.' ? se.namespace : x));
}

export const rule: Rule = {
  meta: {
    id: 'conflicting-service-entry-protocol',
    code: 'IST0177',
    istioctl: 'ConflictingServiceEntryProtocol',
    severity: 'warning',
    title: t('ServiceEntries disagree on a protocol', 'ServiceEntry 的协议冲突'),
    explanation: t('The same host and port are declared with different protocols; only one declaration is used.', '相同的 host 和端口被声明为不同协议，只有一个声明会生效。'),
    chapter: 'common-problem/server-speaks-first',
  },
  check(model) {
    const seen = new Map<string, { se: Resource; protocol: string; path: (string | number)[]; scopes: string[] }[]>();
    for (const se of model.ofKind('ServiceEntry')) {
      for (const h of strList(se.spec.hosts)) {
        arr(se.spec.ports).forEach((p, i) => {
          const port = num(obj(p).number);
          if (port === undefined) return;
          const key = `${resolveHost(h, se.namespace)}:${port}`;
          const list = seen.get(key) ?? [];
          list.push({ se, protocol: (str(obj(p).protocol) ?? '').toUpperCase(), path: ['spec', 'ports', i, 'protocol'], scopes: scopes(se) });
          seen.set(key, list);
        });
      }
    }
    const overlap = (a: string[], b: string[]) => a.includes('*') || b.includes('*') || a.some((x) => b.includes(x));
    const out: Report[] = [];
    for (const [key, list] of seen) {
      for (const e of list) {
        const others = list.filter((o) => o.se !== e.se && o.protocol !== e.protocol && overlap(o.scopes, e.scopes));
        if (others.length === 0) continue;
        const names = [e, ...others].map((o) => `${o.se.namespace}/${o.se.name}`).sort().join(', ');
        const protocols = [...new Set([e, ...others].map((o) => o.protocol || 'unset'))].join(', ');
        out.push({ resource: e.se, path: e.path, message: t(`ServiceEntries ${names} declare ${key} with different protocols (${protocols}).`, `ServiceEntry ${names} 对 ${key} 声明了不同的协议（${protocols}）。`) });
      }
    }
    return out;
  },
};
