// A Go program as the simulated debugger sees it: its source file (with the
// path compiled into the binary), its functions and statement lines, and what
// one HTTP request does inside it: the steps a goroutine takes, with the frames
// and variables at each. Programs are small models written per lab (see
// ledger.ts); lines are found in the lab's own source by the text of the
// statement, so the model follows the file the reader reads.
import type { GoValue } from './values.ts';

export interface HttpRequestIn {
  method: string;
  /** Path and query as sent, e.g. `/entries?x=1`. */
  target: string;
  /** Headers as curl sends them (name as given, value). */
  headers: [string, string][];
  body: string;
  /** The Host header. */
  host: string;
  /** The client address the app sees (through `kubectl port-forward`: the pod's loopback). */
  remoteAddr: string;
}

export interface HttpResponseOut {
  status: number;
  headers: [string, string][];
  body: string;
}

export interface Frame {
  /** Fully qualified, e.g. `main.handleEntry`. */
  fn: string;
  file: string;
  line: number;
  args: [string, GoValue][];
  /** Locals visible at this line (declared on or before it), with their current values. */
  locals: [string, GoValue][];
}

export interface Step {
  /** Innermost frame first; the frames below the handler (net/http) come from the program. */
  frames: Frame[];
  /** Set on the step back in the caller after a call returned: `next` passes over it, `stepout` lands on it. */
  returned?: [string, GoValue][];
}

/** What a request does: the steps of its goroutine, then the response written when they are done. */
export interface RequestRun {
  steps: Step[];
  response: HttpResponseOut;
}

export interface GoFunction {
  name: string;
  file: string;
  /** The `func` line: where a breakpoint on the function lands (after the prologue, with -N -l). */
  line: number;
  /** The line of the closing brace. */
  end: number;
}

export interface GoProgram {
  /** The path of the source file as compiled into the binary (e.g. /src/cmd/ledger/main.go). */
  file: string;
  source: string;
  functions: GoFunction[];
  /** The port the app's HTTP server listens on. */
  port: number;
  /** Frames below the handler in a request's goroutine (net/http, runtime), innermost first. */
  callers: Frame[];
  /** Package variables by qualified name (`main.tiers`); `print tiers` finds them from package main. */
  globals: [string, GoValue][];
  /** The goroutine's run for a request, or a response given without running any code we model (e.g. a 404 from the mux). */
  handle(req: HttpRequestIn): RequestRun;
}

/** The functions of a Go source file: `func name(` up to the `}` in column 1 that closes it. */
export function functionsOf(source: string, file: string, pkg = 'main'): GoFunction[] {
  const lines = source.split('\n');
  const out: GoFunction[] = [];
  lines.forEach((text, i) => {
    const m = /^func (\w+)\(/.exec(text);
    if (!m) return;
    const end = lines.findIndex((l, j) => j > i && l === '}');
    out.push({ name: `${pkg}.${m[1]}`, file, line: i + 1, end: end < 0 ? lines.length : end + 1 });
  });
  return out;
}

/** Lines that hold a statement (where a breakpoint can go): inside a function, not blank, not a comment, not a lone brace except the closing one. */
export function statementLines(program: Pick<GoProgram, 'source' | 'functions'>): Set<number> {
  const lines = program.source.split('\n');
  const out = new Set<number>();
  for (const f of program.functions) {
    for (let n = f.line; n <= f.end; n++) {
      const t = (lines[n - 1] ?? '').trim();
      if (t === '' || t.startsWith('//') || (t === '}' && n !== f.end)) continue;
      out.add(n);
    }
  }
  return out;
}

/** The 1-based line whose text contains `marker` (the first one at or after `from`). */
export function lineOf(source: string, marker: string, from = 1): number {
  const lines = source.split('\n');
  const i = lines.findIndex((l, j) => j >= from - 1 && l.includes(marker));
  if (i < 0) throw new Error(`the program's source has no line with "${marker}"`);
  return i + 1;
}

/** A stable code address for a line, as `break` and the stop line print it. */
export function pcOf(program: Pick<GoProgram, 'functions'>, line: number): number {
  const index = program.functions.findIndex((f) => line >= f.line && line <= f.end);
  const f = program.functions[index];
  const base = 0x6c2a00 + Math.max(index, 0) * 0x400;
  return f ? base + (line - f.line) * 0x2e + 0x1e : base;
}
