// Reads a `mysql` client command line: only what reaching a server needs
// (host, port, connect timeout); user, password, database and -e are accepted.
import { scanOptions } from '../shell/options.ts';

export type MysqlParse = { ok: true; host: string; port: number; connectTimeoutMs: number } | { ok: false; error: string };

/** How long the simulator lets a silent connection wait when no --connect-timeout is given. */
export const DEFAULT_WAIT_MS = 30_000;

export function parseMysql(argv: string[]): MysqlParse {
  // -pSECRET (glued) is the password; a bare -p would prompt, which a script cannot answer.
  const args = argv.slice(1).filter((a) => !/^-p.+/.test(a) && !/^--password=/.test(a));
  const s = scanOptions(args, { flags: 'p', values: 'hPueDT', long: { host: 'h', port: 'P', user: 'u', execute: 'e', database: 'D', 'connect-timeout': 'T', password: 'p' } as Record<string, string> });
  if (!s.ok) return { ok: false, error: `mysql: ${s.error}` };
  const host = s.values.get('h')?.[0] ?? 'localhost';
  const port = Number(s.values.get('P')?.[0] ?? 3306);
  if (!Number.isInteger(port) || port <= 0) return { ok: false, error: `mysql: invalid port` };
  const t = s.values.get('T')?.[0];
  return { ok: true, host: host.toLowerCase(), port, connectTimeoutMs: t !== undefined && Number.isFinite(Number(t)) ? Number(t) * 1000 : DEFAULT_WAIT_MS };
}
