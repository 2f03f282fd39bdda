// Node-side loading of lab folders (site build and CLI).
import { readFileSync, existsSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { bytesToBinaryString } from '../shell/binary.ts';
import { parseLab, formatProblems, locateInLab, isReady, type LabDefinition, type ReadyLab } from './definition.ts';

export const labsDir = (root = process.cwd()) => join(root, 'labs');

export class LabError extends Error {}

/** Loads labs/<id>/lab.yaml or throws a LabError naming the file and line. */
export function loadLab(id: string, root = process.cwd()): LabDefinition {
  return loadLabDir(join(labsDir(root), id), root);
}

/** Loads <dir>/lab.yaml (its id must be the folder's name); problems name the file relative to `shownFrom`. */
export function loadLabDir(dir: string, shownFrom = process.cwd()): LabDefinition {
  const id = basename(resolve(dir));
  const file = join(dir, 'lab.yaml');
  const shown = relative(shownFrom, file);
  if (!existsSync(file)) throw new LabError(`${shown}: no such lab (is the id "${id}" right?)`);
  const text = readFileSync(file, 'utf8');
  const result = parseLab(text, shown, id);
  if (!result.ok) throw new LabError(`invalid lab definition\n${formatProblems(result.problems)}`);
  return result.lab;
}

/** A ready lab with every file's text in `content` (the `src:` files read from the lab folder). */
export type ResolvedLab = ReadyLab & { files: (ReadyLab['files'][number] & { content: string })[] };

/**
 * Loads a lab and, when it is ready, reads the files it names with `src:`.
 * A missing file is reported at the line of its `src:` entry.
 */
export function loadLabWithFiles(id: string, root = process.cwd()): LabDefinition | ResolvedLab {
  return loadLabDirWithFiles(join(labsDir(root), id), root);
}

/** loadLabWithFiles for a lab folder anywhere (a team's own labs, `opslab lab check <dir>`). */
export function loadLabDirWithFiles(dir: string, shownFrom = process.cwd()): LabDefinition | ResolvedLab {
  const lab = loadLabDir(dir, shownFrom);
  if (!isReady(lab)) return lab;
  const yamlFile = join(dir, 'lab.yaml');
  const files = lab.files.map((f, i) => {
    if (f.content !== undefined) return { ...f, content: f.content };
    const path = join(dir, f.src!);
    if (!existsSync(path)) {
      const where = locateInLab(readFileSync(yamlFile, 'utf8'), ['files', i, 'src']);
      throw new LabError(`${relative(shownFrom, yamlFile)}:${where.line}:${where.column}: files.${i}.src: no such file "${f.src}" in the lab folder`);
    }
    // Profiles are binary: kept byte for byte as a binary string (src/shell/binary.ts).
    return { ...f, content: f.kind === 'profile' ? bytesToBinaryString(readFileSync(path)) : readFileSync(path, 'utf8') };
  });
  return { ...lab, files };
}
