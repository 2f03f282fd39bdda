// Applies a solution's edits to the lab's files. Kept free of the YAML parser so
// the page can compute the solution's diff without loading it.
import type { LabEdit } from './definition.ts';

/** The file contents after the solution's edits (a patch replaces the first occurrence of each `find`). */
export function applyEdits(files: Record<string, string>, edits: LabEdit[]): { files: Record<string, string>; problems: string[] } {
  const out = { ...files };
  const problems: string[] = [];
  for (const edit of edits) {
    if (edit.content !== undefined) {
      out[edit.file] = edit.content;
      continue;
    }
    let text = out[edit.file] ?? '';
    for (const p of edit.patch ?? []) {
      const at = text.indexOf(p.find);
      if (at < 0) problems.push(`${edit.file}: the text to replace was not found: ${JSON.stringify(p.find)}`);
      else text = text.slice(0, at) + p.replace + text.slice(at + p.find.length);
    }
    out[edit.file] = text;
  }
  return { files: out, problems };
}
