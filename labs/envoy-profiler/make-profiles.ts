// Writes the lab's two heap profiles of the ingress gateway: saved-0900/heap.pb.gz (taken at
// 09:00) and gateway-15000/heap_dump.pb.gz (what /heap_dump answers now, 12:00):
//   npx tsx labs/envoy-profiler/make-profiles.ts
// The 12:00 profile is the one the chapter reads with `pprof -top`: 379.80MB in
// use, of which 299.40MB under Envoy::Stats (symbol table, counters) and 51.80MB
// in cluster and route configuration; between 09:00 and 12:00 only the stats grew.
// Values are pprof's MB (MiB); the stacks use function names from Envoy's source, along
// the path that creates a counter for a new tag value when a request completes.
import { writeFileSync } from 'node:fs';
import { buildProfile, gzip } from '../../tests/analyzer/profiles/make-profiles.ts';

const MB = 1024 * 1024;

/** The worker thread's path to the Istio stats filter, which emits istio_requests_total when a stream ends. */
const statsFilter = [
  'start_thread',
  'Envoy::Thread::ThreadImplPosix::ThreadImplPosix',
  'Envoy::Server::WorkerImpl::threadRoutine',
  'Envoy::Event::DispatcherImpl::run',
  'Envoy::Http::ConnectionManagerImpl::doEndStream',
  'Envoy::Http::DownstreamFilterManager::onStreamComplete',
  'Envoy::Extensions::HttpFilters::IstioStats::IstioStatsFilter::onStreamComplete',
];
/** The main thread applying xDS updates from istiod. */
const xds = ['main', 'Envoy::MainCommon::main', 'Envoy::Server::InstanceImpl::run', 'Envoy::Event::DispatcherImpl::run', 'Envoy::Config::GrpcMuxImpl::onDiscoveryResponse'];

/** Small holders, each under pprof's 0.5% cut-off: connections, TLS, listeners, runtime… (28.60MB together). */
const small = [
  ['main', 'Envoy::MainCommon::main', 'Envoy::Server::InstanceImpl::initialize', 'Envoy::Server::ListenerImpl::ListenerImpl'],
  ['main', 'Envoy::MainCommon::main', 'Envoy::Server::InstanceImpl::initialize', 'Envoy::Runtime::LoaderImpl::loadNewSnapshot'],
  ['main', 'Envoy::MainCommon::main', 'Envoy::Server::InstanceImpl::initialize', 'Envoy::AccessLog::AccessLogManagerImpl::createAccessLog'],
  ['main', 'Envoy::MainCommon::main', 'Envoy::Server::InstanceImpl::initialize', 'Envoy::ThreadLocal::InstanceImpl::registerThread'],
  [...xds, 'Envoy::Secret::SdsApi::onConfigUpdate'],
  [...xds, 'Envoy::Extensions::TransportSockets::Tls::ServerContextImpl::ServerContextImpl'],
  [...xds, 'Envoy::Network::FilterChainManagerImpl::addFilterChains'],
  [...xds, 'Envoy::Upstream::EdsClusterImpl::onConfigUpdate'],
  [...xds, 'Envoy::Upstream::HostImpl::HostImpl'],
  [...xds, 'Envoy::Router::RouteEntryImplBase::RouteEntryImplBase'],
  ['start_thread', 'Envoy::Thread::ThreadImplPosix::ThreadImplPosix', 'Envoy::Server::WorkerImpl::threadRoutine', 'Envoy::Network::ConnectionImpl::ConnectionImpl'],
  ['start_thread', 'Envoy::Thread::ThreadImplPosix::ThreadImplPosix', 'Envoy::Server::WorkerImpl::threadRoutine', 'Envoy::Buffer::OwnedImpl::reserve'],
  ['start_thread', 'Envoy::Thread::ThreadImplPosix::ThreadImplPosix', 'Envoy::Server::WorkerImpl::threadRoutine', 'Envoy::Http::Http1::ServerConnectionImpl::ServerConnectionImpl'],
  ['start_thread', 'Envoy::Thread::ThreadImplPosix::ThreadImplPosix', 'Envoy::Server::WorkerImpl::threadRoutine', 'Envoy::Http::Http2::ConnectionImpl::ConnectionImpl'],
  ['start_thread', 'Envoy::Thread::ThreadImplPosix::ThreadImplPosix', 'Envoy::Server::WorkerImpl::threadRoutine', 'Envoy::Extensions::TransportSockets::Tls::SslSocket::SslSocket'],
  ['start_thread', 'Envoy::Thread::ThreadImplPosix::ThreadImplPosix', 'Envoy::Server::WorkerImpl::threadRoutine', 'Envoy::Upstream::ClusterManagerImpl::ThreadLocalClusterManagerImpl::ClusterEntry::ClusterEntry'],
  ['start_thread', 'Envoy::Thread::ThreadImplPosix::ThreadImplPosix', 'Envoy::Server::WorkerImpl::threadRoutine', 'Envoy::Event::DispatcherImpl::DispatcherImpl'],
  ['start_thread', 'Envoy::Thread::ThreadImplPosix::ThreadImplPosix', 'Envoy::Server::WorkerImpl::threadRoutine', 'Envoy::Grpc::AsyncClientManagerImpl::getOrCreateRawAsyncClient'],
  ['start_thread', 'Envoy::Thread::ThreadImplPosix::ThreadImplPosix', 'Envoy::Server::WorkerImpl::threadRoutine', 'Envoy::Router::Filter::onRequestComplete'],
  ['start_thread', 'Envoy::Thread::ThreadImplPosix::ThreadImplPosix', 'Envoy::Server::WorkerImpl::threadRoutine', 'Envoy::Http::HeaderMapImpl::addCopy'],
];

