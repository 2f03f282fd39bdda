// Small typed accessors over parsed JSON. Envoy's /config_dump is snake_case,
// `istioctl … -o json` is camelCase; every accessor takes the snake_case name
// and also finds the camelCase spelling, so both inputs read the same.

export type Obj = Record<string, unknown>;

const camelCache = new Map<string, string>();
function camel(snake: string): string {
  let c = camelCache.get(snake);
  if (c === undefined) {
    c = snake.replace(/_([a-z0-9])/g, (_, ch: string) => ch.toUpperCase());
    camelCache.set(snake, c);
  }
  return c;
}

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The field under its snake_case or camelCase name. */
export function field(o: unknown, snake: string): unknown {
  if (!isObj(o)) return undefined;
  const v = o[snake];
  return v !== undefined ? v : o[camel(snake)];
}

/** The key actually present (for JSON paths), snake_case when absent. */
export function keyOf(o: unknown, snake: string): string {
  if (isObj(o) && o[snake] === undefined && o[camel(snake)] !== undefined) return camel(snake);
  return snake;
}

export const obj = (o: unknown, snake: string): Obj | undefined => {
  const v = field(o, snake);
  return isObj(v) ? v : undefined;
};
export const arr = (o: unknown, snake: string): unknown[] => {
  const v = field(o, snake);
  return Array.isArray(v) ? v : [];
};
export const str = (o: unknown, snake: string): string => {
  const v = field(o, snake);
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
};
/** uint32/uint64 fields: numbers in Envoy's JSON, strings for 64-bit ones. */
export const num = (o: unknown, snake: string): number => {
  const v = field(o, snake);
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return Number(v);
  // wrapped values ({"value": 5}) appear for UInt32Value fields
  if (isObj(v) && typeof v.value === 'number') return v.value;
  return 0;
};

const segCache = new Map<string, string>();

/** Path segment for a key: `.key` when it is an identifier, else `["key"]`. */
export function seg(key: string | number): string {
  if (typeof key === 'number') return `[${key}]`;
  let s = segCache.get(key);
  if (s === undefined) {
    s = /^[A-Za-z_@][A-Za-z0-9_@]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
    // Keys of a config dump are a small set of field names; odd keys are not kept.
    if (segCache.size < 1000) segCache.set(key, s);
  }
  return s;
}

/** `type.googleapis.com/envoy.x.v3.Foo` → `envoy.x.v3.Foo`. */
export function typeName(any: unknown): string {
  const t = str(any, '@type');
  const slash = t.lastIndexOf('/');
  return slash >= 0 ? t.slice(slash + 1) : t;
}

/** Key of the upstream HTTP options in a cluster's typed extension options. */
const UPSTREAM_HTTP_OPTIONS = 'envoy.extensions.upstreams.http.v3.HttpProtocolOptions';

/** A cluster's upstream HTTP protocol options (the typed extension options Istio writes). */
export function upstreamHttpOptions(cluster: unknown): unknown {
  const extensions = obj(cluster, 'typed_extension_protocol_options');
  return obj(extensions, UPSTREAM_HTTP_OPTIONS);
}
