// Command-line parsing: shell-quote does the quoting, escapes and $VARS; we
// split its output into the stages of a pipeline and expand globs against the
// virtual file system. Only `|` is supported: the labs never need redirection,
// `&&` or background jobs, and saying so beats half-supporting them.
import { parse as shellParse, type ParseEntry } from 'shell-quote';
import type { VirtualFS } from './vfs.ts';

export type ParsedLine = { ok: true; stages: string[][] } | { ok: false; error: string };

export function parseLine(line: string, env: Readonly<Record<string, string>>, fs?: VirtualFS): ParsedLine {
  let entries: ParseEntry[];
  try {
    entries = shellParse(line, env);
  } catch (e) {
    return { ok: false, error: `syntax error: ${(e as Error).message}` };
  }
  const stages: string[][] = [[]];
  for (const entry of entries) {
    const current = stages[stages.length - 1]!;
    if (typeof entry === 'string') current.push(entry);
    else if ('comment' in entry) break;
    else if ('pattern' in entry) {
      // Like bash without nullglob: a pattern that matches nothing stays as typed.
      const matches = fs?.glob(entry.pattern) ?? [];
      current.push(...(matches.length > 0 ? matches : [entry.pattern]));
    } else if (entry.op === '|') {
      if (current.length === 0) return { ok: false, error: "syntax error near unexpected token '|'" };
      stages.push([]);
    } else {
      return { ok: false, error: `'${entry.op}' is not supported in this shell (only pipes '|' are)` };
    }
  }
  const last = stages[stages.length - 1]!;
  if (last.length === 0) {
    if (stages.length === 1) return { ok: true, stages: [] };
    return { ok: false, error: "syntax error: a pipe '|' needs a command after it" };
  }
  return { ok: true, stages };
}
