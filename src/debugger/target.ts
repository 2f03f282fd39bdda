// The process Delve controls in the pod: a Go program serving HTTP, its
// breakpoints, and one goroutine per request in flight. When a goroutine
// reaches a breakpoint the whole process stops: that request waits, and so
// does every request that arrives later, until a client continues. Clients
// (the `dlv connect` sessions) and the requests (curl through the
// port-forward) only talk to this object; it knows nothing of terminals.
import { evaluate, type Scope } from './eval.ts';
import { pcOf, statementLines, type Frame, type GoProgram, type HttpRequestIn, type HttpResponseOut, type RequestRun, type Step } from './program.ts';
import type { GoValue } from './values.ts';

export interface Breakpoint {
  id: number;
  fn: string;
  file: string;
  line: number;
  pc: number;
  cond: string | null;
  /** Hits per goroutine id. */
  hits: Map<number, number>;
  total: number;
}

export interface Goroutine {
  id: number;
  run: RequestRun;
  /** Index of the step it is stopped at; -1 before it ran. */
  pos: number;
  finish: (response: HttpResponseOut | null) => void;
}

export type Stop =
  | { kind: 'breakpoint'; goroutine: Goroutine; breakpoint: Breakpoint }
  | { kind: 'step'; goroutine: Goroutine; returned?: [string, GoValue][] }
  /** Halted by a client (connect, Ctrl-C) while no goroutine of ours was running: stopped in the runtime. */
  | { kind: 'halt' };

/** Where a process stopped from the outside is: an idle Go server waits in the runtime. */
export const RUNTIME_IDLE: Frame[] = [
  { fn: 'runtime.futex', file: '/usr/local/go/src/runtime/sys_linux_amd64.s', line: 557, args: [], locals: [] },
  { fn: 'runtime.futexsleep', file: '/usr/local/go/src/runtime/os_linux.go', line: 69, args: [], locals: [] },
  { fn: 'runtime.notesleep', file: '/usr/local/go/src/runtime/lock_futex.go', line: 171, args: [], locals: [] },
  { fn: 'runtime.mPark', file: '/usr/local/go/src/runtime/proc.go', line: 1887, args: [], locals: [] },
  { fn: 'runtime.stopm', file: '/usr/local/go/src/runtime/proc.go', line: 2907, args: [], locals: [] },
  { fn: 'runtime.findRunnable', file: '/usr/local/go/src/runtime/proc.go', line: 3644, args: [], locals: [] },
  { fn: 'runtime.schedule', file: '/usr/local/go/src/runtime/proc.go', line: 4017, args: [], locals: [] },
  { fn: 'runtime.park_m', file: '/usr/local/go/src/runtime/proc.go', line: 4141, args: [], locals: [] },
  { fn: 'runtime.mcall', file: '/usr/local/go/src/runtime/asm_amd64.s', line: 459, args: [], locals: [] },
];

export type Resolution = { ok: true; fn: string; file: string; line: number; pc: number } | { ok: false; error: string };

export class DebugTarget {
  readonly program: GoProgram;
  readonly breakpoints: Breakpoint[] = [];
  running: boolean;
  /** Why the process is stopped (null while it runs). */
  stop: Stop | null = null;
  exited = false;
  private nextBreakpoint = 1;
  private nextGoroutine = 41;
  /** Goroutines that have not run yet because the process was stopped when their request came. */
  private queued: Goroutine[] = [];
  /** Clients waiting in `continue` for the next stop. */
  private waiting: ((stop: Stop) => void)[] = [];
  private readonly statements: Set<number>;

  constructor(program: GoProgram, opts: { running: boolean }) {
    this.program = program;
    this.running = opts.running;
    if (!opts.running) this.stop = { kind: 'halt' };
    this.statements = statementLines(program);
  }

  /** Frames of the stopped goroutine, innermost first, down to runtime.goexit. */
  stack(): Frame[] {
    const stop = this.stop;
    if (!stop || stop.kind === 'halt') return RUNTIME_IDLE;
    return stackOf(this.program, stop.goroutine.run.steps[stop.goroutine.pos]!);
  }

