import { describe, expect, it } from 'vitest';
import { readManifests, readWithYaml } from '../../../src/analyzer/resources/read.ts';
import { modelFromTexts } from '../../../src/analyzer/resources/index.ts';

describe('readManifests', () => {
  it('reads every document of a multi-document file with field positions', () => {
    const text = `apiVersion: v1
kind: Service
metadata:
  name: cart
spec:
  ports:
  - name: http
    port: 8080
---
apiVersion: v1
kind: Service
metadata:
  name: till
`;
    const r = readManifests('a.yaml', text);
    expect(r.problems).toEqual([]);
    expect(r.objects).toHaveLength(2);
    // `port: 8080` is on line 8, column 5 (the key).
    expect(r.objects[0]!.locate(['spec', 'ports', 0, 'port'])).toEqual({ line: 8, column: 5 });
    expect(r.objects[1]!.locate(['metadata', 'name'])).toEqual({ line: 13, column: 3 });
    // A path that does not exist falls back to the deepest part that does.
    expect(r.objects[0]!.locate(['spec', 'ports', 0, 'targetPort'])).toEqual({ line: 7, column: 5 });
  });

  it('expands kind: List and positions its items', () => {
    const text = `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Namespace
  metadata:
    name: shop
- apiVersion: v1
  kind: Namespace
  metadata:
    name: bank
`;
    const r = readManifests('list.yaml', text);
    expect(r.objects.map((o) => (o.data.metadata as { name: string }).name)).toEqual(['shop', 'bank']);
    expect(r.objects[1]!.locate(['metadata', 'name'])).toEqual({ line: 11, column: 5 });
  });

  it('reads JSON with positions', () => {
    const text = '{\n  "apiVersion": "v1",\n  "kind": "Service",\n  "metadata": {"name": "cart", "namespace": "shop"}\n}\n';
    const r = readManifests('svc.json', text);
    expect(r.objects).toHaveLength(1);
    expect(r.objects[0]!.locate(['metadata'])).toEqual({ line: 4, column: 3 });
  });

  it('reports a broken document with its position and keeps the others', () => {
    const text = `apiVersion: v1
kind: Namespace
metadata:
  name: ok-one
---
apiVersion: v1
kind: Service
metadata:
  name: [unclosed
---
apiVersion: v1
kind: Namespace
metadata:
  name: ok-two
`;
    const r = readManifests('mixed.yaml', text);
    expect(r.objects).toHaveLength(2);
    expect(r.problems.length).toBeGreaterThan(0);
    expect(r.problems[0]!.line).toBeGreaterThanOrEqual(9);
    expect(r.problems[0]!.line).toBeLessThanOrEqual(10);
  });

  it('skips empty documents: a leading or trailing `---`, or one with only comments', () => {
    const text = '---\n# generated\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n---\n';
    const r = readManifests('ns.yaml', text);
    expect(r.problems).toEqual([]);
    expect(r.objects).toHaveLength(1);
    expect(readWithYaml('ns.yaml', text).problems).toEqual([]);
  });

  it('never throws on garbage', () => {
    expect(() => readManifests('x', '\u0000{{{: : -\n\t- ]]')).not.toThrow();
    expect(readManifests('x', 'just a string').problems).toHaveLength(1);
  });
});

describe('model', () => {
  it('models served networking.istio.io versions and ignores unknown kinds (AppBehavior, Gateway API)', () => {
    const model = modelFromTexts([{ name: 'm.yaml', text: `apiVersion: networking.istio.io/v1alpha3
kind: VirtualService
metadata: {name: a}
spec: {hosts: [a], http: [{route: [{destination: {host: a}}]}]}
---
apiVersion: networking.istio.io/v1beta1
kind: DestinationRule
metadata: {name: b}
spec: {host: b}
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: c}
spec: {selector: {istio: ingressgateway}, servers: []}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: k8s-gw}
spec: {}
---
apiVersion: opslab.dev/v1
kind: AppBehavior
metadata: {name: sim}
spec: {}
` }]);
    expect(model.resources.map((r) => r.ref)).toEqual(['VirtualService default/a', 'DestinationRule default/b', 'Gateway default/c']);
  });

  it('resolves hosts as Istio does: short names in the namespace, dotted names as written, wildcards, exportTo', () => {
    const model = modelFromTexts([{ name: 'm.yaml', text: `apiVersion: v1
kind: Service
metadata: {name: reviews, namespace: shop}
spec: {ports: [{name: http, port: 9080}]}
---
apiVersion: v1
kind: Service
metadata:
  name: private
  namespace: shop
  annotations: {networking.istio.io/exportTo: "."}
spec: {ports: [{name: http, port: 80}]}
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: ext, namespace: shop}
spec: {hosts: ["*.partner.test"], ports: [{name: https, number: 443, protocol: HTTPS}]}
` }]);
    expect(model.lookupHost('reviews.shop.svc.cluster.local', 'other')).toHaveLength(1);
    expect(model.lookupHost('reviews.shop', 'shop')).toHaveLength(0);
    expect(model.lookupHost('api.partner.test', 'shop')).toHaveLength(1);
    expect(model.lookupHost('partner.test', 'shop')).toHaveLength(0);
    expect(model.lookupHost('private.shop.svc.cluster.local', 'shop')).toHaveLength(1);
    expect(model.lookupHost('private.shop.svc.cluster.local', 'web')).toHaveLength(0);
  });
});
