// Lab startup-dependence (guide chapter "Sidecar 初始化完成后再启动应用程序"): the
// ledger's entrypoint downloads its settings with curl before it execs the app. The
// iptables rules exist from the start, Envoy gets its listeners only once istiod's
// first config arrives, so the first connection is refused (curl exit 7), the
// container ends, and the kubelet restarts it after its 10 s back-off, when the proxy
// is ready. holdApplicationUntilProxyStarts puts istio-proxy first with a postStart
// `pilot-agent wait`; curl's --retry-connrefused rides out the window as well.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { labShell as labShellOf } from './fixtures.ts';
import { parseCurl } from '../../src/mesh/curl.ts';
import { loadLabWithFiles, type ResolvedLab } from '../../src/lab/load-node.ts';
import { replaySolution } from '../../src/lab/replay.ts';
import { evaluateCheck } from '../../src/lab/checks.ts';
import { createLabSession } from '../../src/lab/session.ts';
import { analyzeFiles } from '../../src/lab/findings.ts';
import { detectAnalyzer } from '../../src/analyzer/registry.ts';
import { VirtualFS } from '../../src/shell/index.ts';
import type { LabData } from '../../src/lab/protocol.ts';

const DIR = 'labs/startup-dependence/scenario';
const POD = 'ledger-whmdx7krk6-s89ql';
const labShell = () => labShellOf(DIR, 'billing/teller');

type Shell = ReturnType<typeof labShell>;
const HOLD = "      annotations:\n        proxy.istio.io/config: '{ \"holdApplicationUntilProxyStarts\": true }'\n";

/** Rewrites ledger.yaml (annotations under the template's metadata, curl options) and applies it. */
async function applyLedger({ fs, shell }: Shell, opts: { annotations?: string; curl?: string }) {
  let text = fs.read('ledger.yaml')!;
  if (opts.annotations) text = text.replace('        app: ledger\n    spec:\n', `        app: ledger\n${opts.annotations}    spec:\n`);
  if (opts.curl) text = text.replace('curl -sSf -o', `curl -sSf ${opts.curl} -o`);
  fs.write('ledger.yaml', text);
  const r = await shell.run('kubectl apply -f ledger.yaml');
  expect(r.exitCode).toBe(0);
}

const podRow = async (shell: Shell['shell'], prefix: string) =>
  (await shell.run('kubectl get pods -n billing')).stdout.split('\n').find((l) => l.startsWith(prefix))!.split(/\s{2,}/);

const injected = async (shell: Shell['shell']) => {
  const r = await shell.run(`kubectl get pod ${POD} -n billing -o yaml`);
  expect(r.exitCode).toBe(0);
  return parse(r.stdout) as { spec: { containers: { name: string; lifecycle?: unknown }[]; initContainers: { name: string }[] }; status: { containerStatuses: { name: string; restartCount: number; lastState: { terminated?: { exitCode: number } } }[] } };
};

