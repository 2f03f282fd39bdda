// Replays a lab's solution in a fresh session and evaluates every check before
// and after it: every check must pass after, and at least one must fail before
// (a lab whose check cannot fail is a defect). `opslab lab check` builds on it.
import { VirtualFS } from '../shell/index.ts';
import { applyEdits, evaluateCheck, type CheckEnv, type CheckOutcome } from './checks.ts';
import { createLabSession } from './session.ts';
import { visibleFiles, type LabData } from './protocol.ts';
import type { Finding } from '../analyzer/finding.ts';

export interface ReplayResult {
  before: Record<string, CheckOutcome>;
  after: Record<string, CheckOutcome>;
  /** Problems with the solution itself (a patch that does not apply, a command that failed). */
  problems: string[];
}

async function outcomes(lab: LabData, env: CheckEnv): Promise<Record<string, CheckOutcome>> {
  const out: Record<string, CheckOutcome> = {};
  for (const task of lab.tasks) out[task.id] = await evaluateCheck(task.check, task.id, env);
  return out;
}

export interface ReplayOptions {
  /** Computes the analyzer's findings for a set of files (for `finding` checks). */
  analyze?: (files: Record<string, string>) => Promise<Finding[]>;
}

export async function replaySolution(lab: LabData, opts: ReplayOptions = {}): Promise<ReplayResult> {
  const original = Object.fromEntries(visibleFiles(lab).map((f) => [f.path, f.content]));
  const fresh = createLabSession(lab, { fs: new VirtualFS(visibleFiles(lab).map((f) => ({ path: f.path, content: f.content }))) });
  const before = await outcomes(lab, { files: original, records: [], answers: {}, findings: await opts.analyze?.(original), request: fresh.request });
  const edited = applyEdits(original, lab.solution.edits);
  const problems = [...edited.problems];
  const session = createLabSession(lab, { fs: new VirtualFS(Object.entries(edited.files).map(([path, content]) => ({ path, content }))) });
  const shell = session.shell;
  // A line goes to the first terminal that is free, as a learner types into the
  // other terminal while one waits (a debugger in `continue`, a curl held at a
  // breakpoint). A command that still waits when the solution ends is left waiting.
  const busy = new Set<number>();
  for (const line of lab.solution.commands) {
    let terminal = 0;
    while (busy.has(terminal)) terminal++;
    if (terminal >= lab.terminals) {
      problems.push(`solution command has no free terminal (all ${lab.terminals} wait): ${line}`);
      break;
    }
    busy.add(terminal);
    const running = shell.run(line, { terminal }).then((r) => {
      busy.delete(terminal);
      if (r.exitCode !== 0) problems.push(`solution command failed (exit ${r.exitCode}): ${line}\n${r.stderr}`);
    });
    // Simulated commands finish quickly unless they wait for another terminal; some
    // (pprof: gunzip through DecompressionStream) take a few ticks, hence the grace period.
    await Promise.race([running, new Promise((resolve) => setTimeout(resolve, 200))]);
  }
  // The solution's answer to each question is its first accepted answer.
  const answers = Object.fromEntries(lab.tasks.flatMap((t) => (t.check.kind === 'answer' ? [[t.id, t.check.accept[0]!]] : [])));
  const after = await outcomes(lab, { files: edited.files, records: shell.records, answers, findings: await opts.analyze?.(edited.files), request: session.request });
  return { before, after, problems };
}
