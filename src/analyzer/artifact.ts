// An artifact analyzer: one per kind of input (resources YAML, access log,
// config dump, stats, profile, trace, socket table…). `opslab analyze` and the
// lab's worker pick one by asking each `detect` how sure it is.
import type { Finding } from './finding.ts';

export interface ArtifactInput {
  /** File name as the user gave it (used in findings and for detection by extension). */
  name: string;
  /** The raw bytes (profiles are binary). */
  bytes: Uint8Array;
  /** The bytes decoded as UTF-8, computed once by the caller. */
  text: string;
}

export interface ArtifactReport {
  kind: string;
  findings: Finding[];
  /** A short human summary (lines of text) printed by `analyze --format text`. */
  summary?: string[];
  /** Inputs that could not be read: a one-line reason (exit code 2 in the CLI). */
  error?: string;
}

export interface ArtifactAnalyzer {
  kind: string;
  /**
   * How sure this analyzer is that the input is its kind: 0 = not mine, 1 = certain.
   * `head` is the start of the text (up to 64 KiB) so detection stays cheap.
   */
  detect(input: { name: string; head: string; bytes: Uint8Array }): number;
  analyze(input: ArtifactInput): ArtifactReport | Promise<ArtifactReport>;
  /**
   * Optional: analyze all inputs of this kind together, as one set. Resources need it:
   * a VirtualService in one file refers to a DestinationRule in another.
   */
  analyzeBatch?(inputs: ArtifactInput[]): ArtifactReport | Promise<ArtifactReport>;
}
