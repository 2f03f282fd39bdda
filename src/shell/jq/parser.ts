// A recursive-descent parser for the jq subset: paths (.a.b, .[n], .[], .[a:b],
// ..), pipes, commas, `//`, comparisons, and/or, arithmetic, literals, array and
// object construction, optional `?`, and calls of the built-in functions.
import { JqSyntaxError, tokenize, type Token } from './lexer.ts';

export type Ast =
  | { k: 'identity' }
  | { k: 'recurse' }
  | { k: 'literal'; v: unknown }
  | { k: 'field'; of: Ast; name: string }
  | { k: 'index'; of: Ast; index: Ast }
  | { k: 'slice'; of: Ast; from: Ast | null; to: Ast | null }
  | { k: 'iterate'; of: Ast }
  | { k: 'try'; body: Ast }
  | { k: 'pipe'; left: Ast; right: Ast }
  | { k: 'comma'; left: Ast; right: Ast }
  | { k: 'binary'; op: string; left: Ast; right: Ast }
  | { k: 'array'; body: Ast | null }
  | { k: 'object'; entries: { key: Ast; value: Ast }[] }
  | { k: 'call'; name: string; args: Ast[] };

export function parseJq(src: string): Ast {
  const p = new Parser(tokenize(src));
  const ast = p.pipe();
  p.expectEnd();
  return ast;
}

class Parser {
  private i = 0;
  constructor(private tokens: Token[]) {}

  private peek(): Token {
    return this.tokens[this.i]!;
  }
  private next(): Token {
    return this.tokens[this.i++]!;
  }
  private isOp(v: string): boolean {
    const t = this.peek();
    return t.t === 'op' && t.v === v;
  }
  private isWord(v: string): boolean {
    const t = this.peek();
    return t.t === 'ident' && t.v === v;
  }
  private expectOp(v: string): void {
    if (!this.isOp(v)) throw this.error(`expected '${v}'`);
    this.i++;
  }
  private error(msg: string): JqSyntaxError {
    const t = this.peek();
    return new JqSyntaxError(`${msg} at position ${t.pos + 1}${t.t === 'eof' ? ' (end of filter)' : ''}`);
  }
  expectEnd(): void {
    if (this.peek().t !== 'eof') throw this.error('unexpected token');
  }

  pipe(): Ast {
    const left = this.comma();
    if (this.isOp('|')) {
      this.i++;
      return { k: 'pipe', left, right: this.pipe() };
    }
    return left;
  }

  private comma(): Ast {
    let left = this.alternative();
    while (this.isOp(',')) {
      this.i++;
      left = { k: 'comma', left, right: this.alternative() };
    }
    return left;
  }

  private alternative(): Ast {
    const left = this.or();
    if (this.isOp('//')) {
      this.i++;
      return { k: 'binary', op: '//', left, right: this.alternative() };
    }
    return left;
  }

  private or(): Ast {
    let left = this.and();
    while (this.isWord('or')) {
      this.i++;
      left = { k: 'binary', op: 'or', left, right: this.and() };
    }
    return left;
  }

  private and(): Ast {
    let left = this.comparison();
    while (this.isWord('and')) {
      this.i++;
      left = { k: 'binary', op: 'and', left, right: this.comparison() };
    }
    return left;
  }

  private comparison(): Ast {
    const left = this.additive();
    for (const op of ['==', '!=', '<=', '>=', '<', '>']) {
      if (this.isOp(op)) {
        this.i++;
        return { k: 'binary', op, left, right: this.additive() };
      }
    }
    return left;
  }

  private additive(): Ast {
    let left = this.multiplicative();
    while (this.isOp('+') || this.isOp('-')) {
      const op = (this.next() as { v: string }).v;
      left = { k: 'binary', op, left, right: this.multiplicative() };
    }
    return left;
  }

  private multiplicative(): Ast {
    let left = this.postfix();
    while (this.isOp('*') || this.isOp('/') || this.isOp('%')) {
      const op = (this.next() as { v: string }).v;
      left = { k: 'binary', op, left, right: this.postfix() };
    }
    return left;
  }

