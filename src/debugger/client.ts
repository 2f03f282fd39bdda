// The `dlv connect` terminal client: reads commands at the `(dlv) ` prompt and
// prints what Delve's terminal prints (pkg/terminal/command.go): breakpoint
// messages, the stop line and source listing, values, stacks, and errors as
// "Command failed: …" on stderr. An empty line repeats the last command.
import { formatValue } from './values.ts';
import { pcOf, type Frame, type GoProgram } from './program.ts';
import type { DebugTarget, Breakpoint, Stop } from './target.ts';
import type { CommandContext, SubPrompt, SubPromptResult } from '../shell/types.ts';

const PROMPT = '(dlv) ';
const KILL_QUESTION = 'Would you like to kill the headless instance? [Y/n] ';

const hex = (n: number) => '0x' + n.toString(16);
const out = (stdout: string, exitCode = 0): SubPromptResult => ({ stdout, stderr: '', exitCode });
const failed = (message: string, stdout = ''): SubPromptResult => ({ stdout, stderr: `Command failed: ${message}\n`, exitCode: 1 });

interface Command {
  aliases: string[];
  help: string;
  run(args: string, ctx: CommandContext): SubPromptResult | Promise<SubPromptResult>;
}

export interface DlvClientOptions {
  target: () => DebugTarget;
  /** The source file the client shows for the program's file (the reader's checkout). */
  source: () => string | undefined;
  /** The headless server was killed (quit, then yes). */
  onKill: () => void;
}

export class DlvClient implements SubPrompt {
  readonly name = 'dlv';
  private last = '';
  private asking = false;
  private readonly commands: Command[];

  constructor(private readonly opts: DlvClientOptions) {
    this.commands = this.table();
  }

  prompt(): string {
    return this.asking ? KILL_QUESTION : PROMPT;
  }

  complete(line: string): string[] {
    if (line.includes(' ')) return [];
    return this.commands.flatMap((c) => c.aliases);
  }

  async run(line: string, ctx: CommandContext): Promise<SubPromptResult> {
    if (this.asking) return this.answerKill(line);
    let text = line.trim();
    const repeated = text === '' && this.last !== '';
    if (text === '') {
      if (!repeated) return { ...out(''), ran: '' };
      text = this.last;
    }
    this.last = text;
    const [word, ...rest] = text.split(/\s+/);
    const args = rest.join(' ');
    const cmd = this.commands.find((c) => c.aliases.includes(word!));
    const r = cmd ? await cmd.run(args, ctx) : failed('command not available');
    return repeated ? { ...r, ran: text } : r;
  }

  private target(): DebugTarget {
    return this.opts.target();
  }

  private table(): Command[] {
    return [
      { aliases: ['help', 'h'], help: 'Prints the help message.', run: () => out(this.help()) },
      { aliases: ['break', 'b'], help: 'Sets a breakpoint.', run: (args) => this.breakCmd(args) },
      { aliases: ['breakpoints', 'bp'], help: 'Print out info for active breakpoints.', run: () => this.breakpointsCmd() },
      { aliases: ['clear'], help: 'Deletes breakpoint.', run: (args) => this.clearCmd(args) },
      { aliases: ['clearall'], help: 'Deletes multiple breakpoints.', run: () => out(this.target().breakpoints.splice(0).map((b) => `${bpName(b)} cleared at ${bpLocation(b)}\n`).join('')) },
      { aliases: ['continue', 'c'], help: 'Run until breakpoint or program termination.', run: (_a, ctx) => this.wait(this.target().resume(), ctx) },
      { aliases: ['next', 'n'], help: 'Step over to next source line.', run: (_a, ctx) => this.wait(this.target().move('next'), ctx) },
      { aliases: ['step', 's'], help: 'Single step through program.', run: (_a, ctx) => this.wait(this.target().move('step'), ctx) },
      { aliases: ['stepout', 'so'], help: 'Step out of the current function.', run: (_a, ctx) => this.wait(this.target().move('stepout'), ctx) },
      { aliases: ['print', 'p'], help: 'Evaluate an expression.', run: (args) => this.printCmd(args) },
      { aliases: ['locals'], help: 'Print local variables.', run: () => this.varsCmd('locals') },
      { aliases: ['args'], help: 'Print function arguments.', run: () => this.varsCmd('args') },
      { aliases: ['stack', 'bt'], help: 'Print stack trace.', run: () => out(formatStack(this.target().stack(), this.target().program)) },
      { aliases: ['list', 'ls', 'l'], help: 'Show source code.', run: (args) => this.listCmd(args) },
      { aliases: ['exit', 'quit', 'q'], help: 'Exit the debugger.', run: (args) => this.exitCmd(args) },
    ];
  }

