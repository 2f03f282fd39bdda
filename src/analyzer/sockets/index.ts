// The socket-table artifact analyzer (`ss -tnpo`, `ss -o`).
import type { ArtifactAnalyzer } from '../artifact.ts';
import type { Finding } from '../finding.ts';
import { isLoopback, keepaliveByAddress, keepaliveGroups, looksLikeSs, parseSs } from './ss.ts';

export * from './ss.ts';

export const socketAnalyzer: ArtifactAnalyzer = {
  kind: 'sockets',
  detect({ head }) {
    return looksLikeSs(head) ? 0.9 : 0;
  },
  analyze(input) {
    const { sockets, problems } = parseSs(input.text);
    if (sockets.length === 0) return { kind: 'sockets', findings: [], error: `${input.name}: no socket line could be read${problems[0] ? ` (line ${problems[0].line}: ${problems[0].message})` : ''}` };
    const groups = keepaliveGroups(sockets);
    const established = groups.reduce((n, g) => n + g.withKeepalive + g.withoutKeepalive, 0);
    const withTimerInfo = sockets.some((s) => s.timer);
    const summary = [`${input.name}: ${sockets.length} sockets, ${established} established TCP${problems.length ? `, ${problems.length} unreadable line(s) (first: line ${problems[0]!.line})` : ''}`];
    if (!withTimerInfo) summary.push('  no socket shows a timer: was ss run with -o? Without it keepalive cannot be seen.');
    summary.push('  established connections with / without keepalive timer, by local address:');
    for (const a of keepaliveByAddress(groups, 'local')) summary.push(`    ${a.address.padEnd(24)} ${String(a.withKeepalive).padStart(5)} / ${a.withoutKeepalive}`);
    summary.push('  by peer address:');
    for (const a of keepaliveByAddress(groups, 'peer')) summary.push(`    ${a.address.padEnd(24)} ${String(a.withKeepalive).padStart(5)} / ${a.withoutKeepalive}`);

    const findings: Finding[] = [];
    if (withTimerInfo) {
      for (const g of groups) {
        // Idle connections are dropped by NAT, load balancers and conntrack between hosts; loopback has none of those.
        if (!g.withoutKeepalive || isLoopback(g.peer.replace(/:[^:.]*$/, '')) || isLoopback(g.local.replace(/:[^:.]*$/, ''))) continue;
        const who = g.process ? `${g.process}${g.pid !== null ? ` (pid ${g.pid})` : ''}` : 'a process';
        findings.push({
          code: 'OPS701',
          severity: 'warning',
          message: {
            en: `${g.withoutKeepalive} established connection(s) from ${g.local} by ${who} to ${g.peer} have no keepalive timer${g.withKeepalive ? ` (${g.withKeepalive} others do)` : ''}. If such a long-lived connection sits idle, a NAT, load balancer or conntrack table between the hosts may drop it silently, and the next request on it gets a reset.`,
            zh: `${who === 'a process' ? '某进程' : who} 从 ${g.local} 到 ${g.peer} 的 ${g.withoutKeepalive} 个已建立连接没有 keepalive 计时器${g.withKeepalive ? `（另有 ${g.withKeepalive} 个有）` : ''}。这类长连接空闲时，主机之间的 NAT、负载均衡或 conntrack 可能会悄悄丢弃它，之后在该连接上发出的请求会收到 reset。`,
          },
          resource: null,
          file: input.name,
          line: g.firstLineWithout,
          column: 1,
          chapter: 'common-problem/tcp-keepalive',
          fix: {
            en: 'Enable SO_KEEPALIVE in the application, or let the sidecar do it for the upstream side (DestinationRule trafficPolicy.connectionPool.tcp.tcpKeepalive), or set socket_options on the gateway listener with an EnvoyFilter.',
            zh: '在应用中开启 SO_KEEPALIVE；或让 sidecar 对上游连接开启（DestinationRule 的 trafficPolicy.connectionPool.tcp.tcpKeepalive）；或用 EnvoyFilter 为网关监听器设置 socket_options。',
          },
        });
      }
    }
    return { kind: 'sockets', findings, summary };
  },
};
