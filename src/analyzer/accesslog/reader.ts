// Streaming reader: feed it chunks (strings or bytes) as they arrive, get
// normalized entries through a callback. It never holds more than one line
// (plus a few dozen lines while it guesses the format), so a 1 GB log is read
// in constant memory, in a browser worker or in Node alike.
import type { AccessLogEntry, LineProblem } from './entry.ts';
import { compileFormat, type CompiledFormat } from './format.ts';
import { builtinFormats } from './formats.ts';
import { entryFromJson, keysFromJsonFormat } from './json.ts';
import { TextScanner } from './scan.ts';

export interface ReadOptions {
  /** An Envoy format string, or a json_format dictionary as JSON, when the log is not a built-in format. */
  format?: string;
  /** File name, recorded with problems. */
  source?: string;
  /** Called for every entry, with its 1-based line number. */
  onEntry?: (entry: AccessLogEntry, line: number) => void;
  /** Called after each chunk. */
  onProgress?: (progress: { bytes: number; lines: number }) => void;
  /** At most this many problems are kept (all are counted). Default 1000. */
  maxProblems?: number;
}

export interface ReadResult {
  /** Id of the text format used (`istio-1.23`, `envoy`, `custom`…), `json`, both joined by `+`, or null. */
  format: string | null;
  lines: number;
  entries: number;
  /** Lines that are not access-log lines (an app's output between them, Envoy's own log…). */
  skipped: number;
  /** Lines that look like access-log lines but could not be read. */
  problems: LineProblem[];
  problemCount: number;
  bytes: number;
}

/** How many text lines are looked at before a built-in format is chosen. */
const DETECT_LINES = 50;
const MAX_JSON_LINES = 500;

