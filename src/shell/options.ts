// A small POSIX-style option scanner for the built-in commands (grep -iv,
// head -n 5, tail -n5, --). The shell runs in a browser worker, where Node's
// util.parseArgs and commander are not available.

export interface OptionSpec {
  /** Single-letter flags without a value, e.g. 'ivcE'. */
  flags?: string;
  /** Single-letter options that take a value, e.g. 'ne'. */
  values?: string;
  /** Long names mapped to their short letter, e.g. { lines: 'n', count: 'c' }. */
  long?: Record<string, string>;
}

export type Scanned =
  | { ok: true; flags: Set<string>; values: Map<string, string[]>; operands: string[] }
  | { ok: false; error: string };

export function scanOptions(argv: string[], spec: OptionSpec): Scanned {
  const flags = new Set<string>();
  const values = new Map<string, string[]>();
  const operands: string[] = [];
  const isFlag = (c: string) => (spec.flags ?? '').includes(c);
  const takesValue = (c: string) => (spec.values ?? '').includes(c);
  const addValue = (c: string, v: string) => values.set(c, [...(values.get(c) ?? []), v]);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      operands.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith('--')) {
      const [name, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
      const short = spec.long?.[name];
      if (!short) return { ok: false, error: `unrecognized option '${arg}'` };
      if (takesValue(short)) {
        const v = inline ?? argv[++i];
        if (v === undefined) return { ok: false, error: `option '--${name}' requires an argument` };
        addValue(short, v);
      } else flags.add(short);
      continue;
    }
    if (arg.startsWith('-') && arg.length > 1) {
      for (let j = 1; j < arg.length; j++) {
        const c = arg[j]!;
        if (isFlag(c)) flags.add(c);
        else if (takesValue(c)) {
          const v = j + 1 < arg.length ? arg.slice(j + 1) : argv[++i];
          if (v === undefined) return { ok: false, error: `option requires an argument -- '${c}'` };
          addValue(c, v);
          break;
        } else return { ok: false, error: `invalid option -- '${c}'` };
      }
      continue;
    }
    operands.push(arg);
  }
  return { ok: true, flags, values, operands };
}
