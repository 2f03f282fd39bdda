// Reads a curl command line into the request the simulator sends. Only the
// options a troubleshooting session uses; anything else is an error, as curl
// itself would report it.
import { scanOptions } from '../shell/options.ts';

export interface CurlRequest {
  method: string;
  url: string;
  scheme: 'http' | 'https';
  host: string;
  port: number;
  path: string;
  headers: [string, string][];
  body: string;
  verbose: boolean;
  silent: boolean;
  /** -S/--show-error: with -s, errors are still printed. */
  showError: boolean;
  include: boolean;
  head: boolean;
  fail: boolean;
  maxTimeMs: number | null;
  writeOut: string | null;
  output: string | null;
  /** --resolve HOST:PORT:ADDR: connect to ADDR for HOST:PORT (SNI and Host stay HOST). */
  resolve?: { host: string; port: number; ip: string };
  /**
   * --retry N (with --retry-delay, --retry-connrefused, --retry-all-errors). Plain --retry
   * only retries transient errors (timeouts, HTTP 408/429/500/502/503/504); a refused
   * connection is retried only with --retry-connrefused (curl 7.52) or --retry-all-errors.
   * Without --retry-delay curl waits 1 s, then doubles the wait each time.
   */
  retry?: { count: number; delayMs: number | null; connRefused: boolean; allErrors: boolean };
}

export type CurlParse = { ok: true; req: CurlRequest } | { ok: false; error: string; exitCode: number };

const SPEC = {
  // The --retry family has no short letters in curl; '!', '^', '@' and '%' only key them here.
  flags: 'vsSiIfLk@%',
  // --cacert is accepted and ignored (certificates are modelled by name only).
  values: 'XHdmwoARC!^',
  long: { request: 'X', header: 'H', data: 'd', 'data-raw': 'd', 'data-binary': 'd', 'max-time': 'm', 'write-out': 'w', output: 'o', 'user-agent': 'A', verbose: 'v', silent: 's', 'show-error': 'S', include: 'i', head: 'I', fail: 'f', location: 'L', insecure: 'k', resolve: 'R', cacert: 'C', retry: '!', 'retry-delay': '^', 'retry-connrefused': '@', 'retry-all-errors': '%' },
};

export function parseCurl(argv: string[]): CurlParse {
  const s = scanOptions(argv.slice(1), SPEC);
  if (!s.ok) return { ok: false, error: `curl: ${s.error}`, exitCode: 2 };
  const url = s.operands[0];
  if (!url) return { ok: false, error: 'curl: no URL specified!', exitCode: 2 };
  const m = /^(?:(https?):\/\/)?([^/:?#\s]+|\[[^\]]+\])(?::(\d+))?([^\s#]*)$/i.exec(url);
  if (!m) return { ok: false, error: `curl: (3) URL using bad/illegal format or missing URL`, exitCode: 3 };
  const scheme = (m[1] ?? 'http').toLowerCase() as 'http' | 'https';
  const body = (s.values.get('d') ?? []).join('&');
  const head = s.flags.has('I');
  const headers: [string, string][] = (s.values.get('H') ?? []).map((h) => {
    const i = h.indexOf(':');
    return i < 0 ? [h.trim(), ''] : [h.slice(0, i).trim(), h.slice(i + 1).trim()];
  });
  const ua = s.values.get('A')?.[0];
  if (ua !== undefined) headers.push(['User-Agent', ua]);
  const maxTime = s.values.get('m')?.[0];
  const req: CurlRequest = {
    method: (s.values.get('X')?.[0] ?? (head ? 'HEAD' : body ? 'POST' : 'GET')).toUpperCase(),
    url,
    scheme,
    host: m[2]!.toLowerCase(),
    port: m[3] ? Number(m[3]) : scheme === 'https' ? 443 : 80,
    path: m[4] ? (m[4].startsWith('/') ? m[4] : '/' + m[4]) : '/',
    headers,
    body,
    verbose: s.flags.has('v'),
    silent: s.flags.has('s'),
    showError: s.flags.has('S'),
    include: s.flags.has('i') || head,
    head,
    fail: s.flags.has('f'),
    maxTimeMs: maxTime !== undefined && Number.isFinite(Number(maxTime)) ? Math.round(Number(maxTime) * 1000) : null,
    writeOut: s.values.get('w')?.[0] ?? null,
    output: s.values.get('o')?.[0] ?? null,
  };
  const retries = s.values.get('!')?.[0];
  if (retries !== undefined) {
    const delay = s.values.get('^')?.[0];
    if (!/^\d+$/.test(retries)) return { ok: false, error: 'curl: option --retry: expected a proper numerical parameter', exitCode: 2 };
    if (delay !== undefined && !/^\d+$/.test(delay)) return { ok: false, error: 'curl: option --retry-delay: expected a proper numerical parameter', exitCode: 2 };
    req.retry = { count: Number(retries), delayMs: delay === undefined ? null : Number(delay) * 1000, connRefused: s.flags.has('@'), allErrors: s.flags.has('%') };
  }
  const res = s.values.get('R')?.[0];
  if (res !== undefined) {
    const rm = /^([^:]+):(\d+):(.+)$/.exec(res);
    if (!rm) return { ok: false, error: `curl: (49) Couldn't parse CURLOPT_RESOLVE entry '${res}'`, exitCode: 49 };
    req.resolve = { host: rm[1]!.toLowerCase(), port: Number(rm[2]), ip: rm[3]! };
  }
  return { ok: true, req };
}

/** The Host header curl sends: the one given with -H, else host[:port] from the URL. */
export function authorityOf(req: CurlRequest): string {
  const h = req.headers.find(([k]) => k.toLowerCase() === 'host');
  if (h) return h[1];
  const defaultPort = req.scheme === 'https' ? 443 : 80;
  return req.port === defaultPort ? req.host : `${req.host}:${req.port}`;
}