describe('lab startup-dependence: before the fix', () => {
  it('the ledger restarted once; the other pods did not', async () => {
    const { shell } = labShell();
    const ledger = await podRow(shell, 'ledger-');
    expect(ledger.slice(1, 4)).toEqual(['2/2', 'Running', '1 (12m ago)']);
    expect((await podRow(shell, 'config-server-'))[3]).toBe('0');
    expect((await podRow(shell, 'teller-'))[3]).toBe('0');
  });

  it('logs --previous holds curl\'s refusal; the current run loaded its settings', async () => {
    const { shell } = labShell();
    const prev = await shell.run('kubectl logs deploy/ledger -n billing --previous');
    expect(prev.exitCode).toBe(0);
    expect(prev.stdout).toBe("curl: (7) Failed to connect to config-server.billing port 8888 after 0 ms: Couldn't connect to server\n");
    const now = await shell.run('kubectl logs deploy/ledger -n billing');
    expect(now.stdout).toContain('INFO configuration loaded from http://config-server.billing:8888/settings/ledger\n');
    // The sidecar never restarted: it has no previous container.
    const proxy = await shell.run('kubectl logs deploy/ledger -n billing -c istio-proxy -p');
    expect(proxy.exitCode).not.toBe(0);
    expect(proxy.stderr).toContain(`previous terminated container "istio-proxy" in pod "${POD}" not found`);
  });

  it('the refused call left no access-log line; the retry after the back-off reached the config server', async () => {
    const { shell } = labShell();
    const log = (await shell.run('kubectl logs deploy/config-server -n billing -c istio-proxy')).stdout.trim().split('\n');
    expect(log).toHaveLength(1);
    expect(log[0]).toContain('"GET /settings/ledger HTTP/1.1" 200 ');
    // kubelet back-off: the second run starts 10 s after the first one ended.
    expect(log[0]!.startsWith('[2024-05-01T08:00:10')).toBe(true);
  });

  it('the injected pod: istio-init, the ledger first, istio-proxy last with no hook; the ledger exited 7 once', async () => {
    const { shell } = labShell();
    const pod = await injected(shell);
    expect(pod.spec.initContainers.map((c) => c.name)).toEqual(['istio-init']);
    expect(pod.spec.containers.map((c) => c.name)).toEqual(['ledger', 'istio-proxy']);
    expect(pod.spec.containers[1]!.lifecycle).toBeUndefined();
    const ledger = pod.status.containerStatuses.find((c) => c.name === 'ledger')!;
    expect(ledger.restartCount).toBe(1);
    expect(ledger.lastState.terminated?.exitCode).toBe(7);
    const describe = (await shell.run(`kubectl describe pod ${POD} -n billing`)).stdout;
    expect(describe).toMatch(/ {2}ledger:\n[\s\S]*Last State: {5}Terminated\n {6}Reason: {7}Error\n {6}Exit Code: {4}7\n[\s\S]*Restart Count: {2}1\n {2}istio-proxy:/);
  });
});

describe('lab startup-dependence: the fixes', () => {
  it('holdApplicationUntilProxyStarts (JSON annotation): a new pod, istio-proxy first with postStart pilot-agent wait, no restart', async () => {
    const s = labShell();
    await applyLedger(s, { annotations: HOLD });
    expect((await podRow(s.shell, 'ledger-'))[3]).toBe('0');
    const pod = await injected(s.shell);
    expect(pod.spec.containers.map((c) => c.name)).toEqual(['istio-proxy', 'ledger']);
    expect(pod.spec.containers[0]!.lifecycle).toEqual({ postStart: { exec: { command: ['pilot-agent', 'wait'] } } });
    const prev = await s.shell.run('kubectl logs deploy/ledger -n billing --previous');
    expect(prev.exitCode).not.toBe(0);
    // The new pod's log starts afresh.
    expect((await s.shell.run('kubectl logs deploy/ledger -n billing')).stdout.split('\n').filter(Boolean)).toHaveLength(2);
  });

  it('the annotation as a YAML block works the same', async () => {
    const s = labShell();
    await applyLedger(s, { annotations: '      annotations:\n        proxy.istio.io/config: |\n          holdApplicationUntilProxyStarts: true\n' });
    expect((await podRow(s.shell, 'ledger-'))[3]).toBe('0');
  });

  it('mesh-wide default: a pod created with meshConfig.defaultConfig.holdApplicationUntilProxyStarts starts clean', async () => {
    const s = labShell();
    const mesh = s.fs.read('istio.yaml')!.replace('    defaultConfig:\n', '    defaultConfig:\n      holdApplicationUntilProxyStarts: true\n');
    s.fs.write('istio.yaml', mesh);
    await s.shell.run('kubectl apply -f istio.yaml');
    // The running pod keeps what it was injected with until it is created again.
    expect((await podRow(s.shell, 'ledger-'))[3]).toBe('1 (12m ago)');
    await applyLedger(s, { curl: '--max-time 10' });
    expect((await podRow(s.shell, 'ledger-'))[3]).toBe('0');
  });

  it('--retry 5 --retry-connrefused alone: refused at 0 s and 1 s, fetched at 3 s once the proxy is ready; no restart', async () => {
    const s = labShell();
    const before = s.mesh.sim.clock;
    await applyLedger(s, { curl: '--retry 5 --retry-connrefused' });
    expect((await podRow(s.shell, 'ledger-'))[3]).toBe('0');
    const start = s.mesh.starts.get(`${POD}.billing`)!;
    expect(start.runs).toHaveLength(1);
    // curl waits 1 s, then 2 s: the third attempt, 3 s in, meets a ready proxy.
    expect(start.runs[0]!.startedAt).toBe(before);
    expect(s.mesh.sim.clock - before).toBeGreaterThanOrEqual(3000);
    expect(s.mesh.sim.clock - before).toBeLessThan(3100);
  });

  it('--retry 5 without --retry-connrefused does not retry a refused connection', async () => {
    const s = labShell();
    await applyLedger(s, { curl: '--retry 5' });
    expect((await podRow(s.shell, 'ledger-'))[3]).toBe('1 (12m ago)');
  });

  it('a download that fails even with a ready proxy ends in CrashLoopBackOff', async () => {
    const s = labShell();
    s.fs.write('ledger.yaml', s.fs.read('ledger.yaml')!.replace('/settings/ledger', '/settings/ledgr'));
    await s.shell.run('kubectl apply -f ledger.yaml');
    const row = await podRow(s.shell, 'ledger-');
    expect(row.slice(1, 4)).toEqual(['1/2', 'CrashLoopBackOff', '5 (12m ago)']);
    expect((await s.shell.run('kubectl logs deploy/ledger -n billing -p')).stdout).toBe('curl: (22) The requested URL returned error: 404\n');
  });
});

