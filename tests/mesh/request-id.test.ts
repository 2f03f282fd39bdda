// x-request-id ties the log lines of one request together across proxies
// (Envoy docs, HTTP header manipulation: x-request-id). Two facts a lab relies on:
// every request gets its own id, also after `kubectl apply` rebuilds the mesh,
// and an id the in-mesh caller already sends is kept rather than replaced.
import { describe, expect, it } from 'vitest';
import { mesh } from './fixtures.ts';

const DR = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: catalog, namespace: demo}
spec:
  host: catalog
`;

const idOf = (m: ReturnType<typeof mesh>, url: string, args: string[] = []) => m.curl(m.pod('demo/toolbox')!, ['curl', '-s', ...args, url]).outcome!.hops[0]!.entry.request_id;

describe('x-request-id', () => {
  it('a new id for every request, also after a file is applied again', () => {
    const m = mesh(DR);
    const first = idOf(m, 'http://catalog:5000/');
    m.applyFile('istio.yaml', DR);
    const second = idOf(m, 'http://catalog:5000/');
    expect(first).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(second).toMatch(/^[0-9a-f]{8}-/);
    expect(second).not.toBe(first);
  });

  it('the id the caller sends is logged by the client and the server sidecar', () => {
    const m = mesh(DR);
    const r = m.curl(m.pod('demo/toolbox')!, ['curl', '-s', '-H', 'x-request-id: order-4411', 'http://catalog:5000/']);
    const hops = r.outcome!.hops;
    expect(hops.map((h) => h.direction)).toEqual(['outbound', 'inbound']);
    for (const h of hops) expect(h.entry.request_id).toBe('order-4411');
    for (const h of hops) expect(h.log).toContain('"order-4411"');
  });
});
