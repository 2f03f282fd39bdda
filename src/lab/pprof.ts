// `pprof` in the lab's shell, over the analyzer's profile views
// (src/analyzer/profiles): `-top` (optionally `-cum`, `-base OLD`,
// `-sample_index=NAME`) prints pprof's text report, and `-http=ADDR` — where
// real pprof serves its web UI with the flame graph — draws that flame graph as
// text in the terminal. A profile is a file in the lab or a URL that a
// `kubectl port-forward` made reachable (fetched with the shell's own curl).
import { byCum, chooseValueIndex, decodeProfile, flameGraph, topFunctions, total, type DecodedProfile, type FlameNode } from '../analyzer/profiles/index.ts';
import { contentBytes } from '../shell/binary.ts';
import { fail, ok, type CommandContext, type CommandResult, type CommandSpec } from '../shell/types.ts';

const USAGE = 'pprof -top [-cum] [-base OLD] [-sample_index=NAME] [BINARY] PROFILE|URL\npprof -http=ADDR [-base OLD] [BINARY] PROFILE|URL';

/** pprof's byte and time scaling (1024-based for bytes, as pprof prints them). */
export function scaled(v: number, unit: string): string {
  const sign = v < 0 ? '-' : '';
  const a = Math.abs(v);
  if (unit === 'bytes') {
    const units = ['B', 'kB', 'MB', 'GB', 'TB'];
    let i = 0;
    let x = a;
    while (x >= 1024 && i < units.length - 1) {
      x /= 1024;
      i++;
    }
    return sign + (i === 0 ? `${x}B` : `${x.toFixed(2)}${units[i]}`);
  }
  if (unit === 'nanoseconds') return a >= 1e9 ? `${sign}${(a / 1e9).toFixed(2)}s` : `${sign}${(a / 1e6).toFixed(2)}ms`;
  return `${v}`;
}

const pct = (v: number, t: number) => `${(t ? (v / t) * 100 : 0).toFixed(2).padStart(5)}%`;

interface Options {
  top: boolean;
  cum: boolean;
  http: string | null;
  base: string | null;
  sampleIndex: string | null;
  sources: string[];
}

/** pprof's flags: one dash, `-name=value` or `-name value` (two dashes work too). */
function readOptions(argv: string[]): Options | string {
  const o: Options = { top: false, cum: false, http: null, base: null, sampleIndex: null, sources: [] };
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('-') || arg === '-') {
      o.sources.push(arg);
      continue;
    }
    const [name, inline] = arg.replace(/^--?/, '').split(/=(.*)/s, 2) as [string, string | undefined];
    const value = () => inline ?? argv[++i];
    if (name === 'top' || name === 'text') o.top = true;
    else if (name === 'cum') o.cum = true;
    else if (name === 'http') o.http = value() ?? null;
    else if (name === 'base' || name === 'diff_base') o.base = value() ?? null;
    else if (name === 'sample_index') o.sampleIndex = value() ?? null;
    else if (/^(inuse_space|inuse_objects|alloc_space|alloc_objects)$/.test(name)) o.sampleIndex = name;
    else return `unknown flag -${name} (this lab's pprof knows -top, -cum, -base, -sample_index, -http)`;
  }
  return o;
}

async function load(source: string, ctx: CommandContext): Promise<DecodedProfile | string> {
  let content: string | undefined;
  if (/^https?:\/\//.test(source)) {
    // pprof fetches URLs itself; here the shell's curl (and its port-forwards) does.
    const curl = ctx.commands().find((c) => c.name === 'curl');
    const r = curl ? await curl.run(['curl', '-s', source], '', ctx) : fail('no curl');
    if (r.exitCode !== 0) return `fetching profile over HTTP: ${source}: ${r.stderr.trim() || 'failed'}`;
    content = r.stdout;
  } else {
    content = ctx.fs.read(source);
    if (content === undefined) return `${source}: open ${source}: no such file or directory`;
  }
  const p = await decodeProfile(contentBytes(content));
  return 'error' in p ? `${source}: ${p.error}` : p;
}

/** The profile minus the base, as pprof's -base does: base samples with negated values. */
function subtract(p: DecodedProfile, base: DecodedProfile): DecodedProfile | string {
  const same = p.sampleTypes.length === base.sampleTypes.length && p.sampleTypes.every((t, i) => t.type === base.sampleTypes[i]!.type);
  if (!same) return 'the base profile has different sample types';
  return { ...p, samples: [...p.samples, ...base.samples.map((s) => ({ stack: s.stack, values: s.values.map((v) => -v) }))] };
}