/** Heap samples in MB in use; allocations since start are larger (churn), as in a real heap profile. */
function gatewayHeap(stats: { symbols: number; counters: number; scope: number }) {
  const stacks: Array<{ stack: string[]; inuse: number; churn: number; size: number }> = [
    { stack: [...statsFilter, 'Envoy::Stats::StatNameDynamicPool::add', 'Envoy::Stats::SymbolTableImpl::addTokensToEncoding'], inuse: stats.symbols, churn: 1.1, size: 96 },
    { stack: [...statsFilter, 'Envoy::Stats::Utility::counterFromStatNames', 'Envoy::Stats::ThreadLocalStoreImpl::ScopeImpl::counterFromStatNameWithTags', 'Envoy::Stats::AllocatorImpl::makeCounter'], inuse: stats.counters, churn: 1.05, size: 128 },
    { stack: [...statsFilter, 'Envoy::Stats::Utility::counterFromStatNames', 'Envoy::Stats::ThreadLocalStoreImpl::ScopeImpl::counterFromStatNameWithTags'], inuse: stats.scope, churn: 1.2, size: 64 },
    { stack: [...xds, 'Envoy::Upstream::CdsApiHelper::onConfigUpdate', 'Envoy::Upstream::ClusterManagerImpl::addOrUpdateCluster', 'Envoy::Upstream::ClusterInfoImpl::ClusterInfoImpl'], inuse: 31.6, churn: 3.4, size: 2048 },
    { stack: [...xds, 'Envoy::Router::RdsRouteConfigSubscription::onConfigUpdate', 'Envoy::Router::ConfigImpl::ConfigImpl'], inuse: 20.2, churn: 4.1, size: 1024 },
    ...small.map((stack) => ({ stack, inuse: 1.43, churn: 6, size: 512 })),
  ];
  return buildProfile(
    [['alloc_objects', 'count'], ['alloc_space', 'bytes'], ['inuse_objects', 'count'], ['inuse_space', 'bytes']],
    stacks.map((s) => {
      const inuse = Math.round(s.inuse * MB);
      const alloc = Math.round(inuse * s.churn);
      return { stack: s.stack, values: [Math.round(alloc / s.size), alloc, Math.round(inuse / s.size), inuse] };
    }),
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = new URL('./', import.meta.url).pathname;
  writeFileSync(dir + 'saved-0900/heap.pb.gz', await gzip(gatewayHeap({ symbols: 38.6, counters: 27.2, scope: 17.5 }).encode()));
  writeFileSync(dir + 'gateway-15000/heap_dump.pb.gz', await gzip(gatewayHeap({ symbols: 141.3, counters: 96.7, scope: 61.4 }).encode()));
}
