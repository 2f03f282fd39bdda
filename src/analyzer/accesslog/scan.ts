// Reads one text line with a compiled format. A hand-rolled scanner rather than
// a regular expression: it jumps from literal to literal with indexOf, so the
// cost is linear in the line length, and it can be lenient where real logs
// are (missing protocol, missing or extra trailing fields, no timestamp).
import { emptyEntry, NO_FLAGS, type AccessLogEntry } from './entry.ts';
import type { CompiledFormat, Operator, Step } from './format.ts';
import { FLAG_BY_LONG_NAME } from './knowledge/flags.ts';
import { generateFastScan, type FastScan } from './codegen.ts';

/** Digits only → the number; anything else → NaN. */
export function toInt(s: string): number {
  const n = s.length;
  if (n === 0) return NaN;
  if (n > 15) return /^\d+$/.test(s) ? Number(s) : NaN;
  let v = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return NaN;
    v = v * 10 + c;
  }
  return v;
}

const FLAG_RE = /^[A-Z]{1,8}$/;

/** `UF,URX` → ['UF','URX']; long names are turned into short codes. Null when it is not a flag list. */
export function parseFlags(raw: string): string[] | null {
  if (raw === '-' || raw === '') return NO_FLAGS;
  const parts = raw.split(',');
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (FLAG_RE.test(p)) continue;
    const short = FLAG_BY_LONG_NAME.get(p);
    if (short === undefined) return null;
    parts[i] = short;
  }
  return parts;
}

function isUpperWord(s: string): boolean {
  if (s.length === 0 || s.length > 16) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 65 || c > 90) return false;
  }
  return true;
}

/** Index of the (skip+1)-th occurrence of `lit` from `from`, or -1. */
function find(line: string, lit: string, from: number, skip: number): number {
  let at = line.indexOf(lit, from);
  while (skip-- > 0 && at !== -1) at = line.indexOf(lit, at + lit.length);
  return at;
}

/**
 * Scans lines of one format. After `scan`, `issues` counts what did not fit
 * (0 = the line is exactly this format) and `reason` says the first of them.
 */
export class TextScanner {
  issues = 0;
  reason = '';
  /** How many steps of the format the last line reached (fewer: it ended early). */
  reached = 0;
  private readonly altStart: string;
  private readonly fast: FastScan | null;

  constructor(readonly format: CompiledFormat, opts: { fast?: boolean } = {}) {
    this.fast = opts.fast === false ? null : generateFastScan(format, { toInt, parseFlags, isUpperWord });
    // Without a leading "[%START_TIME%] ", a line starts where the literal after it does.
    const first = format.steps[0];
    const startsWithTime = first && first.ops.length === 1 && first.ops[0]!.kind === 'time' && format.prefix !== '';
    this.altStart = startsWithTime ? first.term.slice(first.term.indexOf(' ') + 1) : '';
  }

  private note(reason: string): void {
    if (this.issues++ === 0) this.reason = reason;
  }

  private set(entry: AccessLogEntry, op: Operator, raw: string): void {
    if (raw === '-' || (raw === '' && op.kind !== 'str')) {
      if (op.kind === 'flags') entry.response_flags = NO_FLAGS;
      else entry[op.key] = null;
      return;
    }
    switch (op.kind) {
      case 'int': {
        const n = toInt(raw);
        if (n !== n) {
          this.note(`${op.key}: expected a number, got "${raw.slice(0, 40)}"`);
          entry[op.key] = null;
        } else entry[op.key] = n;
        return;
      }
      case 'flags': {
        const flags = parseFlags(raw);
        if (flags === null) {
          this.note(`response_flags: "${raw.slice(0, 40)}" is not a list of response flags`);
          entry.response_flags = NO_FLAGS;
        } else entry.response_flags = flags;
        return;
      }
      case 'method':
        if (!isUpperWord(raw)) this.note(`method: "${raw.slice(0, 40)}" is not an HTTP method`);
        entry[op.key] = raw;
        return;
      case 'time': {
        const c = raw.charCodeAt(0);
        if (c < 48 || c > 57) this.note(`start_time: "${raw.slice(0, 40)}" is not a time`);
        entry[op.key] = raw;
        return;
      }
      default:
        // Istio 1.23.0–1.23.3 could log a cluster with its stats name's trailing ';'.
        if (op.key === 'upstream_cluster' && raw.charCodeAt(raw.length - 1) === 59) raw = raw.slice(0, -1);
        entry[op.key] = raw;
    }
  }

