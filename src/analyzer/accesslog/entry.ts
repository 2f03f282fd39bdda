// The normalized access-log entry (DESIGN.md, "Normalized access-log entry").
// Keys are Envoy command operators in lower case; `-` becomes null; numbers
// are numbers. Every entry carries all standard keys (null when the format
// does not log them), so consumers never have to test for presence.

export interface AccessLogEntry {
  start_time: string | null;
  method: string | null;
  path: string | null;
  protocol: string | null;
  response_code: number | null;
  /** Short codes (UF, URX…); empty when Envoy wrote `-`. */
  response_flags: string[];
  response_code_details: string | null;
  connection_termination_details: string | null;
  upstream_transport_failure_reason: string | null;
  bytes_received: number | null;
  bytes_sent: number | null;
  duration: number | null;
  upstream_service_time: number | null;
  x_forwarded_for: string | null;
  user_agent: string | null;
  request_id: string | null;
  authority: string | null;
  upstream_host: string | null;
  upstream_cluster: string | null;
  upstream_local_address: string | null;
  downstream_local_address: string | null;
  downstream_remote_address: string | null;
  requested_server_name: string | null;
  route_name: string | null;
  /** Other operators, as they appear in the format (e.g. `req(x-b3-traceid)`). */
  [other: string]: unknown;
}

export const STANDARD_KEYS = [
  'start_time',
  'method',
  'path',
  'protocol',
  'response_code',
  'response_flags',
  'response_code_details',
  'connection_termination_details',
  'upstream_transport_failure_reason',
  'bytes_received',
  'bytes_sent',
  'duration',
  'upstream_service_time',
  'x_forwarded_for',
  'user_agent',
  'request_id',
  'authority',
  'upstream_host',
  'upstream_cluster',
  'upstream_local_address',
  'downstream_local_address',
  'downstream_remote_address',
  'requested_server_name',
  'route_name',
] as const;

export type StandardKey = (typeof STANDARD_KEYS)[number];

/** Keys whose values are numbers. */
export const NUMERIC_KEYS: ReadonlySet<string> = new Set([
  'response_code',
  'bytes_received',
  'bytes_sent',
  'duration',
  'upstream_service_time',
  'request_duration',
  'response_duration',
  'request_tx_duration',
  'response_tx_duration',
  'upstream_request_attempt_count',
  'connection_id',
  'upstream_connection_id',
  'upstream_wire_bytes_sent',
  'upstream_wire_bytes_received',
  'downstream_wire_bytes_sent',
  'downstream_wire_bytes_received',
]);

/** Shared empty flag list: most lines have no flags, so no array is allocated for them. */
export const NO_FLAGS: string[] = Object.freeze([]) as unknown as string[];

export function emptyEntry(): AccessLogEntry {
  return {
    start_time: null,
    method: null,
    path: null,
    protocol: null,
    response_code: null,
    response_flags: NO_FLAGS,
    response_code_details: null,
    connection_termination_details: null,
    upstream_transport_failure_reason: null,
    bytes_received: null,
    bytes_sent: null,
    duration: null,
    upstream_service_time: null,
    x_forwarded_for: null,
    user_agent: null,
    request_id: null,
    authority: null,
    upstream_host: null,
    upstream_cluster: null,
    upstream_local_address: null,
    downstream_local_address: null,
    downstream_remote_address: null,
    requested_server_name: null,
    route_name: null,
  };
}

/** A line we could not read, with why. */
export interface LineProblem {
  line: number;
  reason: string;
  file?: string;
}

/** A TCP connection line: no HTTP method and no response code. */
export function isTcp(e: AccessLogEntry): boolean {
  const code = e.response_code;
  return (code === 0 || code === null) && e.method === null && e.path === null;
}