const KUBECTL_TIME = /^\d{4}-\d\d-\d\dT[0-9:.]+(Z|[+-]\d\d:\d\d) \[/;

/** Cheap test: could this line be an access-log line of a built-in text format? */
function looksLikeText(line: string): boolean {
  const c = line.charCodeAt(0);
  if (c === 91 /* [ */) {
    const d = line.charCodeAt(1);
    if (d < 48 || d > 57) return false;
    const close = line.indexOf('] ');
    return close > 0 && close < 64 && line.charCodeAt(close + 2) === 34; /* " */
  }
  if (c === 34 /* " */) return /^"(?:[A-Z]{1,16}|-) /.test(line);
  if (c >= 48 && c <= 57 && KUBECTL_TIME.test(line)) {
    // `kubectl logs --timestamps`: "2024-…Z [2024-…] "GET …"
    return looksLikeText(line.slice(line.indexOf(' [') + 1));
  }
  return false;
}

export class AccessLogReader {
  private readonly decoder = new TextDecoder('utf-8');
  private rest = '';
  private lineNo = 0;
  private bytes = 0;
  private entries = 0;
  private skipped = 0;
  private problemCount = 0;
  private readonly problems: LineProblem[] = [];
  private readonly maxProblems: number;
  private readonly userText: TextScanner | null = null;
  private readonly jsonKeys: Map<string, string> | undefined;
  private scanners: TextScanner[];
  private chosen: TextScanner | null = null;
  private pending: { line: string; no: number }[] | null = [];
  private sawJson = false;
  private jsonBuf: string[] | null = null;
  private jsonStart = 0;

  constructor(private readonly opts: ReadOptions = {}) {
    this.maxProblems = opts.maxProblems ?? 1000;
    const fmt = opts.format?.trim();
    if (fmt) {
      const keys = fmt.startsWith('{') ? keysFromJsonFormat(fmt) : null;
      if (keys) this.jsonKeys = keys;
      else this.userText = new TextScanner(compileFormat(fmt, 'custom'));
    }
    this.scanners = this.userText ? [this.userText] : builtinFormats().map((f: CompiledFormat) => new TextScanner(f));
    if (this.userText) {
      this.chosen = this.userText;
      this.pending = null;
    }
  }

  /** Feeds the next piece of the input. */
  push(chunk: string | Uint8Array): void {
    let text: string;
    if (typeof chunk === 'string') {
      text = chunk;
      this.bytes += chunk.length;
    } else {
      text = this.decoder.decode(chunk, { stream: true });
      this.bytes += chunk.byteLength;
    }
    this.feed(text);
    this.opts.onProgress?.({ bytes: this.bytes, lines: this.lineNo });
  }

  private feed(text: string): void {
    let start = 0;
    let nl = text.indexOf('\n');
    if (nl === -1) {
      this.rest += text;
      return;
    }
    if (this.rest !== '') {
      this.line(this.rest + text.slice(0, nl));
      this.rest = '';
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    while (nl !== -1) {
      this.line(text.slice(start, nl));
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    this.rest = text.slice(start);
  }

  /** Ends the input; returns what was read. */
  end(): ReadResult {
    const tail = this.decoder.decode();
    if (tail) this.feed(tail);
    if (this.rest !== '') {
      this.line(this.rest);
      this.rest = '';
    }
    if (this.jsonBuf) {
      this.problem(this.jsonStart, 'a JSON object that never closes');
      this.jsonBuf = null;
    }
    this.decide();
    this.opts.onProgress?.({ bytes: this.bytes, lines: this.lineNo });
    const text = this.chosen && (this.chosen === this.userText || this.chosenUsed) ? this.chosen.format.name : null;
    const format = [text, this.sawJson ? 'json' : null].filter(Boolean).join('+') || null;
    return { format, lines: this.lineNo, entries: this.entries, skipped: this.skipped, problems: this.problems, problemCount: this.problemCount, bytes: this.bytes };
  }

  private chosenUsed = false;

  private problem(line: number, reason: string): void {
    this.problemCount++;
    if (this.problems.length < this.maxProblems) this.problems.push(this.opts.source ? { line, reason, file: this.opts.source } : { line, reason });
  }

  private emit(entry: AccessLogEntry, no: number): void {
    this.entries++;
    this.opts.onEntry?.(entry, no);
  }

  private line(line: string): void {
    const no = ++this.lineNo;
    if (line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
    if (this.jsonBuf) return this.jsonContinue(line, no);
    const c = line.charCodeAt(0);
    if (c === 123 /* { */ || (c === 32 && line.trimStart().startsWith('{'))) return this.json(line, no);
    if (line.length === 0) return;
    if (this.userText) return this.text(line, no);
    if (!looksLikeText(line)) {
      this.skipped++;
      return;
    }
    if (this.pending) {
      this.pending.push({ line, no });
      if (this.pending.length >= DETECT_LINES) this.decide();
      return;
    }
    this.text(line, no);
  }

  /** Picks the built-in format that reads the first lines best, then reads them. */
  private decide(): void {
    const pending = this.pending;
    if (!pending) return;
    this.pending = null;
    if (pending.length === 0) return;
    let best = this.scanners[0]!;
    let bestScore = Infinity;
    for (const sc of this.scanners) {
      let score = 0;
      for (const p of pending) score += sc.scan(p.line) === null ? 100 : sc.issues;
      if (score < bestScore) {
        bestScore = score;
        best = sc;
      }
    }
    this.chosen = best;
    // Keep the chosen one first so the per-line fallback tries it first.
    this.scanners = [best, ...this.scanners.filter((s) => s !== best)];
    for (const p of pending) this.text(p.line, p.no);
  }

  private text(line: string, no: number): void {
    const first = this.chosen!;
    let entry = first.scan(line);
    if (entry !== null && first.issues === 0) {
      this.chosenUsed = true;
      return this.emit(entry, no);
    }
    // Not a clean read: another era's format may fit this line better.
    let issues = entry === null ? Infinity : first.issues;
    let reason = first.reason;
    let reached = first.reached / first.format.steps.length;
    for (let i = 1; i < this.scanners.length && issues > 0; i++) {
      const sc = this.scanners[i]!;
      const e = sc.scan(line);
      if (e !== null && sc.issues < issues) {
        entry = e;
        issues = sc.issues;
        reason = sc.reason;
        reached = sc.reached / sc.format.steps.length;
      }
    }
    if (entry === null) {
      if (this.userText && !line.startsWith(first.format.prefix)) this.skipped++;
      else this.problem(no, reason);
      return;
    }
    // Lenient, but not blind: a line that fits nowhere in several places is not read.
    if (issues > 2 || reached < 0.6) return this.problem(no, reason);
    this.chosenUsed = true;
    this.emit(entry, no);
  }

  private json(line: string, no: number): void {
    const t = line.trim();
    if (t === '{') {
      // A pretty-printed object (as pasted in docs): gather it.
      this.jsonBuf = [t];
      this.jsonStart = no;
      return;
    }
    let obj: unknown;
    try {
      obj = JSON.parse(t);
    } catch (err) {
      this.problem(no, `not valid JSON: ${(err as Error).message.slice(0, 80)}`);
      return;
    }
    this.jsonObject(obj, no);
  }

  private jsonContinue(line: string, no: number): void {
    const buf = this.jsonBuf!;
    buf.push(line);
    if (!line.trimStart().startsWith('}')) {
      if (buf.length > MAX_JSON_LINES) {
        this.problem(this.jsonStart, `a JSON object longer than ${MAX_JSON_LINES} lines`);
        this.jsonBuf = null;
      }
      return;
    }
    let obj: unknown;
    try {
      obj = JSON.parse(buf.join('\n'));
    } catch {
      return; // a nested object closed; keep gathering
    }
    this.jsonBuf = null;
    this.jsonObject(obj, this.jsonStart);
    void no;
  }

  private jsonObject(obj: unknown, no: number): void {
    if (!obj || typeof obj !== 'object' || Array.isArray(obj)) {
      this.skipped++;
      return;
    }
    const entry = entryFromJson(obj as Record<string, unknown>, this.jsonKeys);
    if (entry === null) {
      this.skipped++;
      return;
    }
    this.sawJson = true;
    this.emit(entry, no);
  }
}

/** Reads a whole text at once (tests, small inputs). */
export function readAccessLog(text: string, opts: Omit<ReadOptions, 'onEntry'> = {}): { entries: (AccessLogEntry & { line: number })[]; result: ReadResult } {
  const entries: (AccessLogEntry & { line: number })[] = [];
  const r = new AccessLogReader({ ...opts, onEntry: (e, line) => entries.push(Object.assign(e, { line })) });
  r.push(text);
  return { entries, result: r.end() };
}