describe('curl options the start-up scripts use', () => {
  it('--retry N, --retry-delay S, --retry-connrefused, --retry-all-errors', () => {
    const r = parseCurl(['curl', '--retry', '3', '--retry-delay', '2', '--retry-connrefused', 'http://a/']);
    expect(r.ok && r.req.retry).toEqual({ count: 3, delayMs: 2000, connRefused: true, allErrors: false });
    const all = parseCurl(['curl', '--retry=4', '--retry-all-errors', 'http://a/']);
    expect(all.ok && all.req.retry).toEqual({ count: 4, delayMs: null, connRefused: false, allErrors: true });
    expect(parseCurl(['curl', '--retry', 'many', 'http://a/'])).toMatchObject({ ok: false, exitCode: 2 });
  });

  it('-sS: silent, but the error is still printed', async () => {
    const { shell } = labShell();
    const r = await shell.run('curl -sSf http://ledger.billing:8080/missing');
    expect(r.exitCode).toBe(22);
    expect(r.stderr).toBe('curl: (22) The requested URL returned error: 404\n');
    expect((await shell.run('curl -sf http://ledger.billing:8080/missing')).stderr).toBe('');
  });
});

describe('lab startup-dependence: its checks', () => {
  const lab = loadLabWithFiles('startup-dependence') as ResolvedLab;

  it('the fix checks fail before the solution and pass after it', async () => {
    const r = await replaySolution(lab, { analyze: (files) => analyzeFiles(files, detectAnalyzer) });
    expect(r.problems).toEqual([]);
    for (const id of ['hold-app', 'starts-clean', 'list-pods', 'read-previous']) expect(r.before[id]).toEqual({ status: 'fail' });
    for (const task of lab.tasks) expect(r.after[task.id]).toEqual({ status: 'pass' });
  });

  it('starts-clean judges what was applied: an edited ledger.yaml that was not applied still fails, and a retry alone does not pass it', async () => {
    const check = lab.tasks.find((t) => t.id === 'starts-clean')!.check;
    // A session on the lab's own files, with ledger.yaml edited in the learner's editor.
    const sessionWith = (edit: (text: string) => string) => {
      const files = (lab as unknown as LabData).files.map((f) => ({ path: f.path, content: f.path === 'ledger.yaml' ? edit(f.content) : f.content }));
      const session = createLabSession(lab as unknown as LabData, { fs: new VirtualFS(files) });
      const judge = () => evaluateCheck(check, 'starts-clean', { files: {}, records: [], answers: {}, request: session.request });
      return { session, judge };
    };
    const held = sessionWith((t) => t.replace('        app: ledger\n    spec:\n', `        app: ledger\n${HOLD}    spec:\n`));
    expect(await held.judge()).toEqual({ status: 'fail' });
    expect((await held.session.shell.run('kubectl apply -f ledger.yaml')).exitCode).toBe(0);
    expect(await held.judge()).toEqual({ status: 'pass' });

    const retryOnly = sessionWith((t) => t.replace('curl -sSf -o', 'curl -sSf --retry 5 --retry-connrefused -o'));
    expect((await retryOnly.session.shell.run('kubectl apply -f ledger.yaml')).exitCode).toBe(0);
    expect(await retryOnly.judge()).toEqual({ status: 'fail' });
  });
});
