// The contract between the shell and its commands. A command is a plain
// function of its arguments, its standard input and the shell's context, so the
// simulator can register kubectl, istioctl, curl and opslab the same way the
// built-in commands are registered.
import type { VirtualFS } from './vfs.ts';

export type Lang = 'en' | 'zh';
export interface Localized {
  en: string;
  zh: string;
}

/** A piece of a command's output, tagged with the stream it went to. */
export interface OutputChunk {
  stream: 'stdout' | 'stderr';
  text: string;
}

export interface CommandResult {
  stdout: string;
  stderr: string;
  exitCode: number;
  /**
   * The same text as stdout and stderr, in the order the program wrote it (curl -v: its
   * `>`/`<` lines, then the body, then `left intact`). The terminal prints it in this
   * order when the command's stdout is not piped; without it, stdout then stderr.
   */
  output?: OutputChunk[];
  /** Asks the terminal to clear its screen (the `clear` command). */
  clear?: boolean;
  /** Lines typed next in this terminal go to this program's prompt instead of the shell (e.g. after `dlv connect`). */
  enter?: SubPrompt;
}

/** An interactive program that reads lines at its own prompt, like `(dlv) `, until it says it exited. */
export interface SubPrompt {
  /** Recorded with each line typed at it (RunRecord.prompt), e.g. `dlv`. */
  name: string;
  /** The prompt shown before the next line; it may change (a yes/no question). */
  prompt(): string;
  /** Runs one line; an empty line is passed too (Delve repeats the last command). */
  run(line: string, ctx: CommandContext): SubPromptResult | Promise<SubPromptResult>;
  /** Completions for the word being typed. */
  complete?(line: string): string[];
}

export interface SubPromptResult extends CommandResult {
  /** The command that ran, when it is not the line typed (an empty line repeating the last one); '' when nothing ran. */
  ran?: string;
  /** The program ended: the shell's prompt comes back. */
  exit?: boolean;
}

export interface CommandContext {
  fs: VirtualFS;
  lang: Lang;
  env: Readonly<Record<string, string>>;
  /** The commands registered, for `help` and for "command not found". */
  commands(): readonly CommandSpec[];
  /** The terminal the command runs in (labs may have several on one shell); 0 when there is one. */
  terminal?: number;
  /** Aborts when the reader presses Ctrl-C while the command runs (a command that waits listens to it). */
  signal?: AbortSignal;
}

export type CommandFn = (argv: string[], stdin: string, ctx: CommandContext) => CommandResult | Promise<CommandResult>;

export interface CommandSpec {
  name: string;
  /** One line for `help`. */
  summary: Localized;
  /** Usage line(s) for `help <name>` and usage errors, e.g. `grep [-i] [-v] PATTERN [FILE...]`. */
  usage?: string;
  run: CommandFn;
  /**
   * Completions for the word being typed, after the words before it (argv[0] is the command).
   * Without it, the shell completes file names and whatever the shell's provider offers.
   */
  complete?: (argv: string[], partial: string, ctx: CommandContext) => string[];
}

export const ok = (stdout = ''): CommandResult => ({ stdout, stderr: '', exitCode: 0 });
export const fail = (stderr: string, exitCode = 1, stdout = ''): CommandResult => ({
  stdout,
  stderr: stderr.endsWith('\n') ? stderr : stderr + '\n',
  exitCode,
});
