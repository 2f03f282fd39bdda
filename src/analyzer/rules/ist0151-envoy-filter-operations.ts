// EnvoyFilter patch checks, as istioctl's envoyfilter analyzer:
// IST0151 EnvoyFilterUsesRelativeOperation — INSERT_BEFORE/INSERT_AFTER/REPLACE/
//   REMOVE without a priority, so the result depends on the order filters apply.
//   When other EnvoyFilters add named filters and this patch is anchored on a
//   sub-filter, only anchors on those added filters are reported (as istioctl).
// IST0152 EnvoyFilterUsesReplaceOperationIncorrectly — REPLACE outside
//   HTTP_FILTER/NETWORK_FILTER (VIRTUAL_HOST is accepted too, like istiod).
// IST0153/IST0154 — ADD/REMOVE on ROUTE_CONFIGURATION or HTTP_ROUTE, ignored by istiod.
// IST0155 EnvoyFilterUsesRelativeOperationWithProxyVersion — a relative operation
//   in a patch limited by proxyVersion: it silently stops applying after an upgrade.
import type { Report, Rule, RuleMeta } from './rule.ts';
import { t } from './rule.ts';
import type { Resource, ResourceModel } from '../resources/model.ts';
import type { FieldPath } from '../resources/read.ts';
import { arr, num, obj, str } from '../resources/values.ts';

interface Patch { ef: Resource; index: number; applyTo: string; operation: string; subFilter?: string; proxyVersion?: string; priority: number }

function patches(model: ResourceModel): Patch[] {
  const out: Patch[] = [];
  for (const ef of model.ofKind('EnvoyFilter')) {
    const priority = num(ef.spec.priority) ?? 0;
    arr(ef.spec.configPatches).forEach((p, index) => {
      const cp = obj(p);
      const match = obj(cp.match);
      const sub = str(obj(obj(obj(obj(match.listener).filterChain).filter).subFilter).name);
      const pv = str(obj(match.proxy).proxyVersion);
      out.push({ ef, index, applyTo: str(cp.applyTo) ?? '', operation: str(obj(cp.patch).operation) ?? '', priority, ...(sub ? { subFilter: sub } : {}), ...(pv ? { proxyVersion: pv } : {}) });
    });
  }
  return out;
}

/** Names of filters some EnvoyFilter inserts (value.name of its patches). */
function addedFilterNames(model: ResourceModel, except: Resource): Set<string> {
  const names = new Set<string>();
  for (const ef of model.ofKind('EnvoyFilter')) {
    if (ef === except) continue;
    for (const p of arr(ef.spec.configPatches)) {
      const name = str(obj(obj(obj(p).patch).value).name);
      if (name) names.add(name);
    }
  }
  return names;
}

const RELATIVE = new Set(['INSERT_BEFORE', 'INSERT_AFTER', 'REPLACE', 'REMOVE']);
const opPath = (p: Patch): FieldPath => ['spec', 'configPatches', p.index, 'patch', 'operation'];
const chapter = 'best-practice/http-header-case';

function isRelative(model: ResourceModel, p: Patch): boolean {
  if (!RELATIVE.has(p.operation) || p.priority !== 0) return false;
  if ((p.operation === 'REPLACE' || p.operation === 'REMOVE') && !['HTTP_FILTER', 'NETWORK_FILTER'].includes(p.applyTo)) return false;
  const added = addedFilterNames(model, p.ef);
  if (added.size > 0 && p.subFilter) return added.has(p.subFilter);
  return true;
}

function make(meta: RuleMeta, pick: (model: ResourceModel, p: Patch) => Report['message'] | null): Rule {
  return {
    meta,
    check(model) {
      const out: Report[] = [];
      for (const p of patches(model)) {
        const message = pick(model, p);
        if (message) out.push({ resource: p.ef, path: opPath(p), message });
      }
      return out;
    },
  };
}

export const relativeOperation = make(
  { id: 'envoy-filter-uses-relative-operation', code: 'IST0151', istioctl: 'EnvoyFilterUsesRelativeOperation', severity: 'warning', chapter,
    title: t('EnvoyFilter relative operation without priority', 'EnvoyFilter 使用相对操作但没有 priority'),
    explanation: t('A patch placed relative to another filter, with no priority, may apply before that filter exists and silently do nothing.', '相对于其他过滤器放置的补丁若没有 priority，可能在目标过滤器存在之前执行而静默失效。') },
  (model, p) => (!p.proxyVersion && isRelative(model, p) ? t(`This EnvoyFilter has no priority and patch ${p.index} uses the relative operation ${p.operation}; it may not apply. Use INSERT_FIRST or set a priority.`, `该 EnvoyFilter 没有设置 priority，补丁 ${p.index} 使用了相对操作 ${p.operation}，可能不会生效。请改用 INSERT_FIRST 或设置 priority。`) : null),
);

