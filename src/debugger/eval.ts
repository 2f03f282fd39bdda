// The part of Delve's expression language the lab needs (Documentation/cli/
// expr.md): variables, field access (through pointers), map and slice
// indexing, len(), unary *, and comparisons for breakpoint conditions. Errors
// carry Delve's wording, e.g. "could not find symbol value for x".
import { goInt, typeOf, type GoValue } from './values.ts';

export interface Scope {
  /** Arguments and locals of the frame, by name. */
  lookup(name: string): GoValue | undefined;
}

export type Evaluated = { ok: true; value: GoValue } | { ok: false; error: string };

type Token = { t: 'ident' | 'string' | 'number' | 'op'; v: string; at: number };

function tokenize(src: string): Token[] | string {
  const out: Token[] = [];
  const re = /\s*(?:([A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)*)|("(?:[^"\\]|\\.)*")|(\d+)|(==|!=|<=|>=|&&|\|\||[<>()[\]*.]))/y;
  let i = 0;
  while (i < src.length) {
    if (/^\s*$/.test(src.slice(i))) break;
    re.lastIndex = i;
    const m = re.exec(src);
    if (!m) return `1:${i + 1}: expected operand, found '${src.slice(i).trim()[0]}'`;
    const at = m.index + m[0].length - (m[1] ?? m[2] ?? m[3] ?? m[4] ?? '').length;
    if (m[1]) out.push({ t: 'ident', v: m[1], at });
    else if (m[2]) out.push({ t: 'string', v: JSON.parse(m[2]) as string, at });
    else if (m[3]) out.push({ t: 'number', v: m[3], at });
    else out.push({ t: 'op', v: m[4]!, at });
    i = re.lastIndex;
  }
  return out;
}

const deref = (v: GoValue): GoValue => (v.kind === 'pointer' && v.to ? v.to : v);

function equal(a: GoValue, b: GoValue): boolean {
  if ((a.kind === 'string' && b.kind === 'string') || (a.kind === 'int' && b.kind === 'int') || (a.kind === 'bool' && b.kind === 'bool')) return a.value === b.value;
  return false;
}

class Failure extends Error {}

