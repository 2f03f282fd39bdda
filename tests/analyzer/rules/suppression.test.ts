// Suppression by annotation, and the CLI's batch analysis across files.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from './helpers.ts';

const vs = (annotation: string) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: r
  namespace: shop${annotation}
spec:
  hosts: [reviews]
  http: [{route: [{destination: {host: reviews}}]}]
`;

describe('galley.istio.io/analyze-suppress', () => {
  it('marks the listed code suppressed but keeps the finding', () => {
    const fs = run(vs('\n  annotations: {galley.istio.io/analyze-suppress: "IST0108,IST0101"}'), 'IST0101');
    expect(fs).toHaveLength(1);
    expect(fs[0]!.suppressed).toBe(true);
  });
  it('"*" suppresses everything; another code suppresses nothing here', () => {
    expect(run(vs('\n  annotations: {galley.istio.io/analyze-suppress: "*"}'), 'IST0101')[0]!.suppressed).toBe(true);
    expect(run(vs('\n  annotations: {galley.istio.io/analyze-suppress: "IST0102"}'), 'IST0101')[0]!.suppressed).toBeUndefined();
  });
});

describe('opslab analyze on resource files', () => {
  const cli = (...args: string[]) => {
    try {
      return { out: execFileSync('node', ['bin/opslab.mjs', 'analyze', ...args], { encoding: 'utf8' }), code: 0 };
    } catch (e) {
      const err = e as { stdout: string; status: number };
      return { out: err.stdout, code: err.status };
    }
  };
  it('sees a ServiceEntry in another file of the folder (one model for all files)', () => {
    const r = cli('--format', 'json', 'tests/fixtures/resources/chapters/tls-wrong-sni');
    const json = JSON.parse(r.out) as { findings: { code: string; file: string; line: number }[] };
    expect(json.findings.map((f) => f.code)).toEqual(['OPS310']);
    expect(json.findings[0]).toMatchObject({ file: 'tests/fixtures/resources/chapters/tls-wrong-sni/routing.yaml', line: 19 });
    expect(r.code).toBe(0);
  });
  it('prints istioctl-style lines and exits 1 on an error; --suppress counts what it hides', () => {
    const r = cli('tests/fixtures/resources/chapters/duplicate-tls-hosts');
    expect(r.code).toBe(1);
    expect(r.out).toContain('Error [OPS304] (Gateway web/checkout tests/fixtures/resources/chapters/duplicate-tls-hosts/gateways.yaml:32)');
    const s = cli('--suppress', 'OPS304=Gateway *', '--suppress', 'IST0145=*', '--suppress', 'IST0138=*', 'tests/fixtures/resources/chapters/duplicate-tls-hosts');
    expect(s.code).toBe(0);
    expect(s.out).toContain('(6 suppressed)');
  }, 30_000);
  it('takes a YAML file of comments only as a manifest with no resources, not as an unknown input', () => {
    const dir = mkdtempSync(join(tmpdir(), 'opslab-empty-'));
    writeFileSync(join(dir, 'todo.yaml'), '# the ServiceEntry goes here\n---\n');
    writeFileSync(join(dir, 'svc.yaml'), 'apiVersion: v1\nkind: Service\nmetadata: {name: db, namespace: data}\nspec: {ports: [{name: tcp-db, port: 3306}]}\n');
    const r = cli(dir);
    expect(r.out).toContain('Resources: 1 from 2 file(s)');
    expect(r.code).toBe(0);
    // A log-named file of comments is still not something opslab reads.
    writeFileSync(join(dir, 'notes.txt'), '# just words\n');
    expect(cli(dir).code).toBe(2);
  }, 30_000);
});
