import { describe, it, expect } from 'vitest';
import { mkdtempSync, mkdirSync, writeFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { parseLab } from '../../src/lab/definition.ts';
import { loadLab, LabError } from '../../src/lab/load-node.ts';
import { chapters } from '../../src/guide/chapters.ts';

const good = `id: demo
chapter: debug-istio/envoy-log
title:
  en: A title
  zh: 标题
summary:
  en: A summary
  zh: 摘要
difficulty: beginner
minutes: 10
`;

describe('lab definition', () => {
  it('accepts a complete definition', () => {
    const r = parseLab(good, 'labs/demo/lab.yaml', 'demo');
    expect(r.ok).toBe(true);
  });

  it('names the file and the line of a schema error', () => {
    const broken = good.replace('minutes: 10', 'minutes: ten');
    const r = parseLab(broken, 'labs/demo/lab.yaml', 'demo');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]).toMatchObject({ file: 'labs/demo/lab.yaml', line: 10, message: expect.stringMatching(/^minutes: /) });
  });

  it('points a missing translation at its parent mapping', () => {
    const r = parseLab(good.replace('  zh: 摘要\n', ''), 'lab.yaml');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]).toMatchObject({ line: 7, message: expect.stringContaining('summary.zh') });
  });

  it('reports YAML syntax errors with their position', () => {
    const r = parseLab('id: demo\ntitle: [unclosed\n', 'lab.yaml');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]!.line).toBeGreaterThanOrEqual(2);
  });

  it('rejects an id that does not match its folder', () => {
    const r = parseLab(good, 'labs/other/lab.yaml', 'other');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]).toMatchObject({ line: 1, message: expect.stringContaining('does not match') });
  });

  it('loadLab throws a LabError with file:line for a broken lab', () => {
    const root = mkdtempSync(join(tmpdir(), 'opslab-'));
    mkdirSync(join(root, 'labs', 'demo'), { recursive: true });
    writeFileSync(join(root, 'labs', 'demo', 'lab.yaml'), good.replace('difficulty: beginner', 'difficulty: easy'));
    expect(() => loadLab('demo', root)).toThrow(LabError);
    expect(() => loadLab('demo', root)).toThrow(/labs\/demo\/lab\.yaml:9:\d+: difficulty/);
    expect(() => loadLab('missing', root)).toThrow(/no such lab/);
  });
});

describe('the labs folder', () => {
  const ids = readdirSync('labs');
  it('has a valid lab for every chapter', () => {
    const byChapter = new Map(ids.map((id) => [loadLab(id).chapter, id]));
    for (const c of chapters) expect(byChapter.get(c.slug), c.slug).toBeDefined();
  });
});
