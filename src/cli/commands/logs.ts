// `opslab logs`: reads access logs of any supported format, streaming each
// file in chunks so a log of any size is read in constant memory.
import { createReadStream, statSync } from 'node:fs';
import { isAscii } from 'node:buffer';
import { Option, type Command } from 'commander';
import { AccessLogReader, type ReadResult } from '../../analyzer/accesslog/reader.ts';
import { Summarizer } from '../../analyzer/accesslog/diagnose.ts';
import { buildReport } from '../../analyzer/accesslog/analyze.ts';
import { summaryText, traceText } from '../../analyzer/accesslog/text.ts';
import { UsageError, type SetExit } from '../io.ts';

type Format = 'text' | 'json' | 'ndjson';

/**
 * Bytes per read. Small enough that a chunk's decoded text (one string) is
 * allocated in V8's young generation and dies there: 1 MB chunks went to the
 * large-object space and set off a full GC every few dozen chunks.
 */
const READ_CHUNK = 64 * 1024;

function openStream(path: string): NodeJS.ReadableStream {
  if (path === '-') return process.stdin;
  let st;
  try {
    st = statSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (err as Error).message}`);
  }
  if (st.isDirectory()) throw new UsageError(`${path}: is a directory`);
  return createReadStream(path, { highWaterMark: READ_CHUNK });
}

/**
 * Whole lines of UTF-8 to a string: most logs are pure ASCII, and Node's
 * SIMD ASCII check plus a latin1 copy is about twice as fast as UTF-8 decoding.
 */
export function decodeLines(bytes: Uint8Array): string {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return buf.toString(isAscii(buf) ? 'latin1' : 'utf8');
}

/** Reads one file through the reader, chunk by chunk. */
export async function streamFile(path: string, reader: AccessLogReader): Promise<ReadResult> {
  const stream = openStream(path);
  try {
    for await (const chunk of stream) reader.push(chunk as Uint8Array);
  } catch (err) {
    throw new UsageError(`${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return reader.end();
}

export function registerLogs(program: Command, setExit: SetExit): void {
  program
    .command('logs')
    .description('Read Envoy/Istio access logs (Istio TEXT of any version, Envoy default, JSON, or --log-format): summary, error groups, who answered, requests followed across proxies')
    .argument('<file...>', 'access log files ("-" for stdin); give the logs of several proxies to follow requests across them')
    .addOption(new Option('--format <format>', 'output: text summary, json summary, or ndjson entries').choices(['text', 'json', 'ndjson']).default('text'))
    .option('--log-format <format>', 'the Envoy format string (or json_format dictionary) the logs were written with')
    .option('--request-id <id>', 'follow this x-request-id across the given logs (repeatable)', (v: string, prev: string[]) => [...prev, v], [] as string[])
    .action(async (files: string[], opts: { format: Format; logFormat?: string; requestId: string[] }) => {
      const summary = new Summarizer({ follow: opts.requestId });
      const many = files.length > 1;
      const out = process.stdout;
      const reads: { file: string | null; result: ReadResult }[] = [];
      for (const file of files) {
        const name = file === '-' ? null : file;
        let buf = '';
        const reader = new AccessLogReader({
          format: opts.logFormat,
          decode: decodeLines,
          source: name ?? undefined,
          onEntry: (e, line) => {
            summary.add(e, line, name);
            if (opts.format === 'ndjson') {
              buf += JSON.stringify(many ? { ...e, line, file: name } : { ...e, line }) + '\n';
              if (buf.length > 1 << 16) {
                out.write(buf);
                buf = '';
              }
            }
          },
        });
        const result = await streamFile(file, reader);
        if (buf) out.write(buf);
        reads.push({ file: name, result });
      }
      if (summary.wantsEarlierLines(files.length)) {
        // Second pass: hops of failed requests logged before their first error (stdin cannot be read twice).
        for (const file of files.slice(0, -1)) {
          if (file === '-') continue;
          await streamFile(file, new AccessLogReader({ format: opts.logFormat, decode: decodeLines, onEntry: (e, line) => summary.addEarlier(e, line, file) }));
        }
      }
      const report = buildReport(summary.report(), reads);
      const empty = reads.filter((r) => r.result.entries === 0);
      if (opts.format === 'json') out.write(JSON.stringify(report, null, 2) + '\n');
      else if (opts.format === 'text') {
        const lines = opts.requestId.length ? report.requests.flatMap((t) => [...traceText(t), '']) : summaryText(report);
        if (opts.requestId.length && report.requests.length === 0) lines.push(`no line with x-request-id ${opts.requestId.join(', ')}`);
        out.write(lines.join('\n') + '\n');
      }
      if (empty.length) {
        const r = empty[0]!;
        process.stderr.write(`opslab: ${r.file ?? 'stdin'}: no access-log lines found (${r.result.lines} lines, ${r.result.skipped} skipped, ${r.result.problemCount} unreadable)\n`);
        setExit(2);
      }
    });
}
