// IST0151–IST0155, OPS307, OPS311 (EnvoyFilter, Telemetry), plus IST0108, IST0128/IST0129, IST0134, IST0177.
import { describe, expect, it } from 'vitest';
import { brief, run } from './helpers.ts';

const ef = (patches: string, extra = '') => `apiVersion: networking.istio.io/v1alpha3
kind: EnvoyFilter
metadata: {name: f, namespace: shop}
spec:${extra}
  configPatches:
${patches}`;
const patch = (applyTo: string, op: string, match = '') => `  - applyTo: ${applyTo}
    match:
      context: SIDECAR_INBOUND${match}
    patch:
      operation: ${op}
      value: {name: my.filter}
`;

describe('EnvoyFilter operations', () => {
  it('IST0151: INSERT_BEFORE without priority, at the operation field', () => {
    expect(brief(run(ef(patch('HTTP_FILTER', 'INSERT_BEFORE')), 'IST0151'))).toEqual(['IST0151 EnvoyFilter shop/f 10:7']);
  });
  it('IST0151 near miss: a priority, or INSERT_FIRST', () => {
    expect(run(ef(patch('HTTP_FILTER', 'INSERT_BEFORE'), '\n  priority: 10'), 'IST0151')).toEqual([]);
    expect(run(ef(patch('HTTP_FILTER', 'INSERT_FIRST')), 'IST0151')).toEqual([]);
  });
  it('IST0152: REPLACE on a CLUSTER; not on an HTTP_FILTER', () => {
    expect(run(ef(patch('CLUSTER', 'REPLACE')), 'IST0152')).toHaveLength(1);
    expect(run(ef(patch('HTTP_FILTER', 'REPLACE')), 'IST0152')).toEqual([]);
  });
  it('IST0153 / IST0154: ADD and REMOVE on HTTP_ROUTE are ignored; ADD on a LISTENER is not', () => {
    expect(run(ef(patch('HTTP_ROUTE', 'ADD')), 'IST0153')).toHaveLength(1);
    expect(run(ef(patch('ROUTE_CONFIGURATION', 'REMOVE')), 'IST0154')).toHaveLength(1);
    expect(run(ef(patch('LISTENER', 'ADD')), 'IST0153')).toEqual([]);
  });
  it('IST0155: a relative operation under a proxyVersion match (and then not IST0151)', () => {
    const y = ef(patch('HTTP_FILTER', 'INSERT_AFTER', "\n      proxy: {proxyVersion: '^1\\\\.12.*'}"));
    expect(run(y, 'IST0155')).toHaveLength(1);
    expect(run(y, 'IST0151')).toEqual([]);
  });
});

describe('OPS307 high-cardinality metric dimension (envoy-stats-memory chapter)', () => {
  it('finds request.path inside the JSON string of a stats filter configuration', () => {
    const y = ef(`  - applyTo: HTTP_FILTER
    match: {context: SIDECAR_OUTBOUND}
    patch:
      operation: INSERT_FIRST
      value:
        name: istio.stats
        typed_config:
          value:
            config:
              configuration:
                value: '{"metrics":[{"dimensions":{"url_path":"request.path"}}]}'
`);
    const fs = run(y, 'OPS307');
    expect(brief(fs)).toEqual(['OPS307 EnvoyFilter shop/f 16:17']);
    expect(fs[0]!.message.en).toContain('"url_path"');
  });
  it('finds a Telemetry tagOverride on a user id header; bounded tags pass', () => {
    const tel = (value: string) => `apiVersion: telemetry.istio.io/v1
kind: Telemetry
metadata: {name: t, namespace: shop}
spec:
  metrics:
  - providers: [{name: prometheus}]
    overrides:
    - tagOverrides:
        user: {value: ${value}}
`;
    expect(run(tel(`"request.headers['x-user-id']"`), 'OPS307')).toHaveLength(1);
    expect(run(tel('request.method'), 'OPS307')).toEqual([]);
    expect(run(tel('"request.headers[\'x-tenant\']"'), 'OPS307')).toEqual([]);
  });
});

