// Evaluates a parsed jq filter. Every filter yields zero or more outputs, so
// evaluation is a generator, as in jq itself.
import type { Ast } from './parser.ts';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export class JqRuntimeError extends Error {}

const typeOf = (v: Json): string =>
  v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'object' ? 'object' : (typeof v as string);

const describe = (v: Json): string => {
  const text = JSON.stringify(v);
  return `${typeOf(v)} (${text.length > 11 ? text.slice(0, 10) + '...' : text})`;
};

const truthy = (v: Json): boolean => v !== null && v !== false;

/** jq's total order: null < false < true < numbers < strings < arrays < objects. */
export function compare(a: Json, b: Json): number {
  const rank = (v: Json) => (v === null ? 0 : v === false ? 1 : v === true ? 2 : typeof v === 'number' ? 3 : typeof v === 'string' ? 4 : Array.isArray(v) ? 5 : 6);
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const c = compare(a[i]!, b[i]!);
      if (c !== 0) return c;
    }
    return a.length - b.length;
  }
  if (ra === 6) {
    const oa = a as Record<string, Json>;
    const ob = b as Record<string, Json>;
    const c = compare(Object.keys(oa).sort(), Object.keys(ob).sort());
    if (c !== 0) return c;
    for (const k of Object.keys(oa).sort()) {
      const d = compare(oa[k]!, ob[k]!);
      if (d !== 0) return d;
    }
  }
  return 0;
}

function index(v: Json, key: Json): Json {
  if (v === null) return null;
  if (typeof key === 'string') {
    if (typeof v === 'object' && !Array.isArray(v)) return v[key] ?? null;
    throw new JqRuntimeError(`Cannot index ${typeOf(v)} with "${key}"`);
  }
  if (typeof key === 'number') {
    if (Array.isArray(v)) {
      const i = Math.floor(key);
      return v[i < 0 ? v.length + i : i] ?? null;
    }
    throw new JqRuntimeError(`Cannot index ${typeOf(v)} with number`);
  }
  throw new JqRuntimeError(`Cannot index ${typeOf(v)} with ${typeOf(key)}`);
}

function* iterate(v: Json): Generator<Json> {
  if (Array.isArray(v)) yield* v;
  else if (v !== null && typeof v === 'object') yield* Object.values(v);
  else throw new JqRuntimeError(`Cannot iterate over ${describe(v)}`);
}

function arith(op: string, a: Json, b: Json): Json {
  if (op === '+') {
    if (a === null) return b;
    if (b === null) return a;
    if (typeof a === 'number' && typeof b === 'number') return a + b;
    if (typeof a === 'string' && typeof b === 'string') return a + b;
    if (Array.isArray(a) && Array.isArray(b)) return [...a, ...b];
    if (typeOf(a) === 'object' && typeOf(b) === 'object') return { ...(a as object), ...(b as object) } as Json;
  } else if (op === '-') {
    if (typeof a === 'number' && typeof b === 'number') return a - b;
    if (Array.isArray(a) && Array.isArray(b)) return a.filter((x) => !b.some((y) => compare(x, y) === 0));
  } else if (op === '*') {
    if (typeof a === 'number' && typeof b === 'number') return a * b;
  } else if (op === '/') {
    if (typeof a === 'number' && typeof b === 'number') {
      if (b === 0) throw new JqRuntimeError(`${describe(a)} and ${describe(b)} cannot be divided because the divisor is zero`);
      return a / b;
    }
    if (typeof a === 'string' && typeof b === 'string') return a.split(b);
  } else if (op === '%') {
    if (typeof a === 'number' && typeof b === 'number') {
      if (Math.trunc(b) === 0) throw new JqRuntimeError(`${describe(a)} and ${describe(b)} cannot be divided because the divisor is zero`);
      return Math.trunc(a) % Math.trunc(b);
    }
  }
  const verb = { '+': 'added', '-': 'subtracted', '*': 'multiplied', '/': 'divided', '%': 'divided' }[op];
  throw new JqRuntimeError(`${describe(a)} and ${describe(b)} cannot be ${verb}`);
}

function length(v: Json): number {
  if (v === null) return 0;
  if (typeof v === 'boolean') throw new JqRuntimeError(`boolean (${v}) has no length`);
  if (typeof v === 'number') return Math.abs(v);
  if (typeof v === 'string') return [...v].length;
  if (Array.isArray(v)) return v.length;
  return Object.keys(v).length;
}

function keys(v: Json, sorted: boolean): Json {
  if (Array.isArray(v)) return v.map((_, i) => i);
  if (v !== null && typeof v === 'object') return sorted ? Object.keys(v).sort() : Object.keys(v);
  throw new JqRuntimeError(`${describe(v)} has no keys`);
}

