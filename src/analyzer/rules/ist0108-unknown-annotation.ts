// IST0108 UnknownAnnotation: an annotation in an `istio.io` domain that Istio
// does not define. The list is istio/api annotation/annotations.yaml (1.2x) plus
// labels-as-annotations Istio also reads; istioctl also warns when a known
// annotation sits on the wrong kind (IST0107), which we do not check.
import type { Report, Rule } from './rule.ts';
import { t } from './rule.ts';

export const knownAnnotations = new Set([
  'prometheus.istio.io/merge-metrics', 'alpha.istio.io/kubernetes-serviceaccounts', 'alpha.istio.io/canonical-serviceaccounts', 'alpha.istio.io/identity',
  'networking.istio.io/exportTo', 'networking.istio.io/traffic-distribution', 'networking.istio.io/address-type', 'networking.istio.io/service-type',
  'sidecar.istio.io/inject', 'sidecar.istio.io/status', 'sidecar.istio.io/rewriteAppHTTPProbers', 'sidecar.istio.io/controlPlaneAuthPolicy',
  'sidecar.istio.io/discoveryAddress', 'sidecar.istio.io/proxyImage', 'sidecar.istio.io/proxyImageType', 'sidecar.istio.io/proxyCPU', 'sidecar.istio.io/proxyCPULimit',
  'sidecar.istio.io/proxyMemory', 'sidecar.istio.io/proxyMemoryLimit', 'sidecar.istio.io/interceptionMode', 'sidecar.istio.io/bootstrapOverride',
  'sidecar.istio.io/statsInclusionPrefixes', 'sidecar.istio.io/statsInclusionSuffixes', 'sidecar.istio.io/statsInclusionRegexps', 'sidecar.istio.io/statsHistogramBuckets',
  'sidecar.istio.io/statsCompression', 'sidecar.istio.io/userVolume', 'sidecar.istio.io/userVolumeMount', 'sidecar.istio.io/enableCoreDump', 'sidecar.istio.io/logLevel',
  'sidecar.istio.io/componentLogLevel', 'sidecar.istio.io/agentLogLevel', 'sidecar.istio.io/extraStatTags', 'sidecar.istio.io/nativeSidecar',
  'status.sidecar.istio.io/port', 'readiness.status.sidecar.istio.io/initialDelaySeconds', 'readiness.status.sidecar.istio.io/periodSeconds',
  'readiness.status.sidecar.istio.io/failureThreshold', 'readiness.status.sidecar.istio.io/applicationPorts',
  'traffic.sidecar.istio.io/includeOutboundIPRanges', 'traffic.sidecar.istio.io/excludeOutboundIPRanges', 'traffic.sidecar.istio.io/includeInboundPorts',
  'traffic.sidecar.istio.io/excludeInboundPorts', 'traffic.sidecar.istio.io/includeOutboundPorts', 'traffic.sidecar.istio.io/excludeOutboundPorts',
  'traffic.sidecar.istio.io/kubevirtInterfaces', 'traffic.sidecar.istio.io/excludeInterfaces',
  'install.operator.istio.io/chart-owner', 'install.operator.istio.io/owner-generation', 'install.operator.istio.io/version',
  'galley.istio.io/analyze-suppress', 'proxy.istio.io/config', 'proxy.istio.io/overrides', 'istio.io/dry-run', 'inject.istio.io/templates',
  'istio.io/autoRegistrationGroup', 'istio.io/workloadController', 'istio.io/connectedAt', 'istio.io/disconnectedAt', 'istio.io/rev',
  'istio.io/use-waypoint', 'istio.io/dataplane-mode', 'istio.io/gateway-name', 'ambient.istio.io/redirection', 'ambient.istio.io/bypass-inbound-capture',
  'gateway.istio.io/controller-version', 'gateway.istio.io/service-account', 'gateway.istio.io/name-override', 'gateway.istio.io/managed',
  'topology.istio.io/network', 'topology.istio.io/cluster', 'topology.istio.io/subzone', 'topology.istio.io/controlPlaneClusters',
  'security.istio.io/tlsMode', 'service.istio.io/canonical-name', 'service.istio.io/canonical-revision', 'kubectl.kubernetes.io/default-container',
]);

/** Is this annotation in a domain Istio owns? */
export function isIstioDomain(key: string): boolean {
  const slash = key.indexOf('/');
  if (slash < 0) return false;
  const domain = key.slice(0, slash);
  return domain === 'istio.io' || domain.endsWith('.istio.io');
}

export const rule: Rule = {
  meta: {
    id: 'unknown-annotation',
    code: 'IST0108',
    istioctl: 'UnknownAnnotation',
    severity: 'warning',
    title: t('Unknown Istio annotation', '未知的 Istio 注解'),
    explanation: t('An annotation in an istio.io domain that Istio does not read: usually a typo, so the setting you meant never applies.', '注解属于 istio.io 域，但 Istio 并不识别：多半是拼写错误，想要的设置不会生效。'),
    chapter: null,
  },
  check(model) {
    const out: Report[] = [];
    const visit = (r: Report['resource'], annotations: Record<string, string>, metaPath: (string | number)[]) => {
      for (const key of Object.keys(annotations)) {
        if (!isIstioDomain(key) || knownAnnotations.has(key)) continue;
        out.push({ resource: r, path: [...metaPath, 'annotations', key], message: t(`Unknown annotation: ${key}`, `未知注解：${key}`), fix: t('Check the spelling against https://istio.io/latest/docs/reference/config/annotations/.', '请对照 https://istio.io/latest/docs/reference/config/annotations/ 检查拼写。') });
      }
    };
    for (const r of model.resources) visit(r, r.annotations, ['metadata']);
    for (const w of model.workloads) if (w.resource.kind !== 'Pod') visit(w.resource, w.annotations, w.metaPath);
    return out;
  },
};
