import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Function as PFunction, Line, Location, Profile, Sample, StringTable, ValueType } from 'pprof-format';
import { byCum, byFlat, decodeProfile, flameGraph, profileAnalyzer, topFunctions, total } from '../../../src/analyzer/profiles/index.ts';
import { buildProfile, gzip } from './make-profiles.ts';

const MiB = 1024 * 1024;
const bytes = (name: string) => new Uint8Array(readFileSync(new URL(`../../fixtures/profiles/${name}`, import.meta.url)));
const decoded = async (b: Uint8Array) => {
  const p = await decodeProfile(b);
  if ('error' in p) throw new Error(p.error);
  return p;
};

describe('heap profile', () => {
  it('ranks functions by flat and cumulative in-use space', async () => {
    const p = await decoded(bytes('envoy-heap.pb.gz'));
    expect(p.sampleTypes.map((t) => t.type)).toEqual(['alloc_objects', 'alloc_space', 'inuse_objects', 'inuse_space']);
    expect(total(p)).toBe(64 * MiB);
    const costs = topFunctions(p);
    expect(byFlat(costs).slice(0, 2).map((c) => [c.name, c.flat])).toEqual([
      ['Envoy::Stats::SymbolTableImpl::encode', 40 * MiB],
      ['Envoy::Upstream::ClusterInfoImpl::ClusterInfoImpl', 12 * MiB],
    ]);
    expect(byCum(costs).slice(0, 2).map((c) => [c.name, c.cum])).toEqual([
      ['main', 64 * MiB],
      ['Envoy::Server::WorkerImpl::threadRoutine', 48 * MiB],
    ]);
  });

  it('builds the flame graph tree from the root', async () => {
    const root = flameGraph(await decoded(bytes('envoy-heap.pb.gz')));
    expect(root.value).toBe(64 * MiB);
    expect(root.children.map((c) => c.name)).toEqual(['main']);
    expect(root.children[0]!.children.map((c) => [c.name, c.value])).toEqual([
      ['Envoy::Server::WorkerImpl::threadRoutine', 48 * MiB],
      ['Envoy::Upstream::ClusterManagerImpl::loadCluster', 12 * MiB],
      ['Envoy::Network::ConnectionImpl::onRead', 4 * MiB],
    ]);
  });

  it('points at the stats chapter when stats code holds most of the heap', async () => {
    const r = await profileAnalyzer.analyze({ name: 'envoy-heap.pb.gz', bytes: bytes('envoy-heap.pb.gz'), text: '' });
    expect(r.findings.map((f) => [f.code, f.severity, f.chapter])).toEqual([['OPS502', 'info', 'common-problem/envoy-stats-memory']]);
    expect(r.findings[0]!.message.en).toContain('75.0%');
    expect(r.summary!.some((l) => l.includes('40.0 MiB') && l.includes('SymbolTableImpl::encode'))).toBe(true);
  });
});

describe('CPU profile', () => {
  it('uses the cpu nanoseconds value and counts recursion once in cum', async () => {
    const p = await decoded(bytes('istiod-cpu.pb.gz'));
    expect(p.sampleTypes[p.defaultIndex]).toEqual({ type: 'cpu', unit: 'nanoseconds' });
    expect(total(p)).toBe(4e9);
    const push = topFunctions(p).find((c) => c.name.endsWith('(*DiscoveryServer).Push'))!;
    expect([push.flat, push.cum]).toEqual([0, 3e9]);

    const rec = await decoded(await gzip(buildProfile([['cpu', 'nanoseconds']], [{ stack: ['main', 'walk', 'walk', 'walk'], values: [5] }]).encode()));
    const walk = topFunctions(rec).find((c) => c.name === 'walk')!;
    expect([walk.flat, walk.cum]).toEqual([5, 5]);
  });

  it('expands inlined frames, caller first', async () => {
    const st = new StringTable();
    const profile = new Profile({
      sampleType: [new ValueType({ type: st.dedup('samples'), unit: st.dedup('count') })],
      function: [new PFunction({ id: 1, name: st.dedup('outer') }), new PFunction({ id: 2, name: st.dedup('inlined') })],
      // One location whose first line is the inlined callee, the last the caller.
      location: [new Location({ id: 1, line: [new Line({ functionId: 2 }), new Line({ functionId: 1 })] })],
      sample: [new Sample({ locationId: [1], value: [3] })],
      stringTable: st,
    });
    const p = await decoded(profile.encode());
    expect(p.samples[0]!.stack.map((f) => f.name)).toEqual(['outer', 'inlined']);
  });
});

describe('unreadable profiles', () => {
  it.each([
    ['envoy-heap-truncated.pb.gz', /truncated or corrupt gzip/],
    ['not-a-profile.pb.gz', /not a pprof profile/],
    ['envoy.prof.0001.heap', /gperftools heap profile.*pprof -proto/],
  ])('%s gives a clear error', async (name, message) => {
    const r = await profileAnalyzer.analyze({ name, bytes: bytes(name), text: '' });
    expect(r.error).toMatch(message);
    expect(r.findings).toEqual([]);
  });

  it('an empty file and random bytes give errors, not exceptions', async () => {
    expect(await decodeProfile(new Uint8Array())).toEqual({ error: 'empty file' });
    const junk = await decodeProfile(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]));
    expect('error' in junk).toBe(true);
  });

  it('a gperftools CPU profile header is recognized', async () => {
    const header = new Uint8Array(8 * 5);
    header[8] = 3; // words: 0, 3, 0, period, 0
    header[24] = 100;
    const r = await decodeProfile(header);
    expect('error' in r && r.error).toMatch(/gperftools cpu profile/);
  });
});