  private postfix(): Ast {
    let node = this.primary();
    for (;;) {
      const t = this.peek();
      if (t.t === 'field') {
        this.i++;
        node = { k: 'field', of: node, name: t.v };
      } else if (t.t === 'dot' && this.tokens[this.i + 1]?.t === 'str') {
        this.i++;
        node = { k: 'field', of: node, name: (this.next() as { v: string }).v };
      } else if (t.t === 'dot' && this.tokens[this.i + 1]?.t === 'op' && (this.tokens[this.i + 1] as { v: string }).v === '[') {
        this.i++; // `.a.[0]` is the same as `.a[0]`
      } else if (this.isOp('[')) {
        this.i++;
        node = this.bracket(node);
      } else if (this.isOp('?')) {
        this.i++;
        node = { k: 'try', body: node };
      } else return node;
    }
  }

  /** After `[` that follows a term: `[]`, `[expr]`, `[from:to]`. */
  private bracket(of: Ast): Ast {
    if (this.isOp(']')) {
      this.i++;
      return { k: 'iterate', of };
    }
    if (this.isOp(':')) {
      this.i++;
      const to = this.pipe();
      this.expectOp(']');
      return { k: 'slice', of, from: null, to };
    }
    const index = this.pipe();
    if (this.isOp(':')) {
      this.i++;
      const to = this.isOp(']') ? null : this.pipe();
      this.expectOp(']');
      return { k: 'slice', of, from: index, to };
    }
    this.expectOp(']');
    return { k: 'index', of, index };
  }

  private primary(): Ast {
    const t = this.next();
    switch (t.t) {
      case 'dot':
        if (this.peek().t === 'str') return { k: 'field', of: { k: 'identity' }, name: (this.next() as { v: string }).v };
        return { k: 'identity' };
      case 'dotdot':
        return { k: 'recurse' };
      case 'field':
        return { k: 'field', of: { k: 'identity' }, name: t.v };
      case 'str':
        return { k: 'literal', v: t.v };
      case 'num':
        return { k: 'literal', v: t.v };
      case 'ident': {
        if (t.v === 'true' || t.v === 'false') return { k: 'literal', v: t.v === 'true' };
        if (t.v === 'null') return { k: 'literal', v: null };
        const args: Ast[] = [];
        if (this.isOp('(')) {
          this.i++;
          args.push(this.pipe());
          while (this.isOp(';')) {
            this.i++;
            args.push(this.pipe());
          }
          this.expectOp(')');
        }
        return { k: 'call', name: t.v, args };
      }
      case 'op':
        if (t.v === '(') {
          const inner = this.pipe();
          this.expectOp(')');
          return inner;
        }
        if (t.v === '[') {
          if (this.isOp(']')) {
            this.i++;
            return { k: 'array', body: null };
          }
          const body = this.pipe();
          this.expectOp(']');
          return { k: 'array', body };
        }
        if (t.v === '{') return this.object();
        if (t.v === '-') return { k: 'binary', op: '-', left: { k: 'literal', v: 0 }, right: this.postfix() };
        break;
    }
    this.i--;
    throw this.error('unexpected token');
  }

  /** `{a, b: .x, "c": 1, (.k): .v}` — values bind tighter than `,`, as in jq. */
  private object(): Ast {
    const entries: { key: Ast; value: Ast }[] = [];
    while (!this.isOp('}')) {
      const t = this.next();
      let key: Ast;
      let shorthand: Ast | null = null;
      if (t.t === 'ident' || t.t === 'str') {
        key = { k: 'literal', v: t.v };
        shorthand = { k: 'field', of: { k: 'identity' }, name: t.v };
      } else if (t.t === 'op' && t.v === '(') {
        key = this.pipe();
        this.expectOp(')');
      } else {
        this.i--;
        throw this.error('expected an object key');
      }
      if (this.isOp(':')) {
        this.i++;
        entries.push({ key, value: this.alternative() });
      } else if (shorthand) entries.push({ key, value: shorthand });
      else throw this.error("expected ':'");
      if (!this.isOp(',')) break;
      this.i++;
    }
    this.expectOp('}');
    return { k: 'object', entries };
  }
}
