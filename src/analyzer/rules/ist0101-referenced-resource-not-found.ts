// IST0101 ReferencedResourceNotFound.
// Mirrors istioctl's checks: a VirtualService destination (and mirror) host that no
// visible Service/ServiceEntry serves, a subset no visible DestinationRule defines,
// a gateway that does not exist, a Gateway selector that matches no pod, and
// AuthorizationPolicy source namespaces that do not exist.
// Differences, on purpose: istioctl runs against a live cluster; on files alone we
// only check Gateway selectors and AuthorizationPolicy namespaces when the input
// holds at least one pod/workload (resp. Namespace), else every Gateway would fire.
import type { Rule, Report } from './rule.ts';
import { t } from './rule.ts';
import { destinationRulesFor, gatewaySelector, labelText, vsDestinations, vsGateways } from './common.ts';
import { resolveHost } from '../resources/hosts.ts';
import { arr, obj, str, strList } from '../resources/values.ts';

const notFound = (type: string, value: string) =>
  t(`Referenced ${type} not found: "${value}"`, `引用的 ${type} 不存在："${value}"`);

export const rule: Rule = {
  meta: {
    id: 'referenced-resource-not-found',
    code: 'IST0101',
    istioctl: 'ReferencedResourceNotFound',
    severity: 'error',
    title: t('Referenced resource not found', '引用的资源不存在'),
    explanation: t(
      'A resource names another one (a host, a subset, a gateway, a selector) that is not in the configuration. Envoy then has no cluster or route for it: expect 503 NC/UH or 404 NR.',
      '资源引用了配置中不存在的对象（host、subset、gateway、selector）。Envoy 因此缺少对应的 cluster 或路由，通常表现为 503 NC/UH 或 404 NR。',
    ),
    chapter: 'debug-istio/envoy-log',
  },
  check(model) {
    const out: Report[] = [];
    for (const vs of model.ofKind('VirtualService')) {
      for (const d of vsDestinations(vs)) {
        const host = str(d.destination.host);
        if (!host) continue;
        const fqdn = resolveHost(host, vs.namespace);
        if (model.lookupHost(fqdn, vs.namespace).length === 0) {
          out.push({
            resource: vs,
            path: [...d.path, 'host'],
            message: notFound(d.mirror ? 'mirror host' : 'host', host),
            fix: t(`Create the Service or ServiceEntry for ${fqdn}, or correct the host (short names resolve in namespace ${vs.namespace}).`, `创建 ${fqdn} 对应的 Service 或 ServiceEntry，或修正 host（短名按命名空间 ${vs.namespace} 解析）。`),
          });
          continue;
        }
        const subset = str(d.destination.subset);
        if (subset) {
          const drs = destinationRulesFor(model, fqdn, vs.namespace);
          const defined = drs.some((dr) => arr(dr.spec.subsets).some((s) => str(obj(s).name) === subset));
          if (!defined) {
            out.push({
              resource: vs,
              path: [...d.path, 'subset'],
              message: notFound('host+subset in destinationrule', `${host}+${subset}`),
              fix: t(`Add subset "${subset}" to the DestinationRule of ${fqdn}:\n  subsets:\n  - name: ${subset}\n    labels:\n      version: ${subset}`, `在 ${fqdn} 的 DestinationRule 中加入 subset "${subset}"：\n  subsets:\n  - name: ${subset}\n    labels:\n      version: ${subset}`),
            });
          }
        }
      }
      vsGateways(vs).forEach((g, i) => {
        if (g === 'mesh' || model.gateway(g, vs.namespace)) return;
        if (strList(vs.spec.gateways).length === 0) return;
        out.push({ resource: vs, path: ['spec', 'gateways', i], message: notFound('gateway', g) });
      });
    }
    if (model.workloads.length > 0) {
      for (const gw of model.ofKind('Gateway')) {
        const sel = gatewaySelector(gw);
        if (Object.keys(sel).length === 0) continue;
        if (model.workloadsMatching(null, sel).length === 0) {
          out.push({ resource: gw, path: ['spec', 'selector'], message: notFound('selector', labelText(sel)) });
        }
      }
    }
    const knownNs = new Set([...model.namespaces.keys(), ...model.resources.map((r) => r.namespace)]);
    if (model.namespaces.size > 0) {
      for (const ap of model.ofKind('AuthorizationPolicy')) {
        arr(ap.spec.rules).forEach((r, i) => {
          arr(obj(r).from).forEach((f, j) => {
            strList(obj(obj(f).source).namespaces).forEach((ns, k) => {
              if (ns.includes('*') || knownNs.has(ns)) return;
              out.push({ resource: ap, path: ['spec', 'rules', i, 'from', j, 'source', 'namespaces', k], message: notFound('namespace', ns) });
            });
          });
        });
      }
    }
    return out;
  },
};
