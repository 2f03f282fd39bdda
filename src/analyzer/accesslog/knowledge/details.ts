// RESPONSE_CODE_DETAILS values and UPSTREAM_TRANSPORT_FAILURE_REASON texts:
// what they mean and who produced the response. Facts after Envoy's
// response_code_details docs and envoy-istio-facts.md §3; wording our own.
import type { Localized } from '../../finding.ts';
import type { Producer } from './flags.ts';

export interface DetailInfo {
  /** The value, or its prefix when it carries a parameter ({…} or […]). */
  match: string;
  prefix: boolean;
  producer: Producer | 'upstream';
  meaning: Localized;
  causes: Localized;
  chapter: string;
  family: string;
  next?: string;
}

const L = (en: string, zh: string): Localized => ({ en, zh });
const d = (match: string, producer: DetailInfo['producer'], family: string, chapter: string, meaning: Localized, causes: Localized, next?: string): DetailInfo => ({
  match: match.replace(/[{[(]$/, ''),
  prefix: /[{[(]$/.test(match),
  producer,
  meaning,
  causes,
  chapter,
  family,
  ...(next ? { next } : {}),
});

export const DETAILS: DetailInfo[] = [
  d('via_upstream', 'upstream', 'OPS111', 'debug-istio/envoy-log', L('the status code came from the upstream', '状态码来自上游'), L('the proxy only relayed it: the application (or the next proxy) chose this status', '代理只是转发：这个状态码是应用（或下一跳代理）给出的')),
  d('route_not_found', 'proxy', 'OPS101', 'debug-istio/envoy-log', L('no route matched the request', '没有路由匹配该请求'), L('Host or path not covered by any VirtualService bound here', 'Host 或路径没有被绑定到这里的任何 VirtualService 覆盖'), 'istioctl proxy-config routes {pod} -o json'),
  d('route_configuration_not_found', 'proxy', 'OPS101', 'debug-istio/envoy-log', L('the route configuration (RDS) has not arrived', '路由配置（RDS）尚未下发'), L('the proxy has not received its routes yet (startup, or istiod unreachable)', '代理还没有收到路由配置（正在启动，或连不上 istiod）'), 'istioctl proxy-status'),
  d('cluster_not_found', 'proxy', 'OPS101', 'debug-istio/envoy-log', L('the route names a cluster the proxy does not have', '路由引用的集群在代理中不存在'), L('a subset missing from the DestinationRule, or a destination hidden by exportTo / Sidecar', 'DestinationRule 中缺少该 subset，或目标被 exportTo / Sidecar 隐藏'), 'istioctl proxy-config clusters {pod} --fqdn {fqdn}'),
  d('no_healthy_upstream', 'proxy', 'OPS102', 'case-studies/no-healthy-upstream', L('no healthy endpoint in the cluster', '集群中没有健康端点'), L('no ready pod behind the service or subset', '服务或 subset 后面没有就绪的 Pod'), 'istioctl proxy-config endpoints {pod} --cluster "{cluster}"'),
  d('direct_response', 'proxy', 'OPS113', 'tricks/direct-response', L('a direct response configured in the route answered', '由路由中配置的直接响应作答'), L('a VirtualService directResponse, or the block_all route of outboundTrafficPolicy REGISTRY_ONLY (502)', 'VirtualService 的 directResponse，或 outboundTrafficPolicy 为 REGISTRY_ONLY 时的 block_all 路由（502）'), 'istioctl proxy-config routes {pod} --name {port} -o json'),
  d('maintenance_mode', 'proxy', 'OPS106', 'debug-istio/envoy-log', L('the cluster is in maintenance mode', '集群处于维护模式'), L('runtime upstream.maintenance_mode set for the cluster', '为该集群设置了运行时参数 upstream.maintenance_mode')),
  d('upstream_reset_before_response_started{', 'proxy', 'OPS104', 'common-problem/upstream-connection-termination', L('the upstream connection or stream failed before any response header arrived', '在收到任何响应头之前，上游连接或流失败了'), L('see the reason in braces: connection_failure = could not connect, connection_termination = the upstream closed it, remote_reset = the upstream reset it, overflow = circuit breaker', '看花括号里的原因：connection_failure 表示连不上，connection_termination 表示上游关闭了连接，remote_reset 表示上游重置了流，overflow 表示熔断')),
  d('upstream_reset_after_response_started{', 'proxy', 'OPS104', 'debug-istio/envoy-log', L('the upstream failed after the response had started', '响应开始之后上游出错'), L('the app or its connection died while streaming the body; the status may still say 200', '应用或其连接在传输响应体时中断；状态码仍可能是 200')),
  d('response_timeout', 'proxy', 'OPS105', 'case-studies/timeouts-and-retries', L('the route timeout expired', '路由超时到期'), L('VirtualService timeout shorter than the app needs', 'VirtualService 的 timeout 短于应用所需时间')),
  d('upstream_response_timeout', 'proxy', 'OPS105', 'case-studies/timeouts-and-retries', L('the route timeout expired (name used up to Envoy 1.22)', '路由超时到期（Envoy 1.22 及以前的名称）'), L('VirtualService timeout shorter than the app needs', 'VirtualService 的 timeout 短于应用所需时间')),
  d('upstream_per_try_timeout', 'proxy', 'OPS105', 'case-studies/timeouts-and-retries', L('one attempt exceeded perTryTimeout', '单次尝试超过了 perTryTimeout'), L('retries.perTryTimeout shorter than the app needs', 'retries.perTryTimeout 短于应用所需时间')),
  d('upstream_per_try_idle_timeout', 'proxy', 'OPS105', 'case-studies/timeouts-and-retries', L('one attempt was idle too long', '单次尝试空闲时间过长'), L('per-try idle timeout reached', '达到了单次尝试空闲超时')),
  d('upstream_max_stream_duration_reached', 'proxy', 'OPS105', 'case-studies/timeouts-and-retries', L('the upstream stream hit its maximum duration', '上游流达到最大持续时间'), L('max_stream_duration shorter than the call', 'max_stream_duration 短于调用所需时间')),
  d('stream_idle_timeout', 'proxy', 'OPS105', 'case-studies/timeouts-and-retries', L('the stream was idle too long', '流空闲时间过长'), L('no data for longer than the stream idle timeout', '超过 stream idle timeout 没有任何数据')),
  d('request_overall_timeout', 'proxy', 'OPS105', 'case-studies/timeouts-and-retries', L('the whole request took too long', '整个请求耗时过长'), L('request timeout of the connection manager reached', '达到了连接管理器的请求超时')),
  d('request_header_timeout', 'proxy', 'OPS105', 'case-studies/timeouts-and-retries', L('the request headers took too long to arrive', '请求头到达得太慢'), L('a slow or stuck client', '客户端过慢或卡住')),
  d('max_duration_timeout', 'proxy', 'OPS105', 'case-studies/timeouts-and-retries', L('the stream reached its maximum duration', '流达到最大持续时间'), L('max stream duration configured on the route or listener', '路由或监听器上配置了最大流时长')),
  d('duration_timeout', 'proxy', 'OPS105', 'case-studies/timeouts-and-retries', L('the connection reached its maximum duration', '连接达到最大持续时间'), L('maxConnectionDuration in the DestinationRule', 'DestinationRule 中的 maxConnectionDuration')),
  d('downstream_remote_disconnect', 'downstream', 'OPS109', 'debug-istio/envoy-log', L('the client disconnected', '客户端断开了连接'), L("the caller gave up first (its timeout is shorter than the upstream's latency)", '调用方先放弃了（其超时短于上游延迟）')),
  d('downstream_local_disconnect(', 'proxy', 'OPS109', 'debug-istio/envoy-log', L('the proxy closed the client connection', '代理关闭了与客户端的连接'), L('see the reason in parentheses', '原因见括号内')),
  d('filter_chain_not_found', 'proxy', 'OPS101', 'debug-istio/envoy-log', L('no filter chain matched the connection', '连接没有匹配到任何 filter chain'), L('plaintext sent to a port that requires mTLS (PeerAuthentication STRICT), or a port the listener does not know', '向要求 mTLS（PeerAuthentication STRICT）的端口发送了明文，或访问了监听器不认识的端口'), 'istioctl proxy-config listeners {pod} --port {port} -o json'),
  d('overload', 'proxy', 'OPS106', 'debug-istio/envoy-profiler', L('the overload manager shed the request', '过载管理器丢弃了请求'), L('the proxy is short of memory or connections', '代理内存或连接数不足')),
  d('drop_overload', 'proxy', 'OPS106', 'debug-istio/envoy-log', L('dropped by drop_overloads', '被 drop_overloads 丢弃'), L('control-plane drop policy', '控制面的丢弃策略')),
  d('unconditional_drop_overload', 'proxy', 'OPS106', 'debug-istio/envoy-log', L('all traffic to the cluster is dropped', '发往该集群的所有流量都被丢弃'), L('drop_overloads at 100%', 'drop_overloads 为 100%')),
  d('rbac_access_denied_matched_policy[', 'proxy', 'OPS107', 'debug-istio/envoy-log', L('an AuthorizationPolicy denied the request', 'AuthorizationPolicy 拒绝了该请求'), L('[none]: an ALLOW policy exists for the workload and no rule matched; otherwise the named DENY policy matched', '[none] 表示该工作负载存在 ALLOW 策略但没有规则匹配；否则是括号里指明的 DENY 策略匹配了'), 'kubectl get authorizationpolicy -A'),
  d('jwt_authn_access_denied{', 'proxy', 'OPS107', 'debug-istio/envoy-log', L('JWT authentication failed', 'JWT 认证失败'), L('see the reason in braces (missing token, unknown issuer, key mismatch)', '原因见花括号内（缺少令牌、签发者未配置、密钥不匹配）'), 'kubectl get requestauthentication -A -o yaml'),
  d('ext_authz_denied', 'proxy', 'OPS107', 'debug-istio/envoy-log', L('the external authorizer denied the request', '外部授权服务拒绝了请求'), L('an AuthorizationPolicy CUSTOM provider said no', 'CUSTOM 类型的 AuthorizationPolicy 提供方拒绝了')),
  d('ext_authz_error', 'proxy', 'OPS107', 'debug-istio/envoy-log', L('the external authorizer failed', '外部授权服务出错'), L('the ext_authz provider is unreachable or erroring', 'ext_authz 提供方不可达或出错')),
  d('fault_filter_abort', 'proxy', 'OPS110', 'debug-istio/envoy-log', L('fault injection aborted the request', '故障注入中止了请求'), L('a VirtualService fault.abort', 'VirtualService 的 fault.abort')),
  d('local_rate_limited', 'proxy', 'OPS106', 'debug-istio/envoy-log', L('the local rate limiter rejected the request', '本地限流拒绝了请求'), L('local rate-limit EnvoyFilter', '本地限流 EnvoyFilter')),
  d('request_rate_limited', 'proxy', 'OPS106', 'debug-istio/envoy-log', L('the global rate limiter rejected the request', '全局限流拒绝了请求'), L('global rate-limit service said over limit', '全局限流服务判定超限')),
  d('request_payload_too_large', 'proxy', 'OPS108', 'debug-istio/envoy-log', L('the request body exceeds the buffer limit', '请求体超过了缓冲区上限'), L('a filter buffers the body and the body is larger than its limit', '某个过滤器缓冲请求体，而请求体超过了上限')),
  d('request_payload_exceeded_retry_buffer_limit', 'proxy', 'OPS103', 'case-studies/timeouts-and-retries', L('the body was too large to keep for a retry', '请求体太大，无法为重试保留'), L('retries need the body buffered; large uploads cannot be retried', '重试需要缓冲请求体；大的上传无法重试')),
  d('http1.codec_error', 'proxy', 'OPS108', 'common-problem/server-speaks-first', L('invalid HTTP/1 data', 'HTTP/1 数据无效'), L('TLS or another protocol on an http port', 'http 端口上跑的是 TLS 或其他协议')),
  d('http2.remote_reset', 'downstream', 'OPS109', 'debug-istio/envoy-log', L('the client reset the HTTP/2 stream', '客户端重置了 HTTP/2 流'), L('gRPC cancellation or deadline', 'gRPC 取消或截止时间到期')),
];

/** The entry explaining a details value, or undefined. */
export function explainDetails(details: string): DetailInfo | undefined {
  for (const info of DETAILS) {
    if (info.prefix ? details.startsWith(info.match) : details === info.match) return info;
  }
  return undefined;
}

export interface TransportInfo {
  match: RegExp;
  meaning: Localized;
  causes: Localized;
  chapter: string;
}

export const TRANSPORT_REASONS: TransportInfo[] = [
  { match: /delayed_connect_error:_?\s*111|Connection_refused/i, meaning: L('connection refused: nothing listens on that port', '连接被拒绝：该端口上没有进程监听'), causes: L('the app is down, listens on another port, or only on 127.0.0.1', '应用未运行、监听的端口不对，或只监听了 127.0.0.1'), chapter: 'debug-istio/envoy-log' },
  { match: /delayed_connect_error:_?\s*113|No_route_to_host/i, meaning: L('no route to the host', '到主机没有路由'), causes: L('the pod is gone (stale endpoint) or the network drops the packets', 'Pod 已不存在（端点过期），或网络丢弃了数据包'), chapter: 'debug-istio/envoy-log' },
  { match: /delayed_connect_error:_?\s*110|timed_?out/i, meaning: L('the connection attempt timed out', '连接尝试超时'), causes: L('a firewall or NetworkPolicy silently drops the SYN', '防火墙或 NetworkPolicy 静默丢弃了 SYN'), chapter: 'debug-istio/envoy-log' },
  { match: /Secret[ _]is[ _]not[ _]supplied[ _]by[ _]SDS/i, meaning: L('the TLS certificate was never delivered by SDS', 'TLS 证书始终没有经 SDS 下发'), causes: L('a credentialName pointing to a missing secret or another namespace, or the agent/CA is failing', 'credentialName 指向不存在的 Secret 或其他命名空间，或 istio-agent/CA 出错'), chapter: 'common-problem/tls-wrong-sni' },
  { match: /CERTIFICATE_VERIFY_FAILED/, meaning: L("the peer's certificate could not be verified", '无法验证对端证书'), causes: L('untrusted CA, SAN does not match, or the certificate expired', 'CA 不受信任、SAN 不匹配或证书过期'), chapter: 'common-problem/tls-wrong-sni' },
  { match: /WRONG_VERSION_NUMBER/, meaning: L('TLS spoken to a plaintext port (or the reverse)', '对明文端口说 TLS（或者相反）'), causes: L('a DestinationRule tls mode that does not match what the server speaks; TLS origination to a port that already is TLS', 'DestinationRule 的 tls 模式与服务端实际协议不符；对本身已是 TLS 的端口再做 TLS 发起'), chapter: 'common-problem/tls-wrong-sni' },
  { match: /SSLV3_ALERT_HANDSHAKE_FAILURE|HANDSHAKE_FAILURE/, meaning: L('the TLS handshake was refused', 'TLS 握手被拒绝'), causes: L('the SNI names a host the server has no certificate for, or none was sent (TLS origination without `sni` in the DestinationRule); the peer wants a client certificate; or no shared cipher / version', 'SNI 里的主机名服务端没有对应证书，或者根本没发 SNI（DestinationRule 发起 TLS 时没写 `sni`）；对端要求客户端证书；或双方没有共同的加密套件/版本'), chapter: 'common-problem/tls-wrong-sni' },
  { match: /TLSV1_ALERT_UNKNOWN_CA|UNKNOWN_CA/, meaning: L('the peer does not trust our CA', '对端不信任我方的 CA'), causes: L('different root certificates on the two sides (multi-cluster, a plugged-in CA)', '两端的根证书不同（多集群、插入的自定义 CA）'), chapter: 'common-problem/tls-wrong-sni' },
  { match: /CERTIFICATE_EXPIRED/, meaning: L('a certificate has expired', '证书已过期'), causes: L('rotation stopped or clocks are wrong', '证书轮换停止或时钟不准'), chapter: 'common-problem/tls-wrong-sni' },
  { match: /CERTIFICATE_UNKNOWN|BAD_CERTIFICATE/, meaning: L('the peer rejected our certificate', '对端拒绝了我方证书'), causes: L('our client certificate is not what the peer expects', '我方的客户端证书不是对端期望的'), chapter: 'common-problem/tls-wrong-sni' },
  { match: /PROTOCOL_VERSION/, meaning: L('no common TLS version', '没有共同的 TLS 版本'), causes: L('minimum/maximum TLS versions do not overlap', '双方的最低/最高 TLS 版本没有交集'), chapter: 'common-problem/tls-wrong-sni' },
];

/** Explains a transport failure reason (also found inside details after a comma). */
export function explainTransport(reason: string): TransportInfo | undefined {
  return TRANSPORT_REASONS.find((t) => t.match.test(reason));
}
