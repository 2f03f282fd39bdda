// OPS312: an HTTP rule that can never match because an earlier rule's match is
// broader: a catch-all rule (no match, or `uri.prefix: /` alone) before it, or an
// earlier prefix that contains its path (`prefix: /api` before `prefix: /api/v2`)
// with no other condition the later rule lacks. Envoy takes the first matching
// route, so order routes from the most to the least specific. Exact duplicates are
// left to IST0130/IST0131; regex matches are compared only for equality.
import type { Report, Rule } from './rule.ts';
import { t } from './rule.ts';
import type { Obj } from '../resources/read.ts';
import { arr, deepEqual, isObject, obj, str } from '../resources/values.ts';
import { canonical } from './ist0130-virtual-service-unreachable-rule.ts';

const STRING_MATCH_FIELDS = ['uri', 'scheme', 'method', 'authority'];
const MAP_FIELDS = ['headers', 'queryParams'];

/** Does string match `a` accept everything `b` accepts? */
function stringCovers(a: Obj, b: Obj): boolean {
  const ap = str(a.prefix);
  if (ap !== undefined) {
    const bv = str(b.prefix) ?? str(b.exact);
    return bv !== undefined && bv.startsWith(ap);
  }
  return deepEqual(a, b);
}

/** Does match `a` accept every request that match `b` accepts? */
export function matchCovers(a: Obj, b: Obj): boolean {
  for (const [k, av] of Object.entries(a)) {
    if (k === 'name') continue;
    const bv = b[k];
    if (STRING_MATCH_FIELDS.includes(k)) {
      if (!isObject(av) || !isObject(bv) || !stringCovers(av, bv)) {
        if (k === 'uri' && isObject(av) && str(av.prefix) === '/') continue; // prefix "/" accepts any path
        return false;
      }
    } else if (MAP_FIELDS.includes(k)) {
      for (const [hk, hv] of Object.entries(obj(av))) {
        const other = obj(bv)[hk];
        if (!isObject(hv) || !isObject(other) || !stringCovers(hv, other)) return false;
      }
    } else if (!deepEqual(av, bv)) return false;
  }
  return true;
}

function describe(m: Obj): string {
  const uri = obj(m.uri);
  const parts = Object.entries(uri).map(([k, v]) => `uri ${k} ${String(v)}`);
  for (const k of Object.keys(m)) if (k !== 'uri' && k !== 'name') parts.push(k);
  return parts.length ? parts.join(', ') : 'any request';
}

export const rule: Rule = {
  meta: {
    id: 'virtual-service-shadowed-rule',
    code: 'OPS312',
    severity: 'warning',
    title: t('Route shadowed by an earlier, broader match', '路由被前面更宽泛的匹配遮蔽'),
    explanation: t('Envoy evaluates HTTP routes in order and uses the first that matches; a broader rule placed first takes every request meant for the specific one after it.', 'Envoy 按顺序评估 HTTP 路由并使用第一条匹配的路由；排在前面的宽泛规则会截走本应由后面具体规则处理的请求。'),
    chapter: 'best-practice/vs-priority',
  },
  check(model) {
    const out: Report[] = [];
    for (const vs of model.ofKind('VirtualService')) {
      const rules = arr(vs.spec.http).map(obj);
      rules.forEach((rule, i) => {
        if (i === 0) return;
        const matches = arr(rule.match).map(obj);
        if (matches.length === 0) return; // a second catch-all is IST0130's case
        const keys = matches.map(canonical);
        for (let j = 0; j < i; j++) {
          const earlier = arr(rules[j]?.match).map(obj);
          const catchAll = earlier.length === 0 || earlier.some((m) => Object.keys(m).filter((k) => k !== 'name').length === 0);
          const coveredBy = matches.map((m) => (catchAll ? {} : earlier.find((e) => matchCovers(e, m))));
          if (coveredBy.some((c) => c === undefined)) continue;
          const earlierKeys = new Set(earlier.map(canonical));
          if (!catchAll && keys.every((k) => earlierKeys.has(k))) break; // identical: IST0130
          const by = catchAll ? 'has no match condition and takes every request' : `matches ${describe(coveredBy[0] ?? {})}`;
          const byZh = catchAll ? '没有匹配条件，会接收所有请求' : `匹配 ${describe(coveredBy[0] ?? {})}`;
          const name = str(rule.name) ?? String(i);
          const other = str(rules[j]?.name) ?? String(j);
          out.push({
            resource: vs,
            path: ['spec', 'http', i, 'match'],
            message: t(`HTTP rule ${name} (${matches.map(describe).join('; ')}) is never used: earlier rule ${other} ${by}.`, `HTTP 规则 ${name}（${matches.map(describe).join('；')}）永远不会被使用：前面的规则 ${other} ${byZh}。`),
            fix: t(`Move rule ${name} above rule ${other} (most specific first).`, `把规则 ${name} 移到规则 ${other} 之前（越具体越靠前）。`),
          });
          break;
        }
      });
    }
    return out;
  },
};
