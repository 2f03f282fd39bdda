import { describe, it, expect } from 'vitest';
import { applyEdits, evaluateCheck, pathKeys, type CheckEnv } from '../../src/lab/checks.ts';
import { isReady } from '../../src/lab/definition.ts';
import { loadLabWithFiles, type ResolvedLab } from '../../src/lab/load-node.ts';
import { replaySolution } from '../../src/lab/replay.ts';
import type { Check } from '../../src/lab/definition.ts';
import { analyzeFiles } from '../../src/lab/findings.ts';
import { detectAnalyzer } from '../../src/analyzer/registry.ts';

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    metadata:
      labels:
        app: web
---
kind: Service
metadata:
  name: web
spec:
  ports:
    - port: 80
`;

const env = (over: Partial<CheckEnv> = {}): CheckEnv => ({ files: { 'deploy.yaml': deployment }, records: [], answers: {}, ...over });
const check = (c: Check, e: CheckEnv = env()) => evaluateCheck(c, 't', e);

describe('checks', () => {
  it('yaml-path finds a value in any document of a multi-document file', async () => {
    expect(await check({ kind: 'yaml-path', file: 'deploy.yaml', path: 'spec.template.metadata.labels.app', equals: 'web' })).toEqual({ status: 'pass' });
    expect(await check({ kind: 'yaml-path', file: 'deploy.yaml', path: 'spec.ports.0.port', equals: 80 })).toEqual({ status: 'pass' });
    expect(await check({ kind: 'yaml-path', file: 'deploy.yaml', path: 'spec.ports.0.port', equals: '80' })).toEqual({ status: 'fail' });
    expect(await check({ kind: 'yaml-path', file: 'deploy.yaml', path: 'spec.template.metadata.labels.version', equals: 'v1' })).toEqual({ status: 'fail' });
    expect(await check({ kind: 'yaml-path', file: 'deploy.yaml', path: 'spec.ports.0.port', equals: 80, document: 0 })).toEqual({ status: 'fail' });
  });

  it('yaml-path fails on a file that does not parse', async () => {
    const broken = env({ files: { 'deploy.yaml': 'spec: [unclosed\n' } });
    expect(await check({ kind: 'yaml-path', file: 'deploy.yaml', path: 'spec', equals: null }, broken)).toEqual({ status: 'fail' });
  });

  it('command-run matches an argv prefix in any pipeline stage, or a regex on the line, and only if it succeeded', async () => {
    const records = [
      { line: 'cat x.log | grep -c UH', stages: [['cat', 'x.log'], ['grep', '-c', 'UH']], exitCode: 0 },
      { line: 'kubectl apply -f bad.yaml', stages: [['kubectl', 'apply', '-f', 'bad.yaml']], exitCode: 1 },
    ];
    const e = env({ records });
    expect(await check({ kind: 'command-run', argv: ['grep', '-c'] }, e)).toEqual({ status: 'pass' });
    expect(await check({ kind: 'command-run', argv: ['grep', '-v'] }, e)).toEqual({ status: 'fail' });
    expect(await check({ kind: 'command-run', command: '^cat .*\\| grep' }, e)).toEqual({ status: 'pass' });
    expect(await check({ kind: 'command-run', argv: ['kubectl', 'apply'] }, e)).toEqual({ status: 'fail' });
  });

  it('answer compares choice ids exactly and typed answers without case or spaces', async () => {
    const choice: Check = { kind: 'answer', question: { en: 'q', zh: 'q' }, choices: [{ id: 'a', en: 'A', zh: 'A' }, { id: 'b', en: 'B', zh: 'B' }], accept: ['b'] };
    expect(await check(choice, env({ answers: { t: 'b' } }))).toEqual({ status: 'pass' });
    expect(await check(choice, env({ answers: { t: 'a' } }))).toEqual({ status: 'fail' });
    expect(await check(choice, env())).toEqual({ status: 'fail' });
    const typed: Check = { kind: 'answer', question: { en: 'q', zh: 'q' }, accept: ['version label'] };
    expect(await check(typed, env({ answers: { t: '  Version Label ' } }))).toEqual({ status: 'pass' });
  });

  it('finding and request checks say they are unavailable until the analyzer and simulator are plugged in', async () => {
    expect((await check({ kind: 'finding', code: 'IST0173', expect: 'absent' })).status).toBe('unavailable');
    expect((await check({ kind: 'request', from: 'deploy/sleep', command: 'curl orders', expect: { status: 200 } })).status).toBe('unavailable');
  });

  it('finding and request checks use what is plugged in', async () => {
    const finding = { code: 'IST0173', severity: 'error' as const, message: { en: 'm', zh: 'm' }, resource: null, file: 'dr.yaml', line: 3, column: 1, chapter: null };
    expect(await check({ kind: 'finding', code: 'IST0173', expect: 'present' }, env({ findings: [finding] }))).toEqual({ status: 'pass' });
    expect(await check({ kind: 'finding', code: 'IST0173', expect: 'absent' }, env({ findings: [finding] }))).toEqual({ status: 'fail' });
    expect(await check({ kind: 'finding', code: 'IST0173', expect: 'absent' }, env({ findings: [{ ...finding, suppressed: true }] }))).toEqual({ status: 'pass' });
    const request = async () => ({ status: 503, body: 'no healthy upstream' });
    expect(await check({ kind: 'request', from: 'a', command: 'curl b', expect: { status: 503, bodyIncludes: 'healthy' } }, env({ request }))).toEqual({ status: 'pass' });
    expect(await check({ kind: 'request', from: 'a', command: 'curl b', expect: { status: 200 } }, env({ request }))).toEqual({ status: 'fail' });
  });

  it('yaml-path with `*` passes when any list item has the value, wherever it stands', async () => {
    const dr = (names: string[]) => env({ files: { 'dr.yaml': `spec:\n  subsets:\n${names.map((n) => `  - name: ${n}\n`).join('')}` } });
    const v2 = { kind: 'yaml-path', file: 'dr.yaml', path: 'spec.subsets.*.name', equals: 'v2' } as const;
    expect(await check(v2, dr(['v1']))).toEqual({ status: 'fail' });
    expect(await check(v2, dr(['v1', 'v2']))).toEqual({ status: 'pass' });
    expect(await check(v2, dr(['v2', 'v1']))).toEqual({ status: 'pass' });
    expect(await check(v2, env({ files: { 'dr.yaml': 'spec: {}\n' } }))).toEqual({ status: 'fail' });
  });

  it('a request check with `flag` needs that flag among those the caller\'s sidecar logged', async () => {
    const request = async () => ({ status: 504, body: 'upstream request timeout', flags: ['UT', 'URX'] });
    expect(await check({ kind: 'request', from: 'a', command: 'curl b', expect: { status: 504, flag: 'UT' } }, env({ request }))).toEqual({ status: 'pass' });
    expect(await check({ kind: 'request', from: 'a', command: 'curl b', expect: { flag: 'URX' } }, env({ request }))).toEqual({ status: 'pass' });
    expect(await check({ kind: 'request', from: 'a', command: 'curl b', expect: { status: 504, flag: 'UF' } }, env({ request }))).toEqual({ status: 'fail' });
    const plain = async () => ({ status: 500, body: 'error' });
    expect(await check({ kind: 'request', from: 'a', command: 'curl b', expect: { flag: 'URX' } }, env({ request: plain }))).toEqual({ status: 'fail' });
  });

  it('pathKeys turns digits into indexes', () => {
    expect(pathKeys('items.0.metadata.name')).toEqual(['items', 0, 'metadata', 'name']);
  });

  it('applyEdits replaces the first occurrence and reports a patch that does not apply', () => {
    const r = applyEdits({ f: 'a: 1\na: 1\n' }, [{ file: 'f', patch: [{ find: 'a: 1', replace: 'a: 2' }, { find: 'zzz', replace: '' }] }]);
    expect(r.files.f).toBe('a: 2\na: 1\n');
    expect(r.problems).toEqual(['f: the text to replace was not found: "zzz"']);
  });
});

describe('the demo lab no-healthy-upstream', () => {
  const lab = loadLabWithFiles('no-healthy-upstream');
  it('is ready', () => expect(isReady(lab)).toBe(true));

  it('fails its checks before the solution and passes them all after', async () => {
    const r = await replaySolution(lab as ResolvedLab, { analyze: (files) => analyzeFiles(files, detectAnalyzer) });
    expect(r.problems).toEqual([]);
    // Before: nothing was run, the label is missing, IST0173 fires and the
    // simulated curl gets 503 from the empty subset.
    expect(r.before).toEqual({
      'see-failure': { status: 'fail' },
      'name-flag': { status: 'fail' },
      'find-empty-subset': { status: 'fail' },
      'add-label': { status: 'fail' },
      'subset-has-pods': { status: 'fail' },
      'request-succeeds': { status: 'fail' },
    });
    expect(Object.values(r.after).map((o) => o.status)).toEqual(['pass', 'pass', 'pass', 'pass', 'pass', 'pass']);
  });

  it('still gets 503 when the file is fixed but not applied', async () => {
    const { createLabSession } = await import('../../src/lab/session.ts');
    const { VirtualFS } = await import('../../src/shell/index.ts');
    const resolved = lab as ResolvedLab;
    const fs = new VirtualFS(resolved.files.map((f) => ({ path: f.path, content: f.content ?? '' })));
    const session = createLabSession(resolved, { fs });
    const fixed = fs.read('ratings.yaml')!.replace('        app: ratings\n    spec:', '        app: ratings\n        version: v1\n    spec:');
    expect(fixed).toContain('version: v1');
    fs.write('ratings.yaml', fixed);
    expect((await session.request!('shop/sleep', 'curl -s http://ratings.shop:8080/')).status).toBe(503);
    const applied = await session.shell.run('kubectl apply -f ratings.yaml');
    expect(applied.exitCode).toBe(0);
    expect((await session.request!('shop/sleep', 'curl -s http://ratings.shop:8080/')).status).toBe(200);
    // The check's probe request leaves no line in the proxies' logs.
    const logs = await session.shell.run('kubectl logs sleep -n shop -c istio-proxy');
    expect(logs.stdout).toBe('');
  });
});