const asString = (name: string, v: Json): string => {
  if (typeof v !== 'string') throw new JqRuntimeError(`${describe(v)} cannot be used with ${name}, as it is not a string`);
  return v;
};

const asArray = (name: string, v: Json): Json[] => {
  if (!Array.isArray(v)) throw new JqRuntimeError(`Cannot ${name} ${describe(v)}: it is not an array`);
  return v;
};

function contains(a: Json, b: Json): boolean {
  if (typeOf(a) !== typeOf(b)) throw new JqRuntimeError(`${describe(a)} and ${describe(b)} cannot have their containment checked`);
  if (typeof a === 'string') return a.includes(b as string);
  if (Array.isArray(a)) return (b as Json[]).every((x) => a.some((y) => typeOf(y) === typeOf(x) && contains(y, x)));
  if (a !== null && typeof a === 'object') {
    const ob = b as Record<string, Json>;
    return Object.keys(ob).every((k) => k in a && typeOf(a[k]!) === typeOf(ob[k]!) && contains(a[k]!, ob[k]!));
  }
  return compare(a, b) === 0;
}

/** The one output a function argument must produce (jq would iterate; the subset takes the first). */
function first(gen: Generator<Json>, what: string): Json {
  const r = gen.next();
  if (r.done) throw new JqRuntimeError(`${what}: the argument produced no value`);
  return r.value;
}

export function* evaluate(ast: Ast, input: Json): Generator<Json> {
  switch (ast.k) {
    case 'identity':
      yield input;
      return;
    case 'recurse': {
      const walk = function* (v: Json): Generator<Json> {
        yield v;
        if (v !== null && typeof v === 'object') for (const child of Array.isArray(v) ? v : Object.values(v)) yield* walk(child);
      };
      yield* walk(input);
      return;
    }
    case 'literal':
      yield ast.v as Json;
      return;
    case 'field':
      for (const v of evaluate(ast.of, input)) yield index(v, ast.name);
      return;
    case 'index':
      for (const v of evaluate(ast.of, input)) for (const key of evaluate(ast.index, input)) yield index(v, key);
      return;
    case 'slice':
      for (const v of evaluate(ast.of, input)) {
        if (v === null) {
          yield null;
          continue;
        }
        if (typeof v !== 'string' && !Array.isArray(v)) throw new JqRuntimeError(`Cannot index ${typeOf(v)} with object`);
        const from = ast.from ? first(evaluate(ast.from, input), 'slice') : null;
        const to = ast.to ? first(evaluate(ast.to, input), 'slice') : null;
        yield v.slice((from as number | null) ?? 0, (to as number | null) ?? v.length) as Json;
      }
      return;
    case 'iterate':
      for (const v of evaluate(ast.of, input)) yield* iterate(v);
      return;
    case 'try':
      try {
        // Collect first so an error part-way drops the rest, like jq's `?`.
        const out = [...evaluate(ast.body, input)];
        yield* out;
      } catch (e) {
        if (!(e instanceof JqRuntimeError)) throw e;
      }
      return;
    case 'pipe':
      for (const v of evaluate(ast.left, input)) yield* evaluate(ast.right, v);
      return;
    case 'comma':
      yield* evaluate(ast.left, input);
      yield* evaluate(ast.right, input);
      return;
    case 'array':
      yield ast.body ? [...evaluate(ast.body, input)] : [];
      return;
    case 'object': {
      let objects: Record<string, Json>[] = [{}];
      for (const entry of ast.entries) {
        const next: Record<string, Json>[] = [];
        for (const obj of objects) {
          for (const key of evaluate(entry.key, input)) {
            if (typeof key !== 'string') throw new JqRuntimeError(`Object keys must be strings`);
            for (const value of evaluate(entry.value, input)) next.push({ ...obj, [key]: value });
          }
        }
        objects = next;
      }
      yield* objects;
      return;
    }
    case 'binary':
      yield* binary(ast.op, ast.left, ast.right, input);
      return;
    case 'call':
      yield* call(ast.name, ast.args, input);
      return;
  }
}

