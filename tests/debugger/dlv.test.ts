// The simulated Delve session of the remote-debugging lab, driven through the
// lab's own shell: port-forward, dlv connect, breakpoints, a request from a
// second terminal that stops at them, and what print/locals/stack show there.
// Expected output follows Delve's terminal (pkg/terminal/command.go) and the
// lab's main.go (line 44 is `func handleEntry`, 51 is `fee := feeFor(...)`).
import { describe, expect, it } from 'vitest';
import { VirtualFS } from '../../src/shell/index.ts';
import { createLabSession } from '../../src/lab/session.ts';
import { replaySolution } from '../../src/lab/replay.ts';
import { loadLabWithFiles, type ResolvedLab } from '../../src/lab/load-node.ts';
import { evaluateCheck, recordMatches } from '../../src/lab/checks.ts';
import { progressSchema } from '../../src/lab/progress.ts';

const lab = loadLabWithFiles('remote-debugging-go') as ResolvedLab;
const REQUEST = `curl -s -X POST localhost:8080/entries -d '{"account":"acct-4410","amountCents":98000}'`;

function session() {
  const s = createLabSession(lab, { fs: new VirtualFS(lab.files.map((f) => ({ path: f.path, content: f.content ?? '' }))) });
  const shell = s.shell;
  return {
    shell,
    t1: (line: string, signal?: AbortSignal) => shell.run(line, { terminal: 0, ...(signal ? { signal } : {}) }),
    t2: (line: string, signal?: AbortSignal) => shell.run(line, { terminal: 1, ...(signal ? { signal } : {}) }),
  };
}

/** Lets pending promise callbacks run; a command that waits for another terminal stays pending. */
const tick = () => new Promise((r) => setTimeout(r, 0));

async function isPending(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  void p.then(() => (done = true));
  await tick();
  return !done;
}

async function connected() {
  const s = session();
  expect((await s.t1('kubectl -n billing port-forward deploy/ledger-debug 40000:40000 8080:8080')).exitCode).toBe(0);
  const c = await s.t1('dlv connect localhost:40000');
  expect(c.stdout).toBe("Type 'help' for list of commands.\n");
  return s;
}

describe('dlv connect and kubectl port-forward', () => {
  it('fails with Delve’s dial error when nothing is forwarded', async () => {
    const s = session();
    const r = await s.t1('dlv connect 127.0.0.1:40000');
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ error layer=rpc error dialing 127\.0\.0\.1:40000: dial tcp 127\.0\.0\.1:40000: connect: connection refused\n$/);
    expect(s.shell.promptOf(0)).toBeNull();
  });

  it('prints the forwarded ports as kubectl does and enters the (dlv) prompt', async () => {
    const s = session();
    const pf = await s.t1('kubectl port-forward -n billing deploy/ledger-debug 40000:40000');
    expect(pf.stdout).toBe('Forwarding from 127.0.0.1:40000 -> 40000\nForwarding from [::1]:40000 -> 40000\n');
    await s.t1('dlv connect localhost:40000');
    expect(s.shell.promptOf(0)).toBe('(dlv) ');
    // The other terminal is still at the shell.
    expect(s.shell.promptOf(1)).toBeNull();
  });

  it('reports a missing deployment and a port forwarded to the app, not to Delve', async () => {
    const s = session();
    expect((await s.t1('kubectl -n billing port-forward deploy/ledger 40000:40000')).stderr).toBe('Error from server (NotFound): deployments.apps "ledger" not found\n');
    await s.t1('kubectl -n billing port-forward deploy/ledger-debug 40000:8080');
    expect((await s.t1('dlv connect localhost:40000')).stderr).toContain('connect: connection refused');
  });

  it('refuses curl to a local port nothing forwards', async () => {
    const s = session();
    const r = await s.t2(REQUEST);
    expect(r.exitCode).toBe(7);
    expect(r.stderr).toBe("curl: (7) Failed to connect to localhost port 8080 after 0 ms: Couldn't connect to server\n");
  });
});

