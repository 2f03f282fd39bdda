// Runs the registered analyzers over a set of inputs: each input goes to the
// analyzer most sure of it; analyzers that read a set as a whole (resources
// refer to each other across files) get all of theirs in one call.
import type { ArtifactAnalyzer, ArtifactInput, ArtifactReport } from './artifact.ts';
import { detectAnalyzer } from './registry.ts';

const HEAD_CHARS = 64 * 1024;

export interface RunResult {
  reports: ArtifactReport[];
  /** Names of inputs no analyzer claimed. */
  unknown: string[];
}

export async function runAnalyzers(inputs: ArtifactInput[], detect = detectAnalyzer): Promise<RunResult> {
  const reports: ArtifactReport[] = [];
  const unknown: string[] = [];
  const batches = new Map<ArtifactAnalyzer, ArtifactInput[]>();
  // One analyzer's bug must not take the others down: it becomes a report with an error.
  const guarded = async (analyzer: ArtifactAnalyzer, group: ArtifactInput[], run: () => ArtifactReport | Promise<ArtifactReport>) => {
    try {
      reports.push(await run());
    } catch (err) {
      reports.push({ kind: analyzer.kind, findings: [], error: `${group.map((i) => i.name).join(', ')}: the ${analyzer.kind} analyzer failed: ${(err as Error).message}` });
    }
  };
  for (const input of inputs) {
    const analyzer = detect({ name: input.name, head: input.text.slice(0, HEAD_CHARS), bytes: input.bytes });
    if (!analyzer) unknown.push(input.name);
    else if (analyzer.analyzeBatch) batches.set(analyzer, [...(batches.get(analyzer) ?? []), input]);
    else await guarded(analyzer, [input], () => analyzer.analyze(input));
  }
  for (const [analyzer, group] of batches) await guarded(analyzer, group, () => analyzer.analyzeBatch!(group));
  return { reports, unknown };
}
