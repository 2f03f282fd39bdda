// Access-log parse + summary throughput on generated 1,000,000-line logs
// (Istio TEXT and JSON), side by side, in the same run, with what a user would
// run instead: `wc -l` (the floor: just counting lines), awk and jq counting
// lines by response flag.
import { createWriteStream, existsSync, mkdirSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AccessLogReader } from '../../src/analyzer/accesslog/reader.ts';
import { Summarizer } from '../../src/analyzer/accesslog/diagnose.ts';
import { decodeLines, streamFile } from '../../src/cli/commands/logs.ts';

const LINES = 1_000_000;
const dir = join(dirname(fileURLToPath(import.meta.url)), '.data');

const FLAVOURS = [
  { code: 200, flags: '-', details: 'via_upstream' },
  { code: 503, flags: 'UF,URX', details: 'upstream_reset_before_response_started{connection_failure}' },
  { code: 404, flags: 'NR', details: 'route_not_found' },
  { code: 504, flags: 'UT', details: 'response_timeout' },
  { code: 503, flags: 'UC', details: 'upstream_reset_before_response_started{connection_termination}' },
];

function pick(i: number) {
  const r = (i * 2654435761) % 1000; // deterministic spread
  if (r < 930) return FLAVOURS[0]!;
  return FLAVOURS[1 + (r % 4)]!;
}

async function write(path: string, line: (i: number) => string): Promise<void> {
  if (existsSync(path) && statSync(path).size > 0) return;
  mkdirSync(dir, { recursive: true });
  const out = createWriteStream(path);
  let buf = '';
  for (let i = 0; i < LINES; i++) {
    buf += line(i) + '\n';
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await new Promise<void>((r) => out.once('drain', () => r()));
      buf = '';
    }
  }
  out.write(buf);
  await new Promise<void>((r) => out.end(r));
}

const hex = (i: number) => (0x10000000 + i).toString(16);
const textLine = (i: number) => {
  const f = pick(i);
  const ts = `2024-06-11T08:${String((i / 60000) % 60 | 0).padStart(2, '0')}:${String((i / 1000) % 60 | 0).padStart(2, '0')}.${String(i % 1000).padStart(3, '0')}Z`;
  if (i % 97 === 0) return `[${ts}] "- - -" 0 - - - "-" ${i % 5000} ${i % 7000} ${i % 60000} - "-" "-" "-" "-" "10.42.7.${i % 250}:5432" outbound|5432||pg.db.svc.cluster.local 10.42.1.9:${20000 + (i % 40000)} 10.96.50.5:5432 10.42.1.9:${10000 + (i % 50000)} - -`;
  return `[${ts}] "GET /api/v1/items/${i % 5000}?page=${i % 7} HTTP/1.1" ${f.code} ${f.flags} ${f.details} - "-" 0 ${(i * 7) % 9000} ${i % 300} ${f.code === 200 ? i % 290 : '-'} "-" "okhttp/4.12.0" "${hex(i)}-5b1d-4a44-9d0e-6b2c1f7a8e01" "items.shop.svc.cluster.local:8080" "10.42.3.${i % 250}:8080" outbound|8080|v${(i % 3) + 1}|items.shop.svc.cluster.local 10.42.1.9:${20000 + (i % 40000)} 10.96.12.40:8080 10.42.1.9:${10000 + (i % 50000)} - default`;
};
const jsonLine = (i: number) => {
  const f = pick(i);
  return JSON.stringify({
    authority: 'items.shop.svc.cluster.local:8080', bytes_received: 0, bytes_sent: (i * 7) % 9000, connection_termination_details: null,
    downstream_local_address: '10.96.12.40:8080', downstream_remote_address: `10.42.1.9:${10000 + (i % 50000)}`, duration: i % 300,
    method: 'GET', path: `/api/v1/items/${i % 5000}`, protocol: 'HTTP/1.1', request_id: `${hex(i)}-5b1d-4a44-9d0e-6b2c1f7a8e01`,
    requested_server_name: null, response_code: f.code, response_code_details: f.details, response_flags: f.flags, route_name: 'default',
    start_time: '2024-06-11T08:15:02.114Z', upstream_cluster: `outbound|8080|v${(i % 3) + 1}|items.shop.svc.cluster.local`, upstream_host: `10.42.3.${i % 250}:8080`,
    upstream_local_address: `10.42.1.9:${20000 + (i % 40000)}`, upstream_service_time: f.code === 200 ? i % 290 : null,
    upstream_transport_failure_reason: null, user_agent: 'okhttp/4.12.0', x_forwarded_for: null,
  });
};

function tool(label: string, cmd: string, bytes: number): { label: string; seconds: number; out: string } {
  const t0 = performance.now();
  const r = spawnSync('sh', ['-c', cmd], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) return { label: `${label} (failed: ${(r.stderr || '').trim().slice(0, 80)})`, seconds: NaN, out: '' };
  void bytes;
  return { label, seconds, out: r.stdout.trim() };
}

async function ours(path: string): Promise<{ seconds: number; entries: number; flags: Record<string, number> }> {
  const t0 = performance.now();
  const summary = new Summarizer();
  const reader = new AccessLogReader({ source: path, decode: decodeLines, onEntry: (e, line) => summary.add(e, line, path) });
  const result = await streamFile(path, reader);
  const report = summary.report();
  return { seconds: (performance.now() - t0) / 1000, entries: result.entries, flags: report.by_flag };
}

function row(label: string, seconds: number, bytes: number): string {
  const lps = LINES / seconds;
  return `  ${label.padEnd(44)} ${seconds.toFixed(2).padStart(6)} s  ${(lps / 1e6).toFixed(2).padStart(6)} M lines/s  ${(bytes / seconds / 1e6).toFixed(0).padStart(5)} MB/s`;
}

export default async function bench(): Promise<void> {
  const textPath = join(dir, 'accesslog-istio-1m.txt');
  const jsonPath = join(dir, 'accesslog-json-1m.txt');
  await write(textPath, textLine);
  await write(jsonPath, jsonLine);
  const hasJq = spawnSync('sh', ['-c', 'command -v jq']).status === 0;
  for (const [name, path, other] of [
    ['Istio TEXT', textPath, `awk '{c[$6]++} END {for (k in c) print c[k], k}' ${textPath}`],
    ['JSON', jsonPath, hasJq ? `jq -n -r 'reduce inputs as $e ({}; .[$e.response_flags // "-"] += 1) | to_entries[] | "\\(.value) \\(.key)"' ${jsonPath}` : ''],
  ] as const) {
    const bytes = statSync(path).size;
    console.log(`${name}: ${LINES.toLocaleString('en')} lines, ${(bytes / 1e6).toFixed(0)} MB (${path})`);
    const wc = tool('wc -l (floor)', `wc -l < ${path}`, bytes);
    console.log(row(wc.label, wc.seconds, bytes));
    // Two runs: the first warms up the JIT and the page cache.
    await ours(path);
    const r = await ours(path);
    console.log(row('opslab parse + summary (streamed)', r.seconds, bytes));
    if (other) {
      const o = tool(name === 'JSON' ? 'jq: count by response_flags' : 'awk: count by response_flags ($6)', other, bytes);
      console.log(row(o.label, o.seconds, bytes));
      console.log(`    opslab flags: ${JSON.stringify(r.flags)}`);
      console.log(`    ${name === 'JSON' ? 'jq' : 'awk'} flags:    ${o.out.split('\n').join('  ')}`);
    } else console.log('  (jq not installed)');
    if (r.entries !== LINES) console.log(`  !! read ${r.entries} entries, expected ${LINES}`);
  }
}
