// IST0130 VirtualServiceUnreachableRule and IST0131 VirtualServiceIneffectiveMatch,
// following istioctl's logic: a second rule without any match can never be used
// (only the last rule may be match-less), a match identical to an earlier one is
// ineffective (IST0131), and a rule whose every match is such a duplicate is
// unreachable (IST0130). Broader-but-not-identical earlier matches are OPS312's job.
import type { Report, Rule } from './rule.ts';
import { t } from './rule.ts';
import type { Resource, ResourceModel } from '../resources/model.ts';
import { arr, obj, str } from '../resources/values.ts';

/** A canonical text for a match object (key order does not matter). */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
  return JSON.stringify(v);
}

interface Found { unreachable: Report[]; ineffective: Report[] }

function ruleName(rule: Record<string, unknown>, i: number): string {
  return str(rule.name) ?? String(i);
}

// IST0130 and IST0131 come from the same walk: do it once per VirtualService of a model.
const analyzed = new WeakMap<ResourceModel, Map<Resource, Found>>();

function analyzedRules(model: ResourceModel, vs: Resource): Found {
  let byVs = analyzed.get(model);
  if (!byVs) analyzed.set(model, (byVs = new Map()));
  let found = byVs.get(vs);
  if (!found) byVs.set(vs, (found = analyzeRules(vs)));
  return found;
}

export function analyzeRules(vs: Resource): Found {
  const found: Found = { unreachable: [], ineffective: [] };
  for (const section of ['http', 'tcp', 'tls'] as const) {
    let matchless = -1;
    const seen = new Map<string, number>();
    arr(vs.spec[section]).forEach((r, i) => {
      const rule = obj(r);
      const matches = arr(rule.match);
      const name = ruleName(rule, i);
      if (matches.length === 0) {
        if (matchless >= 0) found.unreachable.push({ resource: vs, path: ['spec', section, i], message: t(`VirtualService rule ${name} not used (only the last rule can have no matches).`, `VirtualService 规则 ${name} 不会被使用（只有最后一条规则可以没有 match）。`) });
        matchless = i;
        return;
      }
      let duplicates = 0;
      matches.forEach((m, j) => {
        const key = canonical(m);
        const earlier = seen.get(key);
        if (earlier !== undefined) {
          duplicates++;
          found.ineffective.push({ resource: vs, path: ['spec', section, i, 'match', j], message: t(`VirtualService rule ${name} match ${j} is not used (the same match appears in rule ${earlier}).`, `VirtualService 规则 ${name} 的第 ${j} 个 match 不会被使用（规则 ${earlier} 中已有相同的 match）。`) });
        } else seen.set(key, i);
      });
      if (duplicates === matches.length) found.unreachable.push({ resource: vs, path: ['spec', section, i], message: t(`VirtualService rule ${name} not used (all its matches are used by earlier rules).`, `VirtualService 规则 ${name} 不会被使用（它的所有 match 都已被前面的规则使用）。`) });
    });
  }
  return found;
}

const chapter = 'best-practice/vs-priority';

export const unreachableRule: Rule = {
  meta: {
    id: 'virtual-service-unreachable-rule',
    code: 'IST0130',
    istioctl: 'VirtualServiceUnreachableRule',
    severity: 'warning',
    title: t('Unreachable VirtualService rule', 'VirtualService 规则不可达'),
    explanation: t('Envoy tries routes in order and stops at the first match; this rule can never be reached.', 'Envoy 按顺序匹配路由并在第一条命中处停止；这条规则永远不会被命中。'),
    chapter,
  },
  check: (model) => model.ofKind('VirtualService').flatMap((vs) => analyzedRules(model, vs).unreachable),
};

export const ineffectiveMatch: Rule = {
  meta: {
    id: 'virtual-service-ineffective-match',
    code: 'IST0131',
    istioctl: 'VirtualServiceIneffectiveMatch',
    severity: 'info',
    title: t('Ineffective VirtualService match', 'VirtualService match 无效'),
    explanation: t('An earlier rule has exactly the same match, so this one never applies.', '前面的规则已有完全相同的 match，这一项永远不会生效。'),
    chapter,
  },
  check: (model) => model.ofKind('VirtualService').flatMap((vs) => analyzedRules(model, vs).ineffective),
};