  private help(): string {
    const rows = this.commands.map((c) => {
      const [name, ...aliases] = c.aliases;
      const label = aliases.length ? `${name} (alias: ${aliases.join(' | ')})` : name!;
      return `    ${label.padEnd(28)} ${c.help}`;
    });
    return `The following commands are available:\n${rows.join('\n')}\n\nType help followed by a command for full documentation.\n`;
  }

  private breakCmd(args: string): SubPromptResult {
    const t = this.target();
    const m = /^(.*?)(?:\s+if\s+(.+))?$/.exec(args.trim())!;
    let spec = m[1]!.trim();
    if (spec === '') {
      const stop = t.stop;
      if (!stop || stop.kind === 'halt') return failed('could not find statement');
      spec = String(stop.goroutine.run.steps[stop.goroutine.pos]!.frames[0]!.line);
    }
    const r = t.createBreakpoint(spec, m[2] ?? null);
    if (!r.ok) return failed(r.error);
    return out(`${bpName(r.breakpoint)} set at ${bpLocation(r.breakpoint)}\n`);
  }

  private breakpointsCmd(): SubPromptResult {
    const t = this.target();
    // Delve's own breakpoints on fatal errors and unrecovered panics come first.
    const lines = [
      `Breakpoint runtime-fatal-throw (enabled) at 0x43a2e4,0x43a1c4,0x46f00b for (multiple functions)() <multiple locations>:0 (0)`,
      `Breakpoint unrecovered-panic (enabled) at 0x43a6a4 for runtime.fatalpanic() /usr/local/go/src/runtime/panic.go:1217 (0)`,
      `\tprint runtime.curg._panic.arg`,
    ];
    for (const b of t.breakpoints) {
      lines.push(`${bpName(b)} (enabled) at ${bpLocation(b)} (${b.total})`);
      if (b.cond) lines.push(`\tcond ${b.cond}`);
    }
    return out(lines.join('\n') + '\n');
  }

  private clearCmd(args: string): SubPromptResult {
    const id = Number(args.trim());
    if (args.trim() === '') return failed('not enough arguments');
    if (!Number.isInteger(id)) return failed(`no breakpoint with name ${args.trim()}`);
    const b = this.target().clearBreakpoint(id);
    return b ? out(`${bpName(b)} cleared at ${bpLocation(b)}\n`) : failed(`no breakpoint with id ${id}`);
  }

  /** Waits for the process to stop; Ctrl-C halts it, as Delve's client does on SIGINT. */
  private async wait(stopping: Promise<Stop>, ctx: CommandContext): Promise<SubPromptResult> {
    const t = this.target();
    if (t.exited) return failed('Process has exited');
    let interrupted = false;
    const onAbort = () => {
      interrupted = true;
      t.interrupt();
    };
    ctx.signal?.addEventListener('abort', onAbort, { once: true });
    const stop = await stopping;
    ctx.signal?.removeEventListener('abort', onAbort);
    if (t.exited) return failed('Process has exited');
    const before = interrupted ? 'received SIGINT, stopping process (will not forward signal)\n' : '';
    const context = this.context(stop);
    return { ...context, stdout: before + context.stdout, exitCode: interrupted ? 130 : context.exitCode };
  }

  /** The stop line and the source around it (printcontext + printfile). */
  private context(stop: Stop): SubPromptResult {
    const t = this.target();
    if (stop.kind === 'halt') {
      const f = t.stack()[0]!;
      return out(`> ${f.fn}() ${f.file}:${f.line} (PC: ${hex(runtimePc(f))})\n`);
    }
    const g = stop.goroutine;
    const f = g.run.steps[g.pos]!.frames[0]!;
    const pc = hex(pcOf(t.program, f.line));
    let head: string;
    if (stop.kind === 'breakpoint') {
      const b = stop.breakpoint;
      head = `> [${bpName(b)}] ${f.fn}() ${f.file}:${f.line} (hits goroutine(${g.id}):${b.hits.get(g.id) ?? 0} total:${b.total}) (PC: ${pc})\n`;
    } else head = `> ${f.fn}() ${f.file}:${f.line} (PC: ${pc})\n`;
    if (stop.kind === 'step' && stop.returned) head += `Values returned:\n${stop.returned.map(([n, v]) => `\t${n}: ${formatValue(v, '\t')}\n`).join('')}\n`;
    const listing = this.listing(f.file, f.line, true);
    return listing.ok ? out(head + listing.text) : { stdout: head, stderr: `Command failed: ${listing.error}\n`, exitCode: 0 };
  }