describe('breakpoints', () => {
  it('sets, lists and clears them with Delve’s messages', async () => {
    const s = await connected();
    const b = await s.t1('break main.handleEntry');
    expect(b.stdout).toMatch(/^Breakpoint 1 set at 0x[0-9a-f]+ for main\.handleEntry\(\) \/src\/cmd\/ledger\/main\.go:44\n$/);
    const b2 = await s.t1('b main.go:51');
    expect(b2.stdout).toMatch(/^Breakpoint 2 set at 0x[0-9a-f]+ for main\.handleEntry\(\) \/src\/cmd\/ledger\/main\.go:51\n$/);
    const list = (await s.t1('breakpoints')).stdout;
    expect(list).toContain('Breakpoint unrecovered-panic (enabled)');
    expect(list).toMatch(/\nBreakpoint 2 \(enabled\) at 0x[0-9a-f]+ for main\.handleEntry\(\) \/src\/cmd\/ledger\/main\.go:51 \(0\)\n$/);
    expect((await s.t1('clear 1')).stdout).toMatch(/^Breakpoint 1 cleared at 0x[0-9a-f]+ for main\.handleEntry\(\) \/src\/cmd\/ledger\/main\.go:44\n$/);
    expect((await s.t1('clear 7')).stderr).toBe('Command failed: no breakpoint with id 7\n');
  });

  it('rejects lines without a statement, unknown functions and duplicates', async () => {
    const s = await connected();
    expect((await s.t1('break main.go:29')).stderr).toBe('Command failed: could not find statement at /src/cmd/ledger/main.go:29, please use a line with a statement\n');
    expect((await s.t1('break main.nosuch')).stderr).toBe('Command failed: location "main.nosuch" not found\n');
    await s.t1('break main.go:50');
    expect((await s.t1('break main.go:50')).stderr).toMatch(/^Command failed: Breakpoint exists at \/src\/cmd\/ledger\/main\.go:50 at [0-9a-f]+\n$/);
    expect((await s.t1('frobnicate')).stderr).toBe('Command failed: command not available\n');
  });

  it('records a failed break as failed, so the lab task does not tick', async () => {
    const s = await connected();
    await s.t1('break main.go:29');
    const task = lab.tasks.find((t) => t.id === 'breakpoint')!;
    expect((await evaluateCheck(task.check, task.id, { files: {}, records: s.shell.records, answers: {} })).status).toBe('fail');
    await s.t1('break handleEntry');
    expect((await evaluateCheck(task.check, task.id, { files: {}, records: s.shell.records, answers: {} })).status).toBe('pass');
  });
});

