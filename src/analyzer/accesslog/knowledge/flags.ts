// Every Envoy RESPONSE_FLAGS code: what it means, who produced the response,
// what usually causes it in a mesh, where the guide teaches it and what to run
// next. Facts after Envoy's access-log docs (stream_info response flags) and
// /work/shared/reference/envoy-istio-facts.md §2; wording our own.
import type { Localized } from '../../finding.ts';

/**
 * Who wrote the response when this flag is set:
 * - proxy: the proxy that logged the line answered itself (a local reply);
 * - downstream: the client went away, nobody's answer reached it;
 * - marker: the flag annotates the request but does not decide who answered.
 */
export type Producer = 'proxy' | 'downstream' | 'marker';

export interface FlagInfo {
  code: string;
  long: string;
  /** Status Envoy usually sends with it (null: varies, or none). */
  status: number | null;
  producer: Producer;
  /** True when the flag is also used on TCP connections. */
  tcp: boolean;
  meaning: Localized;
  causes: Localized;
  chapter: string;
  /** Our finding code for this family of problems (OPS1xx). */
  family: string;
  /** Next command; {cluster} {fqdn} {port} {subset} {pod} {authority} are filled in when known. */
  next: string;
}

const L = (en: string, zh: string): Localized => ({ en, zh });

