// A cluster's outlier detection as Envoy applies it: the fields of
// envoy.config.cluster.v3.OutlierDetection with Envoy's defaults filled in for
// the ones left out (outlier_detection.proto), and the load balancer's panic
// threshold (common_lb_config.healthy_panic_threshold, Envoy default 50%).
import { field, isObj, num, obj, type Obj } from './json.ts';

export interface OutlierSettings {
  consecutive5xx: number;
  /** Percent chance that a host with consecutive 5xx is really ejected (0 = detector off). */
  enforcingConsecutive5xx: number;
  consecutiveGatewayFailure: number;
  enforcingConsecutiveGatewayFailure: number;
  intervalMs: number;
  baseEjectionTimeMs: number;
  maxEjectionPercent: number;
  /** Below this share of healthy hosts the load balancer panics and uses every host. */
  healthyPanicThresholdPercent: number;
}

/** Protobuf JSON duration (`10s`, `0.500s`) in ms; null when unreadable. */
function durationMs(v: unknown): number | null {
  if (typeof v !== 'string') return null;
  const m = /^(\d+(?:\.\d+)?)s$/.exec(v.trim());
  return m ? Math.round(Number(m[1]) * 1000) : null;
}

const withDefault = (o: Obj, key: string, dflt: number): number => (field(o, key) === undefined ? dflt : num(o, key));

/** Outlier detection of a cluster (snake_case or camelCase JSON), null when it has none. */
export function outlierDetection(cluster: unknown): OutlierSettings | null {
  const od = obj(cluster, 'outlier_detection');
  if (!od) return null;
  const panic = field(obj(cluster, 'common_lb_config'), 'healthy_panic_threshold');
  return {
    consecutive5xx: withDefault(od, 'consecutive_5xx', 5),
    enforcingConsecutive5xx: withDefault(od, 'enforcing_consecutive_5xx', 100),
    consecutiveGatewayFailure: withDefault(od, 'consecutive_gateway_failure', 5),
    enforcingConsecutiveGatewayFailure: withDefault(od, 'enforcing_consecutive_gateway_failure', 0),
    intervalMs: durationMs(field(od, 'interval')) ?? 10_000,
    baseEjectionTimeMs: durationMs(field(od, 'base_ejection_time')) ?? 30_000,
    maxEjectionPercent: withDefault(od, 'max_ejection_percent', 10),
    healthyPanicThresholdPercent: isObj(panic) ? (typeof panic.value === 'number' ? panic.value : 0) : 50,
  };
}
