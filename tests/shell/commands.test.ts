// Expected outputs are what GNU coreutils and grep print for the same input.
import { describe, it, expect } from 'vitest';
import { labShell } from './fixtures.ts';

const run = (line: string) => labShell().run(line);

describe('cat, head, tail, wc, echo, ls', () => {
  it('cat prints files one after another and names a missing one', async () => {
    expect((await run('cat deploy/orders.yaml deploy/orders.yaml')).stdout).toBe('kind: Deployment\nkind: Deployment\n');
    expect(await run('cat nope.txt')).toEqual({ stdout: '', stderr: 'cat: nope.txt: No such file or directory\n', exitCode: 1 });
    expect((await run('cat logs')).stderr).toBe('cat: logs: Is a directory\n');
  });

  it('cat reads absolute and ./ paths as the same file', async () => {
    expect((await run('cat /deploy/orders.yaml')).stdout).toBe('kind: Deployment\n');
    expect((await run('cat ./deploy/../deploy/orders.yaml')).stdout).toBe('kind: Deployment\n');
  });

  it('head prints 10 lines by default, -n N or -N otherwise', async () => {
    expect((await run('head numbers.txt')).stdout.split('\n').length).toBe(11);
    expect((await run('head -n 2 numbers.txt')).stdout).toBe('one\ntwo\n');
    expect((await run('head -n2 numbers.txt')).stdout).toBe('one\ntwo\n');
    expect((await run('head -3 numbers.txt')).stdout).toBe('one\ntwo\nthree\n');
    expect((await run('head --lines=1 numbers.txt')).stdout).toBe('one\n');
  });

  it('tail prints the last lines, or from line N with +N', async () => {
    expect((await run('tail -n 2 numbers.txt')).stdout).toBe('eleven\ntwelve\n');
    expect((await run('tail -n +11 numbers.txt')).stdout).toBe('eleven\ntwelve\n');
    expect((await run('tail numbers.txt')).stdout.startsWith('three\n')).toBe(true);
    expect((await run('cat numbers.txt | tail -1')).stdout).toBe('twelve\n');
  });

  it('head with several files puts a header before each', async () => {
    expect((await run('head -n 1 numbers.txt deploy/orders.yaml')).stdout).toBe('==> numbers.txt <==\none\n\n==> deploy/orders.yaml <==\nkind: Deployment\n');
  });

  it('head rejects a bad count', async () => {
    const r = await run('head -n x numbers.txt');
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe("head: invalid number of lines: 'x'\n");
  });

  it('wc counts lines, words and bytes', async () => {
    expect((await run('wc -l numbers.txt')).stdout).toBe('12 numbers.txt\n');
    expect((await run('cat numbers.txt | wc -l')).stdout).toBe('12\n');
    expect((await run('wc deploy/orders.yaml')).stdout).toBe(' 1  2 17 deploy/orders.yaml\n');
    expect((await run('echo a b | wc')).stdout).toBe('      1       2       4\n');
    expect((await run('wc -l numbers.txt deploy/orders.yaml')).stdout).toBe('12 numbers.txt\n 1 deploy/orders.yaml\n13 total\n');
  });

  it('echo joins its arguments; -n drops the newline', async () => {
    expect((await run('echo  a   "b  c"')).stdout).toBe('a b  c\n');
    expect((await run('echo -n a')).stdout).toBe('a');
  });

  it('ls lists a directory, marking directories with /', async () => {
    expect((await run('ls')).stdout).toBe('deploy/\nlogs/\nnumbers.txt\npods.json\n');
    expect((await run('ls logs')).stdout).toBe('gateway.log\n');
    expect(await run('ls nope')).toEqual({ stdout: '', stderr: "ls: cannot access 'nope': No such file or directory\n", exitCode: 2 });
  });

  it('help lists every command, and explains one', async () => {
    const all = (await run('help')).stdout;
    for (const name of ['cat', 'clear', 'echo', 'grep', 'head', 'help', 'jq', 'ls', 'tail', 'wc']) expect(all).toMatch(new RegExp(`^  ${name} `, 'm'));
    expect((await run('help grep')).stdout).toMatch(/^grep — .*\nusage: grep /);
  });
});

describe('grep', () => {
  it('prints matching lines; exit 1 when none match', async () => {
    expect((await run('grep "POST" logs/gateway.log')).stdout).toMatch(/^\[2024-05-01T10:00:02.000Z\] "POST/);
    expect(await run('grep DELETE logs/gateway.log')).toEqual({ stdout: '', stderr: '', exitCode: 1 });
  });

  it('-c counts, -v inverts, -i ignores case, -n numbers', async () => {
    expect((await run('grep -c no_healthy_upstream logs/gateway.log')).stdout).toBe('2\n');
    expect((await run('grep -vc no_healthy_upstream logs/gateway.log')).stdout).toBe('1\n');
    expect((await run('grep -ci "post /ORDERS" logs/gateway.log')).stdout).toBe('1\n');
    expect((await run('grep -n e numbers.txt | head -n 2')).stdout).toBe('1:one\n3:three\n');
  });

  it('treats | + ? ( ) as literal in basic syntax and special with -E', async () => {
    expect((await run('grep -c "one|two" numbers.txt')).exitCode).toBe(1);
    expect((await run('grep -c "one\\|two" numbers.txt')).stdout).toBe('2\n');
    expect((await run('grep -cE "one|two" numbers.txt')).stdout).toBe('2\n');
    expect((await run('grep -E "^(t|f)[a-z]{3}$" numbers.txt')).stdout).toBe('four\nfive\n');
    expect((await run('grep -c "outbound|80|v1|" logs/gateway.log')).stdout).toBe('2\n');
  });

  it('knows POSIX character classes and -F fixed strings', async () => {
    expect((await run('grep -c "\\" [[:digit:]]\\{3\\} UH" logs/gateway.log')).stdout).toBe('2\n');
    expect((await run('grep -F -c "[2024" logs/gateway.log')).stdout).toBe('3\n');
  });

  it('takes several patterns with -e', async () => {
    expect((await run('grep -e six -e ten numbers.txt')).stdout).toBe('six\nten\n');
  });

  it('prefixes the file name when searching several files', async () => {
    expect((await run('grep -c e numbers.txt deploy/orders.yaml')).stdout).toBe('numbers.txt:9\ndeploy/orders.yaml:1\n');
  });

  it('reports a bad option and an unreadable file with exit 2', async () => {
    expect((await run('grep -q x numbers.txt')).exitCode).toBe(2);
    expect((await run('grep x missing.log')).stderr).toBe('grep: missing.log: No such file or directory\n');
  });
});
