// tr: translate or delete characters of standard input. Enough for what a
// troubleshooting session pipes through it, e.g. `cat /proc/1/environ | tr '\0' '\n'`.
import { scanOptions } from '../options.ts';
import { fail, ok, type CommandSpec } from '../types.ts';

const ESCAPES: Record<string, string> = { '0': '\0', n: '\n', t: '\t', r: '\r', '\\': '\\' };

/** The characters of a tr set: escapes (\0 \n \t \r \\) and ranges (a-z). */
export function expandSet(set: string): string[] {
  const chars: string[] = [];
  for (let i = 0; i < set.length; i++) {
    let c = set[i]!;
    if (c === '\\' && i + 1 < set.length) c = ESCAPES[set[++i]!] ?? set[i]!;
    if (set[i + 1] === '-' && i + 2 < set.length) {
      const end = set[i + 2]!;
      for (let code = c.charCodeAt(0); code <= end.charCodeAt(0); code++) chars.push(String.fromCharCode(code));
      i += 2;
    } else chars.push(c);
  }
  return chars;
}

export const tr: CommandSpec = {
  name: 'tr',
  summary: { en: "translate or delete characters of the input (tr '\\0' '\\n')", zh: "替换或删除输入中的字符（tr '\\0' '\\n'）" },
  usage: 'tr [-d] SET1 [SET2]',
  run(argv, stdin) {
    const opts = scanOptions(argv.slice(1), { flags: 'd', long: { delete: 'd' } });
    if (!opts.ok) return fail(`tr: ${opts.error}\nusage: tr [-d] SET1 [SET2]`, 2);
    const [from, to] = opts.operands.map(expandSet);
    const del = opts.flags.has('d');
    if (!from || (!del && !to) || (del && to)) return fail(`tr: ${del ? 'with -d give exactly one set' : 'missing operand'}\nusage: tr [-d] SET1 [SET2]`, 1);
    if (del) return ok([...stdin].filter((c) => !from.includes(c)).join(''));
    // Like GNU tr: a shorter SET2 is padded with its last character.
    const map = new Map(from.map((c, i) => [c, to![Math.min(i, to!.length - 1)] ?? c]));
    return ok([...stdin].map((c) => map.get(c) ?? c).join(''));
  },
};
