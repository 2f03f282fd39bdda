import { describe, it, expect } from 'vitest';
import { runAnalyzers } from '../../src/analyzer/run.ts';
import type { ArtifactAnalyzer } from '../../src/analyzer/artifact.ts';

const input = (name: string, text: string) => ({ name, text, bytes: new TextEncoder().encode(text) });
const finding = (code: string) => ({ code, severity: 'info' as const, message: { en: code, zh: code }, resource: null, file: null, line: null, column: null, chapter: null });

describe('runAnalyzers', () => {
  const batch: ArtifactAnalyzer = {
    kind: 'batch',
    detect: ({ name }) => (name.endsWith('.yaml') ? 1 : 0),
    analyzeBatch: (inputs) => ({ kind: 'batch', findings: [finding(inputs.map((i) => i.name).join('+'))] }),
    analyze: () => {
      throw new Error('single-file path must not be used for a batch analyzer');
    },
  };
  const broken: ArtifactAnalyzer = {
    kind: 'broken',
    detect: ({ name }) => (name.endsWith('.log') ? 1 : 0),
    analyze: () => {
      throw new Error('boom');
    },
  };
  const detect = (i: { name: string; head: string; bytes: Uint8Array }) => [batch, broken].find((a) => a.detect(i) > 0) ?? null;

  it('gives a batch analyzer all its inputs in one call, reports unknown inputs, and survives a failing analyzer', async () => {
    const r = await runAnalyzers([input('a.yaml', 'x'), input('b.log', 'y'), input('c.yaml', 'z'), input('d.bin', '')], detect);
    expect(r.unknown).toEqual(['d.bin']);
    expect(r.reports.find((x) => x.kind === 'batch')!.findings.map((f) => f.code)).toEqual(['a.yaml+c.yaml']);
    expect(r.reports.find((x) => x.kind === 'broken')!.error).toBe('b.log: the broken analyzer failed: boom');
  });
});