  /** Finds a location spec: `main.go:50`, `50` (in the program's file), `main.handleEntry`, `handleEntry`, `main.handleEntry:3`. */
  resolve(spec: string): Resolution {
    const file = this.program.file;
    const lineSpec = /^(?:(.+):)?(\d+)$/.exec(spec);
    if (lineSpec && (lineSpec[1] === undefined || file === lineSpec[1] || file.endsWith('/' + lineSpec[1]))) {
      const line = Number(lineSpec[2]);
      if (!this.statements.has(line)) return { ok: false, error: `could not find statement at ${file}:${line}, please use a line with a statement` };
      const fn = this.program.functions.find((f) => line >= f.line && line <= f.end)!;
      return { ok: true, fn: fn.name, file, line, pc: pcOf(this.program, line) };
    }
    const fnSpec = /^([\w.()*/]+?)(?::(\d+))?$/.exec(spec);
    const fn = fnSpec ? this.program.functions.find((f) => f.name === fnSpec[1] || f.name.endsWith('.' + fnSpec[1])) : undefined;
    if (fn) {
      const line = fn.line + Number(fnSpec![2] ?? 0);
      return { ok: true, fn: fn.name, file, line, pc: pcOf(this.program, line) };
    }
    return { ok: false, error: `location "${spec}" not found` };
  }

  createBreakpoint(spec: string, cond: string | null): { ok: true; breakpoint: Breakpoint } | { ok: false; error: string } {
    const at = this.resolve(spec);
    if (!at.ok) return at;
    const same = this.breakpoints.find((b) => b.pc === at.pc);
    if (same) return { ok: false, error: `Breakpoint exists at ${same.file}:${same.line} at ${same.pc.toString(16)}` };
    const breakpoint: Breakpoint = { id: this.nextBreakpoint++, fn: at.fn, file: at.file, line: at.line, pc: at.pc, cond, hits: new Map(), total: 0 };
    this.breakpoints.push(breakpoint);
    return { ok: true, breakpoint };
  }

  clearBreakpoint(id: number): Breakpoint | null {
    const i = this.breakpoints.findIndex((b) => b.id === id);
    return i < 0 ? null : this.breakpoints.splice(i, 1)[0]!;
  }

  /** A request arrives at the app: its goroutine runs now, or once the process runs again. Resolves with the response (null: the process died). */
  request(req: HttpRequestIn): Promise<HttpResponseOut | null> {
    return new Promise((resolve) => {
      const g: Goroutine = { id: this.nextGoroutine, run: this.program.handle(req), pos: -1, finish: resolve };
      this.nextGoroutine += 2;
      if (this.exited) return resolve(null);
      if (!this.running) this.queued.push(g);
      else if (this.advance(g, 0)) this.stopped();
    });
  }

