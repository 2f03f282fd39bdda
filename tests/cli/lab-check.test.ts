import { describe, it, expect } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { checkLab } from '../../src/cli/commands/lab.ts';

/** A copy of a real lab in a scratch labs/ folder, so it can be broken on purpose. */
function copyLab(id: string): string {
  const root = mkdtempSync(join(tmpdir(), 'opslab-labcheck-'));
  cpSync(join('labs', id), join(root, 'labs', id), { recursive: true });
  return join(root, 'labs', id);
}

describe('opslab lab check', () => {
  it('accepts the no-healthy-upstream lab as it is', async () => {
    expect(await checkLab('labs/no-healthy-upstream')).toEqual({ id: 'no-healthy-upstream', status: 'ready', problems: [] });
  });

  it('accepts the envoy-log and timeouts-and-retries labs as they are', async () => {
    expect(await checkLab('labs/envoy-log')).toEqual({ id: 'envoy-log', status: 'ready', problems: [] });
    expect(await checkLab('labs/timeouts-and-retries')).toEqual({ id: 'timeouts-and-retries', status: 'ready', problems: [] });
  });

  it("checks a team's own lab folder anywhere, not only under a labs/ folder", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'opslab-ownlab-')), 'tcp-keepalive');
    cpSync(join('labs', 'tcp-keepalive'), dir, { recursive: true });
    expect(await checkLab(dir)).toEqual({ id: 'tcp-keepalive', status: 'ready', problems: [] });
  });

  it('reports the tasks a solution without its edit no longer passes', async () => {
    const dir = copyLab('no-healthy-upstream');
    const yaml = readFileSync(join(dir, 'lab.yaml'), 'utf8').replace(/  edits:\n(    .*\n)+?  commands:/, '  edits: []\n  commands:');
    writeFileSync(join(dir, 'lab.yaml'), yaml);
    const r = await checkLab(dir);
    expect(r.problems).toEqual([
      'task "add-label" does not pass after the solution (fail)',
      'task "subset-has-pods" does not pass after the solution (fail)',
      'task "request-succeeds" does not pass after the solution (fail)',
    ]);
  });

  it('reports a task that is already ticked before the learner does anything', async () => {
    const dir = copyLab('timeouts-and-retries');
    // A request check on /stock/fast expecting the 200 it gets today, before any edit.
    const guard = `  - id: fast-still-answers
    title: { en: "The fast endpoint still answers", zh: "快接口仍有应答" }
    check: { kind: request, from: shop/storefront, command: "curl -s http://inventory.shop:8080/stock/fast", expect: { status: 200 } }
hints:`;
    writeFileSync(join(dir, 'lab.yaml'), readFileSync(join(dir, 'lab.yaml'), 'utf8').replace(/^hints:/m, guard));
    const r = await checkLab(dir);
    expect(r.problems).toEqual(['task "fast-still-answers" already passes before the solution: it is ticked before the learner does anything']);
  });

  it('names the file and line of a broken definition', async () => {
    const dir = copyLab('tcp-keepalive');
    writeFileSync(join(dir, 'lab.yaml'), readFileSync(join(dir, 'lab.yaml'), 'utf8').replace(/minutes: \d+/, 'minutes: soon'));
    const r = await checkLab(dir);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatch(/labs\/tcp-keepalive\/lab\.yaml:\d+:\d+: minutes: /);
  });
});
