// The guide's table of contents, in the guide's order. The site's sidebar and
// the analyzer's findings (their `chapter` field) both read it, so a chapter
// has one slug everywhere.

export interface Chapter {
  slug: string;
  title: { en: string; zh: string };
}

export interface Section {
  id: string;
  label: { en: string; zh: string };
  chapters: Chapter[];
}

const ch = (slug: string, en: string, zh: string): Chapter => ({ slug, title: { en, zh } });

export const sections: Section[] = [
  {
    id: 'debug-istio',
    label: { en: 'Debugging Istio', zh: 'Istio 调试指南' },
    chapters: [
      ch('debug-istio/envoy-log', 'Envoy log analysis', 'Envoy 日志分析'),
      ch('debug-istio/istiod-debug', 'The istiod debug port', 'istiod 调试端口'),
      ch('debug-istio/envoy-profiler', 'Envoy memory and CPU profiling', 'Envoy 内存与 CPU 分析'),
    ],
  },
  {
    id: 'common-problem',
    label: { en: 'Common problems', zh: '常见问题' },
    chapters: [
      ch('common-problem/application-start-fail', 'Application fails to start', '应用程序启动失败'),
      ch('common-problem/external-name-hijack', 'An ExternalName Service hijacks other traffic', 'ExternalName Service 劫持其他服务的流量'),
      ch('common-problem/duplicate-tls-hosts', 'Duplicate Gateway TLS hosts reject a config', 'Gateway TLS host 冲突导致配置被拒'),
      ch('common-problem/server-speaks-first', 'Server-speaks-first protocols fail', '服务端先发协议访问失败'),
      ch('common-problem/tcp-keepalive', 'Long connections without TCP keepalive', '长连接没有开启 TCP keepalive'),
      ch('common-problem/gateway-tcp-port', 'A TCP port on the gateway cannot be reached', '无法连接 Gateway 上的 TCP 端口'),
      ch('common-problem/unbalanced-workers', 'Long connections unbalance Envoy workers', '长连接导致 Envoy 工作线程负载不均'),
      ch('common-problem/tls-wrong-sni', '503 UC to an external host through the ingress gateway', '经 Ingress Gateway 访问外部服务出现 503 UC'),
      ch('common-problem/upstream-connection-termination', '503 UC upstream_reset_before_response_started', '503 UC upstream_reset_before_response_started'),
      ch('common-problem/envoy-stats-memory', 'Metrics make Envoy memory grow fast', '指标导致 Envoy 内存快速增长'),
    ],
  },
  {
    id: 'best-practice',
    label: { en: 'Best practices', zh: '最佳实践' },
    chapters: [
      ch('best-practice/startup-dependence', 'Start the app after the sidecar is ready', 'Sidecar 就绪后再启动应用'),
      ch('best-practice/graceful-termination', 'Graceful shutdown of sidecars and gateways', 'Sidecar 与 Gateway 的优雅退出'),
      ch('best-practice/http-header-case', 'Keeping HTTP header case', '保留 HTTP Header 的大小写'),
      ch('best-practice/internal-redirect', 'Envoy internal redirects', 'Envoy 内部重定向'),
      ch('best-practice/vs-priority', 'Ordering VirtualService route rules', '正确排列 VirtualService 路由规则'),
      ch('best-practice/method-level-tracing', 'Method-level tracing', '方法级调用跟踪'),
      ch('best-practice/async-message-tracing', 'Tracing asynchronous messages', '异步消息调用跟踪'),
    ],
  },
  {
    id: 'tricks',
    label: { en: 'Tricks', zh: '小技巧' },
    chapters: [
      ch('tricks/direct-response', 'Direct responses', '直接响应（directResponse）'),
      ch('tricks/udp-listener', 'A UDP listener on the gateway', '在 Gateway 上支持 UDP Listener'),
      ch('tricks/periodic-access-log', 'Periodic access logs for long TCP connections', '为 TCP 长连接周期输出访问日志'),
    ],
  },
  {
    id: 'case-studies',
    label: { en: 'Case studies', zh: '案例分析' },
    chapters: [
      ch('case-studies/productpage-reviews', 'productpage cannot reach reviews', 'productpage 无法访问 reviews'),
      ch('case-studies/no-healthy-upstream', '502/503 no healthy upstream behind the gateway', 'Gateway 后的 502/503 no healthy upstream'),
      ch('case-studies/remote-debugging-go', 'Remote debugging a Go service in Kubernetes', '远程调试 Kubernetes 中的 Go 服务'),
      ch('case-studies/timeouts-and-retries', 'Timeouts and retries', '超时与重试'),
    ],
  },
];

export const chapters: Chapter[] = sections.flatMap((s) => s.chapters);

export type ChapterSlug = string;

/** The site path of a chapter, relative to the base path (no leading slash). */
export function chapterPath(slug: string, lang: 'en' | 'zh' = 'en'): string {
  return lang === 'zh' ? `zh/${slug}/` : `${slug}/`;
}
