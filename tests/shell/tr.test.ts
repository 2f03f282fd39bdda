// tr as GNU coreutils documents it: SET1 to SET2 character by character, escapes,
// ranges, a short SET2 padded with its last character, -d to delete.
import { describe, expect, it } from 'vitest';
import { createShell, VirtualFS } from '../../src/shell/index.ts';

const shell = () => createShell({ fs: new VirtualFS([{ path: 'environ', content: 'A=1\0B=2\0' }]) });

describe('tr', () => {
  it("turns NUL-separated /proc data into lines with tr '\\0' '\\n'", async () => {
    const r = await shell().run("cat environ | tr '\\0' '\\n'");
    expect(r.stdout).toBe('A=1\nB=2\n');
  });
  it('maps ranges, pads a shorter SET2 and deletes with -d', async () => {
    const sh = shell();
    expect((await sh.run("echo hello | tr a-z A-Z")).stdout).toBe('HELLO\n');
    expect((await sh.run('echo abcd | tr abcd xy')).stdout).toBe('xyyy\n');
    expect((await sh.run("cat environ | tr -d '\\0'")).stdout).toBe('A=1B=2');
  });
  it('fails without a second set', async () => {
    expect((await shell().run('echo x | tr a')).exitCode).toBe(1);
  });
});
