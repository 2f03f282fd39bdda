// Messages between the lab page and its worker (src/lab/worker.ts). Both sides
// import these types, so a message that does not fit fails the type check.
import type { Completion, OutputChunk, RunRecord } from '../shell/index.ts';
import type { Finding } from '../analyzer/finding.ts';
import type { ReadyLab } from './definition.ts';

/** What the page hands the worker: the lab with every file's text resolved. */
export type LabData = Omit<ReadyLab, 'files'> & { files: (ReadyLab['files'][number] & { content: string })[] };

export type Lang = 'en' | 'zh';

export interface TaskState {
  id: string;
  done: boolean;
  /** Set when the check cannot be evaluated yet (e.g. it needs the simulator). */
  unavailable?: string;
}

export type ToWorker =
  | {
      type: 'init';
      lab: LabData;
      lang: Lang;
      /** The learner's files (all of them, edited or not), history, records and answers. */
      files: Record<string, string>;
      history: string[];
      records: RunRecord[];
      answers: Record<string, string>;
    }
  /** `terminal` picks one of the lab's terminals (0 when it has one); each may be in its own program's prompt. */
  | { type: 'run'; id: number; line: string; terminal?: number }
  /** Ctrl-C while a command of that terminal runs (a `continue` that waits, a curl held at a breakpoint). */
  | { type: 'interrupt'; terminal: number }
  | { type: 'complete'; id: number; line: string; cursor: number; terminal?: number }
  | { type: 'file'; path: string; content: string }
  | { type: 'answer'; taskId: string; answer: string }
  | { type: 'lang'; lang: Lang };

export type FromWorker =
  | { type: 'ready' }
  /** `prompt`: the terminal's next prompt when it is in a program such as `(dlv) `, null at the shell. */
  /** `output`: stdout and stderr in the order written (curl -v), when the command gave it; print that instead. */
  | { type: 'result'; id: number; stdout: string; stderr: string; output?: OutputChunk[]; exitCode: number; clear: boolean; records: RunRecord[]; prompt: string | null }
  | { type: 'completion'; id: number; completion: Completion }
  | { type: 'tasks'; tasks: TaskState[] }
  /** The verdict on an answer the learner just submitted, so the page can say right or wrong. */
  | { type: 'answered'; taskId: string; correct: boolean }
  | { type: 'findings'; findings: Finding[] }
  /** A command changed a file (e.g. a future `kubectl edit`); the editor shows the new text. */
  | { type: 'file-changed'; path: string; content: string };

/** The files the learner sees (tabs, terminal, checks); hidden ones only feed the simulator. */
export const visibleFiles = <F extends { hidden?: boolean }>(lab: { files: F[] }): F[] => lab.files.filter((f) => !f.hidden);
