// Node-side loading of lab folders (site build and CLI).
import { readFileSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseLab, formatProblems, type LabDefinition } from './definition.ts';

export const labsDir = (root = process.cwd()) => join(root, 'labs');

export class LabError extends Error {}

/** Loads labs/<id>/lab.yaml or throws a LabError naming the file and line. */
export function loadLab(id: string, root = process.cwd()): LabDefinition {
  const file = join(labsDir(root), id, 'lab.yaml');
  const shown = relative(root, file);
  if (!existsSync(file)) throw new LabError(`${shown}: no such lab (is the id "${id}" right?)`);
  const result = parseLab(readFileSync(file, 'utf8'), shown, id);
  if (!result.ok) throw new LabError(`invalid lab definition\n${formatProblems(result.problems)}`);
  return result.lab;
}
