// Tokens of the jq subset the shell understands.

export type Token =
  | { t: 'field'; v: string; pos: number } // .name
  | { t: 'dot'; pos: number } // .
  | { t: 'dotdot'; pos: number } // ..
  | { t: 'ident'; v: string; pos: number } // keys, select, and, or, true …
  | { t: 'str'; v: string; pos: number }
  | { t: 'num'; v: number; pos: number }
  | { t: 'op'; v: string; pos: number } // | , ( ) [ ] { } : ? == != <= >= < > + - * / % //
  | { t: 'eof'; pos: number };

export class JqSyntaxError extends Error {}

const ops = ['==', '!=', '<=', '>=', '//', '|', ',', ';', '(', ')', '[', ']', '{', '}', ':', '?', '<', '>', '+', '-', '*', '/', '%'];
const identStart = /[A-Za-z_]/;
const identChar = /[A-Za-z0-9_]/;

export function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '#') {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    const pos = i;
    if (c === '.') {
      if (src[i + 1] === '.') {
        tokens.push({ t: 'dotdot', pos });
        i += 2;
      } else if (identStart.test(src[i + 1] ?? '')) {
        let j = i + 1;
        while (j < src.length && identChar.test(src[j]!)) j++;
        tokens.push({ t: 'field', v: src.slice(i + 1, j), pos });
        i = j;
      } else {
        tokens.push({ t: 'dot', pos });
        i++;
      }
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      let raw = '';
      while (j < src.length && src[j] !== '"') {
        if (src[j] === '\\') {
          if (src[j + 1] === '(') throw new JqSyntaxError('string interpolation "\\(...)" is not supported in this jq');
          raw += src.slice(j, j + 2);
          j += 2;
        } else raw += src[j++];
      }
      if (j >= src.length) throw new JqSyntaxError('unterminated string');
      tokens.push({ t: 'str', v: JSON.parse(`"${raw}"`) as string, pos });
      i = j + 1;
      continue;
    }
    if (/[0-9]/.test(c)) {
      const m = /^[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(src.slice(i))!;
      tokens.push({ t: 'num', v: Number(m[0]), pos });
      i += m[0].length;
      continue;
    }
    if (identStart.test(c)) {
      let j = i;
      while (j < src.length && identChar.test(src[j]!)) j++;
      tokens.push({ t: 'ident', v: src.slice(i, j), pos });
      i = j;
      continue;
    }
    const op = ops.find((o) => src.startsWith(o, i));
    if (!op) throw new JqSyntaxError(`unexpected character '${c}' at position ${i + 1}`);
    tokens.push({ t: 'op', v: op, pos });
    i += op.length;
  }
  tokens.push({ t: 'eof', pos: src.length });
  return tokens;
}
