// jq, a common subset: paths, pipes, select/map/keys/length and friends, -r -c -n -s.
import { evaluate, JqRuntimeError, type Json } from '../jq/evaluate.ts';
import { JqSyntaxError } from '../jq/lexer.ts';
import { parseJq, type Ast } from '../jq/parser.ts';
import { parseJsonStream } from '../jq/stream.ts';
import { scanOptions } from '../options.ts';
import { fail, type CommandSpec } from '../types.ts';
import { readInputs } from './io.ts';

const usage = 'jq [-r] [-c] [-n] [-s] FILTER [FILE...]';

export const jq: CommandSpec = {
  name: 'jq',
  summary: { en: 'filter JSON (a common subset of jq: . .a.b .[] select map keys length | -r -c)', zh: '处理 JSON（jq 的常用子集：. .a.b .[] select map keys length | -r -c）' },
  usage,
  run(argv, stdin, ctx) {
    const opts = scanOptions(argv.slice(1), {
      flags: 'rcns',
      long: { 'raw-output': 'r', 'compact-output': 'c', 'null-input': 'n', slurp: 's' },
    });
    if (!opts.ok) return fail(`jq: ${opts.error}\nusage: ${usage}`, 2);
    const [filter, ...files] = opts.operands;
    if (filter === undefined) return fail(`usage: ${usage}`, 2);
    let ast: Ast;
    try {
      ast = parseJq(filter);
    } catch (e) {
      if (e instanceof JqSyntaxError) return fail(`jq: error: ${e.message}\njq: 1 compile error`, 3);
      throw e;
    }
    const { inputs, errors } = readInputs('jq', files, stdin, ctx);
    if (errors.length > 0) return fail(errors.join('\n'), 2);
    let values: Json[] = [];
    for (const input of inputs) {
      const parsed = parseJsonStream(input.text);
      if (parsed.error) return fail(`jq: error (at ${input.name === '-' ? '<stdin>' : input.name}): ${parsed.error}`, 2);
      values.push(...parsed.values);
    }
    if (opts.flags.has('s')) values = [values];
    if (opts.flags.has('n')) values = [null];
    const out: string[] = [];
    const show = (v: Json) =>
      opts.flags.has('r') && typeof v === 'string' ? v : opts.flags.has('c') ? JSON.stringify(v) : JSON.stringify(v, null, 2);
    for (const value of values) {
      try {
        for (const result of evaluate(ast, value)) out.push(show(result));
      } catch (e) {
        if (!(e instanceof JqRuntimeError)) throw e;
        // jq prints what it produced before the error, then the error, and exits 5.
        return fail(`jq: error (at <stdin>:0): ${e.message}`, 5, out.map((l) => l + '\n').join(''));
      }
    }
    return { stdout: out.map((l) => l + '\n').join(''), stderr: '', exitCode: 0 };
  },
};