describe('OPS311 EnvoyFilter that selects nothing', () => {
  const pod = `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop, labels: {app: cart}}
spec: {containers: [{name: c, image: c}]}
---
`;
  it('fires for a selector no pod in its namespace carries', () => {
    expect(run(pod + ef(patch('HTTP_FILTER', 'INSERT_FIRST'), '\n  workloadSelector: {labels: {app: card}}'), 'OPS311')).toHaveLength(1);
  });
  it('near miss: the right labels, or no pods in the input', () => {
    expect(run(pod + ef(patch('HTTP_FILTER', 'INSERT_FIRST'), '\n  workloadSelector: {labels: {app: cart}}'), 'OPS311')).toEqual([]);
    expect(run(ef(patch('HTTP_FILTER', 'INSERT_FIRST'), '\n  workloadSelector: {labels: {app: card}}'), 'OPS311')).toEqual([]);
  });
});

describe('IST0108 unknown annotation', () => {
  const pod = (key: string) => `apiVersion: v1
kind: Pod
metadata:
  name: p
  annotations:
    ${key}: "true"
spec: {containers: [{name: c, image: c}]}
`;
  it('fires for a misspelt istio.io annotation, at the key', () => {
    expect(brief(run(pod('sidecar.istio.io/injet'), 'IST0108'))).toEqual(['IST0108 Pod default/p 6:5']);
  });
  it('near miss: a known annotation, or a foreign domain', () => {
    expect(run(pod('sidecar.istio.io/inject'), 'IST0108')).toEqual([]);
    expect(run(pod('example.com/istio'), 'IST0108')).toEqual([]);
  });
});

describe('IST0128 / IST0129 TLS origination without CA', () => {
  const dr = (tp: string) => `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: d, namespace: shop}
spec:
  host: api.partner.test
  trafficPolicy:
${tp}`;
  it('destination level and port level', () => {
    expect(run(dr('    tls: {mode: SIMPLE}\n'), 'IST0128')).toHaveLength(1);
    expect(run(dr('    portLevelSettings:\n    - port: {number: 443}\n      tls: {mode: MUTUAL, clientCertificate: /c, privateKey: /k}\n'), 'IST0129')).toHaveLength(1);
  });
  it('near miss: caCertificates set, ISTIO_MUTUAL, or insecureSkipVerify on purpose', () => {
    expect(run(dr('    tls: {mode: SIMPLE, caCertificates: /etc/ca.pem}\n'), 'IST0128')).toEqual([]);
    expect(run(dr('    tls: {mode: ISTIO_MUTUAL}\n'), 'IST0128')).toEqual([]);
    expect(run(dr('    tls: {mode: SIMPLE, insecureSkipVerify: true}\n'), 'IST0128')).toEqual([]);
  });
});

describe('IST0134 / IST0177 ServiceEntries', () => {
  const se = (name: string, proto: string, extra = '') => `---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: ${name}, namespace: shop}
spec:
  hosts: [cache.partner.test]${extra}
  ports: [{name: p, number: 6379, protocol: ${proto}}]
`;
  const mesh = (md: string) => `apiVersion: v1
kind: ConfigMap
metadata: {name: istio, namespace: istio-system}
data:
  mesh: |
    defaultConfig:
      proxyMetadata:
${md}`;
  it('IST0134 only under DNS capture without auto-allocation', () => {
    expect(run(mesh('        ISTIO_META_DNS_CAPTURE: "true"\n') + se('a', 'TCP'), 'IST0134')).toHaveLength(1);
    expect(run(mesh('        ISTIO_META_DNS_CAPTURE: "true"\n        ISTIO_META_DNS_AUTO_ALLOCATE: "true"\n') + se('a', 'TCP'), 'IST0134')).toEqual([]);
    expect(run(se('a', 'TCP'), 'IST0134')).toEqual([]);
    expect(run(mesh('        ISTIO_META_DNS_CAPTURE: "true"\n') + se('a', 'TCP', '\n  addresses: [240.0.0.9]'), 'IST0134')).toEqual([]);
  });
  it('IST0177 for the same host:port as TCP and HTTP; not when exported apart', () => {
    expect(run(se('a', 'TCP') + se('b', 'HTTP'), 'IST0177')).toHaveLength(2);
    expect(run(se('a', 'TCP') + se('b', 'TCP'), 'IST0177')).toEqual([]);
    expect(run(se('a', 'TCP', '\n  exportTo: ["."]') + se('b', 'HTTP', '\n  exportTo: [web]').replace('namespace: shop', 'namespace: ops'), 'IST0177')).toEqual([]);
  });
});
