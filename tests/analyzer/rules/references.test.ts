// IST0101, IST0109, IST0112, IST0173, IST0174, OPS305: references between resources.
import { describe, expect, it } from 'vitest';
import { brief, run } from './helpers.ts';

const reviews = `apiVersion: v1
kind: Service
metadata: {name: reviews, namespace: shop}
spec:
  selector: {app: reviews}
  ports:
  - {name: http, port: 9080}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: reviews-v1, namespace: shop}
spec:
  template:
    metadata:
      labels: {app: reviews, version: v1}
    spec: {containers: [{name: app, image: reviews}]}
`;

describe('IST0101 ReferencedResourceNotFound', () => {
  const vs = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews-route, namespace: shop}
spec:
  hosts: [reviews]
  gateways: [mesh, edge-gw]
  http:
  - route:
    - destination:
        host: reviews
        subset: v2
    mirror:
      host: shadow
`;
  it('reports the missing subset, mirror host and gateway, at their fields', () => {
    const dr = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews, namespace: shop}
spec:
  host: reviews
  subsets:
  - {name: v1, labels: {version: v1}}
`;
    const fs = run({ 'svc.yaml': reviews, 'vs.yaml': vs, 'dr.yaml': dr }, 'IST0101');
    expect(fs.map((f) => f.message.en).sort()).toEqual([
      'Referenced gateway not found: "edge-gw"',
      'Referenced host+subset in destinationrule not found: "reviews+v2"',
      'Referenced mirror host not found: "shadow"',
    ]);
    const subset = fs.find((f) => f.message.en.includes('subset'))!;
    expect(subset).toMatchObject({ file: 'vs.yaml', line: 11, column: 9, resource: 'VirtualService shop/reviews-route', severity: 'error' });
  });

  it('does not fire when the DestinationRule in another file defines the subset (near miss: FQDN host)', () => {
    const dr = `apiVersion: networking.istio.io/v1beta1
kind: DestinationRule
metadata: {name: reviews, namespace: shop}
spec:
  host: reviews.shop.svc.cluster.local
  subsets:
  - {name: v2, labels: {version: v1}}
`;
    const okVs = vs.replace('[mesh, edge-gw]', '[mesh]').replace(/    mirror:\n      host: shadow\n/, '');
    expect(run({ 'svc.yaml': reviews, 'vs.yaml': okVs, 'dr.yaml': dr }, 'IST0101')).toEqual([]);
  });

  it('treats a dotted short name as an FQDN, as Istio does', () => {
    const v = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: r, namespace: shop}
spec:
  hosts: [reviews]
  http:
  - route:
    - destination: {host: reviews.shop}
`;
    expect(run(reviews + '---\n' + v, 'IST0101').map((f) => f.message.en)).toEqual(['Referenced host not found: "reviews.shop"']);
  });

  it('reports a Gateway selector that matches no pod only when pods are given', () => {
    const gw = `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: edge, namespace: shop}
spec:
  selector: {istio: egress-typo}
  servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ["*"]}]
`;
    expect(run(gw, 'IST0101')).toEqual([]);
    expect(run(reviews + '---\n' + gw, 'IST0101').map((f) => f.message.en)).toEqual(['Referenced selector not found: "istio=egress-typo"']);
  });

  it('honours exportTo: a Service exported only to its namespace is not found from another', () => {
    const svc = reviews.replace('metadata: {name: reviews, namespace: shop}', 'metadata: {name: reviews, namespace: shop, annotations: {networking.istio.io/exportTo: "."}}');
    const v = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: r, namespace: web}
spec:
  hosts: [front]
  http:
  - route:
    - destination: {host: reviews.shop.svc.cluster.local}
`;
    expect(run(svc + '---\n' + v, 'IST0101')).toHaveLength(1);
    expect(run(reviews + '---\n' + v, 'IST0101')).toHaveLength(0);
  });
});

