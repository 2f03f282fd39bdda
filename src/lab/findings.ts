// The analyzer's findings over the lab's files (in the worker, and in Node for
// `opslab lab check`), through the same runner as `opslab analyze`.
import { contentBytes } from '../shell/binary.ts';
import { runAnalyzers } from '../analyzer/run.ts';
import type { Finding } from '../analyzer/finding.ts';
import type { ArtifactAnalyzer } from '../analyzer/artifact.ts';

export type Detect = (input: { name: string; head: string; bytes: Uint8Array }) => ArtifactAnalyzer | null;

export async function analyzeFiles(files: Record<string, string>, detect: Detect): Promise<Finding[]> {
  const inputs = Object.entries(files).map(([name, text]) => ({ name, text, bytes: contentBytes(text) }));
  const { reports } = await runAnalyzers(inputs, detect);
  // A failed analyzer leaves the others' findings; the lab shows what it has.
  for (const r of reports) if (r.error) console.warn(`opslab: ${r.error}`);
  return reports.flatMap((r) => r.findings);
}