export function evaluate(expr: string, scope: Scope): Evaluated {
  const scanned = tokenize(expr.trim());
  if (typeof scanned === 'string') return { ok: false, error: scanned };
  const tokens: Token[] = scanned;
  if (tokens.length === 0) return { ok: false, error: 'not enough arguments' };
  let p = 0;
  const peek = () => tokens[p];
  const fail = (msg: string): never => {
    throw new Failure(msg);
  };
  const expect = (v: string) => (peek()?.v === v ? p++ : fail(`1:${(peek()?.at ?? expr.length) + 1}: expected '${v}'`));

  function primary(): { value: GoValue; text: string } {
    const tok = tokens[p++];
    if (!tok) return fail(`1:${expr.length + 1}: expected operand`);
    if (tok.t === 'string') return { value: { kind: 'string', value: tok.v }, text: JSON.stringify(tok.v) };
    if (tok.t === 'number') return { value: goInt(Number(tok.v), 'int'), text: tok.v };
    if (tok.t === 'op' && tok.v === '(') {
      const inner = comparison();
      expect(')');
      return inner;
    }
    if (tok.t === 'op' && tok.v === '*') {
      const target = postfix();
      const v = target.value;
      if (v.kind !== 'pointer') return fail(`expression "${target.text}" (${typeOf(v)}) can not be dereferenced`);
      if (!v.to) return fail('nil pointer dereference');
      return { value: v.to, text: '*' + target.text };
    }
    if (tok.t !== 'ident') return fail(`1:${tok.at + 1}: expected operand, found '${tok.v}'`);
    if (tok.v === 'true' || tok.v === 'false') return { value: { kind: 'bool', value: tok.v === 'true' }, text: tok.v };
    if (tok.v === 'len' && peek()?.v === '(') {
      p++;
      const arg = comparison();
      expect(')');
      const v = deref(arg.value);
      if (v.kind === 'string') return { value: goInt(new TextEncoder().encode(v.value).length, 'int'), text: `len(${arg.text})` };
      if (v.kind === 'map') return { value: goInt(v.entries.length, 'int'), text: `len(${arg.text})` };
      if (v.kind === 'slice') return { value: goInt(v.items.length, 'int'), text: `len(${arg.text})` };
      return fail(`invalid argument ${arg.text} (type ${typeOf(arg.value)}) for len`);
    }
    // a.b.c: the longest prefix that names a variable, then fields.
    const parts = tok.v.split('.');
    for (let n = parts.length; n >= 1; n--) {
      const name = parts.slice(0, n).join('.');
      let value = scope.lookup(name);
      if (value === undefined) continue;
      let text = name;
      for (const field of parts.slice(n)) {
        value = member(value, field, text);
        text += '.' + field;
      }
      return { value, text };
    }
    return fail(`could not find symbol value for ${parts[0]}`);
  }

  function member(v: GoValue, field: string, text: string): GoValue {
    const s = deref(v);
    if (s.kind !== 'struct') return fail(`${text} (type ${typeOf(v)}) is not a struct`);
    const found = s.fields.find(([n]) => n === field);
    return found ? found[1] : fail(`${text} has no member ${field}`);
  }

  function postfix(): { value: GoValue; text: string } {
    let cur = primary();
    for (;;) {
      const tok = peek();
      if (tok?.v === '.' ) {
        p++;
        const name = tokens[p++];
        if (name?.t !== 'ident') return fail(`1:${(name?.at ?? expr.length) + 1}: expected selector or type assertion`);
        for (const field of name.v.split('.')) cur = { value: member(cur.value, field, cur.text), text: `${cur.text}.${field}` };
      } else if (tok?.v === '[') {
        p++;
        const key = comparison();
        expect(']');
        const c = deref(cur.value);
        if (c.kind === 'map') {
          const hit = c.entries.find(([k]) => equal(k, key.value));
          if (!hit) return fail('key not found');
          cur = { value: hit[1], text: `${cur.text}[${key.text}]` };
        } else if (c.kind === 'slice' && key.value.kind === 'int') {
          const item = c.items[key.value.value];
          if (!item) return fail(`index out of bounds`);
          cur = { value: item, text: `${cur.text}[${key.text}]` };
        } else return fail(`expression "${cur.text}" (${typeOf(cur.value)}) does not support indexing`);
      } else return cur;
    }
  }

  function comparison(): { value: GoValue; text: string } {
    const left = postfix();
    const op = peek();
    if (op?.t !== 'op' || !['==', '!=', '<', '>', '<=', '>='].includes(op.v)) return left;
    p++;
    const right = postfix();
    const a = left.value;
    const b = right.value;
    let result: boolean;
    if (op.v === '==' || op.v === '!=') {
      if (a.kind !== b.kind) return fail(`mismatched types ${typeOf(a)} and ${typeOf(b)}`);
      result = equal(a, b) === (op.v === '==');
    } else {
      if (!((a.kind === 'int' && b.kind === 'int') || (a.kind === 'string' && b.kind === 'string'))) return fail(`operator ${op.v} not defined on ${left.text} (type ${typeOf(a)})`);
      const x = a.value;
      const y = b.value;
      result = op.v === '<' ? x < y : op.v === '>' ? x > y : op.v === '<=' ? x <= y : x >= y;
    }
    return { value: { kind: 'bool', value: result }, text: `${left.text} ${op.v} ${right.text}` };
  }

  try {
    const r = comparison();
    if (p < tokens.length) return { ok: false, error: `1:${tokens[p]!.at + 1}: expected 'EOF', found '${tokens[p]!.v}'` };
    return { ok: true, value: r.value };
  } catch (e) {
    if (e instanceof Failure) return { ok: false, error: e.message };
    throw e;
  }
}
