// The lab's worker: the simulated shell, the learner's files and the checks run
// here, so a long command never freezes the page. Messages: ./protocol.ts.
import { VirtualFS, type Shell } from '../shell/index.ts';
import { evaluateCheck, type CheckEnv } from './checks.ts';
import { createLabSession } from './session.ts';
import { analyzeFiles } from './findings.ts';
import { detectAnalyzer } from '../analyzer/registry.ts';
import type { Finding } from '../analyzer/finding.ts';
import { visibleFiles, type FromWorker, type LabData, type TaskState, type ToWorker } from './protocol.ts';

let lab: LabData | null = null;
let shell: Shell | null = null;
let request: CheckEnv['request'];
let answers: Record<string, string> = {};
let findings: Finding[] = [];
let analyzeTimer: ReturnType<typeof setTimeout> | null = null;
/** Ctrl-C for the command running in each terminal. */
const interrupts = new Map<number, AbortController>();

const post = (msg: FromWorker) => (self as unknown as Worker).postMessage(msg);

function files(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of lab?.files ?? []) if (!f.hidden) out[f.path] = shell?.fs.read(f.path) ?? f.content;
  return out;
}

async function checkTasks(): Promise<void> {
  if (!lab || !shell) return;
  const env: CheckEnv = { files: files(), records: shell.records, answers, findings, request };
  const tasks: TaskState[] = [];
  for (const task of lab.tasks) {
    const r = await evaluateCheck(task.check, task.id, env);
    tasks.push(r.status === 'unavailable' ? { id: task.id, done: false, unavailable: r.reason } : { id: task.id, done: r.status === 'pass' });
  }
  post({ type: 'tasks', tasks });
}

async function analyze(): Promise<void> {
  findings = await analyzeFiles(files(), detectAnalyzer);
  post({ type: 'findings', findings });
}

/** Edits arrive keystroke by keystroke; analyze once typing pauses. */
function scheduleAnalysis(): void {
  if (analyzeTimer) clearTimeout(analyzeTimer);
  analyzeTimer = setTimeout(() => {
    analyzeTimer = null;
    queue = queue.then(async () => {
      await analyze();
      await checkTasks();
    });
  }, 250);
}

async function handle(msg: ToWorker): Promise<void> {
  switch (msg.type) {
    case 'init': {
      lab = msg.lab;
      answers = { ...msg.answers };
      const fs = new VirtualFS(visibleFiles(msg.lab).map((f) => ({ path: f.path, content: msg.files[f.path] ?? f.content })));
      const session = createLabSession(msg.lab, { fs, lang: msg.lang, history: msg.history, records: msg.records });
      shell = session.shell;
      request = session.request;
      post({ type: 'ready' });
      await analyze();
      await checkTasks();
      return;
    }
    case 'lang':
      if (shell) shell.lang = msg.lang;
      return;
    case 'run': {
      if (!shell) return;
      // Started in order but not awaited: a command may wait for another
      // terminal (a debugger in `continue`, a curl held at a breakpoint).
      const terminal = msg.terminal ?? 0;
      const interrupt = new AbortController();
      interrupts.set(terminal, interrupt);
      const running = shell;
      void running.run(msg.line, { terminal, signal: interrupt.signal }).then((r) => {
        if (interrupts.get(terminal) === interrupt) interrupts.delete(terminal);
        post({ type: 'result', id: msg.id, stdout: r.stdout, stderr: r.stderr, ...(r.output ? { output: r.output } : {}), exitCode: r.exitCode, clear: r.clear ?? false, records: running.records, prompt: running.promptOf(terminal) });
        queue = queue.then(checkTasks).catch((err: unknown) => console.error('opslab worker:', err));
      });
      return;
    }
    case 'interrupt':
      interrupts.get(msg.terminal)?.abort();
      return;
    case 'complete':
      if (shell) post({ type: 'completion', id: msg.id, completion: shell.complete(msg.line, msg.cursor, msg.terminal ?? 0) });
      return;
    case 'file':
      shell?.fs.write(msg.path, msg.content);
      scheduleAnalysis();
      await checkTasks();
      return;
    case 'answer': {
      answers[msg.taskId] = msg.answer;
      const task = lab?.tasks.find((t) => t.id === msg.taskId);
      if (task) post({ type: 'answered', taskId: task.id, correct: (await evaluateCheck(task.check, task.id, { files: {}, records: [], answers })).status === 'pass' });
      await checkTasks();
      return;
    }
  }
}

// Messages are handled one at a time, in order, so a file edit and the command
// typed after it are seen in that order.
let queue: Promise<void> = Promise.resolve();
self.onmessage = (e: MessageEvent<ToWorker>) => {
  queue = queue.then(() => handle(e.data)).catch((err: unknown) => console.error('opslab worker:', err));
};
