// Every artifact analyzer, in one list. Add a new kind here (one import, one entry).
import type { ArtifactAnalyzer } from './artifact.ts';

export const analyzers: ArtifactAnalyzer[] = [];

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