describe('a request from the other terminal stops at the breakpoint', () => {
  it('continue waits, curl hangs, the stop shows the request’s values, and continue lets curl finish', async () => {
    const s = await connected();
    await s.t1('break main.go:51');
    const cont = s.t1('continue');
    expect(await isPending(cont)).toBe(true);
    const curl = s.t2(REQUEST);
    const stop = await cont;
    const lines = stop.stdout.split('\n');
    expect(lines[0]).toMatch(/^> \[Breakpoint 1\] main\.handleEntry\(\) \/src\/cmd\/ledger\/main\.go:51 \(hits goroutine\(\d+\):1 total:1\) \(PC: 0x[0-9a-f]+\)$/);
    expect(lines).toContain('=>  51:\tfee := feeFor(tier, e.AmountCents)'.replace('fee', '\tfee'));
    expect(lines).toContain('    46:\tif err := json.NewDecoder(r.Body).Decode(&e); err != nil {'.replace('if', '\tif'));
    expect(await isPending(curl)).toBe(true);

    expect((await s.t1('print e')).stdout).toBe('main.Entry {Account: "acct-4410", AmountCents: 98000}\n');
    expect((await s.t1('p tier')).stdout).toBe('""\n');
    expect((await s.t1('print r.Method')).stdout).toBe('"POST"\n');
    expect((await s.t1('print r.URL.Path')).stdout).toBe('"/entries"\n');
    expect((await s.t1('print r.Header["Content-Type"]')).stdout).toBe('[]string len: 1, cap: 1, ["application/x-www-form-urlencoded"]\n');
    expect((await s.t1('print tiers["ACCT-4410"]')).stdout).toBe('"silver"\n');
    expect((await s.t1('print tiers["acct-4410"]')).stderr).toBe('Command failed: key not found\n');
    expect((await s.t1('print len(tiers)')).stdout).toBe('10\n');
    expect((await s.t1('print nosuch')).stderr).toBe('Command failed: could not find symbol value for nosuch\n');
    expect((await s.t1('locals')).stdout).toBe('e = main.Entry {Account: "acct-4410", AmountCents: 98000}\ntier = ""\nfee = 0\n');

    const stack = (await s.t1('stack')).stdout.split('\n');
    expect(stack[0]).toMatch(/^0  0x0000000000[0-9a-f]{6} in main\.handleEntry$/);
    expect(stack[1]).toBe('   at /src/cmd/ledger/main.go:51');
    expect(stack[2]).toMatch(/^1  0x[0-9a-f]{16} in net\/http\.HandlerFunc\.ServeHTTP$/);

    const more = s.t1('continue');
    const answer = await curl;
    expect(answer.exitCode).toBe(0);
    expect(JSON.parse(answer.stdout)).toEqual({ account: 'acct-4410', amountCents: 98000, tier: '', feeCents: 0 });
    expect(await isPending(more)).toBe(true);
  });

  it('next walks the handler and step enters feeFor', async () => {
    const s = await connected();
    await s.t1('break main.handleEntry');
    const cont = s.t1('c');
    void s.t2(`curl -s localhost:8080/entries -d '{"account":"ACCT-4410","amountCents":5000}'`);
    expect((await cont).stdout).toMatch(/main\.go:44 \(hits goroutine/);
    expect((await s.t1('next')).stdout.split('\n')[0]).toMatch(/^> main\.handleEntry\(\) \/src\/cmd\/ledger\/main\.go:45 \(PC: 0x[0-9a-f]+\)$/);
    // An empty line repeats the last command, as in Delve.
    expect((await s.t1('')).stdout).toMatch(/main\.go:46 /);
    await s.t1('n');
    await s.t1('n');
    const into = await s.t1('step');
    expect(into.stdout.split('\n')[0]).toMatch(/^> main\.feeFor\(\) \/src\/cmd\/ledger\/main\.go:31 /);
    expect((await s.t1('args')).stdout).toBe('tier = "silver"\namountCents = 5000\n');
    const out = await s.t1('stepout');
    expect(out.stdout).toMatch(/main\.go:51 \(PC/);
    expect(out.stdout).toContain('Values returned:\n\t~r0: 50\n');
    expect((await s.t1('next')).stdout).toMatch(/main\.go:52 /);
    expect((await s.t1('print fee')).stdout).toBe('50\n');
  });

  it('Ctrl-C halts a waiting continue; a conditional breakpoint skips other requests', async () => {
    const s = await connected();
    const halt = new AbortController();
    const cont = s.t1('continue', halt.signal);
    expect(await isPending(cont)).toBe(true);
    halt.abort();
    const r = await cont;
    expect(r.exitCode).toBe(130);
    expect(r.stdout).toMatch(/^received SIGINT, stopping process \(will not forward signal\)\n> runtime\.futex\(\) /);

    await s.t1('break main.go:50 if e.AmountCents > 100000');
    const c2 = s.t1('continue');
    // A small entry passes the breakpoint; the process was halted, so it runs once continued.
    const small = await s.t2(`curl -s localhost:8080/entries -d '{"account":"acct-1","amountCents":10}'`);
    expect(small.stdout).toContain('"feeCents":0');
    const big = s.t2(`curl -s localhost:8080/entries -d '{"account":"acct-2","amountCents":250000}'`);
    expect((await c2).stdout).toMatch(/main\.go:50 \(hits/);
    expect((await s.t1('print e.AmountCents')).stdout).toBe('250000\n');
    await s.t1('quit -c');
    expect(s.shell.promptOf(0)).toBeNull();
    expect((await big).exitCode).toBe(0);
  });

  it('quit asks about the headless instance; yes kills it and the waiting curl gets an empty reply', async () => {
    const s = await connected();
    await s.t1('break main.go:51');
    const cont = s.t1('continue');
    const curl = s.t2(REQUEST);
    await cont;
    await s.t1('quit');
    expect(s.shell.promptOf(0)).toBe('Would you like to kill the headless instance? [Y/n] ');
    await s.t1('y');
    expect(s.shell.promptOf(0)).toBeNull();
    const r = await curl;
    expect(r.exitCode).toBe(52);
    expect(r.stderr).toBe('curl: (52) Empty reply from server\n');
  });

  it('a bad body stops on the error path with Go’s decoder message', async () => {
    const s = await connected();
    await s.t1('break main.go:47');
    const cont = s.t1('continue');
    const curl = s.t2(`curl -s localhost:8080/entries -d 'account=acct-4410'`);
    expect((await cont).stdout).toMatch(/main\.go:47 \(hits/);
    await s.t1('clearall');
    // continue lets the request finish, then waits for a next stop that never comes.
    void s.t1('continue');
    const r = await curl;
    expect(r.stdout).toBe("invalid character 'a' looking for beginning of value\n");
  });
});

describe('lines typed at the (dlv) prompt', () => {
  it('are recorded with their prompt, kept in saved progress, and matched only by checks for that prompt', async () => {
    const s = await connected();
    await s.t1('break main.go:51');
    const record = s.shell.records.at(-1)!;
    expect(record).toEqual({ line: 'break main.go:51', stages: [['break', 'main.go:51']], exitCode: 0, prompt: 'dlv' });
    expect(progressSchema.parse({ v: 1, records: [record] }).records[0]!.prompt).toBe('dlv');
    expect(recordMatches({ kind: 'command-run', command: '^break ', prompt: 'dlv' }, record)).toBe(true);
    expect(recordMatches({ kind: 'command-run', command: '^break ' }, record)).toBe(false);
  });
});

describe('the lab', () => {
  it('replays its solution across two terminals: every check passes after it, and fails before', async () => {
    const r = await replaySolution(lab);
    expect(r.problems).toEqual([]);
    for (const task of lab.tasks) {
      expect(r.before[task.id]!.status, task.id).toBe('fail');
      expect(r.after[task.id]!.status, task.id).toBe('pass');
    }
  });
});
