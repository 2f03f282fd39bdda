import { describe, it, expect } from 'vitest';
import { mkdtempSync, mkdirSync, writeFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { parseLab, isReady } from '../../src/lab/definition.ts';
import { loadLab, loadLabWithFiles, LabError } from '../../src/lab/load-node.ts';
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

// A ready lab, written by hand; line numbers in the tests below refer to it.
const ready = `id: demo
chapter: case-studies/no-healthy-upstream
title: { en: A title, zh: 标题 }
summary: { en: A summary, zh: 摘要 }
difficulty: beginner
minutes: 10
status: ready
files:
  - path: deploy.yaml
    kind: yaml
    editable: true
    content: |
      kind: Deployment
  - path: logs/gateway.log
    kind: log
    src: gateway.log
scenario: [deploy.yaml]
tasks:
  - id: look
    title: { en: Look, zh: 看 }
    check: { kind: command-run, argv: [cat, logs/gateway.log] }
  - id: fix
    title: { en: Fix, zh: 修 }
    check: { kind: yaml-path, file: deploy.yaml, path: spec.template.metadata.labels.version, equals: v1 }
  - id: why
    title: { en: Why, zh: 为何 }
    check:
      kind: answer
      question: { en: Which label?, zh: 哪个标签？ }
      choices:
        - { id: app, en: app, zh: app }
        - { id: version, en: version, zh: version }
      accept: [version]
  - id: gone
    title: { en: Gone, zh: 消失 }
    check: { kind: finding, code: IST0173, expect: absent }
  - id: works
    title: { en: Works, zh: 成功 }
    check: { kind: request, from: deploy/sleep, command: curl -s http://orders.shop/, expect: { status: 200 } }
hints:
  - { en: Read the log, zh: 读日志 }
explanation: { en: Because., zh: 因为。 }
solution:
  edits:
    - file: deploy.yaml
      patch:
        - { find: "kind: Deployment", replace: "kind: Deployment # fixed" }
  commands: [kubectl apply -f deploy.yaml]
`;

describe('a ready lab', () => {
  it('accepts files, tasks of every check kind, hints, explanation and solution', () => {
    const r = parseLab(ready, 'labs/demo/lab.yaml', 'demo');
    expect(r.ok ? [] : r.problems).toEqual([]);
    if (!r.ok || !isReady(r.lab)) throw new Error('expected a ready lab');
    expect(r.lab.tasks.map((t) => t.check.kind)).toEqual(['command-run', 'yaml-path', 'answer', 'finding', 'request']);
    expect(r.lab.files[0]!.editable).toBe(true);
    expect(r.lab.files[1]!.editable).toBe(false); // the default
  });

  it('still accepts a planned lab with only the card fields', () => {
    const r = parseLab(good + 'status: planned\n', 'lab.yaml');
    expect(r.ok).toBe(true);
  });

  it('asks a ready lab for its tasks and solution', () => {
    const r = parseLab(good + 'status: ready\n', 'labs/demo/lab.yaml');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      const messages = r.problems.map((p) => p.message).join('\n');
      for (const field of ['files', 'tasks', 'explanation', 'solution']) expect(messages).toContain(`${field}: Required`);
    }
  });

  it('names the line of an unknown check kind', () => {
    const r = parseLab(ready.replace('kind: command-run', 'kind: command-ran'), 'labs/demo/lab.yaml');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]).toMatchObject({ file: 'labs/demo/lab.yaml', line: 21, message: expect.stringContaining('tasks.0.check.kind') });
  });

  it('rejects a command-run check with neither a regex nor an argv prefix', () => {
    const r = parseLab(ready.replace('{ kind: command-run, argv: [cat, logs/gateway.log] }', '{ kind: command-run }'), 'lab.yaml');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]).toMatchObject({ line: 21, message: expect.stringContaining('argv') });
  });

  it('rejects a command regex that does not compile', () => {
    const r = parseLab(ready.replace('argv: [cat, logs/gateway.log]', 'command: "cat ("'), 'lab.yaml');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]!.message).toMatch(/tasks\.0\.check\.command: not a valid regular expression/);
  });

  it('rejects an answer whose accepted id is not a choice', () => {
    const r = parseLab(ready.replace('accept: [version]', 'accept: [label]'), 'lab.yaml');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]).toMatchObject({ line: 33, message: expect.stringContaining('"label" is not one of the choices') });
  });

  it('rejects a file with both content and src, and one with neither', () => {
    const both = parseLab(ready.replace('    src: gateway.log', '    src: gateway.log\n    content: x'), 'lab.yaml');
    expect(both.ok).toBe(false);
    if (!both.ok) expect(both.problems[0]).toMatchObject({ line: 14, message: expect.stringContaining('exactly one of') });
    const neither = parseLab(ready.replace('    src: gateway.log\n', ''), 'lab.yaml');
    expect(neither.ok).toBe(false);
  });

  it('rejects a path that leaves the lab folder', () => {
    const r = parseLab(ready.replace('src: gateway.log', 'src: ../other/gateway.log'), 'lab.yaml');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]).toMatchObject({ line: 16, message: expect.stringContaining('files.1.src') });
  });

  it('rejects a yaml-path check or a solution edit on a file the lab does not have', () => {
    const r = parseLab(ready.replace('file: deploy.yaml, path:', 'file: other.yaml, path:'), 'lab.yaml');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]).toMatchObject({ line: 24, message: expect.stringContaining('"other.yaml" is not one of the lab') });
  });

  it('rejects a hidden file that is also editable, and a lab whose files are all hidden', () => {
    const both = parseLab(ready.replace('    editable: true\n', '    editable: true\n    hidden: true\n'), 'lab.yaml');
    expect(both.ok).toBe(false);
    if (!both.ok) expect(both.problems[0]).toMatchObject({ line: 12, message: expect.stringContaining('hidden file cannot be editable') });
    const allHidden = parseLab(ready.replace('    editable: true\n', '    hidden: true\n').replace('    src: gateway.log\n', '    src: gateway.log\n    hidden: true\n'), 'lab.yaml');
    expect(allHidden.ok).toBe(false);
    if (!allHidden.ok) expect(allHidden.problems.map((p) => p.message).join('\n')).toContain('every file is hidden');
  });

  it('rejects a solution edit on a read-only file', () => {
    const r = parseLab(ready.replace('    editable: true\n', ''), 'lab.yaml');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]).toMatchObject({ line: 44, message: expect.stringContaining('not editable') });
  });

  it('rejects a request check in a lab without a scenario', () => {
    const r = parseLab(ready.replace('scenario: [deploy.yaml]\n', ''), 'lab.yaml');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems.map((p) => p.message).join('\n')).toContain('a request check needs a `scenario`');
  });

  it('rejects a request check that expects nothing', () => {
    const r = parseLab(ready.replace('expect: { status: 200 }', 'expect: {}'), 'lab.yaml');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]!.message).toMatch(/status.*bodyIncludes/);
  });

  it('accepts a request check that expects only a response flag, and rejects a flag that is not one', () => {
    const onlyFlag = parseLab(ready.replace('expect: { status: 200 }', 'expect: { flag: URX }'), 'lab.yaml');
    expect(onlyFlag.ok ? [] : onlyFlag.problems).toEqual([]);
    const notAFlag = parseLab(ready.replace('expect: { status: 200 }', 'expect: { status: 504, flag: "UT,URX" }'), 'lab.yaml');
    expect(notAFlag.ok).toBe(false);
    if (!notAFlag.ok) expect(notAFlag.problems[0]!.message).toMatch(/expect\.flag: one response flag/);
  });

  it('loadLabWithFiles reads src files and names the line of a missing one', () => {
    const root = mkdtempSync(join(tmpdir(), 'opslab-'));
    mkdirSync(join(root, 'labs', 'demo'), { recursive: true });
    writeFileSync(join(root, 'labs', 'demo', 'lab.yaml'), ready);
    expect(() => loadLabWithFiles('demo', root)).toThrow(/labs\/demo\/lab\.yaml:16:\d+: files\.1\.src: no such file "gateway\.log"/);
    writeFileSync(join(root, 'labs', 'demo', 'gateway.log'), 'line one\n');
    const lab = loadLabWithFiles('demo', root);
    if (!isReady(lab)) throw new Error('expected a ready lab');
    expect(lab.files[1]!.content).toBe('line one\n');
    expect(lab.files[0]!.content).toBe('kind: Deployment\n');
  });
});

describe('the labs folder', () => {
  const ids = readdirSync('labs');
  it('has a valid lab for every chapter', () => {
    const byChapter = new Map(ids.map((id) => [loadLab(id).chapter, id]));
    for (const c of chapters) expect(byChapter.get(c.slug), c.slug).toBeDefined();
  });
});
