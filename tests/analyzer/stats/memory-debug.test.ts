import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { envoyMemoryAnalyzer, istiodDebugAnalyzer } from '../../../src/analyzer/stats/index.ts';

const input = (name: string) => {
  const text = readFileSync(new URL(`../../fixtures/stats/${name}`, import.meta.url), 'utf8');
  return { name, text, bytes: new TextEncoder().encode(text) };
};

describe('Envoy /memory', () => {
  it('reports a heap 3.5 times what is allocated, with what is idle and what was returned', async () => {
    const r = await envoyMemoryAnalyzer.analyze(input('envoy-memory.json'));
    expect(r.findings).toHaveLength(1);
    const f = r.findings[0]!;
    expect([f.code, f.severity, f.chapter]).toEqual(['OPS501', 'warning', 'debug-istio/envoy-profiler']);
    // 452984832 / 131072000 = 3.46; idle = 432 MiB − 125 MiB − 100 MiB = 207 MiB
    expect(f.message.en).toContain('3.5×');
    expect(f.message.en).toContain('207.0 MiB');
    expect(r.summary!.some((l) => l.includes('pageheap_unmapped') && l.includes('returned to the OS'))).toBe(true);
  });

  it('is quiet for a heap close to what is allocated', async () => {
    expect((await envoyMemoryAnalyzer.analyze(input('envoy-memory-healthy.json'))).findings).toEqual([]);
  });

  it('says why a JSON object is not /memory', async () => {
    const r = await envoyMemoryAnalyzer.analyze({ name: 'm.json', text: '{"allocated": "x"}', bytes: new Uint8Array() });
    expect(r.error).toContain('needs "allocated" and "heap_size"');
  });
});

describe('istiod debug endpoints', () => {
  it('finds the proxy whose listener config is not acknowledged in syncz', async () => {
    const r = await istiodDebugAnalyzer.analyze(input('syncz.json'));
    expect(r.findings.map((f) => [f.code, f.resource, f.path])).toEqual([['OPS408', 'Pod shop/cart-v1-5b7f9c4d8-q8w2m', '[1]']]);
    expect(r.summary![0]).toBe('istiod /debug/syncz: 2 proxies (1.20.3: 1, 1.19.7: 1), 1 not in sync');
  });

  it('summarizes registryz, adsz and push_status', async () => {
    const run = (doc: unknown) => istiodDebugAnalyzer.analyze({ name: 'd.json', text: JSON.stringify(doc), bytes: new Uint8Array() });
    const reg = await run([
      { hostname: 'cart.shop.svc.cluster.local', ports: [], Attributes: { Namespace: 'shop' } },
      { hostname: 'api.example.com', ports: [], Attributes: { Namespace: 'shop' }, MeshExternal: true },
    ]);
    expect(reg.summary).toEqual(['istiod /debug/registryz: 2 services', '  by namespace: shop: 2', '  mesh-external (ServiceEntry): 1']);
    const ads = await run({ totalClients: 1, clients: [{ connectionId: 'sidecar~10.1.1.1~a.shop', metadata: { ISTIO_VERSION: '1.20.3' }, watches: {} }] });
    expect(ads.summary).toEqual(['istiod /debug/adsz: 1 xDS connections (1.20.3: 1)']);
    const push = await run({ pilot_vservice_dup_domain: { 'shop.example.com:80': { proxy: 'gw-1.istio-system', message: 'duplicate domain from VirtualService: shop/a' } } });
    expect(push.findings.map((f) => [f.code, f.severity, f.resource])).toEqual([['OPS407', 'info', 'Pod istio-system/gw-1']]);
  });

  it('rejects JSON that is none of the endpoints', async () => {
    const r = await istiodDebugAnalyzer.analyze({ name: 'x.json', text: '[{"a":1}]', bytes: new Uint8Array() });
    expect(r.error).toContain("not one of istiod's /debug/syncz");
  });
});
