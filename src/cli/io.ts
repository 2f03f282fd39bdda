// Small helpers shared by the subcommands.
import { readFileSync, statSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';

/** A problem with what the user gave us: printed as one line, exit code 2. */
export class UsageError extends Error {}

/** How a subcommand sets the process exit code (the highest one wins). */
export type SetExit = (code: number) => void;
export type RegisterCommand = (program: Command, setExit: SetExit) => void;

/** Reads a file or '-' (stdin) fully; throws UsageError with the path on failure. */
export function readInput(path: string): Uint8Array {
  try {
    return path === '-' ? readFileSync(0) : readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (err as Error).message}`);
  }
}

/** Expands folders into the files below them (sorted, hidden entries skipped). */
export function expandPaths(paths: string[]): string[] {
  const out: string[] = [];
  const walk = (p: string) => {
    let st;
    try {
      st = statSync(p);
    } catch {
      throw new UsageError(`${p}: no such file or folder`);
    }
    if (st.isDirectory()) {
      for (const name of readdirSync(p).sort()) if (!name.startsWith('.')) walk(join(p, name));
    } else out.push(p);
  };
  for (const p of paths) (p === '-' ? out.push(p) : walk(p));
  return out;
}
