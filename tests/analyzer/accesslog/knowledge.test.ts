// The knowledge tables against the list of flags in Envoy's access-log docs
// (typed here by hand), and the flags fixture (one line per flag).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { chapters } from '../../../src/guide/chapters.ts';
import { FLAGS, FLAG_BY_CODE } from '../../../src/analyzer/accesslog/knowledge/flags.ts';
import { explainDetails, explainTransport } from '../../../src/analyzer/accesslog/knowledge/details.ts';
import { decodeCluster } from '../../../src/analyzer/accesslog/knowledge/clusters.ts';
import { readAccessLog } from '../../../src/analyzer/accesslog/reader.ts';

// Envoy's response flags with their long names (Envoy docs, access log usage, "RESPONSE_FLAGS").
const ENVOY_FLAGS: Record<string, string> = {
  UH: 'NoHealthyUpstream', UF: 'UpstreamConnectionFailure', UO: 'UpstreamOverflow', NR: 'NoRouteFound', URX: 'UpstreamRetryLimitExceeded',
  NC: 'NoClusterFound', DT: 'DurationTimeout', DC: 'DownstreamConnectionTermination', LH: 'FailedLocalHealthCheck', UT: 'UpstreamRequestTimeout',
  LR: 'LocalReset', UR: 'UpstreamRemoteReset', UC: 'UpstreamConnectionTermination', DI: 'DelayInjected', FI: 'FaultInjected', RL: 'RateLimited',
  UAEX: 'UnauthorizedExternalService', RLSE: 'RateLimitServiceError', IH: 'InvalidEnvoyRequestHeaders', SI: 'StreamIdleTimeout',
  DPE: 'DownstreamProtocolError', UPE: 'UpstreamProtocolError', UMSDR: 'UpstreamMaxStreamDurationReached', RFCF: 'ResponseFromCacheFilter',
  NFCF: 'NoFilterConfigFound', OM: 'OverloadManagerTerminated', DF: 'DnsResolutionFailed', DO: 'DropOverload', DR: 'DownstreamRemoteReset',
  UDO: 'UnconditionalDropOverload',
};

describe('response flags', () => {
  it('knows every Envoy flag with its long name', () => {
    expect(Object.fromEntries(FLAGS.map((f) => [f.code, f.long]))).toEqual(ENVOY_FLAGS);
  });
  it('explains each in both languages and links a chapter that exists', () => {
    const slugs = new Set(chapters.map((c) => c.slug));
    for (const f of FLAGS) {
      expect(f.meaning.en && f.meaning.zh && f.causes.en && f.causes.zh, f.code).toBeTruthy();
      expect(/[\u4e00-\u9fff]/.test(f.causes.zh), f.code).toBe(true);
      expect(slugs.has(f.chapter), `${f.code} → ${f.chapter}`).toBe(true);
      expect(f.family).toMatch(/^OPS1\d\d$/);
    }
  });
  it('reads the flag of every line of the flags fixture', () => {
    const text = readFileSync(new URL('../../fixtures/accesslog/flags.txt', import.meta.url), 'utf8');
    const { entries, result } = readAccessLog(text);
    expect(result.problemCount).toBe(0);
    // Each fixture line has its flag in the path: /f/<FLAG>.
    for (const e of entries) expect(e.response_flags).toEqual([String(e.path).slice(3)]);
    expect(new Set(entries.flatMap((e) => e.response_flags))).toEqual(new Set(Object.keys(ENVOY_FLAGS)));
  });
  it('the proxy produced UH, NR, UT; the client left on DC; URX only marks retries', () => {
    expect(FLAG_BY_CODE.get('UH')!.producer).toBe('proxy');
    expect(FLAG_BY_CODE.get('NR')!.status).toBe(404);
    expect(FLAG_BY_CODE.get('UT')!.status).toBe(504);
    expect(FLAG_BY_CODE.get('DC')!.producer).toBe('downstream');
    expect(FLAG_BY_CODE.get('URX')!.producer).toBe('marker');
  });
});

describe('details, transport failures, cluster names', () => {
  it('matches details with parameters', () => {
    expect(explainDetails('upstream_reset_before_response_started{connection_termination}')?.family).toBe('OPS104');
    expect(explainDetails('rbac_access_denied_matched_policy[none]')?.family).toBe('OPS107');
    expect(explainDetails('upstream_response_timeout')?.family).toBe('OPS105');
    expect(explainDetails('via_upstream')?.producer).toBe('upstream');
    expect(explainDetails('filter_chain_not_found')?.producer).toBe('proxy');
    expect(explainDetails('direct_response')?.chapter).toBe('tricks/direct-response');
  });
  it('recognises TLS and connect errors in old and new spellings', () => {
    expect(explainTransport('TLS error: 268435581:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED')?.meaning.en).toMatch(/verified/);
    expect(explainTransport('TLS_error:_268435703:SSL_routines:OPENSSL_internal:WRONG_VERSION_NUMBER')?.meaning.en).toMatch(/plaintext/);
    expect(explainTransport('TLS error: Secret is not supplied by SDS')?.meaning.en).toMatch(/SDS/);
    expect(explainTransport('delayed_connect_error:_111')?.meaning.en).toMatch(/refused/);
  });
  it('decodes Istio cluster names', () => {
    expect(decodeCluster('outbound|9080|v1|reviews.default.svc.cluster.local')).toMatchObject({ kind: 'outbound', port: 9080, subset: 'v1', fqdn: 'reviews.default.svc.cluster.local', service: 'reviews', namespace: 'default' });
    expect(decodeCluster('outbound|443||api.example.com')).toMatchObject({ kind: 'outbound', port: 443, subset: null, service: null });
    expect(decodeCluster('inbound|8080||')).toMatchObject({ kind: 'inbound', port: 8080, fqdn: null });
    expect(decodeCluster('inbound|9080|http|reviews.default.svc.cluster.local')).toMatchObject({ kind: 'inbound', subset: null });
    expect(decodeCluster('PassthroughCluster').kind).toBe('passthrough');
    expect(decodeCluster('BlackHoleCluster').kind).toBe('blackhole');
    expect(decodeCluster('InboundPassthroughClusterIpv4').kind).toBe('inbound-passthrough');
    expect(decodeCluster('InboundPassthroughCluster').kind).toBe('inbound-passthrough');
    expect(decodeCluster('xds-grpc').kind).toBe('bootstrap');
  });
});
