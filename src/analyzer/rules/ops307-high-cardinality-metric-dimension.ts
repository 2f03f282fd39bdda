// OPS307: a metrics dimension (tag) fed by an attribute with unbounded values —
// request path, request id, user id, client address… Every distinct value creates
// new stat entries in every proxy, and Envoy's memory grows until it is OOM-killed.
// Looks at EnvoyFilter stats configs (`dimensions`, also inside JSON strings as the
// 1.1x stats-filter configuration was written) and Telemetry tagOverrides.
import type { Report, Rule } from './rule.ts';
import { t } from './rule.ts';
import type { FieldPath } from '../resources/read.ts';
import type { Resource } from '../resources/model.ts';
import { arr, isObject, obj, str } from '../resources/values.ts';

const HIGH_CARDINALITY = /\brequest\.(url_path|path|url|id|query|time|referer)\b|request\.headers\[\s*['"](x-request-id|x-user-id|user-?id|authorization|cookie|x-b3-traceid|traceparent|x-forwarded-for)['"]\s*\]|\b(source|destination|upstream|downstream)\.(address|port)\b|\bconnection\.id\b|\bsource\.ip\b/i;

export function isHighCardinality(expression: string): boolean {
  return HIGH_CARDINALITY.test(expression);
}

function walk(v: unknown, path: FieldPath, visit: (dims: Record<string, unknown>, path: FieldPath, embedded: boolean) => void, embedded = false): void {
  if (typeof v === 'string') {
    if (!v.includes('dimensions')) return;
    try {
      const parsed: unknown = JSON.parse(v);
      walk(parsed, path, visit, true);
    } catch {
      /* not JSON: nothing to read */
    }
    return;
  }
  if (Array.isArray(v)) {
    v.forEach((x, i) => walk(x, embedded ? path : [...path, i], visit, embedded));
    return;
  }
  if (!isObject(v)) return;
  for (const [k, x] of Object.entries(v)) {
    const p = embedded ? path : [...path, k];
    if (k === 'dimensions' && isObject(x)) visit(x, p, embedded);
    else walk(x, p, visit, embedded);
  }
}

export const rule: Rule = {
  meta: {
    id: 'high-cardinality-metric-dimension',
    code: 'OPS307',
    severity: 'warning',
    title: t('Metric dimension with unbounded values', '指标维度取值无上限'),
    explanation: t('Each distinct value of a metric tag creates new stats in every proxy; a tag like the request path makes Envoy memory grow without limit.', '指标标签的每个不同取值都会在每个代理中生成新的统计项；请求路径这类标签会让 Envoy 内存无限增长。'),
    chapter: 'common-problem/envoy-stats-memory',
  },
  check(model) {
    const out: Report[] = [];
    const report = (r: Resource, path: FieldPath, tag: string, expr: string) =>
      out.push({
        resource: r,
        path,
        message: t(`Metric dimension "${tag}" takes its value from ${expr}, which has unbounded values; proxy memory will grow with every new value.`, `指标维度 "${tag}" 的取值来自 ${expr}，取值数量没有上限；代理内存会随每个新取值增长。`),
        fix: t(`Remove the "${tag}" dimension, or map it to a bounded value (e.g. a route name) instead of ${expr}.`, `删除维度 "${tag}"，或改用取值有限的属性（如路由名）代替 ${expr}。`),
      });
    for (const ef of model.ofKind('EnvoyFilter')) {
      arr(ef.spec.configPatches).forEach((p, i) => {
        walk(obj(p).patch, ['spec', 'configPatches', i, 'patch'], (dims, path, embedded) => {
          for (const [tag, expr] of Object.entries(dims)) {
            const e = str(expr);
            if (e && isHighCardinality(e)) report(ef, embedded ? path : [...path, tag], tag, e);
          }
        });
      });
    }
    for (const tel of model.ofKind('Telemetry')) {
      arr(tel.spec.metrics).forEach((m, i) => {
        arr(obj(m).overrides).forEach((o, j) => {
          for (const [tag, override] of Object.entries(obj(obj(o).tagOverrides))) {
            const e = str(obj(override).value);
            if (e && str(obj(override).operation) !== 'REMOVE' && isHighCardinality(e)) report(tel, ['spec', 'metrics', i, 'overrides', j, 'tagOverrides', tag], tag, e);
          }
        });
      });
    }
    return out;
  },
};