  private listing(file: string, line: number, arrow: boolean): { ok: true; text: string } | { ok: false; error: string } {
    const src = file === this.target().program.file ? this.opts.source() : undefined;
    if (src === undefined) return { ok: false, error: `open ${file}: no such file or directory` };
    const lines = src.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    let text = '';
    for (let n = Math.max(1, line - 5); n <= Math.min(lines.length, line + 5); n++) {
      text += `${arrow && n === line ? '=>' : '  '}${String(n).padStart(4)}:\t${lines[n - 1]}\n`;
    }
    return { ok: true, text };
  }

  private listCmd(args: string): SubPromptResult {
    const t = this.target();
    let file: string;
    let line: number;
    let arrow = false;
    if (args.trim() === '') {
      const f = t.stack()[0]!;
      file = f.file;
      line = f.line;
      arrow = true;
    } else {
      const r = t.resolve(args.trim());
      if (!r.ok) return failed(r.error);
      file = r.file;
      line = r.line;
    }
    const pc = file === t.program.file ? pcOf(t.program, line) : runtimePc(t.stack()[0]!);
    const listing = this.listing(file, line, arrow);
    return listing.ok ? out(`Showing ${file}:${line} (PC: ${hex(pc)})\n${listing.text}`) : failed(listing.error);
  }

  private printCmd(args: string): SubPromptResult {
    if (args.trim() === '') return failed('not enough arguments');
    const r = this.target().evaluate(args);
    return r.ok ? out(formatValue(r.value) + '\n') : failed(r.error);
  }

  private varsCmd(kind: 'locals' | 'args'): SubPromptResult {
    const f = this.target().stack()[0]!;
    const vars = kind === 'locals' ? f.locals : f.args.filter(([n]) => !n.startsWith('~r'));
    if (vars.length === 0) return out(`(no ${kind})\n`);
    return out(vars.map(([n, v]) => `${n} = ${formatValue(v)}\n`).join(''));
  }

  private exitCmd(args: string): SubPromptResult {
    if (args.trim() === '-c') {
      this.target().detachRunning();
      return { ...out(''), exit: true };
    }
    if (this.target().exited) return { ...out(''), exit: true };
    // Connected to an --accept-multiclient server: Delve asks before killing it.
    this.asking = true;
    return out('');
  }

  private answerKill(line: string): SubPromptResult {
    const answer = line.trim().toLowerCase();
    if (answer === '' || answer === 'y' || answer === 'yes') {
      this.asking = false;
      this.target().kill();
      this.opts.onKill();
      return { ...out(''), ran: '', exit: true };
    }
    if (answer === 'n' || answer === 'no') {
      // The client leaves; the process stays as it is (stopped, if it was).
      this.asking = false;
      return { ...out(''), ran: '', exit: true };
    }
    return { ...out(''), ran: '' };
  }
}

const bpName = (b: Breakpoint) => `Breakpoint ${b.id}`;
const bpLocation = (b: Breakpoint) => `${hex(b.pc)} for ${b.fn}() ${b.file}:${b.line}`;
const runtimePc = (f: Frame) => 0x46e000 + ((f.line * 0x9d) % 0xfff);

/** `stack`: frame number, PC and function, then the file and line (api.PrintStack). */
export function formatStack(frames: Frame[], program: GoProgram): string {
  const width = String(frames.length - 1).length;
  const pad = ' '.repeat(width + 2);
  return frames
    .map((f, i) => {
      const pc = f.file === program.file ? pcOf(program, f.line) : runtimePc(f);
      return `${String(i).padStart(width)}  0x${pc.toString(16).padStart(16, '0')} in ${f.fn}\n${pad}at ${f.file}:${f.line}\n`;
    })
    .join('');
}