function* binary(op: string, left: Ast, right: Ast, input: Json): Generator<Json> {
  if (op === '//') {
    let any = false;
    try {
      for (const v of evaluate(left, input)) {
        if (truthy(v)) {
          any = true;
          yield v;
        }
      }
    } catch (e) {
      if (!(e instanceof JqRuntimeError)) throw e;
    }
    if (!any) yield* evaluate(right, input);
    return;
  }
  if (op === 'and' || op === 'or') {
    for (const l of evaluate(left, input)) {
      if (op === 'and' && !truthy(l)) yield false;
      else if (op === 'or' && truthy(l)) yield true;
      else for (const r of evaluate(right, input)) yield truthy(r);
    }
    return;
  }
  for (const r of evaluate(right, input)) {
    for (const l of evaluate(left, input)) {
      switch (op) {
        case '==':
          yield compare(l, r) === 0;
          break;
        case '!=':
          yield compare(l, r) !== 0;
          break;
        case '<':
          yield compare(l, r) < 0;
          break;
        case '<=':
          yield compare(l, r) <= 0;
          break;
        case '>':
          yield compare(l, r) > 0;
          break;
        case '>=':
          yield compare(l, r) >= 0;
          break;
        default:
          yield arith(op, l, r);
      }
    }
  }
}

/** The built-in functions of the subset, by name and number of arguments. */
export const builtins = [
  'select/1', 'map/1', 'map_values/1', 'keys/0', 'keys_unsorted/0', 'length/0', 'not/0', 'has/1', 'type/0',
  'to_entries/0', 'from_entries/0', 'with_entries/1', 'first/0', 'last/0', 'first/1', 'sort/0', 'sort_by/1',
  'group_by/1', 'unique/0', 'unique_by/1', 'add/0', 'min/0', 'max/0', 'reverse/0', 'tostring/0', 'tonumber/0',
  'ascii_downcase/0', 'ascii_upcase/0', 'test/1', 'contains/1', 'startswith/1', 'endswith/1', 'split/1',
  'join/1', 'empty/0', 'values/0', 'any/0', 'all/0', 'flatten/0', 'range/1', 'tojson/0', 'fromjson/0', 'error/1',
] as const;

