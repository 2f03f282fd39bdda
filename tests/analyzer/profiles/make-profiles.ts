// Builds profiles for the tests and regenerates tests/fixtures/profiles/: npx tsx tests/analyzer/profiles/make-profiles.ts
// Profiles are encoded with pprof-format and gzip-compressed with CompressionStream,
// the same way the analyzer reads them back.
import { writeFileSync } from 'node:fs';
import { Function as PFunction, Line, Location, Profile, Sample, StringTable, ValueType } from 'pprof-format';

/** stacks: [root..leaf function names], values per sample type */
export function buildProfile(types: Array<[string, string]>, stacks: Array<{ stack: string[]; values: number[] }>, extra: { period?: [string, string, number]; durationNanos?: number } = {}): Profile {
  const strings = new StringTable();
  const fnIds = new Map<string, number>();
  const functions: PFunction[] = [];
  const locations: Location[] = [];
  const locOf = (name: string) => {
    let id = fnIds.get(name);
    if (!id) {
      id = functions.length + 1;
      fnIds.set(name, id);
      functions.push(new PFunction({ id, name: strings.dedup(name), systemName: strings.dedup(name), filename: strings.dedup('source/' + name.split('::')[0] + '.cc') }));
      locations.push(new Location({ id, line: [new Line({ functionId: id, line: 10 + id })] }));
    }
    return id;
  };
  const samples = stacks.map((s) => new Sample({ locationId: [...s.stack].reverse().map(locOf), value: s.values }));
  return new Profile({
    sampleType: types.map(([t, u]) => new ValueType({ type: strings.dedup(t), unit: strings.dedup(u) })),
    sample: samples,
    location: locations,
    function: functions,
    stringTable: strings,
    ...(extra.period ? { periodType: new ValueType({ type: strings.dedup(extra.period[0]), unit: strings.dedup(extra.period[1]) }), period: extra.period[2] } : {}),
    ...(extra.durationNanos ? { durationNanos: extra.durationNanos } : {}),
  });
}

export async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

const MiB = 1024 * 1024;
/** An Envoy heap where stats (an exploding tag) hold most of the memory. 40 + 8 + 12 + 4 = 64 MiB in use. */
export const envoyHeap = () =>
  buildProfile(
    [['alloc_objects', 'count'], ['alloc_space', 'bytes'], ['inuse_objects', 'count'], ['inuse_space', 'bytes']],
    [
      { stack: ['main', 'Envoy::Server::WorkerImpl::threadRoutine', 'Envoy::Extensions::HttpFilters::Istio::Stats::Filter::report', 'Envoy::Stats::SymbolTableImpl::encode'], values: [4000, 48 * MiB, 3500, 40 * MiB] },
      { stack: ['main', 'Envoy::Server::WorkerImpl::threadRoutine', 'Envoy::Stats::ThreadLocalStoreImpl::ScopeImpl::counterFromStatName'], values: [900, 9 * MiB, 800, 8 * MiB] },
      { stack: ['main', 'Envoy::Upstream::ClusterManagerImpl::loadCluster', 'Envoy::Upstream::ClusterInfoImpl::ClusterInfoImpl'], values: [300, 12 * MiB, 300, 12 * MiB] },
      { stack: ['main', 'Envoy::Network::ConnectionImpl::onRead', 'Envoy::Buffer::OwnedImpl::reserve'], values: [5000, 30 * MiB, 10, 4 * MiB] },
    ],
  );
/** istiod-like CPU profile: 2 + 1 + 1 = 4 s of samples over 30 s. */
export const istiodCpu = () =>
  buildProfile(
    [['samples', 'count'], ['cpu', 'nanoseconds']],
    [
      { stack: ['runtime.main', 'istio.io/istio/pilot/pkg/xds.(*DiscoveryServer).Push', 'istio.io/istio/pilot/pkg/networking/core.(*ConfigGeneratorImpl).BuildClusters', 'google.golang.org/protobuf/proto.Marshal'], values: [200, 2e9] },
      { stack: ['runtime.main', 'istio.io/istio/pilot/pkg/xds.(*DiscoveryServer).Push', 'istio.io/istio/pilot/pkg/networking/core.(*ConfigGeneratorImpl).BuildListeners'], values: [100, 1e9] },
      { stack: ['runtime.gcBgMarkWorker', 'runtime.gcDrain'], values: [100, 1e9] },
    ],
    { period: ['cpu', 'nanoseconds', 10_000_000], durationNanos: 30e9 },
  );

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = new URL('../../fixtures/profiles/', import.meta.url).pathname;
  const heap = await gzip(envoyHeap().encode());
  writeFileSync(dir + 'envoy-heap.pb.gz', heap);
  writeFileSync(dir + 'istiod-cpu.pb.gz', await gzip(istiodCpu().encode()));
  writeFileSync(dir + 'envoy-heap-truncated.pb.gz', heap.subarray(0, Math.floor(heap.length / 2)));
  writeFileSync(dir + 'not-a-profile.pb.gz', await gzip(new TextEncoder().encode('{"this": "is json, not a profile"}\n')));
  writeFileSync(dir + 'envoy.prof.0001.heap', 'heap profile:   120:  5242880 [  900:  9437184] @ heapprofile\n    10:   524288 [    10:   524288] @ 0x55d2c1a0 0x55d2c3b4\n\nMAPPED_LIBRARIES:\n');
}
