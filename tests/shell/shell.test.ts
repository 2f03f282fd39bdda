import { describe, it, expect } from 'vitest';
import { parseLine, VirtualFS } from '../../src/shell/index.ts';
import { labShell } from './fixtures.ts';

describe('parsing a command line', () => {
  it('splits a pipeline and removes quotes', () => {
    expect(parseLine(`grep -E "503|504" logs/gw.log | wc -l`, {})).toEqual({
      ok: true,
      stages: [
        ['grep', '-E', '503|504', 'logs/gw.log'],
        ['wc', '-l'],
      ],
    });
  });

  it('keeps a jq filter with pipes and brackets inside single quotes', () => {
    expect(parseLine(`jq '.items[] | select(.a == "b")' f.json`, {})).toEqual({ ok: true, stages: [['jq', '.items[] | select(.a == "b")', 'f.json']] });
  });

  it('expands $VARS from the environment', () => {
    expect(parseLine('echo $NS x', { NS: 'shop' })).toEqual({ ok: true, stages: [['echo', 'shop', 'x']] });
  });

  it('expands globs against the files, and keeps a pattern that matches nothing', () => {
    const fs = new VirtualFS([
      { path: 'logs/a.log', content: '' },
      { path: 'logs/b.log', content: '' },
      { path: 'logs/c.txt', content: '' },
    ]);
    expect(parseLine('cat logs/*.log', {}, fs)).toEqual({ ok: true, stages: [['cat', 'logs/a.log', 'logs/b.log']] });
    expect(parseLine('cat *.json', {}, fs)).toEqual({ ok: true, stages: [['cat', '*.json']] });
  });

  it('refuses redirection and && with a reason', () => {
    const r = parseLine('cat a > b', {});
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain("'>' is not supported");
    expect(parseLine('a && b', {}).ok).toBe(false);
  });

  it('refuses an empty pipeline stage', () => {
    expect(parseLine('| wc', {}).ok).toBe(false);
    expect(parseLine('cat a |', {}).ok).toBe(false);
  });
});

describe('the shell', () => {
  it('runs a pipeline, feeding each stage the output of the one before', async () => {
    const sh = labShell();
    const r = await sh.run('cat logs/gateway.log | grep 503 | wc -l');
    expect(r).toEqual({ stdout: '2\n', stderr: '', exitCode: 0 });
  });

  it('says which commands exist when one is unknown (exit 127)', async () => {
    const sh = labShell();
    const r = await sh.run('kubectl get pods');
    expect(r.exitCode).toBe(127);
    expect(r.stderr).toMatch(/^kubectl: command not found\. Available commands: cat, clear, echo, grep, head, help, jq, ls, tail, tr, wc\./);
    sh.lang = 'zh';
    expect((await sh.run('kubectl')).stderr).toContain('找不到该命令');
  });

  it('reports a syntax error with exit 2 and runs nothing', async () => {
    const sh = labShell();
    const r = await sh.run('cat a > b');
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^sh: /);
    expect(sh.records).toEqual([]);
  });

  it('keeps a history of lines typed and a record of what ran', async () => {
    const sh = labShell();
    await sh.run('  ls  ');
    await sh.run('');
    await sh.run('cat "logs/gateway.log" | head -n 1');
    expect(sh.history).toEqual(['ls', 'cat "logs/gateway.log" | head -n 1']);
    expect(sh.records.map((r) => r.stages)).toEqual([[['ls']], [['cat', 'logs/gateway.log'], ['head', '-n', '1']]]);
    expect(sh.records.map((r) => r.exitCode)).toEqual([0, 0]);
  });

  it('lets more commands be registered, with async functions', async () => {
    const sh = labShell().register({
      name: 'kubectl',
      summary: { en: 'talk to the cluster', zh: '操作集群' },
      run: async (argv, stdin) => ({ stdout: `${argv.slice(1).join(' ')}|${stdin.length}\n`, stderr: '', exitCode: 0 }),
    });
    expect((await sh.run('echo hi | kubectl apply -f -')).stdout).toBe('apply -f -|3\n');
    expect((await sh.run('help')).stdout).toContain('kubectl  talk to the cluster');
  });

  it('turns a command that throws into an error line instead of crashing', async () => {
    const sh = labShell().register({ name: 'boom', summary: { en: 'x', zh: 'x' }, run: () => { throw new Error('bad'); } });
    expect(await sh.run('boom')).toEqual({ stdout: '', stderr: 'boom: internal error: bad\n', exitCode: 70 });
  });

  it('carries the clear signal of `clear` to the terminal', async () => {
    expect((await labShell().run('clear')).clear).toBe(true);
  });
});

describe('tab completion', () => {
  it('completes command names in the first word of each stage', () => {
    const sh = labShell();
    expect(sh.complete('he')).toEqual({ start: 0, candidates: ['head', 'help'], common: 'he' });
    expect(sh.complete('cat x | gr')).toMatchObject({ start: 8, candidates: ['grep'], common: 'grep' });
  });

  it('completes file and directory names after a command', () => {
    const sh = labShell();
    expect(sh.complete('cat lo')).toEqual({ start: 4, candidates: ['logs/'], common: 'logs/' });
    expect(sh.complete('cat logs/')).toEqual({ start: 4, candidates: ['logs/gateway.log'], common: 'logs/gateway.log' });
    expect(sh.complete('cat ').candidates).toEqual(['deploy/', 'logs/', 'numbers.txt', 'pods.json']);
  });

  it('adds names from a provider (e.g. resources from the simulator)', () => {
    const sh = labShell().addCompletionProvider((argv, partial) => (argv[0] === 'kubectl' && argv[1] === 'get' ? ['pods', 'pod/orders-v1', 'services'].filter((n) => n.startsWith(partial)) : []));
    // Without a completer of its own, a command gets file names and the provider's names.
    expect(sh.complete('kubectl get po').candidates).toEqual(['pod/orders-v1', 'pods', 'pods.json']);
    expect(sh.complete('kubectl get po').common).toBe('pod');
    expect(sh.complete('kubectl get se').candidates).toEqual(['services']);
    expect(sh.complete('cat po').candidates).toEqual(['pods.json']);
  });
});
