// `ss` socket tables (`ss -tnpo`, `ss -o`, `ss -tnpo state established`):
// who is connected to whom, and which connections carry a keepalive timer.

export interface Endpoint {
  address: string;
  port: string;
}

export interface Socket {
  netid: string | null;
  /** null when the table was filtered by state (ss … state established prints no State column). */
  state: string | null;
  recvQ: number;
  sendQ: number;
  local: Endpoint;
  peer: Endpoint;
  process: string | null;
  pid: number | null;
  /** `timer:(name,expires,retrans)`; name is on, keepalive, timewait, persist or unknown. */
  timer: { name: string; expires: string; retrans: number } | null;
  line: number;
}

export interface ParsedSockets {
  sockets: Socket[];
  problems: Array<{ line: number; message: string }>;
}

const STATES = new Set(['ESTAB', 'SYN-SENT', 'SYN-RECV', 'FIN-WAIT-1', 'FIN-WAIT-2', 'TIME-WAIT', 'CLOSE', 'CLOSE-WAIT', 'LAST-ACK', 'LISTEN', 'CLOSING', 'UNCONN']);
const NETIDS = new Set(['tcp', 'udp', 'raw', 'u_str', 'u_dgr', 'u_seq', 'p_raw', 'p_dgr', 'nl', 'mptcp', 'sctp', 'tipc', 'xdp']);

/** `10.0.0.1:8080`, `[::ffff:10.0.0.1]:443`, `*:*`, `10.0.0.1%eth0:53`, `host:https`. */
export function splitEndpoint(s: string): Endpoint | null {
  const i = s.lastIndexOf(':');
  if (i <= 0) return null;
  let address = s.slice(0, i);
  if (address.startsWith('[') && address.endsWith(']')) address = address.slice(1, -1);
  address = address.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, '$1').replace(/%.*$/, '');
  return { address, port: s.slice(i + 1) };
}

export function looksLikeSs(head: string): boolean {
  const first = head.split('\n').find((l) => l.trim()) ?? '';
  if (/^(Netid\s+)?(State\s+)?Recv-Q\s+Send-Q\s+Local Address:Port\s+Peer Address:Port/.test(first.trim())) return true;
  // Headerless: most lines start with a state (or netid + state) and hold two endpoints.
  const lines = head.split('\n').filter((l) => l.trim()).slice(0, 20);
  const ok = lines.filter((l) => {
    const t = l.trim().split(/\s+/);
    const s = NETIDS.has(t[0]!) ? t[1] : t[0];
    return STATES.has(s ?? '') && t.filter((x) => /:[\w*]+$/.test(x)).length >= 2;
  });
  return lines.length > 0 && ok.length >= Math.max(1, lines.length * 0.6);
}

export function parseSs(text: string): ParsedSockets {
  const sockets: Socket[] = [];
  const problems: ParsedSockets['problems'] = [];
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const raw = lines[n]!.replace(/\r$/, '');
    const line = raw.trim();
    if (!line || /^(Netid\s+)?(State\s+)?Recv-Q/.test(line)) continue;
    const tokens = line.split(/\s+/);
    let i = 0;
    const netid = NETIDS.has(tokens[i]!) ? tokens[i++]! : null;
    const state = STATES.has(tokens[i]!) ? tokens[i++]! : null;
    const recvQ = Number(tokens[i]);
    const sendQ = Number(tokens[i + 1]);
    const local = splitEndpoint(tokens[i + 2] ?? '');
    const peer = splitEndpoint(tokens[i + 3] ?? '');
    if (!Number.isInteger(recvQ) || !Number.isInteger(sendQ) || !local || !peer) {
      // ss -o puts timer info on a continuation line when the terminal is narrow; attach it.
      const prev = sockets[sockets.length - 1];
      const t = /timer:\(([^,]+),([^,]*),(\d+)\)/.exec(line);
      if (prev && t && prev.line === n) {
        prev.timer = { name: t[1]!, expires: t[2]!, retrans: Number(t[3]) };
        continue;
      }
      problems.push({ line: n + 1, message: `not an ss socket line: ${line.slice(0, 60)}` });
      continue;
    }
    const rest = tokens.slice(i + 4).join(' ');
    const users = /users:\(\("([^"]*)",pid=(\d+)/.exec(rest);
    const timer = /timer:\(([^,]+),([^,]*),(\d+)\)/.exec(rest);
    sockets.push({
      netid,
      state,
      recvQ,
      sendQ,
      local,
      peer,
      process: users ? users[1]! : null,
      pid: users ? Number(users[2]) : null,
      timer: timer ? { name: timer[1]!, expires: timer[2]!, retrans: Number(timer[3]) } : null,
      line: n + 1,
    });
  }
  return { sockets, problems };
}

export const isLoopback = (address: string) => /^127\./.test(address) || address === '::1' || address === 'localhost';

export interface KeepaliveGroup {
  /** Local address, with its port when this side is the server. */
  local: string;
  /** Peer address, with its port when this side is the client. */
  peer: string;
  process: string | null;
  pid: number | null;
  withKeepalive: number;
  withoutKeepalive: number;
  firstLineWithout: number | null;
}

/**
 * Established connections grouped by local address, peer address:port and process.
 * A table filtered by `state established` has no State column; its sockets count as established.
 */
export function keepaliveGroups(sockets: Socket[]): KeepaliveGroup[] {
  const groups = new Map<string, KeepaliveGroup>();
  const listening = new Set(sockets.filter((s) => s.state === 'LISTEN').map((s) => s.local.port));
  for (const s of sockets) {
    if (s.state !== null && s.state !== 'ESTAB') continue;
    if (s.netid !== null && s.netid !== 'tcp') continue;
    // Keep the fixed port of each connection and drop the ephemeral one, so a pool or a
    // server's clients fold into one group: server side when the local port listens (or,
    // without LISTEN lines, when only the peer port is in the ephemeral range).
    const ephemeral = (p: string) => Number(p) >= 32768;
    const serverSide = listening.size ? listening.has(s.local.port) : !ephemeral(s.local.port) && ephemeral(s.peer.port);
    const local = serverSide ? `${s.local.address}:${s.local.port}` : s.local.address;
    const peer = serverSide ? s.peer.address : `${s.peer.address}:${s.peer.port}`;
    const key = [local, peer, s.process ?? '', s.pid ?? ''].join('\u0000');
    const g = groups.get(key) ?? { local, peer, process: s.process, pid: s.pid, withKeepalive: 0, withoutKeepalive: 0, firstLineWithout: null };
    if (s.timer?.name === 'keepalive') g.withKeepalive++;
    else {
      g.withoutKeepalive++;
      g.firstLineWithout ??= s.line;
    }
    groups.set(key, g);
  }
  return [...groups.values()].sort((a, b) => b.withoutKeepalive + b.withKeepalive - (a.withoutKeepalive + a.withKeepalive));
}

/** Per local address and per peer address: how many established connections have a keepalive timer. */
export function keepaliveByAddress(groups: KeepaliveGroup[], side: 'local' | 'peer'): Array<{ address: string; withKeepalive: number; withoutKeepalive: number }> {
  const m = new Map<string, { address: string; withKeepalive: number; withoutKeepalive: number }>();
  for (const g of groups) {
    const address = g[side];
    const e = m.get(address) ?? { address, withKeepalive: 0, withoutKeepalive: 0 };
    e.withKeepalive += g.withKeepalive;
    e.withoutKeepalive += g.withoutKeepalive;
    m.set(address, e);
  }
  return [...m.values()].sort((a, b) => b.withoutKeepalive - a.withoutKeepalive || a.address.localeCompare(b.address));
}