export const replaceIncorrectly = make(
  { id: 'envoy-filter-uses-replace-operation-incorrectly', code: 'IST0152', istioctl: 'EnvoyFilterUsesReplaceOperationIncorrectly', severity: 'error', chapter,
    title: t('EnvoyFilter REPLACE on the wrong object', 'EnvoyFilter 对不支持的对象使用 REPLACE'),
    explanation: t('REPLACE only works on HTTP_FILTER and NETWORK_FILTER (and VIRTUAL_HOST); elsewhere istiod ignores it.', 'REPLACE 只适用于 HTTP_FILTER 和 NETWORK_FILTER（以及 VIRTUAL_HOST）；其他对象上 istiod 会忽略它。') },
  (_m, p) => (p.operation === 'REPLACE' && !['HTTP_FILTER', 'NETWORK_FILTER', 'VIRTUAL_HOST'].includes(p.applyTo) ? t(`Patch ${p.index}: REPLACE is only valid for HTTP_FILTER and NETWORK_FILTER, not ${p.applyTo || '(no applyTo)'}.`, `补丁 ${p.index}：REPLACE 只能用于 HTTP_FILTER 和 NETWORK_FILTER，不能用于 ${p.applyTo || '（未设置 applyTo）'}。`) : null),
);

export const addIncorrectly = make(
  { id: 'envoy-filter-uses-add-operation-incorrectly', code: 'IST0153', istioctl: 'EnvoyFilterUsesAddOperationIncorrectly', severity: 'error', chapter,
    title: t('EnvoyFilter ADD that is ignored', 'EnvoyFilter 的 ADD 操作被忽略'),
    explanation: t('ADD does nothing on ROUTE_CONFIGURATION or HTTP_ROUTE.', 'ADD 在 ROUTE_CONFIGURATION 或 HTTP_ROUTE 上不起作用。') },
  (_m, p) => (p.operation === 'ADD' && (p.applyTo === 'ROUTE_CONFIGURATION' || p.applyTo === 'HTTP_ROUTE') ? t(`Patch ${p.index}: ADD is ignored when applyTo is ${p.applyTo}.`, `补丁 ${p.index}：applyTo 为 ${p.applyTo} 时 ADD 会被忽略。`) : null),
);

export const removeIncorrectly = make(
  { id: 'envoy-filter-uses-remove-operation-incorrectly', code: 'IST0154', istioctl: 'EnvoyFilterUsesRemoveOperationIncorrectly', severity: 'error', chapter,
    title: t('EnvoyFilter REMOVE that is ignored', 'EnvoyFilter 的 REMOVE 操作被忽略'),
    explanation: t('REMOVE does nothing on ROUTE_CONFIGURATION or HTTP_ROUTE.', 'REMOVE 在 ROUTE_CONFIGURATION 或 HTTP_ROUTE 上不起作用。') },
  (_m, p) => (p.operation === 'REMOVE' && (p.applyTo === 'ROUTE_CONFIGURATION' || p.applyTo === 'HTTP_ROUTE') ? t(`Patch ${p.index}: REMOVE is ignored when applyTo is ${p.applyTo}.`, `补丁 ${p.index}：applyTo 为 ${p.applyTo} 时 REMOVE 会被忽略。`) : null),
);

export const relativeWithProxyVersion = make(
  { id: 'envoy-filter-uses-relative-operation-with-proxy-version', code: 'IST0155', istioctl: 'EnvoyFilterUsesRelativeOperationWithProxyVersion', severity: 'warning', chapter,
    title: t('EnvoyFilter relative operation tied to a proxy version', 'EnvoyFilter 相对操作绑定了代理版本'),
    explanation: t('A relative patch limited by proxyVersion stops applying after an upgrade, and anything anchored on it breaks.', '受 proxyVersion 限制的相对补丁在升级后不再生效，依赖它的配置也会随之失效。') },
  (model, p) => (p.proxyVersion && isRelative(model, p) ? t(`Patch ${p.index} uses the relative operation ${p.operation} with proxyVersion "${p.proxyVersion}" and no priority; it may stop applying after an upgrade.`, `补丁 ${p.index} 使用了相对操作 ${p.operation} 且限定 proxyVersion "${p.proxyVersion}"，又没有 priority；升级后可能不再生效。`) : null),
);
