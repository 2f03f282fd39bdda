// fast-check generators of access-log entries, shared by the property tests.
import fc from 'fast-check';

const word = fc.stringMatching(/^[A-Za-z0-9._:/|?=&;-]{1,24}$/).filter((s) => s !== '-' && !s.endsWith(';'));
const spaced = fc.stringMatching(/^[A-Za-z0-9 ()./;,-]{1,40}$/).filter((s) => s !== '-' && s.trim() === s && !s.includes('  '));
const num = fc.integer({ min: 0, max: 10_000_000 });
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: null });
const addr = fc.oneof(
  fc.tuple(fc.ipV4(), fc.integer({ min: 1, max: 65535 })).map(([ip, p]) => `${ip}:${p}`),
  fc.tuple(fc.ipV6(), fc.integer({ min: 1, max: 65535 })).map(([ip, p]) => `[${ip}]:${p}`),
);
const flagCodes = fc.subarray(['UH', 'UF', 'UO', 'NR', 'URX', 'NC', 'DC', 'UT', 'UC', 'UR', 'LR', 'RL', 'DPE', 'UPE', 'DR', 'UDO'], { minLength: 0, maxLength: 3 });

export const entry = fc.record({
  start_time: fc.date({ min: new Date('2000-01-01'), max: new Date('2099-01-01'), noInvalidDate: true }).map((d) => d.toISOString()),
  method: maybe(fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS')),
  path: maybe(fc.stringMatching(/^\/[A-Za-z0-9/._?=&%-]{0,40}$/)),
  protocol: maybe(fc.constantFrom('HTTP/1.1', 'HTTP/2', 'HTTP/1.0')),
  response_code: num.map((n) => n % 600),
  response_flags: flagCodes,
  response_code_details: maybe(word),
  connection_termination_details: maybe(word),
  upstream_transport_failure_reason: maybe(spaced),
  bytes_received: maybe(num),
  bytes_sent: maybe(num),
  duration: maybe(num),
  upstream_service_time: maybe(num),
  x_forwarded_for: maybe(spaced),
  user_agent: maybe(spaced),
  request_id: maybe(word),
  authority: maybe(word),
  upstream_host: maybe(addr),
  upstream_cluster: maybe(word),
  upstream_local_address: maybe(addr),
  downstream_local_address: maybe(addr),
  downstream_remote_address: maybe(addr),
  requested_server_name: maybe(word),
  route_name: maybe(word),
});
