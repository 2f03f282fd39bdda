// Go values as the simulated debugger holds them, printed the way Delve's
// `print`, `locals` and `args` print them (service/api/prettyprint.go): strings
// quoted, structs as `pkg.T {Field: value, ...}`, maps as `map[K]V [k: v, ...]`,
// slices with their length and capacity, pointers with a `*` before the type.
export type GoValue =
  | { kind: 'string'; value: string }
  | { kind: 'int'; type: string; value: number }
  | { kind: 'bool'; value: boolean }
  | { kind: 'struct'; type: string; fields: [string, GoValue][] }
  | { kind: 'pointer'; type: string; address: string; to: GoValue | null }
  | { kind: 'map'; type: string; entries: [GoValue, GoValue][] }
  | { kind: 'slice'; type: string; items: GoValue[] }
  /** An interface holding a pointer to a value Delve does not expand here, e.g. `io.ReadCloser(*net/http.body) 0xc0000a4040`. */
  | { kind: 'interface'; type: string; concrete: string; address: string | null };

export const goString = (value: string): GoValue => ({ kind: 'string', value });
export const goInt = (value: number, type = 'int64'): GoValue => ({ kind: 'int', type, value });

/** Go's %q for the strings the lab uses (JSON escaping agrees with Go's for printable text). */
const quote = (s: string) => JSON.stringify(s);

/** A struct stays on one line when its fields are all plain values, as Delve does for small structs. */
const simple = (v: GoValue) => v.kind === 'string' || v.kind === 'int' || v.kind === 'bool';

/** Delve limits strings to 64 bytes and arrays/maps to 64 entries (its default load config). */
const MAX_STRING = 64;
const MAX_ITEMS = 64;

function formatString(s: string): string {
  return s.length > MAX_STRING ? `${quote(s.slice(0, MAX_STRING))}...+${s.length - MAX_STRING} more` : quote(s);
}

function items(list: string[], total: number): string {
  return total > list.length ? [...list, `...+${total - list.length} more`].join(', ') : list.join(', ');
}

/**
 * The value as Delve prints it. Depth 0 is the value asked for (a struct with
 * nested values spans lines); depth 1 is printed inline in full; deeper values
 * are collapsed, as Delve loads one level of nesting (MaxVariableRecurse 1).
 */
export function formatValue(v: GoValue, indent = '', depth = 0): string {
  switch (v.kind) {
    case 'string':
      return formatString(v.value);
    case 'int':
    case 'bool':
      return String(v.value);
    case 'interface':
      return v.address === null ? `${v.type} nil` : `${v.type}(${v.concrete}) ${v.address}`;
    case 'pointer':
      if (v.to === null) return `${v.type} nil`;
      return depth <= 1 ? `*${formatValue(v.to, indent, depth)}` : `(${v.type})(${v.address})`;
    case 'slice': {
      if (depth > 1) return `${v.type} len: ${v.items.length}, cap: ${v.items.length}, [...]`;
      const shown = v.items.slice(0, MAX_ITEMS).map((x) => formatValue(x, indent, depth + 1));
      return `${v.type} len: ${v.items.length}, cap: ${v.items.length}, [${items(shown, v.items.length)}]`;
    }
    case 'map': {
      if (depth > 1) return `${v.type} [...]`;
      const shown = v.entries.slice(0, MAX_ITEMS).map(([k, x]) => `${formatValue(k, indent, depth + 1)}: ${formatValue(x, indent, depth + 1)}`);
      return `${v.type} [${items(shown, v.entries.length)}]`;
    }
    case 'struct': {
      if (depth > 1) return `${v.type} {...}`;
      const inline = () => `${v.type} {${v.fields.map(([name, x]) => `${name}: ${formatValue(x, indent, depth + 1)}`).join(', ')}}`;
      if (depth > 0 || v.fields.every(([, x]) => simple(x))) return inline();
      const inner = indent + '\t';
      return `${v.type} {\n${v.fields.map(([name, x]) => `${inner}${name}: ${formatValue(x, inner, depth + 1)},`).join('\n')}}`;
    }
  }
}

export function typeOf(v: GoValue): string {
  switch (v.kind) {
    case 'string':
      return 'string';
    case 'bool':
      return 'bool';
    case 'int':
    case 'struct':
    case 'map':
    case 'slice':
    case 'interface':
    case 'pointer':
      return v.type;
  }
}

/** The zero value of a type the lab's programs use. */
export function zeroOf(type: string): GoValue {
  if (type === 'string') return goString('');
  if (type === 'bool') return { kind: 'bool', value: false };
  if (/^u?int(8|16|32|64)?$/.test(type)) return goInt(0, type);
  throw new Error(`no zero value for ${type}`);
}