  /**
   * The fast path only, on text[from, to) (a line inside a larger text): the
   * entry when the line is exactly this format, else null (then `scan` the line).
   */
  scanAt(text: string, from: number, to: number): AccessLogEntry | null {
    const e = this.fast === null ? null : this.fast(text, from, to);
    if (e !== null) {
      this.issues = 0;
      this.reason = '';
      this.reached = this.format.steps.length;
    }
    return e;
  }

  /** The entry, or null when the line is not in this format at all (see `reason`). */
  scan(line: string): AccessLogEntry | null {
    this.issues = 0;
    this.reason = '';
    this.reached = this.format.steps.length;
    if (this.fast !== null) {
      const e = this.fast(line, 0, line.length);
      if (e !== null) return e;
    }
    const f = this.format;
    const steps = f.steps;
    let pos = 0;
    let s = 0;
    if (f.prefix !== '' && !line.startsWith(f.prefix)) {
      if (this.altStart !== '' && line.startsWith(this.altStart)) {
        pos = this.altStart.length;
        s = 1;
      } else {
        // `kubectl logs --timestamps` puts its own time before the line.
        const at = /^\d{4}-\d\d-\d\dT\S+ /.test(line) ? line.indexOf(' ' + f.prefix) : -1;
        if (at === -1 || at > 40) {
          this.reason = `does not start with ${JSON.stringify(f.prefix)}`;
          return null;
        }
        pos = at + 1 + f.prefix.length;
      }
    } else pos = f.prefix.length;
    const entry = emptyEntry();
    const len = line.length;
    for (; s < steps.length; s++) {
      const step: Step = steps[s]!;
      // Past the end: fields the line does not have (noted once).
      if (pos >= len) {
        if (pos === len) this.note(`line ends before ${step.ops[0]!.key}`);
        if (this.reached === steps.length) this.reached = s;
        pos = len + 1;
        continue;
      }
      const last = s === steps.length - 1;
      if (step.ops.length === 1) {
        const op = step.ops[0]!;
        let end: number;
        if (step.term !== '') {
          end = find(line, step.term, pos, step.skip);
          if (end === -1) {
            // Fewer fields than the format has: take this one and leave the rest null.
            if (step.enclosed) {
              this.reason ||= `no ${JSON.stringify(step.term)} after ${op.key}`;
              if (s < 2) return null;
            }
            const sp = step.enclosed ? -1 : line.indexOf(' ', pos);
            end = sp === -1 ? len : sp;
            this.note(`line ends before the field after ${op.key}`);
            this.reached = s + 1;
            this.set(entry, op, line.slice(pos, end));
            pos = len + 1;
            continue;
          }
        } else if (step.enclosed) {
          end = len;
        } else {
          // The last bare field: anything after a space is an extra field.
          end = line.indexOf(' ', pos);
          if (end === -1) end = len;
          else if (last) this.note(`extra text after ${op.key}`);
        }
        this.set(entry, op, line.slice(pos, end));
        pos = end + step.term.length;
        continue;
      }
      // A quoted group such as the request line "METHOD PATH PROTOCOL".
      let gEnd = step.term !== '' ? line.indexOf(step.term, pos) : len;
      if (gEnd === -1) {
        if (step.term.trim() === '"' && line.endsWith('"')) gEnd = len - 1;
        else {
          this.reason = `no closing ${JSON.stringify(step.term.trim())} after ${step.ops.map((o) => o.key).join(' ')}`;
          return null;
        }
      }
      this.group(entry, line, step, pos, gEnd);
      pos = gEnd + step.term.length;
    }
    return entry;
  }

  /** Splits a group from both ends: first part from the left, last from the right. */
  private group(entry: AccessLogEntry, line: string, step: Step, from: number, to: number): void {
    const ops = step.ops;
    const k = ops.length;
    let a = from;
    for (let i = 0; i < k - 1; i++) {
      const sep = step.seps[i]!;
      if (i === k - 2) {
        const b = line.lastIndexOf(sep, to - 1);
        if (b < a || b + sep.length > to) {
          // A missing part (e.g. "POST /foo" without protocol): the rest stays null.
          this.set(entry, ops[i]!, line.slice(a, to));
          return;
        }
        this.set(entry, ops[i]!, line.slice(a, b));
        this.set(entry, ops[k - 1]!, line.slice(b + sep.length, to));
        return;
      }
      const b = line.indexOf(sep, a);
      if (b === -1 || b + sep.length > to) {
        this.set(entry, ops[i]!, line.slice(a, to));
        return;
      }
      this.set(entry, ops[i]!, line.slice(a, b));
      a = b + sep.length;
    }
    this.set(entry, ops[k - 1]!, line.slice(a, to));
  }
}
