// JSON access logs: Istio's default keys (already our keys), any other keys
// (camelCase, dashes, common aliases), or the keys of a json_format
// dictionary the user gives us (`{"status":"%RESPONSE_CODE%", …}`).
import { emptyEntry, NO_FLAGS, NUMERIC_KEYS, type AccessLogEntry } from './entry.ts';
import { tokenize } from './format.ts';
import { parseFlags, toInt } from './scan.ts';

const ALIASES: Record<string, string> = {
  status: 'response_code',
  status_code: 'response_code',
  code: 'response_code',
  response_status: 'response_code',
  flags: 'response_flags',
  response_flag: 'response_flags',
  response_flags_long: 'response_flags',
  details: 'response_code_details',
  upstream_cluster_raw: 'upstream_cluster',
  cluster: 'upstream_cluster',
  x_request_id: 'request_id',
  requestid: 'request_id',
  x_forwarded_for: 'x_forwarded_for',
  xff: 'x_forwarded_for',
  useragent: 'user_agent',
  host: 'authority',
  start: 'start_time',
  timestamp: 'start_time',
  time: 'start_time',
  '@timestamp': 'start_time',
  sni: 'requested_server_name',
  route: 'route_name',
  upstream_service_time_ms: 'upstream_service_time',
  x_envoy_upstream_service_time: 'upstream_service_time',
  istio_policy_status: 'istio_policy_status',
};

const alias = (key: string): string | undefined => (Object.prototype.hasOwnProperty.call(ALIASES, key) ? ALIASES[key] : undefined);

/** camelCase / dashed / spaced key → our snake_case key. */
export function normalizeKey(key: string): string {
  const snake = key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9@]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return alias(snake) ?? snake;
}

/** Keys as logged → our keys; a log repeats the same few keys on every line. */
const keyCache = new Map<string, string>();

function entryKey(raw: string): string {
  let key = keyCache.get(raw);
  if (key === undefined) {
    key = alias(raw) ?? (/^[a-z_]+$/.test(raw) ? raw : normalizeKey(raw));
    if (keyCache.size < 10_000) keyCache.set(raw, key);
  }
  return key;
}

/** Builds key → entry key from a json_format dictionary given as --log-format. Null if it is not one. */
export function keysFromJsonFormat(source: string): Map<string, string> | null {
  let dict: unknown;
  try {
    dict = JSON.parse(source);
  } catch {
    return null;
  }
  if (!dict || typeof dict !== 'object' || Array.isArray(dict)) return null;
  const map = new Map<string, string>();
  for (const [k, v] of Object.entries(dict as Record<string, unknown>)) {
    if (typeof v !== 'string') continue;
    const toks = tokenize(v);
    const op = toks.length === 1 && 'op' in toks[0]! ? toks[0].op : null;
    map.set(k, op ? op.key : normalizeKey(k));
  }
  return map;
}

// Plain objects only: JSON.parse never builds anything else, and this keeps
// a hostile "__proto__" key from mattering.
const own = Object.prototype.hasOwnProperty;

/**
 * Turns one parsed JSON object into an entry. Returns null when the object
 * has none of the fields an access log has (an app's own JSON log line).
 */
export function entryFromJson(obj: Record<string, unknown>, keys?: Map<string, string>): AccessLogEntry | null {
  const e = emptyEntry();
  let signals = 0;
  for (const raw in obj) {
    if (!own.call(obj, raw)) continue;
    const key = keys?.get(raw) ?? entryKey(raw);
    if (key === '__proto__') continue;
    let v = obj[raw];
    if (v === '-' || v === undefined) v = null;
    if (key === 'response_flags') {
      if (Array.isArray(v)) e.response_flags = v.filter((x): x is string => typeof x === 'string');
      else e.response_flags = typeof v === 'string' ? (parseFlags(v) ?? [v]) : NO_FLAGS;
      signals++;
      continue;
    }
    if (NUMERIC_KEYS.has(key) && typeof v === 'string') {
      const n = toInt(v);
      v = n === n ? n : v;
    }
    if (key === 'response_code' || key === 'upstream_cluster' || key === 'downstream_remote_address') signals++;
    e[key] = v;
  }
  return signals > 0 ? e : null;
}
