// grep with the options people reach for while reading logs: -i -v -c -n -E -F
// -e, -h/-H. POSIX basic and extended regular expressions are translated to
// JavaScript ones (the common ground: . * ^ $ [...] [[:digit:]] and, in basic
// syntax, the GNU escapes \| \+ \? \( \) \{ \}).
import { scanOptions } from '../options.ts';
import { fail, type CommandSpec } from '../types.ts';
import { errorText, joinLines, readInputs, splitLines } from './io.ts';

const classes: Record<string, string> = {
  alnum: 'a-zA-Z0-9',
  alpha: 'a-zA-Z',
  digit: '0-9',
  lower: 'a-z',
  upper: 'A-Z',
  space: ' \\t\\n\\r\\f\\v',
  blank: ' \\t',
  punct: '!-\\/:-@\\[-`{-~',
  xdigit: '0-9A-Fa-f',
};

/** Translates a POSIX regular expression (basic or extended) to a JavaScript source. */
export function posixToJs(pattern: string, extended: boolean): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '[') {
      // A bracket expression: copied with POSIX classes expanded; `]` first is literal.
      let j = i + 1;
      let body = '';
      if (pattern[j] === '^') (body += '^'), j++;
      if (pattern[j] === ']') (body += '\\]'), j++;
      while (j < pattern.length && pattern[j] !== ']') {
        const cls = /^\[:([a-z]+):\]/.exec(pattern.slice(j));
        if (cls && classes[cls[1]!]) {
          body += classes[cls[1]!];
          j += cls[0].length;
        } else {
          const ch = pattern[j]!;
          body += ch === '\\' || ch === '[' ? '\\' + ch : ch;
          j++;
        }
      }
      if (j >= pattern.length) throw new Error('Unmatched [, [^, [:, [., or [=');
      out += `[${body}]`;
      i = j;
    } else if (c === '\\' && i + 1 < pattern.length) {
      const n = pattern[++i]!;
      if (!extended && '|+?(){}'.includes(n)) out += n; // GNU BRE: escaped means special
      else out += '\\' + n;
    } else if (!extended && '|+?(){}'.includes(c)) {
      out += '\\' + c; // BRE: plain means literal
    } else {
      out += c;
    }
  }
  return out;
}

const usage = 'grep [-i] [-v] [-c] [-n] [-E|-F] [-h|-H] PATTERN [FILE...]  (or -e PATTERN)';

export const grep: CommandSpec = {
  name: 'grep',
  summary: { en: 'print lines that match a pattern (-i -v -c -n -E -F)', zh: '输出匹配模式的行（-i -v -c -n -E -F）' },
  usage,
  run(argv, stdin, ctx) {
    const opts = scanOptions(argv.slice(1), {
      flags: 'ivcnEFhH',
      values: 'e',
      long: { 'ignore-case': 'i', 'invert-match': 'v', count: 'c', 'line-number': 'n', 'extended-regexp': 'E', 'fixed-strings': 'F' },
    });
    if (!opts.ok) return fail(`grep: ${opts.error}\nusage: ${usage}`, 2);
    const operands = [...opts.operands];
    const patterns = opts.values.get('e') ?? (operands.length > 0 ? [operands.shift()!] : []);
    if (patterns.length === 0) return fail(`usage: ${usage}`, 2);
    let re: RegExp;
    try {
      const sources = patterns.map((p) =>
        opts.flags.has('F') ? p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : posixToJs(p, opts.flags.has('E')),
      );
      re = new RegExp(sources.map((s) => `(?:${s})`).join('|'), opts.flags.has('i') ? 'i' : '');
    } catch (e) {
      return fail(`grep: ${(e as Error).message}`, 2);
    }
    const { inputs, errors } = readInputs('grep', operands, stdin, ctx);
    const prefixName = opts.flags.has('H') || (inputs.length > 1 && !opts.flags.has('h'));
    const out: string[] = [];
    let matched = 0;
    for (const input of inputs) {
      const name = input.name === '-' ? '(standard input)' : input.name;
      let count = 0;
      splitLines(input.text).forEach((line, i) => {
        if (re.test(line) === opts.flags.has('v')) return;
        count++;
        if (!opts.flags.has('c')) out.push((prefixName ? `${name}:` : '') + (opts.flags.has('n') ? `${i + 1}:` : '') + line);
      });
      if (opts.flags.has('c')) out.push((prefixName ? `${name}:` : '') + count);
      matched += count;
    }
    // Exit status as grep's: 0 a line matched, 1 none did, 2 an error.
    return { stdout: joinLines(out), stderr: errorText(errors), exitCode: errors.length > 0 ? 2 : matched > 0 ? 0 : 1 };
  },
};