  /** `continue`: runs until a breakpoint stops the process; the promise waits for it (requests may come later). */
  resume(): Promise<Stop> {
    const stop = this.runAll();
    if (stop) return Promise.resolve(stop);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Lets the process run without waiting for a stop (`quit -c`). */
  detachRunning(): void {
    this.runAll();
  }

  /** `next`, `step` and `stepout` in the stopped goroutine. Without one (stopped in the runtime) they continue. */
  move(kind: 'next' | 'step' | 'stepout'): Promise<Stop> {
    const stop = this.stop;
    if (!stop || stop.kind === 'halt') return this.resume();
    const g = stop.goroutine;
    const steps = g.run.steps;
    const depth = steps[g.pos]!.frames.length;
    let target = -1;
    for (let q = g.pos + 1; q < steps.length; q++) {
      const d = steps[q]!.frames.length;
      const ok = kind === 'step' ? true : kind === 'stepout' ? d < depth : d <= depth && !(steps[q]!.returned && d === depth);
      if (ok) {
        target = q;
        break;
      }
    }
    // Breakpoints in the code passed over still stop the process, as in Delve.
    const end = target < 0 ? steps.length : target;
    for (let q = g.pos + 1; q < end; q++) {
      const bp = this.breakpointAt(g, q);
      if (bp) return Promise.resolve(this.halt(g, q, bp));
    }
    if (target < 0) {
      // The handler is done: the goroutine moves on and the process runs.
      this.stop = null;
      this.finish(g);
      return this.resume();
    }
    const bp = this.breakpointAt(g, target);
    if (bp) return Promise.resolve(this.halt(g, target, bp));
    g.pos = target;
    const next: Stop = { kind: 'step', goroutine: g, ...(kind === 'stepout' && steps[target]!.returned ? { returned: steps[target]!.returned } : {}) };
    this.stop = next;
    return Promise.resolve(next);
  }

  /** Stops a running process from the outside (a client connects, or Ctrl-C in `continue`). */
  interrupt(): Stop {
    if (this.running) {
      this.running = false;
      this.stop = { kind: 'halt' };
      this.notify(this.stop);
    }
    return this.stop!;
  }

  /** The headless server is killed: the process dies, requests in flight get no answer. */
  kill(): void {
    this.exited = true;
    this.running = false;
    const stop = this.stop;
    if (stop && stop.kind !== 'halt') stop.goroutine.finish(null);
    for (const g of this.queued) g.finish(null);
    this.queued = [];
  }

  /** Evaluates an expression in the stopped frame (`frame` counts from the innermost). */
  evaluate(expr: string, frame = 0) {
    return evaluate(expr, this.scope(frame));
  }

  scope(frame = 0): Scope {
    return scopeOfFrame(this.program, this.stack()[frame]);
  }

  private breakpointAt(g: Goroutine, pos: number): Breakpoint | null {
    const step = g.run.steps[pos]!;
    if (step.returned) return null;
    const top = step.frames[0]!;
    for (const bp of this.breakpoints) {
      if (bp.file !== top.file || bp.line !== top.line) continue;
      if (bp.cond) {
        const r = evaluate(bp.cond, scopeOfFrame(this.program, top));
        if (!r.ok || r.value.kind !== 'bool' || !r.value.value) continue;
      }
      return bp;
    }
    return null;
  }

  private halt(g: Goroutine, pos: number, bp: Breakpoint): Stop {
    g.pos = pos;
    bp.hits.set(g.id, (bp.hits.get(g.id) ?? 0) + 1);
    bp.total++;
    this.running = false;
    this.stop = { kind: 'breakpoint', goroutine: g, breakpoint: bp };
    return this.stop;
  }

  /** Runs g from step `from`; true when it stopped at a breakpoint, false when it finished. */
  private advance(g: Goroutine, from: number): boolean {
    for (let q = from; q < g.run.steps.length; q++) {
      const bp = this.breakpointAt(g, q);
      if (bp) {
        this.halt(g, q, bp);
        return true;
      }
    }
    this.finish(g);
    return false;
  }

  private finish(g: Goroutine): void {
    g.pos = g.run.steps.length;
    g.finish(g.run.response);
  }

  /** Lets the stopped goroutine and then the queued ones run; the stop that ends it, if any. */
  private runAll(): Stop | null {
    if (this.exited) return null;
    const stop = this.stop;
    this.running = true;
    this.stop = null;
    const pending = [...(stop && stop.kind !== 'halt' ? [stop.goroutine] : []), ...this.queued];
    this.queued = [];
    for (let i = 0; i < pending.length; i++) {
      const g = pending[i]!;
      if (this.advance(g, g.pos + 1)) {
        this.queued = pending.slice(i + 1);
        return this.stop;
      }
    }
    return null;
  }

  private stopped(): void {
    if (this.stop) this.notify(this.stop);
  }

  private notify(stop: Stop): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const w of waiting) w(stop);
  }
}

export function stackOf(program: GoProgram, step: Step): Frame[] {
  const last = step.frames[step.frames.length - 1]!;
  const i = program.callers.findIndex((f) => f.fn === last.fn);
  return [...step.frames, ...program.callers.slice(i + 1)];
}

/** Arguments and locals of a frame, then package variables: by qualified name, or bare from code in the same package. */
function scopeOfFrame(program: GoProgram, f: Frame | undefined): Scope {
  const globals = new Map(program.globals);
  const pkg = f?.fn.split('.')[0];
  return {
    lookup: (name) => f?.locals.find(([n]) => n === name)?.[1] ?? f?.args.find(([n]) => n === name)?.[1] ?? globals.get(name) ?? (pkg ? globals.get(`${pkg}.${name}`) : undefined),
  };
}
