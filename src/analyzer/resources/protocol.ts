// How Istio picks a port's protocol: `appProtocol` first, then the part of the
// port name before the first '-', case-insensitive. Anything else is left to
// protocol sniffing ("auto"), which server-first protocols defeat.

export type Protocol =
  | 'HTTP' | 'HTTP2' | 'HTTPS' | 'GRPC' | 'GRPC-WEB' | 'TCP' | 'TLS' | 'MONGO' | 'MYSQL' | 'REDIS' | 'UDP' | 'HTTP_PROXY' | 'auto';

const known: Record<string, Protocol> = {
  http: 'HTTP', http2: 'HTTP2', https: 'HTTPS', grpc: 'GRPC', 'grpc-web': 'GRPC-WEB', tcp: 'TCP', tls: 'TLS',
  mongo: 'MONGO', mysql: 'MYSQL', redis: 'REDIS', udp: 'UDP', http_proxy: 'HTTP_PROXY',
};

/** Parses a protocol word (`HTTP`, `tcp`, `grpc-web`…); 'auto' when Istio does not know it. */
export function parseProtocol(word: string | undefined): Protocol {
  if (!word) return 'auto';
  return known[word.toLowerCase()] ?? 'auto';
}

const appProtocols: Record<string, Protocol> = { 'kubernetes.io/h2c': 'HTTP2', 'kubernetes.io/ws': 'HTTP', 'kubernetes.io/wss': 'HTTPS' };

/** The protocol of a Kubernetes Service port. */
export function servicePortProtocol(port: { name?: string; appProtocol?: string; protocol?: string }): Protocol {
  if (port.protocol && port.protocol.toUpperCase() === 'UDP') return 'UDP';
  if (port.appProtocol) {
    const p = appProtocols[port.appProtocol.toLowerCase()] ?? parseProtocol(port.appProtocol);
    if (p !== 'auto') return p;
  }
  const name = (port.name ?? '').toLowerCase();
  if (name.startsWith('grpc-web')) return 'GRPC-WEB';
  const prefix = name.split('-')[0] ?? '';
  return parseProtocol(prefix);
}

export function isHttpLike(p: Protocol): boolean {
  return p === 'HTTP' || p === 'HTTP2' || p === 'GRPC' || p === 'GRPC-WEB' || p === 'HTTP_PROXY';
}

/**
 * Does an ExternalName Service's port catch every otherwise-unmatched outbound
 * connection on its number (Istio before the alias change, istio/istio#20703)?
 * Only TCP or unnamed ports do: HTTP ports match on Host, TLS/HTTPS ports on
 * the Service's own name by SNI (istio/istio#37331), UDP is not proxied.
 */
export function externalNameCatchesAll(p: Protocol): boolean {
  return !isHttpLike(p) && p !== 'TLS' && p !== 'HTTPS' && p !== 'UDP';
}

/** Ports whose well-known protocol makes the server talk first (the guide: MySQL, SMTP, MongoDB…). */
export const serverFirstPorts: Record<number, string> = { 25: 'SMTP', 465: 'SMTPS', 587: 'SMTP', 3306: 'MySQL', 27017: 'MongoDB', 21: 'FTP', 110: 'POP3', 143: 'IMAP' };

/** Port-name words that declare a server-first protocol. */
export function serverFirstName(name: string | undefined): string | null {
  const w = (name ?? '').toLowerCase().split('-')[0] ?? '';
  if (w === 'mysql') return 'MySQL';
  if (w === 'mongo' || w === 'mongodb') return 'MongoDB';
  if (w === 'smtp') return 'SMTP';
  return null;
}
