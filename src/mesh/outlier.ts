// Envoy's outlier detector for one cluster on one proxy (passive health
// checking; Envoy arch overview "Outlier detection", outlier_detection.proto):
// - every upstream result is counted per host: a 5xx (or a local failure mapped
//   to one: connect failure/reset 503, timeout 504) adds to the consecutive 5xx
//   counter, 502/503/504 also to the gateway-failure counter, anything else
//   resets both; reaching the threshold ejects the host at once;
// - an ejection is refused when it would pass max_ejection_percent (the rule
//   depends on the Envoy version, see `maxRule`);
// - an ejected host comes back at the first interval sweep after
//   base_ejection_time × (times ejected), capped at max(300s, base).
import type { OutlierSpec } from './config.ts';

/**
 * How Envoy applies max_ejection_percent:
 * - `before`: the share ejected before this ejection must be below the limit, so
 *   one host is always ejectable (Envoy ≤ 1.26);
 * - `one`: the share after this ejection must not pass the limit, but the first
 *   ejection is always allowed (envoyproxy/envoy#27624, Envoy 1.27–1.29);
 * - `strict`: the share after this ejection must not pass the limit, with no
 *   exception (envoyproxy/envoy#27909; Envoy 1.30+, Istio 1.22+; Istio does not
 *   set always_eject_one_host). The Istio version boundaries are approximate.
 */
export type MaxRule = 'before' | 'one' | 'strict';

export function maxRuleFor(istioVersion: string): MaxRule {
  const minor = Number(istioVersion.split('.')[1] ?? 24);
  return minor >= 22 ? 'strict' : minor >= 19 ? 'one' : 'before';
}

interface HostState {
  consecutive5xx: number;
  consecutiveGateway: number;
  ejections: number;
  /** Mesh time the host returns to service; null while not ejected. */
  returnsAt: number | null;
}

export interface OutlierEvent {
  kind: 'ejected' | 'not ejected' | 'returned';
  host: string;
  detail: string;
}

export class OutlierDetector {
  private readonly hosts = new Map<string, HostState>();
  readonly consecutive5xx: number;
  readonly enforce5xx: boolean;
  readonly consecutiveGateway: number;
  readonly enforceGateway: boolean;
  readonly intervalMs: number;
  readonly baseMs: number;
  readonly maxPercent: number;

  constructor(readonly spec: OutlierSpec, private readonly hostCount: number, private readonly rule: MaxRule) {
    this.consecutive5xx = spec.consecutive5xx ?? 5;
    this.enforce5xx = (spec.enforce5xx ?? true) && this.consecutive5xx > 0;
    this.consecutiveGateway = spec.consecutiveGateway ?? 5;
    this.enforceGateway = (spec.consecutiveGateway ?? 0) > 0;
    this.intervalMs = spec.intervalMs ?? 10_000;
    this.baseMs = spec.baseEjectionMs ?? 30_000;
    this.maxPercent = spec.maxEjectionPercent ?? 10;
  }

  private state(host: string): HostState {
    let s = this.hosts.get(host);
    if (!s) this.hosts.set(host, (s = { consecutive5xx: 0, consecutiveGateway: 0, ejections: 0, returnsAt: null }));
    return s;
  }

  /** Hosts whose ejection time is over by the last sweep at or before `now` come back. */
  sweep(now: number): OutlierEvent[] {
    const events: OutlierEvent[] = [];
    for (const [host, s] of this.hosts) {
      if (s.returnsAt === null || s.returnsAt > now) continue;
      s.returnsAt = null;
      s.consecutive5xx = 0;
      s.consecutiveGateway = 0;
      events.push({ kind: 'returned', host, detail: 'ejection time over: back in the load-balancing set at an interval sweep' });
    }
    return events;
  }

  isEjected(host: string): boolean {
    return this.hosts.get(host)?.returnsAt != null;
  }

  ejectedCount(): number {
    let n = 0;
    for (const s of this.hosts.values()) if (s.returnsAt !== null) n++;
    return n;
  }

  private allowed(): boolean {
    const ejected = this.ejectedCount();
    if (this.rule === 'before') return (100 * ejected) / this.hostCount < this.maxPercent;
    const after = (100 * (ejected + 1)) / this.hostCount <= this.maxPercent;
    return this.rule === 'one' ? ejected === 0 || after : after;
  }

  /** Counts one upstream result of `host` at mesh time `now` (status, or 503/504 for local failures). */
  record(host: string, status: number, now: number): OutlierEvent | null {
    const s = this.state(host);
    if (s.returnsAt !== null) return null;
    if (status < 500) {
      s.consecutive5xx = 0;
      s.consecutiveGateway = 0;
      return null;
    }
    // Each counter that reaches its threshold fires once and starts again from 0, so a
    // host the detector could not eject is detected again N errors later.
    let detected: string | null = null;
    if ([502, 503, 504].includes(status)) {
      if (++s.consecutiveGateway === this.consecutiveGateway) {
        s.consecutiveGateway = 0;
        if (this.enforceGateway) detected = `${this.consecutiveGateway} consecutive gateway errors (502/503/504)`;
      }
    } else s.consecutiveGateway = 0;
    if (++s.consecutive5xx === this.consecutive5xx) {
      s.consecutive5xx = 0;
      if (this.enforce5xx) detected ??= `${this.consecutive5xx} consecutive 5xx`;
    }
    if (!detected) return null;
    if (!this.allowed()) {
      const ejected = this.ejectedCount();
      return { kind: 'not ejected', host, detail: `${detected}, but ejecting it would put ${ejected + 1} of ${this.hostCount} hosts out, over maxEjectionPercent ${this.maxPercent}%` };
    }
    s.ejections++;
    const duration = Math.min(this.baseMs * s.ejections, Math.max(300_000, this.baseMs));
    s.returnsAt = Math.ceil((now + duration) / this.intervalMs) * this.intervalMs;
    return { kind: 'ejected', host, detail: `${detected}: ejected for ${duration / 1000}s (baseEjectionTime × ${s.ejections}), back at the first ${this.intervalMs / 1000}s sweep after that` };
  }
}
