// The productpage-reviews lab holds only with its fix: without the
// enableServiceLinks edit the storefront still builds its ratings URL from the
// injected RATINGS_PORT, so the request check fails too. `lab check` also takes
// a bare lab id.
import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { checkLab } from '../../src/cli/commands/lab.ts';

describe('opslab lab check productpage-reviews', () => {
  it('fails the fix and the request without the solution edit', async () => {
    const root = mkdtempSync(join(tmpdir(), 'opslab-labcheck-'));
    const dir = join(root, 'labs', 'productpage-reviews');
    cpSync(join('labs', 'productpage-reviews'), dir, { recursive: true });
    const yaml = readFileSync(join(dir, 'lab.yaml'), 'utf8').replace(/  edits:\n(    .*\n)+?  commands:/, '  edits: []\n  commands:');
    writeFileSync(join(dir, 'lab.yaml'), yaml);
    expect((await checkLab(dir)).problems).toEqual([
      'task "disable-service-links" does not pass after the solution (fail)',
      'task "ratings-shown" does not pass after the solution (fail)',
    ]);
  });

  it('finds the lab by its id', () => {
    const out = execFileSync('node', ['bin/opslab.mjs', 'lab', 'check', 'productpage-reviews'], { encoding: 'utf8' });
    expect(out).toBe('✔ productpage-reviews: solution replayed, every check fails before it and passes after it\n1 of 1 lab(s) hold.\n');
  }, 60_000);
});
