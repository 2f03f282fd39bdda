// The simulated shell: a registry of commands, a pipeline runner, the history
// the reader typed, a record of what ran (the command-run check reads it) and
// tab completion.
import { parseLine } from './parse.ts';
import type { CommandContext, CommandResult, CommandSpec, Lang, SubPrompt } from './types.ts';
import type { VirtualFS } from './vfs.ts';

export interface RunRecord {
  /** The line as typed. */
  line: string;
  /** Each pipeline stage after quote removal and glob expansion. */
  stages: string[][];
  exitCode: number;
  /** The program whose prompt the line was typed at (e.g. `dlv`); absent for the shell. */
  prompt?: string;
}

/** Where a line runs: which terminal (each has its own sub-prompt), and the Ctrl-C signal. */
export interface RunOptions {
  terminal?: number;
  signal?: AbortSignal;
}

/** Extra completions (e.g. resource names from the simulator) for the word being typed. */
export type CompletionProvider = (argv: string[], partial: string) => string[];

export interface Completion {
  /** Where the completed word starts in the line. */
  start: number;
  /** Every candidate that starts with the partial word, sorted, without duplicates. */
  candidates: string[];
  /** The longest prefix shared by all candidates (what Tab inserts). */
  common: string;
}

export interface ShellOptions {
  fs: VirtualFS;
  lang?: Lang;
  env?: Record<string, string>;
  history?: string[];
  records?: RunRecord[];
}

const notFound = {
  en: (name: string, list: string) => `${name}: command not found. Available commands: ${list}. Type 'help' for details.`,
  zh: (name: string, list: string) => `${name}：找不到该命令。可用的命令：${list}。输入 help 查看说明。`,
};

export class Shell {
  readonly fs: VirtualFS;
  lang: Lang;
  readonly env: Record<string, string>;
  /** Lines typed, oldest first. */
  readonly history: string[];
  /** Commands run, oldest first. */
  readonly records: RunRecord[];
  private registry = new Map<string, CommandSpec>();
  private providers: CompletionProvider[] = [];
  /** The interactive program each terminal is in (`dlv connect`), by terminal. */
  private subPrompts = new Map<number, SubPrompt>();

  constructor(opts: ShellOptions) {
    this.fs = opts.fs;
    this.lang = opts.lang ?? 'en';
    this.env = { HOME: '/', PWD: '/', ...opts.env };
    this.history = [...(opts.history ?? [])];
    this.records = [...(opts.records ?? [])];
  }

  register(...specs: CommandSpec[]): this {
    for (const s of specs) this.registry.set(s.name, s);
    return this;
  }

  addCompletionProvider(p: CompletionProvider): this {
    this.providers.push(p);
    return this;
  }