function* call(name: string, args: Ast[], input: Json): Generator<Json> {
  const arg = (i: number) => first(evaluate(args[i]!, input), name);
  const sig = `${name}/${args.length}`;
  switch (sig) {
    case 'empty/0':
      return;
    case 'error/1':
      throw new JqRuntimeError(String(arg(0)));
    case 'not/0':
      yield !truthy(input);
      return;
    case 'select/1':
      for (const v of evaluate(args[0]!, input)) if (truthy(v)) yield input;
      return;
    case 'map/1':
      yield [...iterate(input)].flatMap((v) => [...evaluate(args[0]!, v)]);
      return;
    case 'map_values/1':
      if (Array.isArray(input)) yield input.map((v) => first(evaluate(args[0]!, v), name));
      else if (input !== null && typeof input === 'object')
        yield Object.fromEntries(Object.entries(input).map(([k, v]) => [k, first(evaluate(args[0]!, v), name)]));
      else throw new JqRuntimeError(`Cannot iterate over ${describe(input)}`);
      return;
    case 'keys/0':
      yield keys(input, true);
      return;
    case 'keys_unsorted/0':
      yield keys(input, false);
      return;
    case 'length/0':
      yield length(input);
      return;
    case 'type/0':
      yield typeOf(input);
      return;
    case 'has/1': {
      const k = arg(0);
      if (Array.isArray(input) && typeof k === 'number') yield k >= 0 && k < input.length;
      else if (input !== null && typeof input === 'object' && !Array.isArray(input) && typeof k === 'string') yield k in input;
      else throw new JqRuntimeError(`Cannot check whether ${typeOf(input)} has a ${typeOf(k)} key`);
      return;
    }
    case 'to_entries/0':
      if (input === null || typeof input !== 'object' || Array.isArray(input)) throw new JqRuntimeError(`${describe(input)} has no keys`);
      yield Object.entries(input).map(([key, value]) => ({ key, value }));
      return;
    case 'from_entries/0':
      yield Object.fromEntries(
        asArray('from_entries', input).map((e) => {
          const o = (e ?? {}) as Record<string, Json>;
          const key = o.key ?? o.k ?? o.name ?? o.Name ?? o.Key ?? null;
          return [typeof key === 'string' ? key : JSON.stringify(key), o.value ?? o.v ?? o.Value ?? null];
        }),
      );
      return;
    case 'with_entries/1': {
      if (input === null || typeof input !== 'object' || Array.isArray(input)) throw new JqRuntimeError(`${describe(input)} has no keys`);
      const mapped = Object.entries(input).flatMap(([key, value]) => [...evaluate(args[0]!, { key, value })]);
      yield* call('from_entries', [], mapped);
      return;
    }
    case 'values/0':
      if (input !== null) yield input;
      return;
    case 'first/0':
      yield index(input, 0);
      return;
    case 'last/0':
      yield index(input, -1);
      return;
    case 'first/1': {
      const r = evaluate(args[0]!, input).next();
      if (!r.done) yield r.value;
      return;
    }
    case 'sort/0':
      yield [...asArray('sort', input)].sort(compare);
      return;
    case 'sort_by/1':
      yield [...asArray('sort', input)]
        .map((v) => ({ v, k: [...evaluate(args[0]!, v)] as Json }))
        .sort((a, b) => compare(a.k, b.k))
        .map((x) => x.v);
      return;
    case 'group_by/1': {
      const sorted = [...asArray('group', input)].map((v) => ({ v, k: [...evaluate(args[0]!, v)] as Json })).sort((a, b) => compare(a.k, b.k));
      const groups: Json[][] = [];
      sorted.forEach((x, i) => (i > 0 && compare(sorted[i - 1]!.k, x.k) === 0 ? groups[groups.length - 1]!.push(x.v) : groups.push([x.v])));
      yield groups;
      return;
    }
    case 'unique/0':
      yield [...asArray('unique', input)].sort(compare).filter((v, i, a) => i === 0 || compare(a[i - 1]!, v) !== 0);
      return;
    case 'unique_by/1': {
      const sorted = [...asArray('unique', input)].map((v) => ({ v, k: [...evaluate(args[0]!, v)] as Json })).sort((a, b) => compare(a.k, b.k));
      yield sorted.filter((x, i) => i === 0 || compare(sorted[i - 1]!.k, x.k) !== 0).map((x) => x.v);
      return;
    }
    case 'add/0': {
      let acc: Json = null;
      for (const v of iterate(input)) acc = arith('+', acc, v);
      yield acc;
      return;
    }
    case 'min/0':
    case 'max/0': {
      const a = [...asArray(name, input)].sort(compare);
      yield (name === 'min' ? a[0] : a[a.length - 1]) ?? null;
      return;
    }
    case 'any/0':
      yield asArray('any', input).some(truthy);
      return;
    case 'all/0':
      yield asArray('all', input).every(truthy);
      return;
    case 'flatten/0': {
      const flat = (a: Json[]): Json[] => a.flatMap((v) => (Array.isArray(v) ? flat(v) : [v]));
      yield flat(asArray('flatten', input));
      return;
    }
    case 'range/1': {
      const n = arg(0);
      if (typeof n !== 'number') throw new JqRuntimeError('Range bounds must be numeric');
      for (let i = 0; i < n; i++) yield i;
      return;
    }
    case 'reverse/0':
      if (typeof input === 'string') yield [...input].reverse().join('');
      else yield input === null ? [] : [...asArray('reverse', input)].reverse();
      return;
    case 'tostring/0':
      yield typeof input === 'string' ? input : JSON.stringify(input);
      return;
    case 'tojson/0':
      yield JSON.stringify(input);
      return;
    case 'fromjson/0':
      try {
        yield JSON.parse(asString('fromjson', input)) as Json;
      } catch (e) {
        throw e instanceof JqRuntimeError ? e : new JqRuntimeError(`${describe(input)} cannot be parsed as JSON`);
      }
      return;
    case 'tonumber/0': {
      if (typeof input === 'number') yield input;
      else {
        const text = asString('tonumber', input);
        const n = Number(text);
        if (text.trim() === '' || Number.isNaN(n)) throw new JqRuntimeError(`Cannot parse '${input}' as a number`);
        yield n;
      }
      return;
    }
    case 'ascii_downcase/0':
      yield asString(name, input).replace(/[A-Z]/g, (c) => c.toLowerCase());
      return;
    case 'ascii_upcase/0':
      yield asString(name, input).replace(/[a-z]/g, (c) => c.toUpperCase());
      return;
    case 'test/1':
      yield new RegExp(asString('test', arg(0))).test(asString('test', input));
      return;
    case 'contains/1':
      yield contains(input, arg(0));
      return;
    case 'startswith/1':
      yield asString(name, input).startsWith(asString(name, arg(0)));
      return;
    case 'endswith/1':
      yield asString(name, input).endsWith(asString(name, arg(0)));
      return;
    case 'split/1':
      yield asString('split', input).split(asString('split', arg(0)));
      return;
    case 'join/1': {
      const sep = asString('join', arg(0));
      yield asArray('join', input)
        .map((v) => {
          if (v === null) return '';
          if (typeof v === 'object') throw new JqRuntimeError(`Cannot join with ${typeOf(v)}`);
          return String(v);
        })
        .join(sep);
      return;
    }
  }
  throw new JqRuntimeError(`${sig} is not defined (this jq knows: ${builtins.join(', ')})`);
}