export const FLAGS: FlagInfo[] = [
  {
    code: 'UH', long: 'NoHealthyUpstream', status: 503, producer: 'proxy', tcp: true,
    meaning: L('no healthy host in the upstream cluster', '上游集群中没有健康的主机'),
    causes: L('the service has no ready endpoints, its selector or a DestinationRule subset matches no pod (e.g. a pod lost its version label), or outlier detection ejected every host',
      '服务没有就绪的端点；Service 选择器或 DestinationRule 的 subset 匹配不到 Pod（例如 Pod 缺了 version 标签）；或者异常点检测把主机全部驱逐了'),
    chapter: 'case-studies/no-healthy-upstream', family: 'OPS102',
    next: 'istioctl proxy-config endpoints {pod} --cluster "{cluster}"',
  },
  {
    code: 'UF', long: 'UpstreamConnectionFailure', status: 503, producer: 'proxy', tcp: true,
    meaning: L('the proxy could not open a connection to the upstream host', '代理无法与上游主机建立连接'),
    causes: L('nothing listens on the target port, the app listens on 127.0.0.1 only, a NetworkPolicy or firewall drops the packets, the endpoint is stale, or the TLS handshake failed (mTLS mode mismatch, missing certificate)',
      '目标端口上没有进程监听；应用只监听了 127.0.0.1；NetworkPolicy 或防火墙丢包；端点已过期；或者 TLS 握手失败（mTLS 模式不一致、证书缺失）'),
    chapter: 'debug-istio/envoy-log', family: 'OPS103',
    next: 'kubectl exec <server-pod> -c istio-proxy -- ss -ltnp   # is the app listening on {port}, on 0.0.0.0?',
  },
  {
    code: 'UO', long: 'UpstreamOverflow', status: 503, producer: 'proxy', tcp: true,
    meaning: L('a circuit breaker tripped (connection pool full)', '触发了熔断（连接池已满）'),
    causes: L("the DestinationRule connectionPool limits (maxConnections, http1MaxPendingRequests, http2MaxRequests, maxRetries) are lower than the traffic needs",
      'DestinationRule 的 connectionPool 上限（maxConnections、http1MaxPendingRequests、http2MaxRequests、maxRetries）低于实际流量所需'),
    chapter: 'debug-istio/envoy-log', family: 'OPS106',
    next: 'istioctl proxy-config clusters {pod} --fqdn {fqdn} -o json | grep -A8 circuitBreakers',
  },
  {
    code: 'NR', long: 'NoRouteFound', status: 404, producer: 'proxy', tcp: true,
    meaning: L('no route matched the request (or no filter chain matched the connection)', '请求没有匹配到任何路由（或连接没有匹配到任何 filter chain）'),
    causes: L('the Host header is not among the VirtualService hosts bound to this gateway or port, the VirtualService does not list the gateway, the port in Host differs; for a connection: plaintext sent to a port that requires mTLS; before Envoy had NC, a missing subset cluster was logged as 503 NR as well',
      'Host 头不在绑定到该网关或端口的 VirtualService hosts 中；VirtualService 没有引用该网关；Host 中的端口不一致；对连接而言：向要求 mTLS 的端口发送了明文；在 Envoy 还没有 NC 之前，subset 对应的集群不存在时也记为 503 NR'),
    chapter: 'debug-istio/envoy-log', family: 'OPS101',
    next: 'istioctl proxy-config routes {pod} -o json   # look for a virtual host matching "{authority}"',
  },
  {
    code: 'URX', long: 'UpstreamRetryLimitExceeded', status: 503, producer: 'marker', tcp: true,
    meaning: L('retries (or TCP connect attempts) ran out; the last failure is shown by the other flag', '重试次数（或 TCP 连接尝试次数）已用完；最后一次失败的原因见同时出现的其他标志'),
    causes: L("every attempt failed; Istio retries twice by default on connect-failure, refused-stream, unavailable, cancelled and 503; look at the flag logged with it (UF, UC, UH…) and at the server side's log, which has one line per attempt",
      '每次尝试都失败了；Istio 默认在 connect-failure、refused-stream、unavailable、cancelled 和 503 时重试两次；请看同时出现的标志（UF、UC、UH 等）和服务端日志（每次尝试一行）'),
    chapter: 'case-studies/timeouts-and-retries', family: 'OPS103',
    next: 'istioctl proxy-config routes {pod} -o json | grep -A10 retryPolicy',
  },
  {
    code: 'NC', long: 'NoClusterFound', status: 503, producer: 'proxy', tcp: true,
    meaning: L('the route points to a cluster the proxy does not have', '路由指向的集群在代理中不存在'),
    causes: L('the VirtualService routes to a subset that no DestinationRule defines, or exportTo / a Sidecar resource hides the destination from this proxy',
      'VirtualService 路由到的 subset 没有在任何 DestinationRule 中定义；或者 exportTo / Sidecar 资源使该目标对此代理不可见'),
    chapter: 'debug-istio/envoy-log', family: 'OPS101',
    next: 'istioctl proxy-config clusters {pod} --fqdn {fqdn}   # is subset "{subset}" there?',
  },
  {
    code: 'DT', long: 'DurationTimeout', status: null, producer: 'proxy', tcp: true,
    meaning: L('the connection or stream reached its maximum duration', '连接或流达到了最大持续时间'),
    causes: L('a max connection duration (DestinationRule connectionPool maxConnectionDuration, or an EnvoyFilter) closed it on purpose',
      '配置的最大连接时长（DestinationRule connectionPool 的 maxConnectionDuration 或 EnvoyFilter）主动关闭了它'),
    chapter: 'case-studies/timeouts-and-retries', family: 'OPS105',
    next: 'istioctl proxy-config clusters {pod} --fqdn {fqdn} -o json | grep -i duration',
  },
  {
    code: 'DC', long: 'DownstreamConnectionTermination', status: null, producer: 'downstream', tcp: false,
    meaning: L('the client closed the connection before the response was complete', '在响应完成之前客户端关闭了连接'),
    causes: L('the caller (app, gateway or load balancer) timed out sooner than the upstream answered, or the user cancelled; response code 0 means nothing was sent',
      '调用方（应用、网关或负载均衡器）的超时短于上游的响应时间，或用户取消了请求；响应码为 0 表示什么都没发出去'),
    chapter: 'debug-istio/envoy-log', family: 'OPS109',
    next: 'compare "duration" with the caller\'s timeout; check the caller\'s log for the same x-request-id',
  },
  {
    code: 'LH', long: 'FailedLocalHealthCheck', status: 503, producer: 'proxy', tcp: false,
    meaning: L('the upstream host failed its local health check', '上游主机未通过本地健康检查'),
    causes: L('active health checking is configured (rare in Istio, usually through an EnvoyFilter) and the host fails it',
      '配置了主动健康检查（在 Istio 中少见，通常来自 EnvoyFilter），并且主机检查失败'),
    chapter: 'debug-istio/envoy-log', family: 'OPS102',
    next: 'istioctl proxy-config endpoints {pod} --cluster "{cluster}"',
  },
  {
    code: 'UT', long: 'UpstreamRequestTimeout', status: 504, producer: 'proxy', tcp: false,
    meaning: L('the upstream did not answer within the route timeout', '上游没有在路由超时时间内响应'),
    causes: L('the VirtualService timeout (or per-try timeout) is shorter than the app needs, or the app is slow or stuck',
      'VirtualService 的 timeout（或 perTryTimeout）短于应用所需时间，或者应用变慢、卡住'),
    chapter: 'case-studies/timeouts-and-retries', family: 'OPS105',
    next: 'istioctl proxy-config routes {pod} -o json | grep -B2 -A2 timeout',
  },
  {
    code: 'LR', long: 'LocalReset', status: 503, producer: 'proxy', tcp: false,
    meaning: L('the proxy reset the stream itself', '代理自己重置了这个流'),
    causes: L('the proxy is draining (pod shutting down), overloaded, or hit a codec error on the connection',
      '代理正在排空连接（Pod 正在退出）、过载，或在该连接上遇到编解码错误'),
    chapter: 'best-practice/graceful-termination', family: 'OPS104',
    next: 'kubectl logs <pod> -c istio-proxy | grep -i -E "drain|overload|codec"',
  },
  {
    code: 'UR', long: 'UpstreamRemoteReset', status: 503, producer: 'proxy', tcp: false,
    meaning: L('the upstream reset the stream', '上游重置了这个流'),
    causes: L('the app crashed or restarted, sent an HTTP/2 RST_STREAM, speaks another protocol than the port name says, or rejected the TLS/mTLS connection',
      '应用崩溃或重启、发送了 HTTP/2 RST_STREAM、实际协议与端口名声明的不一致，或拒绝了 TLS/mTLS 连接'),
    chapter: 'debug-istio/envoy-log', family: 'OPS104',
    next: 'kubectl logs <server-pod> -c <app> --previous; kubectl get pod <server-pod>   # restarts?',
  },
  {
    code: 'UC', long: 'UpstreamConnectionTermination', status: 503, producer: 'proxy', tcp: false,
    meaning: L('the upstream closed the connection while the request was in flight', '请求进行中上游关闭了连接'),
    causes: L("a keep-alive race: the app (or a load balancer in between) closes idle connections sooner than Envoy does; or the app closes connections after each response; or the pod is terminating",
      '长连接竞争：应用（或中间的负载均衡器）关闭空闲连接的时间早于 Envoy；或者应用每次响应后都关闭连接；或者 Pod 正在退出'),
    chapter: 'common-problem/upstream-connection-termination', family: 'OPS104',
    next: 'compare the app\'s idle/keep-alive timeout with the DestinationRule connectionPool.http.idleTimeout (set it lower than the app\'s)',
  },
  {
    code: 'DI', long: 'DelayInjected', status: null, producer: 'marker', tcp: false,
    meaning: L('a fault-injection delay was applied', '注入了延迟故障'),
    causes: L('a VirtualService fault.delay matches this request', '某个 VirtualService 的 fault.delay 匹配了该请求'),
    chapter: 'debug-istio/envoy-log', family: 'OPS110',
    next: 'kubectl get virtualservice -A -o yaml | grep -B5 -A5 "fault:"',
  },
  {
    code: 'FI', long: 'FaultInjected', status: null, producer: 'proxy', tcp: false,
    meaning: L('a fault-injection abort answered the request', '注入的中止故障直接返回了响应'),
    causes: L('a VirtualService fault.abort matches this request (details: fault_filter_abort)', '某个 VirtualService 的 fault.abort 匹配了该请求（details 为 fault_filter_abort）'),
    chapter: 'debug-istio/envoy-log', family: 'OPS110',
    next: 'kubectl get virtualservice -A -o yaml | grep -B5 -A5 "abort:"',
  },
  {
    code: 'RL', long: 'RateLimited', status: 429, producer: 'proxy', tcp: false,
    meaning: L('the request was rate limited', '请求被限流'),
    causes: L('a local or global rate-limit filter (usually configured with an EnvoyFilter) rejected it', '本地或全局限流过滤器（通常由 EnvoyFilter 配置）拒绝了该请求'),
    chapter: 'debug-istio/envoy-log', family: 'OPS106',
    next: 'kubectl get envoyfilter -A | grep -i ratelimit',
  },
  {
    code: 'UAEX', long: 'UnauthorizedExternalService', status: 403, producer: 'proxy', tcp: false,
    meaning: L('the external authorization service denied the request', '外部授权服务拒绝了该请求'),
    causes: L('an AuthorizationPolicy with action CUSTOM sends requests to an ext_authz provider, which said no', 'action 为 CUSTOM 的 AuthorizationPolicy 把请求交给 ext_authz 提供方，后者拒绝了它'),
    chapter: 'debug-istio/envoy-log', family: 'OPS107',
    next: 'kubectl get authorizationpolicy -A -o yaml | grep -B3 -A6 CUSTOM',
  },
  {
    code: 'RLSE', long: 'RateLimitServiceError', status: 500, producer: 'proxy', tcp: false,
    meaning: L('the rate-limit service failed to answer', '限流服务没有正常响应'),
    causes: L('the global rate-limit service is down or unreachable and the filter fails closed', '全局限流服务不可用或不可达，并且过滤器配置为失败即拒绝'),
    chapter: 'debug-istio/envoy-log', family: 'OPS106',
    next: 'kubectl get pods -A | grep -i ratelimit',
  },
  {
    code: 'IH', long: 'InvalidEnvoyRequestHeaders', status: 400, producer: 'proxy', tcp: false,
    meaning: L('the request carried an invalid x-envoy-* header', '请求携带了无效的 x-envoy-* 头'),
    causes: L('a client sends x-envoy-* headers that Envoy checks strictly (strict header validation)', '客户端发送了 Envoy 会严格校验的 x-envoy-* 头'),
    chapter: 'debug-istio/envoy-log', family: 'OPS108',
    next: 'inspect the request headers the client sends (curl -v)',
  },
  {
    code: 'SI', long: 'StreamIdleTimeout', status: 408, producer: 'proxy', tcp: false,
    meaning: L('the stream was idle longer than the idle timeout', '流的空闲时间超过了空闲超时'),
    causes: L('a streaming or long-poll call sent no data for longer than the stream idle timeout (408, or 504 once the request was complete)', '流式或长轮询调用在超过 stream idle timeout 的时间内没有任何数据（返回 408；请求已完整发送时为 504）'),
    chapter: 'case-studies/timeouts-and-retries', family: 'OPS105',
    next: 'istioctl proxy-config listeners {pod} -o json | grep -i idle',
  },
  {
    code: 'DPE', long: 'DownstreamProtocolError', status: 400, producer: 'proxy', tcp: false,
    meaning: L('the client sent something that is not valid HTTP', '客户端发送的内容不是合法的 HTTP'),
    causes: L('TLS sent to a plaintext HTTP port, HTTP/1.0 without the option to accept it, headers over the size limit, or a non-HTTP client on a port named http',
      '向明文 HTTP 端口发送了 TLS；未开启支持时使用了 HTTP/1.0；请求头超过大小限制；或者非 HTTP 客户端访问了名为 http 的端口'),
    chapter: 'common-problem/server-speaks-first', family: 'OPS108',
    next: 'kubectl get svc <service> -o yaml   # does the port name / appProtocol match what clients speak?',
  },
  {
    code: 'UPE', long: 'UpstreamProtocolError', status: 502, producer: 'proxy', tcp: false,
    meaning: L('the upstream answered with something that is not valid HTTP', '上游返回的内容不是合法的 HTTP'),
    causes: L('the port is declared http (or http2/grpc) but the app speaks something else, or HTTP/1 and HTTP/2 are mixed up', '端口声明为 http（或 http2/grpc），但应用说的是另一种协议；或者混淆了 HTTP/1 与 HTTP/2'),
    chapter: 'common-problem/server-speaks-first', family: 'OPS108',
    next: 'kubectl get svc <service> -o yaml   # check the port name / appProtocol for {port}',
  },
  {
    code: 'UMSDR', long: 'UpstreamMaxStreamDurationReached', status: 408, producer: 'proxy', tcp: false,
    meaning: L('the upstream stream reached its maximum duration', '上游流达到了最大持续时间'),
    causes: L('max_stream_duration (often set for gRPC deadlines) is shorter than the call', 'max_stream_duration（常用于 gRPC 截止时间）短于这次调用所需时间'),
    chapter: 'case-studies/timeouts-and-retries', family: 'OPS105',
    next: 'istioctl proxy-config routes {pod} -o json | grep -i maxStreamDuration',
  },
  {
    code: 'RFCF', long: 'ResponseFromCacheFilter', status: null, producer: 'proxy', tcp: false,
    meaning: L('the response was served from the cache filter', '响应来自缓存过滤器'),
    causes: L('an HTTP cache filter is configured (not part of stock Istio)', '配置了 HTTP 缓存过滤器（Istio 默认不使用）'),
    chapter: 'debug-istio/envoy-log', family: 'OPS110',
    next: 'kubectl get envoyfilter -A | grep -i cache',
  },
  {
    code: 'NFCF', long: 'NoFilterConfigFound', status: 500, producer: 'proxy', tcp: false,
    meaning: L('a filter configuration (ECDS) never arrived', '过滤器配置（ECDS）始终没有下发到'),
    causes: L('a WasmPlugin (or other extension) could not be fetched and the filter fails closed', 'WasmPlugin（或其他扩展）拉取失败，且过滤器配置为失败即拒绝'),
    chapter: 'debug-istio/envoy-log', family: 'OPS106',
    next: 'kubectl logs <pod> -c istio-proxy | grep -i -E "wasm|ecds"',
  },
  {
    code: 'OM', long: 'OverloadManagerTerminated', status: 503, producer: 'proxy', tcp: false,
    meaning: L('the overload manager shed the request', '过载管理器丢弃了该请求'),
    causes: L('the proxy ran out of a resource (usually memory) and its overload actions kicked in', '代理的某项资源（通常是内存）耗尽，触发了过载保护动作'),
    chapter: 'debug-istio/envoy-profiler', family: 'OPS106',
    next: 'kubectl exec <pod> -c istio-proxy -- pilot-agent request GET memory',
  },
  {
    code: 'DF', long: 'DnsResolutionFailed', status: 503, producer: 'proxy', tcp: false,
    meaning: L('DNS resolution failed (dynamic forward proxy)', 'DNS 解析失败（动态转发代理）'),
    causes: L('a dynamic-forward-proxy cluster could not resolve the host (egress with dynamic DNS)', '动态转发代理集群无法解析该主机名（使用动态 DNS 的出口流量）'),
    chapter: 'debug-istio/envoy-log', family: 'OPS103',
    next: 'kubectl exec <pod> -c istio-proxy -- nslookup {authority}',
  },
  {
    code: 'DO', long: 'DropOverload', status: 503, producer: 'proxy', tcp: false,
    meaning: L('the request was dropped by the drop_overloads policy of the endpoints', '请求被端点的 drop_overloads 策略丢弃'),
    causes: L('the control plane set drop_overloads on the cluster (not stock Istio)', '控制面在该集群上设置了 drop_overloads（Istio 默认不会）'),
    chapter: 'debug-istio/envoy-log', family: 'OPS106',
    next: 'istioctl proxy-config endpoints {pod} --cluster "{cluster}" -o json | grep -i drop',
  },
  {
    code: 'DR', long: 'DownstreamRemoteReset', status: null, producer: 'downstream', tcp: false,
    meaning: L('the client reset the HTTP/2 stream', '客户端重置了 HTTP/2 流'),
    causes: L('a gRPC client cancelled or its deadline passed', 'gRPC 客户端取消了调用，或截止时间已到'),
    chapter: 'debug-istio/envoy-log', family: 'OPS109',
    next: "check the caller's deadline / cancellation for the same x-request-id",
  },
  {
    code: 'UDO', long: 'UnconditionalDropOverload', status: 503, producer: 'proxy', tcp: false,
    meaning: L('every request to the cluster is dropped (drop_overloads at 100%)', '该集群的所有请求都被丢弃（drop_overloads 为 100%）'),
    causes: L('the control plane told the proxy to drop all traffic to this cluster', '控制面让代理丢弃发往该集群的全部流量'),
    chapter: 'debug-istio/envoy-log', family: 'OPS106',
    next: 'istioctl proxy-config endpoints {pod} --cluster "{cluster}" -o json | grep -i drop',
  },
];

export const FLAG_BY_CODE: ReadonlyMap<string, FlagInfo> = new Map(FLAGS.map((f) => [f.code, f]));

/** Long (PascalCase) name → short code, for %RESPONSE_FLAGS_LONG%. */
export const FLAG_BY_LONG_NAME: ReadonlyMap<string, string> = new Map(FLAGS.map((f) => [f.long, f.code]));
