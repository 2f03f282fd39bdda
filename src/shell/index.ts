// The simulated shell with its built-in commands. The lab runtime (and later the
// simulator integration) registers more commands on the Shell it returns.
import { cat, clear, echo, head, help, ls, tail, wc } from './commands/basic.ts';
import { grep } from './commands/grep.ts';
import { jq } from './commands/jq.ts';
import { tr } from './commands/tr.ts';
import { Shell, type ShellOptions } from './shell.ts';

export const builtinCommands = [help, clear, echo, ls, cat, head, tail, grep, wc, jq, tr];

export function createShell(opts: ShellOptions): Shell {
  return new Shell(opts).register(...builtinCommands);
}

export { Shell, type RunRecord, type RunOptions, type Completion, type CompletionProvider, type ShellOptions } from './shell.ts';
export { VirtualFS, normalizePath } from './vfs.ts';
export { parseLine } from './parse.ts';
export * from './types.ts';
