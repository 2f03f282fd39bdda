// The small built-ins: help, clear, echo, ls, cat, head, tail, wc.
import { scanOptions } from '../options.ts';
import { fail, ok, type CommandResult, type CommandSpec } from '../types.ts';
import { errorText, joinLines, readInputs, splitLines } from './io.ts';

const usageError = (cmd: string, error: string, usage: string): CommandResult => fail(`${cmd}: ${error}\nusage: ${usage}`, 2);

export const help: CommandSpec = {
  name: 'help',
  summary: { en: 'list the commands, or explain one (help grep)', zh: '列出所有命令，或说明某个命令（help grep）' },
  usage: 'help [COMMAND]',
  run(argv, _stdin, ctx) {
    const all = ctx.commands();
    if (argv.length > 1) {
      const spec = all.find((c) => c.name === argv[1]);
      if (!spec) return fail(`help: no command named '${argv[1]}'`);
      return ok(joinLines([`${spec.name} — ${spec.summary[ctx.lang]}`, ...(spec.usage ? [`usage: ${spec.usage}`] : [])]));
    }
    const width = Math.max(...all.map((c) => c.name.length));
    const head = ctx.lang === 'zh' ? '可用的命令：' : 'Commands:';
    return ok(joinLines([head, ...all.map((c) => `  ${c.name.padEnd(width)}  ${c.summary[ctx.lang]}`)]));
  },
};

export const clear: CommandSpec = {
  name: 'clear',
  summary: { en: 'clear the terminal', zh: '清空终端' },
  run: () => ({ stdout: '', stderr: '', exitCode: 0, clear: true }),
};

export const echo: CommandSpec = {
  name: 'echo',
  summary: { en: 'print its arguments', zh: '输出参数' },
  usage: 'echo [-n] [STRING...]',
  run(argv) {
    const noNewline = argv[1] === '-n';
    const text = argv.slice(noNewline ? 2 : 1).join(' ');
    return ok(noNewline ? text : text + '\n');
  },
};

export const ls: CommandSpec = {
  name: 'ls',
  summary: { en: 'list the lab files (directories end with /)', zh: '列出实验文件（目录以 / 结尾）' },
  usage: 'ls [PATH...]',
  run(argv, _stdin, ctx) {
    const opts = scanOptions(argv.slice(1), { flags: '1aF' });
    if (!opts.ok) return usageError('ls', opts.error, 'ls [PATH...]');
    const targets = opts.operands.length > 0 ? opts.operands : [''];
    const out: string[] = [];
    const errors: string[] = [];
    targets.forEach((t, i) => {
      if (ctx.fs.isFile(t)) return void out.push(t);
      const entries = ctx.fs.list(t);
      if (!entries) return void errors.push(`ls: cannot access '${t}': No such file or directory`);
      if (targets.length > 1) out.push(...(i > 0 ? [''] : []), `${t}:`);
      out.push(...entries.map((e) => e.name + (e.dir ? '/' : '')));
    });
    return { stdout: joinLines(out), stderr: errorText(errors), exitCode: errors.length > 0 ? 2 : 0 };
  },
};

export const cat: CommandSpec = {
  name: 'cat',
  summary: { en: 'print files', zh: '输出文件内容' },
  usage: 'cat [FILE...]',
  run(argv, stdin, ctx) {
    const { inputs, errors } = readInputs('cat', argv.slice(1), stdin, ctx);
    return { stdout: inputs.map((i) => i.text).join(''), stderr: errorText(errors), exitCode: errors.length > 0 ? 1 : 0 };
  },
};

/** head and tail share everything but which end of the lines they keep. */
function headOrTail(name: 'head' | 'tail'): CommandSpec {
  const usage = `${name} [-n N] [FILE...]`;
  return {
    name,
    summary:
      name === 'head'
        ? { en: 'print the first lines (default 10)', zh: '输出开头几行（默认 10 行）' }
        : { en: 'print the last lines (default 10; -n +N from line N)', zh: '输出末尾几行（默认 10 行；-n +N 表示从第 N 行起）' },
    usage,
    run(argv, stdin, ctx) {
      // `head -5` is the old spelling of `head -n 5`.
      const args = argv.slice(1).map((a) => (/^-\d+$/.test(a) ? `-n${a.slice(1)}` : a));
      const opts = scanOptions(args, { values: 'n', long: { lines: 'n' } });
      if (!opts.ok) return usageError(name, opts.error, usage);
      const raw = opts.values.get('n')?.at(-1) ?? '10';
      const fromStart = name === 'tail' && raw.startsWith('+');
      const count = Number(raw.replace(/^\+/, ''));
      if (!Number.isInteger(count) || count < 0) return fail(`${name}: invalid number of lines: '${raw}'`);
      const { inputs, errors } = readInputs(name, opts.operands, stdin, ctx);
      const out: string[] = [];
      inputs.forEach((input, i) => {
        if (inputs.length > 1) out.push(...(i > 0 ? [''] : []), `==> ${input.name === '-' ? 'standard input' : input.name} <==`);
        const lines = splitLines(input.text);
        if (name === 'head') out.push(...lines.slice(0, count));
        else if (fromStart) out.push(...lines.slice(Math.max(count - 1, 0)));
        else out.push(...(count === 0 ? [] : lines.slice(-count)));
      });
      return { stdout: joinLines(out), stderr: errorText(errors), exitCode: errors.length > 0 ? 1 : 0 };
    },
  };
}
export const head = headOrTail('head');
export const tail = headOrTail('tail');

export const wc: CommandSpec = {
  name: 'wc',
  summary: { en: 'count lines, words and bytes (-l lines only)', zh: '统计行数、单词数和字节数（-l 只统计行数）' },
  usage: 'wc [-l] [-w] [-c] [FILE...]',
  run(argv, stdin, ctx) {
    const opts = scanOptions(argv.slice(1), { flags: 'lwc', long: { lines: 'l', words: 'w', bytes: 'c' } });
    if (!opts.ok) return usageError('wc', opts.error, 'wc [-l] [-w] [-c] [FILE...]');
    const which = (['l', 'w', 'c'] as const).filter((f) => opts.flags.has(f));
    const columns = which.length > 0 ? which : (['l', 'w', 'c'] as const);
    const { inputs, errors } = readInputs('wc', opts.operands, stdin, ctx);
    const count = (text: string) => ({
      l: (text.match(/\n/g) ?? []).length,
      w: text.split(/\s+/).filter(Boolean).length,
      c: new TextEncoder().encode(text).length,
    });
    const rows = inputs.map((i) => ({ name: i.name === '-' ? '' : i.name, n: count(i.text) }));
    if (rows.length > 1) {
      const total = { l: 0, w: 0, c: 0 };
      for (const r of rows) for (const k of ['l', 'w', 'c'] as const) total[k] += r.n[k];
      rows.push({ name: 'total', n: total });
    }
    // Like GNU wc: one number alone is not padded; several are aligned (7 wide for stdin).
    const single = rows.length === 1 && columns.length === 1;
    const fromStdin = opts.operands.length === 0;
    const width = single ? 0 : fromStdin ? 7 : Math.max(...rows.flatMap((r) => columns.map((k) => String(r.n[k]).length)));
    const out = rows.map((r) => [...columns.map((k) => String(r.n[k]).padStart(width)), ...(r.name ? [r.name] : [])].join(' '));
    return { stdout: joinLines(out), stderr: errorText(errors), exitCode: errors.length > 0 ? 1 : 0 };
  },
};