  commands(): CommandSpec[] {
    return [...this.registry.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  context(where: RunOptions = {}): CommandContext {
    return { fs: this.fs, lang: this.lang, env: this.env, commands: () => this.commands(), terminal: where.terminal ?? 0, ...(where.signal ? { signal: where.signal } : {}) };
  }

  /** The prompt of the program a terminal is in, or null at the shell's own prompt. */
  promptOf(terminal = 0): string | null {
    return this.subPrompts.get(terminal)?.prompt() ?? null;
  }

  /** Runs one line: records it in the history and, when it parsed, in the records. */
  async run(line: string, where: RunOptions = {}): Promise<CommandResult> {
    const terminal = where.terminal ?? 0;
    const sub = this.subPrompts.get(terminal);
    if (sub) return this.runAtSubPrompt(sub, line, where);
    const trimmed = line.trim();
    if (trimmed === '') return { stdout: '', stderr: '', exitCode: 0 };
    this.history.push(trimmed);
    const parsed = parseLine(trimmed, this.env, this.fs);
    if (!parsed.ok) return { stdout: '', stderr: `sh: ${parsed.error}\n`, exitCode: 2 };
    if (parsed.stages.length === 0) return { stdout: '', stderr: '', exitCode: 0 };
    const result = await this.runPipeline(parsed.stages, where);
    this.records.push({ line: trimmed, stages: parsed.stages, exitCode: result.exitCode });
    if (result.enter) this.subPrompts.set(terminal, result.enter);
    return result;
  }

  private async runAtSubPrompt(sub: SubPrompt, line: string, where: RunOptions): Promise<CommandResult> {
    const terminal = where.terminal ?? 0;
    const trimmed = line.trim();
    if (trimmed !== '') this.history.push(trimmed);
    let r;
    try {
      r = await sub.run(line, this.context(where));
    } catch (e) {
      r = { stdout: '', stderr: `${sub.name}: internal error: ${(e as Error).message}\n`, exitCode: 70 };
    }
    const ran = r.ran ?? trimmed;
    if (ran !== '') this.records.push({ line: ran, stages: [ran.split(/\s+/)], exitCode: r.exitCode, prompt: sub.name });
    if (r.exit) this.subPrompts.delete(terminal);
    return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode, ...(r.clear ? { clear: true } : {}) };
  }

  private async runPipeline(stages: string[][], where: RunOptions = {}): Promise<CommandResult> {
    let stdin = '';
    let stderr = '';
    let last: CommandResult = { stdout: '', stderr: '', exitCode: 0 };
    let stderrBeforeLast = '';
    for (const argv of stages) {
      stderrBeforeLast = stderr;
      const spec = this.registry.get(argv[0]!);
      if (!spec) {
        const list = this.commands().map((c) => c.name).join(', ');
        last = { stdout: '', stderr: notFound[this.lang](argv[0]!, list) + '\n', exitCode: 127 };
      } else {
        try {
          last = await spec.run(argv, stdin, this.context(where));
        } catch (e) {
          // A command bug must not kill the terminal; show it like a crash.
          last = { stdout: '', stderr: `${argv[0]}: internal error: ${(e as Error).message}\n`, exitCode: 70 };
        }
      }
      stderr += last.stderr;
      stdin = last.stdout;
    }
    // Only the last stage writes to the terminal in its own order; earlier stages' stdout went down the pipe.
    const { output, ...result } = last;
    if (!output) return { ...result, stderr };
    return { ...result, stderr, output: stderrBeforeLast ? [{ stream: 'stderr', text: stderrBeforeLast }, ...output] : output };
  }

  /** Tab completion for the word that ends at `cursor` (default: the end of the line). */
  complete(line: string, cursor = line.length, terminal = 0): Completion {
    const before = line.slice(0, cursor);
    const sub = this.subPrompts.get(terminal);
    if (sub) {
      const start = before.lastIndexOf(' ') + 1;
      const partial = before.slice(start);
      const candidates = [...new Set((sub.complete?.(before) ?? []).filter((c) => c.startsWith(partial)))].sort();
      return { start, candidates, common: commonPrefix(candidates) || partial };
    }
    const stageText = before.slice(before.lastIndexOf('|') + 1);
    const start = Math.max(before.lastIndexOf(' '), before.lastIndexOf('|'), before.lastIndexOf('\t')) + 1;
    const partial = before.slice(start);
    const words = stageText.trim() === '' ? [] : stageText.trim().split(/\s+/);
    const argv = partial === '' ? words : words.slice(0, -1);
    let pool: string[];
    if (argv.length === 0) {
      pool = this.commands().map((c) => c.name);
    } else {
      const spec = this.registry.get(argv[0]!);
      const own = spec?.complete?.(argv, partial, this.context());
      pool = own ?? [...this.fileCompletions(partial), ...this.providers.flatMap((p) => p(argv, partial))];
    }
    const candidates = [...new Set(pool.filter((c) => c.startsWith(partial)))].sort();
    return { start, candidates, common: commonPrefix(candidates) || partial };
  }

  /** Files and directories (with a trailing slash) under the directory the partial word names. */
  fileCompletions(partial: string): string[] {
    const slash = partial.lastIndexOf('/');
    const dir = slash < 0 ? '' : partial.slice(0, slash + 1);
    const entries = this.fs.list(dir) ?? [];
    return entries.map((e) => dir + e.name + (e.dir ? '/' : ''));
  }
}

function commonPrefix(words: string[]): string {
  if (words.length === 0) return '';
  let prefix = words[0]!;
  for (const w of words) while (!w.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return prefix;
}