function pickIndex(p: DecodedProfile, name: string | null): number | string {
  if (!name) return chooseValueIndex(p);
  const i = p.sampleTypes.findIndex((t) => t.type === name);
  return i >= 0 ? i : `sample_index "${name}" is not one of ${p.sampleTypes.map((t) => t.type).join(', ')}`;
}

/** pprof -top: nodes with |cum| above 0.5% of the total, by flat (or cum), with the header pprof prints. */
export function topReport(p: DecodedProfile, index: number, sortByCum: boolean): string {
  const type = p.sampleTypes[index]!;
  const sum = total(p, index);
  const fmt = (v: number) => scaled(v, type.unit);
  const cutoff = Math.abs(sum) * 0.005;
  const all = topFunctions(p, index);
  // pprof orders by flat (or cum), then by the other, then by name.
  const order = sortByCum ? byCum(all) : [...all].sort((a, b) => b.flat - a.flat || b.cum - a.cum || a.name.localeCompare(b.name));
  const kept = order.filter((c) => Math.abs(c.cum) > cutoff);
  const dropped = all.length - kept.length;
  const shown = kept.reduce((n, c) => n + c.flat, 0);
  const lines = [`Type: ${type.type}`, `Showing nodes accounting for ${fmt(shown)}, ${pct(shown, sum).trim()} of ${fmt(sum)} total`];
  if (dropped) lines.push(`Dropped ${dropped} nodes (cum <= ${fmt(cutoff)})`);
  lines.push('      flat  flat%   sum%        cum   cum%');
  let running = 0;
  for (const c of kept) {
    running += c.flat;
    lines.push(`${fmt(c.flat).padStart(10)} ${pct(c.flat, sum)} ${pct(running, sum)} ${fmt(c.cum).padStart(10)} ${pct(c.cum, sum)}  ${c.name}`);
  }
  return lines.join('\n') + '\n';
}

/** The flame graph as rows of frames, root on top; a frame's width is its share of the total. */
/** 78 columns: the lab's terminal is 80 wide, and a wrapped row would break the picture. */
export function flameText(root: FlameNode, unit: string, width = 78): string {
  const rows: string[] = [];
  let level: Array<{ node: FlameNode; start: number; cols: number }> = [{ node: root, start: 0, cols: width }];
  while (level.length) {
    let row = '';
    const next: typeof level = [];
    for (const { node, start, cols } of level) {
      row = row.padEnd(start);
      const label = node === root ? `all ${scaled(node.value, unit)}` : node.name;
      const inner = cols - 2;
      row += `[${(label.length > inner ? label.slice(0, Math.max(0, inner - 1)) + '…' : label).padEnd(inner, node === root ? ' ' : '·')}]`;
      // Children share the parent's columns by value, left to right.
      let acc = 0;
      for (const child of node.children) {
        const end = start + Math.round(((acc + child.value) / node.value) * cols);
        const from = start + Math.round((acc / node.value) * cols);
        acc += child.value;
        if (end - from >= 4 && child.value > 0) next.push({ node: child, start: from, cols: end - from });
      }
    }
    rows.push(row.trimEnd());
    level = next;
  }
  return rows.join('\n') + '\n';
}

export const pprofCommand: CommandSpec = {
  name: 'pprof',
  summary: { en: 'read heap and CPU profiles: -top, -base, flame graph (-http)', zh: '读取堆和 CPU profile：-top、-base、火焰图（-http）' },
  usage: USAGE,
  async run(argv, _stdin, ctx): Promise<CommandResult> {
    const o = readOptions(argv);
    if (typeof o === 'string') return fail(`pprof: ${o}\nusage: ${USAGE}`, 2);
    // With two operands the first is the binary that symbolizes the profile; these profiles carry their names.
    const source = o.sources[o.sources.length - 1];
    if (!source || (!o.top && !o.http)) return fail(`usage: ${USAGE}`, 2);
    let p = await load(source, ctx);
    if (typeof p === 'string') return fail(`pprof: ${p}`);
    if (o.base) {
      const base = await load(o.base, ctx);
      if (typeof base === 'string') return fail(`pprof: ${base}`);
      p = subtract(p, base);
      if (typeof p === 'string') return fail(`pprof: ${p}`);
    }
    const index = pickIndex(p, o.sampleIndex);
    if (typeof index === 'string') return fail(`pprof: ${index}`);
    if (o.top) return ok(topReport(p, index, o.cum));
    const type = p.sampleTypes[index]!;
    const note = ctx.lang === 'zh' ? '（本实验把 pprof 的 Flame Graph 视图画成文本：根在最上，宽度 = 持有的量）' : "(the lab draws pprof's Flame Graph view here as text: root on top, width = amount held)";
    return ok(`Serving web UI on http://${o.http}\n${note}\nType: ${type.type}\n${flameText(flameGraph(p, index), type.unit)}`);
  },
};
