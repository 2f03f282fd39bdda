// Every artifact analyzer, in one list. Add a new kind here (one import, one entry).
import type { ArtifactAnalyzer } from './artifact.ts';
import { accessLogAnalyzer } from './accesslog/analyze.ts';
import { configDumpAnalyzer } from './configdump/analyzer.ts';
import { resourcesAnalyzer } from './resources/index.ts';
import { statsAnalyzers } from './stats/index.ts';
import { profileAnalyzer } from './profiles/index.ts';
import { traceAnalyzer } from './traces/index.ts';
import { socketAnalyzer } from './sockets/index.ts';

export const analyzers: ArtifactAnalyzer[] = [
  accessLogAnalyzer,
  configDumpAnalyzer,
  resourcesAnalyzer,
  ...statsAnalyzers,
  profileAnalyzer,
  traceAnalyzer,
  socketAnalyzer,
];

/** The analyzer most sure of the input, or null when none claims it. */
export function detectAnalyzer(input: { name: string; head: string; bytes: Uint8Array }): ArtifactAnalyzer | null {
  let best: ArtifactAnalyzer | null = null;
  let bestScore = 0;
  for (const a of analyzers) {
    const score = a.detect(input);
    if (score > bestScore) {
      best = a;
      bestScore = score;
    }
  }
  return best;
}
