// `opslab analyze`: detects the kind of every given file and runs its analyzer.
import { Option, type Command } from 'commander';
import { runAnalyzers } from '../../analyzer/run.ts';
import type { ArtifactInput, ArtifactReport } from '../../analyzer/artifact.ts';
import { atLeast, type Finding, type Severity } from '../../analyzer/finding.ts';
import { expandPaths, readInput, UsageError, type SetExit } from '../io.ts';

/** `--suppress "CODE=Kind namespace/name"`, as istioctl takes it; `*` matches anything. */
export function parseSuppression(rule: string): (f: Finding) => boolean {
  const eq = rule.indexOf('=');
  if (eq < 1) throw new UsageError(`--suppress "${rule}": expected CODE=Kind name (e.g. IST0102=Namespace default)`);
  const glob = (s: string) => new RegExp('^' + s.trim().split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$');
  const code = glob(rule.slice(0, eq));
  const resource = glob(rule.slice(eq + 1));
  return (f) => code.test(f.code) && f.resource !== null && resource.test(f.resource);
}

const label: Record<Severity, string> = { error: 'Error', warning: 'Warning', info: 'Info' };

export function formatFindingText(f: Finding): string {
  const where = f.resource ? `(${f.resource}${f.file ? ` ${f.file}${f.line ? `:${f.line}` : ''}` : ''})` : f.file ? `(${f.file}${f.line ? `:${f.line}` : ''})` : '';
  return `${label[f.severity]} [${f.code}] ${where ? where + ' ' : ''}${f.message.en}`;
}

/** Reads the files (folders expanded) and analyzes them; an unknown file becomes a report with an error. */
export async function analyzeFiles(paths: string[]): Promise<{ reports: ArtifactReport[]; files: number }> {
  const inputs: ArtifactInput[] = expandPaths(paths).map((name) => {
    const bytes = readInput(name);
    return { name, bytes, text: new TextDecoder().decode(bytes) };
  });
  const { reports, unknown } = await runAnalyzers(inputs);
  for (const file of unknown) reports.push({ kind: 'unknown', findings: [], error: `${file}: not a kind of input opslab knows (resources YAML, access log, config dump, stats, profile, trace, socket table)` });
  return { reports, files: inputs.length };
}

export function registerAnalyze(program: Command, setExit: SetExit): void {
  program
    .command('analyze')
    .description('Analyze files or folders: Kubernetes/Istio YAML, access logs, config dumps, stats, profiles, traces, ss output')
    .argument('<path...>', 'files or folders ("-" for stdin)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .addOption(new Option('--fail-level <level>', 'exit 1 when a finding at or above this level exists').choices(['error', 'warning', 'info']).default('error'))
    .option('--suppress <rule>', 'silence findings, e.g. "IST0102=Namespace default" (repeatable)', (v: string, prev: string[]) => [...prev, v], [] as string[])
    .action(async (paths: string[], opts: { format: 'text' | 'json'; failLevel: Severity; suppress: string[] }) => {
      const suppressors = opts.suppress.map(parseSuppression);
      const { reports, files } = await analyzeFiles(paths);
      const unreadable = reports.filter((r) => r.error);
      for (const r of unreadable) process.stderr.write(`opslab: ${r.error}\n`);
      const findings = reports.flatMap((r) => r.findings).map((f) => (suppressors.some((s) => s(f)) ? { ...f, suppressed: true } : f));
      const shown = findings.filter((f) => !f.suppressed);
      if (opts.format === 'json') {
        const out = shown.map((f) => ({ code: f.code, severity: f.severity, message: f.message.en, message_zh: f.message.zh, resource: f.resource, file: f.file, line: f.line, column: f.column, chapter: f.chapter, ...(f.fix ? { fix: f.fix.en } : {}), ...(f.path ? { path: f.path } : {}) }));
        process.stdout.write(JSON.stringify({ findings: out, suppressed: findings.length - shown.length }, null, 2) + '\n');
      } else {
        for (const r of reports) for (const line of r.summary ?? []) process.stdout.write(line + '\n');
        for (const f of shown) process.stdout.write(formatFindingText(f) + '\n');
        const silenced = findings.length - shown.length;
        if (shown.length === 0 && unreadable.length === 0) process.stdout.write(`✔ No validation issues found when analyzing ${files} file(s).${silenced ? ` (${silenced} suppressed)` : ''}\n`);
        else if (silenced) process.stdout.write(`(${silenced} finding(s) suppressed)\n`);
      }
      if (unreadable.length) setExit(2);
      else if (shown.some((f) => atLeast(f.severity, opts.failLevel))) setExit(1);
    });
}
