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
  /**
   * Decodes UTF-8 bytes that hold whole lines (a chunk is cut after its last
   * newline, so no character is ever split). Default: TextDecoder. Node passes
   * a faster one (see src/cli/commands/logs.ts).
   */
  decode?: (bytes: Uint8Array) => string;
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

const NEWLINE = 10;

export class AccessLogReader {
  private readonly decode: (bytes: Uint8Array) => string;
  /** Bytes after the last newline of the previous chunk (part of a line). */
  private restBytes: Uint8Array | null = null;
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
    if (opts.decode) this.decode = opts.decode;
    else {
      // ignoreBOM: a BOM is removed once, at the start of the input (feed), not at every chunk.
      const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
      this.decode = (bytes) => decoder.decode(bytes);
    }
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
    if (typeof chunk === 'string') {
      this.bytes += chunk.length;
      this.feed(chunk);
    } else {
      this.bytes += chunk.byteLength;
      this.pushBytes(chunk);
    }
    this.opts.onProgress?.({ bytes: this.bytes, lines: this.lineNo });
  }

  /**
   * Decodes only whole lines: the bytes after the last newline wait for the
   * next chunk. One decode per chunk, and a newline byte never sits inside a
   * multi-byte UTF-8 character, so no streaming decoder state is needed.
   */
  private pushBytes(chunk: Uint8Array): void {
    const last = chunk.lastIndexOf(NEWLINE);
    if (last === -1) {
      this.restBytes = this.restBytes ? concat(this.restBytes, chunk) : copy(chunk);
      return;
    }
    let from = 0;
    if (this.restBytes) {
      // The line that spans the two chunks, decoded on its own (a small copy).
      const nl = chunk.indexOf(NEWLINE);
      this.feed(this.decode(concat(this.restBytes, chunk.subarray(0, nl + 1))));
      this.restBytes = null;
      from = nl + 1;
    }
    if (from <= last) this.feed(this.decode(chunk.subarray(from, last + 1)));
    if (last + 1 < chunk.length) this.restBytes = copy(chunk.subarray(last + 1));
  }

  private atStart = true;

  private feed(text: string): void {
    if (this.atStart && text !== '') {
      // A byte order mark is not part of the first line.
      this.atStart = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
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
      if (!this.inPlace || !this.lineInPlace(text, start, nl)) this.line(text.slice(start, nl));
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    this.rest = text.slice(start);
  }

  /**
   * True while the last text line read cleanly: then the next line is first
   * tried in place, inside the chunk. A failed try may search past its line,
   * but never past the next clean line (it holds every literal of the format),
   * and after a failure lines are cut again until one reads cleanly.
   */
  private inPlace = false;

  /** The fast path on text[from, to) without cutting the line out; false: let line() read it. */
  private lineInPlace(text: string, from: number, to: number): boolean {
    const chosen = this.chosen;
    if (chosen === null || this.pending !== null || this.jsonBuf !== null) return false;
    if (text.charCodeAt(to - 1) === 13) to--;
    if (to <= from) return false;
    // The same tests as line() and looksLikeText(), at an offset.
    if (!this.userText) {
      if (text.charCodeAt(from) !== 91 /* [ */) return false;
      const d = text.charCodeAt(from + 1);
      if (d < 48 || d > 57) return false;
      const limit = Math.min(from + 64, to);
      let close = from + 1;
      while (close < limit && !(text.charCodeAt(close) === 93 && text.charCodeAt(close + 1) === 32)) close++;
      if (close >= limit || close + 2 >= to || text.charCodeAt(close + 2) !== 34) return false;
    } else {
      const c = text.charCodeAt(from);
      if (c === 123 /* { */ || c === 32) return false;
    }
    const entry = chosen.scanAt(text, from, to);
    if (entry === null) {
      this.inPlace = false;
      return false;
    }
    this.chosenUsed = true;
    this.emit(entry, ++this.lineNo);
    return true;
  }

  /** Ends the input; returns what was read. */
  end(): ReadResult {
    if (this.restBytes) {
      this.feed(this.decode(this.restBytes));
      this.restBytes = null;
    }
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
      this.inPlace = true;
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

/** A copy (a Node Buffer's own slice() would be a view of memory the stream reuses). */
const copy = (bytes: Uint8Array) => Uint8Array.prototype.slice.call(bytes);

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** Reads a whole text at once (tests, small inputs). */
export function readAccessLog(text: string, opts: Omit<ReadOptions, 'onEntry'> = {}): { entries: (AccessLogEntry & { line: number })[]; result: ReadResult } {
  const entries: (AccessLogEntry & { line: number })[] = [];
  const r = new AccessLogReader({ ...opts, onEntry: (e, line) => entries.push(Object.assign(e, { line })) });
  r.push(text);
  return { entries, result: r.end() };
}
