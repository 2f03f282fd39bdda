// A command may hand the shell its stdout and stderr in the order it wrote them
// (curl -v). The terminal prints that order only when the command's stdout is its
// own: piped, stdout goes to the next command and only the streams are kept.
import { describe, expect, it } from 'vitest';
import { createShell, VirtualFS, type CommandSpec } from '../../src/shell/index.ts';

const chatty: CommandSpec = {
  name: 'chatty',
  summary: { en: 'test', zh: '测试' },
  run: () => ({
    stdout: 'body\n',
    stderr: '> request\n< response\n* done\n',
    exitCode: 0,
    output: [
      { stream: 'stderr', text: '> request\n< response\n' },
      { stream: 'stdout', text: 'body\n' },
      { stream: 'stderr', text: '* done\n' },
    ],
  }),
};
const warns: CommandSpec = { name: 'warns', summary: { en: 'test', zh: '测试' }, run: () => ({ stdout: 'x\n', stderr: 'warning: first\n', exitCode: 0 }) };

const shell = () => createShell({ fs: new VirtualFS([]) }).register(chatty, warns);

describe('ordered output through the shell', () => {
  it('a lone command keeps its order', async () => {
    const r = await shell().run('chatty');
    expect(r.output).toEqual([
      { stream: 'stderr', text: '> request\n< response\n' },
      { stream: 'stdout', text: 'body\n' },
      { stream: 'stderr', text: '* done\n' },
    ]);
  });

  it('piped into another command: no order is kept, stdout went down the pipe', async () => {
    const r = await shell().run('chatty | grep body');
    expect(r).toEqual({ stdout: 'body\n', stderr: '> request\n< response\n* done\n', exitCode: 0 });
  });

  it('last in a pipeline: stderr of the earlier stages comes first', async () => {
    const r = await shell().run('warns | chatty');
    expect(r.output?.[0]).toEqual({ stream: 'stderr', text: 'warning: first\n' });
    expect(r.output?.slice(1).map((c) => c.stream)).toEqual(['stderr', 'stdout', 'stderr']);
    expect(r.stderr).toBe('warning: first\n> request\n< response\n* done\n');
  });
});
