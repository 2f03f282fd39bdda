// Runs the analyzers over the lab's files (in the worker, and in Node for
// `opslab lab check`). Files of one kind go to that analyzer together when it
// can analyze a set (resources refer to each other across files).
import type { ArtifactAnalyzer, ArtifactInput } from '../analyzer/artifact.ts';
import type { Finding } from '../analyzer/finding.ts';

export type Detect = (input: { name: string; head: string; bytes: Uint8Array }) => ArtifactAnalyzer | null;

export async function analyzeFiles(files: Record<string, string>, detect: Detect): Promise<Finding[]> {
  const groups = new Map<ArtifactAnalyzer, ArtifactInput[]>();
  for (const [name, text] of Object.entries(files)) {
    const bytes = new TextEncoder().encode(text);
    const analyzer = detect({ name, head: text.slice(0, 65536), bytes });
    if (!analyzer) continue;
    groups.set(analyzer, [...(groups.get(analyzer) ?? []), { name, text, bytes }]);
  }
  const findings: Finding[] = [];
  for (const [analyzer, inputs] of groups) {
    try {
      if (analyzer.analyzeBatch) findings.push(...(await analyzer.analyzeBatch(inputs)).findings);
      else for (const input of inputs) findings.push(...(await analyzer.analyze(input)).findings);
    } catch (e) {
      // One analyzer's bug must not take the lab down; the others still report.
      console.warn(`opslab: the ${analyzer.kind} analyzer failed:`, e);
    }
  }
  return findings;
}
