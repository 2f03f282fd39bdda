// Runs the resource analyzer over hand-written YAML and keeps one code's findings.
import { analyzeResourceTexts } from '../../../src/analyzer/resources/index.ts';
import type { Finding } from '../../../src/analyzer/finding.ts';

export function run(files: string | Record<string, string>, code?: string): Finding[] {
  const list = typeof files === 'string' ? [{ name: 'test.yaml', text: files }] : Object.entries(files).map(([name, text]) => ({ name, text }));
  const { findings } = analyzeResourceTexts(list);
  return code ? findings.filter((f) => f.code === code) : findings;
}

/** "CODE resource line:column" of each finding, for compact expectations. */
export function brief(fs: Finding[]): string[] {
  return fs.map((f) => `${f.code} ${f.resource ?? '-'} ${f.line}:${f.column}`);
}
