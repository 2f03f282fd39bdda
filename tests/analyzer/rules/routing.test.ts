// IST0130, IST0131, OPS312, OPS306, IST0106 on VirtualServices.
import { describe, expect, it } from 'vitest';
import { brief, run } from './helpers.ts';

const head = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: web, namespace: shop}
spec:
  hosts: [web]
  http:
`;
const route = `    route:
    - destination: {host: web}
`;

describe('IST0130 / IST0131', () => {
  it('a second match-less rule is unreachable', () => {
    const y = head + `  - name: first\n${route}  - name: second\n${route}`;
    expect(run(y, 'IST0130').map((f) => f.message.en)).toEqual(['VirtualService rule second not used (only the last rule can have no matches).']);
  });
  it('a duplicate match is ineffective, and a rule of only duplicates unreachable', () => {
    const y = head + `  - match:\n    - uri: {prefix: /api}\n${route}  - match:\n    - uri: {prefix: /api}\n${route}`;
    expect(brief(run(y, 'IST0131'))).toEqual(['IST0131 VirtualService shop/web 12:7']);
    expect(run(y, 'IST0130')).toHaveLength(1);
    expect(run(y, 'OPS312')).toEqual([]);
  });
  it('near miss: different matches, and a single trailing catch-all, are fine', () => {
    const y = head + `  - match:\n    - uri: {prefix: /api}\n${route}  - match:\n    - uri: {prefix: /web}\n${route}  - name: rest\n${route}`;
    expect(run(y, 'IST0130')).toEqual([]);
    expect(run(y, 'IST0131')).toEqual([]);
    expect(run(y, 'OPS312')).toEqual([]);
  });
});

describe('OPS312 shadowed rule', () => {
  it('an earlier broader prefix shadows a longer one', () => {
    const y = head + `  - match:\n    - uri: {prefix: /api}\n${route}  - name: v2\n    match:\n    - uri: {prefix: /api/v2}\n${route}`;
    const fs = run(y, 'OPS312');
    expect(brief(fs)).toEqual(['OPS312 VirtualService shop/web 12:5']);
    expect(fs[0]!.message.en).toContain('earlier rule 0 matches uri prefix /api');
  });
  it('a catch-all first shadows everything after it', () => {
    const y = head + `  - name: all\n${route}  - match:\n    - uri: {exact: /login}\n${route}`;
    expect(run(y, 'OPS312')).toHaveLength(1);
  });
  it('near miss: the broader rule has an extra header condition, or comes last', () => {
    const y1 = head + `  - match:\n    - uri: {prefix: /api}\n      headers: {x-beta: {exact: "1"}}\n${route}  - match:\n    - uri: {prefix: /api/v2}\n${route}`;
    const y2 = head + `  - match:\n    - uri: {prefix: /api/v2}\n${route}  - match:\n    - uri: {prefix: /api}\n${route}`;
    expect(run(y1, 'OPS312')).toEqual([]);
    expect(run(y2, 'OPS312')).toEqual([]);
  });
});

describe('OPS306 retries without reset', () => {
  const svc = `apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec: {ports: [{name: http, port: 80}]}
---
`;
  const retries = (on: string) => head + `  - retries:\n      attempts: 3\n${on}${route}`;
  it('fires when retryOn lacks reset (explicit or Istio default)', () => {
    expect(brief(run(svc + retries('      retryOn: connect-failure,refused-stream\n'), 'OPS306'))).toEqual(['OPS306 VirtualService shop/web 14:7']);
    expect(run(svc + retries(''), 'OPS306')).toHaveLength(1);
  });
  it('near miss: reset present, attempts 0, or the DR closes idle connections first', () => {
    expect(run(svc + retries('      retryOn: reset,connect-failure\n'), 'OPS306')).toEqual([]);
    expect(run(svc + head + `  - retries: {attempts: 0}\n${route}`, 'OPS306')).toEqual([]);
    const dr = `---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: web, namespace: shop}
spec:
  host: web
  trafficPolicy: {connectionPool: {http: {idleTimeout: 3s}}}
`;
    expect(run(svc + retries('      retryOn: connect-failure\n') + dr, 'OPS306')).toEqual([]);
  });
});

describe('IST0106 schema validation (modelled fields)', () => {
  it('flags an unknown spec field, a bad duration and a mesh "*" host', () => {
    const y = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: bad, namespace: shop}
spec:
  hosts: ["*"]
  subset: v1
  http:
  - timeout: 5 seconds
    route:
    - destination: {host: web}
`;
    const fs = run(y, 'IST0106');
    expect(brief(fs)).toEqual(['IST0106 VirtualService shop/bad 5:11', 'IST0106 VirtualService shop/bad 6:3', 'IST0106 VirtualService shop/bad 8:5']);
  });
  it('accepts a valid VirtualService, DestinationRule and Gateway', () => {
    const y = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ok, namespace: shop}
spec:
  hosts: [web]
  http:
  - timeout: 1.5s
    retries: {attempts: 2, perTryTimeout: 500ms}
    route:
    - destination: {host: web, port: {number: 80}}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: ok, namespace: shop}
spec:
  host: web
  trafficPolicy: {tls: {mode: ISTIO_MUTUAL}}
  subsets: [{name: v1, labels: {version: v1}}]
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: ok, namespace: shop}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 443, name: https, protocol: HTTPS}
    hosts: [web.example.com]
    tls: {mode: SIMPLE, credentialName: web-cert}
`;
    expect(run(y, 'IST0106')).toEqual([]);
  });
  it('flags Gateway and DestinationRule enum and required-field errors', () => {
    const y = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: d, namespace: shop}
spec:
  host: web
  trafficPolicy: {tls: {mode: STRICT}}
  subsets: [{name: v1}, {name: v1}]
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: g, namespace: shop}
spec:
  servers:
  - port: {number: 443, name: https, protocol: HTTPS}
    hosts: [web.example.com]
`;
    expect(run(y, 'IST0106').map((f) => f.message.en)).toEqual([
      'Schema validation error: tls.mode "STRICT" is not one of DISABLE, SIMPLE, MUTUAL, ISTIO_MUTUAL',
      'Schema validation error: duplicate subset name "v1"',
      'Schema validation error: an HTTPS server needs a tls block',
    ]);
  });
});
