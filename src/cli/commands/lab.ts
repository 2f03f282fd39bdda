// `opslab lab check [<lab-dir>...]`: validates labs and replays each ready lab's
// solution. Every check must fail before the solution and pass after it; a check
// that is already ticked when the lab opens is a defect.
import { readdirSync, existsSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { Command } from 'commander';
import { isReady } from '../../lab/definition.ts';
import { loadLabDirWithFiles, labsDir, LabError, type ResolvedLab } from '../../lab/load-node.ts';
import { replaySolution } from '../../lab/replay.ts';
import { analyzeFiles } from '../../lab/findings.ts';
import { detectAnalyzer } from '../../analyzer/registry.ts';
import { UsageError, type SetExit } from '../io.ts';

/** Checks one lab folder; returns the problems found (empty when it holds). */
export async function checkLab(dir: string): Promise<{ id: string; status: 'planned' | 'ready'; problems: string[] }> {
  const id = basename(resolve(dir));
  let lab;
  try {
    lab = loadLabDirWithFiles(dir);
  } catch (err) {
    if (err instanceof LabError) return { id, status: 'planned', problems: [err.message] };
    throw err;
  }
  if (!isReady(lab)) return { id, status: 'planned', problems: [] };
  const r = await replaySolution(lab as ResolvedLab, { analyze: (files) => analyzeFiles(files, detectAnalyzer) });
  const problems = [...r.problems];
  for (const [task, outcome] of Object.entries(r.after)) {
    if (outcome.status !== 'pass') problems.push(`task "${task}" does not pass after the solution (${outcome.status === 'unavailable' ? outcome.reason : outcome.status})`);
  }
  // A task ticked before the learner did anything proves nothing about what they did.
  for (const [task, outcome] of Object.entries(r.before)) {
    if (outcome.status === 'pass') problems.push(`task "${task}" already passes before the solution: it is ticked before the learner does anything`);
  }
  return { id, status: 'ready', problems };
}

export function registerLab(program: Command, setExit: SetExit): void {
  const lab = program.command('lab').description('Work with lab definitions (labs/<id>/lab.yaml)');
  lab
    .command('check')
    .description('Validate labs and replay each ready lab\'s solution (every check fails before it and passes after it)')
    .argument('[lab-dir...]', 'lab folders or lab ids (default: every folder under ./labs)')
    .action(async (dirs: string[]) => {
      // A bare id (`lab check no-healthy-upstream`) names ./labs/<id> when there is no such folder here.
      const byId = (d: string) => (!existsSync(`${d}/lab.yaml`) && existsSync(`${labsDir()}/${d}/lab.yaml`) ? `${labsDir()}/${d}` : d);
      const targets = dirs.length > 0 ? dirs.map(byId) : existsSync(labsDir()) ? readdirSync(labsDir()).sort().map((d) => `${labsDir()}/${d}`) : [];
      if (targets.length === 0) throw new UsageError('no labs found (run in the project folder or give lab folders)');
      let failed = 0;
      for (const dir of targets) {
        if (!existsSync(`${dir}/lab.yaml`)) throw new UsageError(`${dir}: no lab.yaml in this folder`);
        const r = await checkLab(dir);
        if (r.problems.length === 0) process.stdout.write(`✔ ${r.id}${r.status === 'planned' ? ' (planned: definition valid, nothing to replay)' : ': solution replayed, every check fails before it and passes after it'}\n`);
        else {
          failed++;
          process.stdout.write(`✘ ${r.id}\n${r.problems.map((p) => '    ' + p.replace(/\n/g, '\n    ')).join('\n')}\n`);
        }
      }
      process.stdout.write(`${targets.length - failed} of ${targets.length} lab(s) hold.\n`);
      if (failed) setExit(1);
    });
}
