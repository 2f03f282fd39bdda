// The text formats we recognise without being told: Istio's default TEXT
// format through its versions, and Envoy's own default. Listed newest first:
// when two formats read a file equally well, the first one wins.
import { compileFormat, type CompiledFormat } from './format.ts';

const REQUEST = `[%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%" %RESPONSE_CODE% %RESPONSE_FLAGS%`;
const TIMES = `%BYTES_RECEIVED% %BYTES_SENT% %DURATION% %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% "%REQ(X-FORWARDED-FOR)%" "%REQ(USER-AGENT)%" "%REQ(X-REQUEST-ID)%" "%REQ(:AUTHORITY)%" "%UPSTREAM_HOST%"`;
const ADDRESSES = `%UPSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_REMOTE_ADDRESS% %REQUESTED_SERVER_NAME%`;
const MIXER = `"%DYNAMIC_METADATA(istio.mixer:status)%"`;
const DETAILS = `%RESPONSE_CODE_DETAILS% %CONNECTION_TERMINATION_DETAILS%`;
const UTFR = `"%UPSTREAM_TRANSPORT_FAILURE_REASON%"`;

export interface BuiltinFormat {
  id: string;
  /** Which proxies write it. */
  label: string;
  source: string;
}

export const BUILTIN_FORMATS: BuiltinFormat[] = [
  { id: 'istio-1.23', label: 'Istio ≥ 1.23 TEXT (UPSTREAM_CLUSTER_RAW)', source: `${REQUEST} ${DETAILS} ${UTFR} ${TIMES} %UPSTREAM_CLUSTER_RAW% ${ADDRESSES} %ROUTE_NAME%\n` },
  { id: 'istio-1.9', label: 'Istio 1.9–1.22 TEXT (response code details)', source: `${REQUEST} ${DETAILS} ${UTFR} ${TIMES} %UPSTREAM_CLUSTER% ${ADDRESSES} %ROUTE_NAME%\n` },
  { id: 'istio-1.8', label: 'Istio 1.8 TEXT (no mixer status)', source: `${REQUEST} ${UTFR} ${TIMES} %UPSTREAM_CLUSTER% ${ADDRESSES} %ROUTE_NAME%\n` },
  { id: 'istio-1.3', label: 'Istio 1.3–1.7 TEXT (mixer status, route name)', source: `${REQUEST} ${MIXER} ${UTFR} ${TIMES} %UPSTREAM_CLUSTER% ${ADDRESSES} %ROUTE_NAME%\n` },
  { id: 'istio-1.2', label: 'Istio 1.2 TEXT (mixer status, transport failure reason)', source: `${REQUEST} ${MIXER} ${UTFR} ${TIMES} %UPSTREAM_CLUSTER% ${ADDRESSES}\n` },
  { id: 'istio-1.1', label: 'Istio 1.1 TEXT (mixer status)', source: `${REQUEST} ${MIXER} ${TIMES} %UPSTREAM_CLUSTER% ${ADDRESSES}\n` },
  { id: 'envoy', label: "Envoy's default format", source: `${REQUEST} ${TIMES}\n` },
];

let compiled: CompiledFormat[] | null = null;

/** The built-in formats, compiled once. */
export function builtinFormats(): CompiledFormat[] {
  compiled ??= BUILTIN_FORMATS.map((f) => compileFormat(f.source, f.id));
  return compiled;
}

export function builtinFormat(id: string): CompiledFormat | undefined {
  return builtinFormats().find((f) => f.name === id);
}
