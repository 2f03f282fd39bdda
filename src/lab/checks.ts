// Evaluates a task's check against the state of a lab session. Pure: the worker
// and `opslab lab check` (replaying solutions in Node) share it. Checks that
// need the analyzer or the simulator get them through `CheckEnv`, and say
// "unavailable" when the caller has none to give.
import { parseAllDocuments } from 'yaml';
import type { Finding } from '../analyzer/finding.ts';
import type { RunRecord } from '../shell/index.ts';
import type { Check } from './definition.ts';
import { parseDuration } from '../mesh/duration.ts';

export interface CheckEnv {
  /** The learner's files, by path. */
  files: Record<string, string>;
  /** Commands run in the terminal, oldest first. */
  records: RunRecord[];
  /** Answers given to `answer` checks, by task id. */
  answers: Record<string, string>;
  /** The analyzer's findings for the lab's files, once an analyzer is plugged in. */
  findings?: Finding[];
  /**
   * Sends `command` from `from` on a copy of the simulated mesh; `flags` are those the caller's sidecar logged.
   * With `idleMs`, sends it once, lets that long pass, and answers for the second.
   * With `atStart`, sends it as the app does when its container starts (the sidecar may not be ready).
   */
  request?: (from: string, command: string, idleMs?: number, atStart?: boolean) => Promise<{ status: number; body: string; flags?: string[] }>;
}

export type CheckOutcome = { status: 'pass' } | { status: 'fail' } | { status: 'unavailable'; reason: string };

const pass: CheckOutcome = { status: 'pass' };
const failed: CheckOutcome = { status: 'fail' };
const outcome = (ok: boolean): CheckOutcome => (ok ? pass : failed);

/** `spec.template.metadata.labels.version`, `items.0.name` or a ready list of keys. */
export function pathKeys(path: string | (string | number)[]): (string | number)[] {
  if (Array.isArray(path)) return path;
  return path.split('.').map((k) => (/^\d+$/.test(k) ? Number(k) : k));
}

/** Every value at the path; a `*` key stands for each item of a list (or each value of a map). */
function valuesAt(root: unknown, keys: (string | number)[]): unknown[] {
  let nodes = [root];
  for (const key of keys) {
    nodes = nodes.flatMap((node) => {
      if (node === null || typeof node !== 'object') return [];
      const record = node as Record<string | number, unknown>;
      if (key === '*') return Object.values(record);
      return key in record ? [record[key]] : [];
    });
  }
  return nodes;
}

/** A command-run check matches a record: the regex against the typed line, the argv prefix against any stage. */
export function recordMatches(check: Extract<Check, { kind: 'command-run' }>, record: RunRecord): boolean {
  // A command that failed does not count: the learner has not yet seen what it shows.
  if (record.exitCode !== 0) return false;
  // A line typed at a program's prompt (`(dlv) break …`) is not a shell command, and the other way round.
  if (check.prompt !== record.prompt) return false;
  if (check.command !== undefined && !new RegExp(check.command).test(record.line)) return false;
  if (check.argv !== undefined) {
    const prefix = check.argv;
    if (!record.stages.some((stage) => prefix.every((word, i) => stage[i] === word))) return false;
  }
  return true;
}

export async function evaluateCheck(check: Check, taskId: string, env: CheckEnv): Promise<CheckOutcome> {
  switch (check.kind) {
    case 'command-run':
      return outcome(env.records.some((r) => recordMatches(check, r)));
    case 'yaml-path': {
      const text = env.files[check.file];
      if (text === undefined) return failed;
      const docs = parseAllDocuments(text);
      if (!Array.isArray(docs)) return failed; // an empty stream
      const candidates = check.document !== undefined ? docs.slice(check.document, check.document + 1) : docs;
      const keys = pathKeys(check.path);
      return outcome(
        candidates.some((doc) => {
          if (doc.errors.length > 0) return false;
          return valuesAt(doc.toJS(), keys).some((value) => value === check.equals);
        }),
      );
    }
    case 'answer': {
      const given = env.answers[taskId];
      if (given === undefined) return failed;
      const norm = (s: string) => s.trim().toLowerCase();
      return outcome(check.choices ? check.accept.includes(given) : check.accept.some((a) => norm(a) === norm(given)));
    }
    case 'finding': {
      if (!env.findings) return { status: 'unavailable', reason: 'no analyzer results were given to the check' };
      const present = env.findings.some((f) => f.code === check.code && !f.suppressed && (check.file === undefined || f.file === check.file));
      return outcome(check.expect === 'present' ? present : !present);
    }
    case 'request': {
      if (!env.request) return { status: 'unavailable', reason: 'the lab has no simulated mesh to send the request to' };
      const r = await env.request(check.from, check.command, check.idle === undefined ? undefined : (parseDuration(check.idle) ?? undefined), check.atStart);
      const statusOk = check.expect.status === undefined || r.status === check.expect.status;
      const bodyOk = check.expect.bodyIncludes === undefined || r.body.includes(check.expect.bodyIncludes);
      const flagOk = check.expect.flag === undefined || (r.flags ?? []).includes(check.expect.flag);
      return outcome(statusOk && bodyOk && flagOk);
    }
  }
}

export { applyEdits } from './edits.ts';
