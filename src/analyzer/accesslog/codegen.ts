// The fast path of the text scanner: straight-line JavaScript generated from
// a compiled format (one indexOf per literal, one object literal per entry).
// It only handles lines that fit the format exactly and answers null for
// anything else, which the interpreted scanner in scan.ts then reads with all
// its leniency and reasons.
// It reads the line text[from, to) in place, so the reader can scan a whole
// decoded chunk without cutting a string per line first (a line cut from a
// chunk is a "sliced" string, measurably slower to search than the chunk).
// Where code generation is forbidden (a strict Content-Security-Policy), we
// simply stay on the interpreter.
import { NO_FLAGS, STANDARD_KEYS, type AccessLogEntry } from './entry.ts';
import type { CompiledFormat, Operator } from './format.ts';

/** Reads text[from, to) as one line of the format; null if it is not exactly that. */
export type FastScan = (text: string, from: number, to: number) => AccessLogEntry | null;

/** Digits only (1–15 of them) in text[from, to) → the number; anything else → NaN. */
export function intAt(text: string, from: number, to: number): number {
  if (to <= from || to - from > 15) return NaN;
  let v = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return NaN;
    v = v * 10 + c;
  }
  return v;
}

type Helpers = {
  toInt: (s: string) => number;
  parseFlags: (s: string) => string[] | null;
  isUpperWord: (s: string) => boolean;
};

const q = (s: string) => JSON.stringify(s);

export function generateFastScan(fmt: CompiledFormat, helpers: Helpers): FastScan | null {
  if (fmt.steps.length === 0 || fmt.steps.some((s) => s.skip > 0)) return null;
  if (fmt.ops.some((o) => o.key === '__proto__')) return null;
  const lines: string[] = ['var pos = from, end = 0, a = 0, b = 0;'];
  if (fmt.prefix) lines.push(`if (!line.startsWith(${q(fmt.prefix)}, from) || from + ${fmt.prefix.length} > to) return null; pos = from + ${fmt.prefix.length};`);
  const locals: { op: Operator; v: string }[] = [];
  /** Locals that already hold their final value (numbers read in place). */
  const converted = new Set<string>();
  const local = (op: Operator) => {
    const v = 'v' + locals.length;
    locals.push({ op, v });
    lines.push(`var ${v};`);
    return v;
  };
  // A literal found past the line's end belongs to a later line: not found.
  const find = (term: string, at: string) => `line.indexOf(${q(term)}, ${at}); if (end < 0 || end + ${term.length} > to) return null;`;
  fmt.steps.forEach((step, si) => {
    const last = si === fmt.steps.length - 1;
    if (step.ops.length === 1) {
      const v = local(step.ops[0]!);
      if (step.term && step.ops[0]!.kind === 'int') {
        // A number is read where it stands: no string is cut for it.
        converted.add(v);
        lines.push(`end = ${find(step.term, 'pos')} ${v} = end - pos === 1 && line.charCodeAt(pos) === 45 ? null : intAt(line, pos, end); if (${v} !== ${v}) return null; pos = end + ${step.term.length};`);
      } else if (step.term) {
        lines.push(`end = ${find(step.term, 'pos')} ${v} = line.slice(pos, end); pos = end + ${step.term.length};`);
      } else {
        // The last field: the line must not end before it (nor, bare, hold a space).
        const bare = !step.enclosed && last ? ` || ((b = line.indexOf(' ', pos)) >= 0 && b < to)` : '';
        lines.push(`if (pos >= to${bare}) return null; ${v} = line.slice(pos, to);`);
      }
      return;
    }
    if (!step.term) return;
    lines.push(`end = ${find(step.term, 'pos')} a = pos;`);
    const k = step.ops.length;
    step.ops.forEach((op, i) => {
      const v = local(op);
      if (i < k - 2) {
        const sep = step.seps[i]!;
        lines.push(`b = line.indexOf(${q(sep)}, a); if (b < 0 || b >= end) return null; ${v} = line.slice(a, b); a = b + ${sep.length};`);
      } else if (i === k - 2) {
        const sep = step.seps[i]!;
        // The last part (the protocol) is short: look for its separator from the end.
        const back = sep.length === 1 ? `b = end - 1; while (b >= a && line.charCodeAt(b) !== ${sep.charCodeAt(0)}) b--;` : `b = line.lastIndexOf(${q(sep)}, end - 1);`;
        lines.push(`${back} if (b < a) return null; ${v} = line.slice(a, b); a = b + ${sep.length};`);
      } else lines.push(`${v} = line.slice(a, end);`);
    });
    lines.push(`pos = end + ${step.term.length};`);
  });
  // Conversions: anything unexpected sends the line to the lenient scanner.
  const value = new Map<string, string>();
  for (const { op, v } of locals) {
    const n = converted.has(v) ? v : v + 'n';
    if (converted.has(v)) {
      value.set(op.key, n);
      continue;
    }
    switch (op.kind) {
      case 'int':
        lines.push(`var ${n} = null; if (${v} !== '-') { ${n} = toInt(${v}); if (${n} !== ${n}) return null; }`);
        break;
      case 'flags':
        lines.push(`var ${n} = NO_FLAGS; if (${v} !== '-') { ${n} = parseFlags(${v}); if (${n} === null) return null; }`);
        break;
      case 'method':
        lines.push(`var ${n} = null; if (${v} !== '-') { if (!isUpperWord(${v})) return null; ${n} = ${v}; }`);
        break;
      case 'time':
        lines.push(`var ${n} = null; if (${v} !== '-') { b = ${v}.charCodeAt(0); if (!(b >= 48 && b <= 57)) return null; ${n} = ${v}; }`);
        break;
      default:
        if (op.key === 'upstream_cluster') lines.push(`var ${n} = ${v} === '-' ? null : ${v}.charCodeAt(${v}.length - 1) === 59 ? ${v}.slice(0, -1) : ${v};`);
        else lines.push(`var ${n} = ${v} === '-' ? null : ${v};`);
    }
    value.set(op.key, n);
  }
  const fields = STANDARD_KEYS.map((k) => `${q(k)}: ${value.get(k) ?? (k === 'response_flags' ? 'NO_FLAGS' : 'null')}`);
  for (const [k, n] of value) if (!(STANDARD_KEYS as readonly string[]).includes(k)) fields.push(`${q(k)}: ${n}`);
  lines.push(`return { ${fields.join(', ')} };`);
  try {
    const make = new Function('toInt', 'intAt', 'parseFlags', 'isUpperWord', 'NO_FLAGS', `return function fastScan(line, from, to) {\n${lines.join('\n')}\n};`);
    return make(helpers.toInt, intAt, helpers.parseFlags, helpers.isUpperWord, NO_FLAGS) as FastScan;
  } catch {
    return null;
  }
}