describe('IST0112 VirtualServiceDestinationPortSelectorRequired', () => {
  const twoPorts = reviews.replace('  - {name: http, port: 9080}', '  - {name: http, port: 9080}\n  - {name: grpc, port: 9090}');
  const v = (port: string) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: r, namespace: shop}
spec:
  hosts: [reviews]
  http:
  - route:
    - destination: {host: reviews${port}}
`;
  it('fires when the service has two ports and no port is given', () => {
    expect(brief(run(twoPorts + '---\n' + v(''), 'IST0112'))).toEqual(['IST0112 VirtualService shop/r 26:7']);
  });
  it('does not fire with a port, or with a single-port service', () => {
    expect(run(twoPorts + '---\n' + v(', port: {number: 9080}'), 'IST0112')).toEqual([]);
    expect(run(reviews + '---\n' + v(''), 'IST0112')).toEqual([]);
  });
});

describe('IST0109 ConflictingMeshGatewayVirtualServiceHosts', () => {
  const v = (name: string, extra = '') => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ${name}, namespace: shop}
spec:
  hosts: [reviews]${extra}
  http:
  - route:
    - destination: {host: reviews}
`;
  it('fires on both mesh VirtualServices of one host', () => {
    expect(run(v('a') + '---\n' + v('b'), 'IST0109').map((f) => f.resource)).toEqual(['VirtualService shop/a', 'VirtualService shop/b']);
  });
  it('does not fire when one is bound only to a gateway', () => {
    expect(run(v('a') + '---\n' + v('b', '\n  gateways: [edge]'), 'IST0109')).toEqual([]);
  });
});

describe('IST0174 UnknownDestinationRuleHost', () => {
  const dr = (host: string) => `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: d, namespace: shop}
spec:
  host: ${host}
`;
  it('fires for a host no Service serves, at spec.host', () => {
    expect(brief(run(reviews + '---\n' + dr('ratings'), 'IST0174'))).toEqual(['IST0174 DestinationRule shop/d 22:3']);
  });
  it('does not fire for a known short name or a wildcard', () => {
    expect(run(reviews + '---\n' + dr('reviews'), 'IST0174')).toEqual([]);
    expect(run(reviews + '---\n' + dr('"*.shop.svc.cluster.local"'), 'IST0174')).toEqual([]);
  });
});

describe('IST0173 DestinationRuleSubsetNotSelectPods and OPS305', () => {
  // Lines: reviews is 16 lines; the Deployment's labels are on line 24, subset v2's labels on 36.
  // The case study: a second deployment lost its version label, subset v2 is empty.
  const unlabeled = `---
apiVersion: apps/v1
kind: Deployment
metadata: {name: reviews-v2, namespace: shop}
spec:
  template:
    metadata:
      labels: {app: reviews}
    spec: {containers: [{name: app, image: reviews:2}]}
`;
  const dr = `---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews, namespace: shop}
spec:
  host: reviews
  subsets:
  - name: v1
    labels: {version: v1}
  - name: v2
    labels: {version: v2}
`;
  it('IST0173 fires for the empty subset only', () => {
    const fs = run(reviews + unlabeled + dr, 'IST0173');
    expect(fs.map((f) => f.message.en.split(' (')[0])).toEqual(['Subset v2']);
    expect(fs[0]).toMatchObject({ line: 36, severity: 'error', chapter: 'case-studies/no-healthy-upstream' });
  });
  it('OPS305 points at the pod labels of the workload missing `version`', () => {
    expect(brief(run(reviews + unlabeled + dr, 'OPS305'))).toEqual(['OPS305 Deployment shop/reviews-v2 24:7']);
  });
  it('neither fires once the label is added, nor without pods in the input', () => {
    const fixed = unlabeled.replace('{app: reviews}', '{app: reviews, version: v2}');
    expect(run(reviews + fixed + dr, 'IST0173')).toEqual([]);
    expect(run(reviews + fixed + dr, 'OPS305')).toEqual([]);
    const noPods = reviews.split('---')[0] + dr;
    expect(run(noPods, 'IST0173')).toEqual([]);
  });
});
