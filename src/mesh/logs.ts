// Access-log lines in the mesh's configured format, written by the access-log
// module's own format code: Istio's default TEXT format (current releases,
// ≥ 1.23), a custom `accessLogFormat`, or JSON (`accessLogEncoding: JSON`).
import { compileFormat, renderEntry, STANDARD_KEYS, type AccessLogEntry, type CompiledFormat } from '../analyzer/accesslog/index.ts';
import { builtinFormat } from '../analyzer/accesslog/formats.ts';
import type { MeshSettings } from './scenario.ts';

/** The operators Istio's default JSON format logs (meshConfig `accessLogEncoding: JSON`). */
const ISTIO_JSON_KEYS = STANDARD_KEYS;

const cache = new Map<string, CompiledFormat>();

function formatFor(mesh: MeshSettings): CompiledFormat {
  const key = mesh.accessLogFormat;
  let f = cache.get(key);
  if (!f) {
    f = key ? compileFormat(key.endsWith('\n') ? key : key + '\n', 'custom') : builtinFormat('istio-1.23')!;
    cache.set(key, f);
  }
  return f;
}

/** One log line (without the trailing newline). */
export function renderLogLine(e: AccessLogEntry, mesh: MeshSettings): string {
  if (mesh.accessLogEncoding === 'JSON') {
    // Envoy writes the JSON format's keys sorted (a protobuf Struct); unset values are null.
    const out: Record<string, unknown> = {};
    for (const k of [...ISTIO_JSON_KEYS].sort()) {
      const v = e[k];
      out[k] = k === 'response_flags' ? (e.response_flags.length ? e.response_flags.join(',') : null) : v ?? null;
    }
    return JSON.stringify(out);
  }
  return renderEntry(e, formatFor(mesh)).replace(/\n$/, '');
}
