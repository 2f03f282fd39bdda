// xterm with xterm-readline (line editing, history, Ctrl-C) running the
// simulated shell in the worker. Tab completes; Esc leaves the terminal.
import { Terminal, type ITheme } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import { Readline } from 'xterm-readline';
import '@xterm/xterm/css/xterm.css';
import type { OutputChunk } from '../shell/types.ts';

const themes: Record<'light' | 'dark', ITheme> = {
  light: { background: '#ffffff', foreground: '#1f2328', cursor: '#1f2328', selectionBackground: '#b6d6fd', black: '#1f2328', red: '#cf222e', green: '#116329', yellow: '#7d4e00', blue: '#0969da', brightBlack: '#57606a' },
  dark: { background: '#17181c', foreground: '#e6edf3', cursor: '#e6edf3', selectionBackground: '#264f78', red: '#ff7b72', green: '#7ee787', yellow: '#e3b341', blue: '#79c0ff', brightBlack: '#8b949e' },
};

export interface ShellBridge {
  /** `prompt`: the next prompt when the terminal is in a program (`(dlv) `), null at the shell. */
  /** `output`, when present, is stdout and stderr in the order written: printed in that order. */
  run(line: string): Promise<{ stdout: string; stderr: string; output?: OutputChunk[]; clear: boolean; prompt?: string | null }>;
  complete(line: string): Promise<{ start: number; candidates: string[]; common: string }>;
  /** Ctrl-C while a command runs. */
  interrupt?(): void;
}

export interface LabTerminal {
  /** Resolves once the prompt is shown and typing is accepted. */
  ready: Promise<void>;
  setTheme(dark: boolean): void;
  clear(): void;
  focus(): void;
  dispose(): void;
}

const PROMPT = '\x1b[32mlab\x1b[0m:\x1b[34m~\x1b[0m$ ';

export function createTerminal(
  host: HTMLElement,
  bridge: ShellBridge,
  opts: { dark: boolean; history: string[]; welcome: string; onHistory: (line: string) => void; onEscape: () => void; onCompletions: (candidates: string[]) => void; onBusy: (busy: boolean) => void },
): LabTerminal {
  const term = new Terminal({
    theme: opts.dark ? themes.dark : themes.light,
    fontSize: 13,
    fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace',
    cursorBlink: true,
    convertEol: true,
    scrollback: 2000,
  });
  const fit = new FitAddon();
  // xterm-readline restores its history from localStorage's "history" key when it
  // is created; seed that key with this lab's own history so labs do not share one.
  try {
    localStorage.setItem('history', JSON.stringify([...opts.history].reverse()));
  } catch {
    // Denied (a lab framed by another site): xterm-readline reads window.localStorage
    // unguarded, so it gets one that lives in memory for this page.
    shadowLocalStorage();
  }
  const rl = new Readline();
  // Ctrl-C between reads: the running command is interrupted (it may be waiting).
  rl.setCtrlCHandler(() => {
    if (!bridge.interrupt) return;
    term.write('^C\r\n');
    bridge.interrupt();
  });
  term.loadAddon(fit);
  term.loadAddon(rl);
  term.open(host);
  fit.fit();
  const resize = new ResizeObserver(() => fit.fit());
  resize.observe(host);
  // Replaces readline's key handler (which only handles Shift+Enter, unused here).
  term.attachCustomKeyEventHandler((e) => {
    if (e.type === 'keydown' && e.key === 'Escape') {
      opts.onEscape();
      return false;
    }
    if (e.key === 'Tab' && !e.ctrlKey && !e.altKey && !e.metaKey) {
      e.preventDefault();
      if (e.type === 'keydown') void complete();
      return false;
    }
    return true;
  });

  async function complete(): Promise<void> {
    const line = rl.getLine();
    const c = await bridge.complete(line);
    if (c.candidates.length === 0) return opts.onCompletions([]);
    const start = line.slice(0, c.start);
    const single = c.candidates.length === 1;
    const word = single && !c.common.endsWith('/') ? c.common + ' ' : c.common;
    if (start + word !== line) rl.updateLine(start + word);
    opts.onCompletions(single ? [] : c.candidates);
  }

  let disposed = false;
  /** The prompt of the program the terminal is in (`(dlv) `), or null for the shell's. */
  let programPrompt: string | null = null;
  const ready = new Promise<void>((resolve) => {
    rl.println(`\x1b[2m${opts.welcome}\x1b[0m`);
    const loop = async (): Promise<void> => {
      const reading = rl.read(programPrompt ?? PROMPT);
      // rl.read shows the prompt once earlier writes are flushed; this empty
      // write's callback runs right after, when keys are accepted.
      term.write('', () => {
        opts.onBusy(false);
        resolve();
      });
      const line = await reading;
      if (disposed) return;
      opts.onBusy(true);
      opts.onCompletions([]);
      // A program's prompt gets empty lines too (Delve repeats the last command).
      if (line.trim() !== '' || programPrompt !== null) {
        if (line.trim() !== '') opts.onHistory(line.trim());
        const r = await bridge.run(line);
        if (disposed) return;
        programPrompt = r.prompt ?? null;
        if (r.clear) term.write('\x1b[2J\x1b[3J\x1b[H');
        // stderr in red. In write order a body may run on into the next line, as in a real
        // terminal; otherwise (stdout, then stderr) each part ends its line. The prompt needs the last ended.
        const chunks: OutputChunk[] = r.output ?? [{ stream: 'stdout', text: r.stdout }, { stream: 'stderr', text: r.stderr }];
        const shown = chunks.filter((c) => c.text !== '');
        shown.forEach((c, i) => {
          const endLine = (!r.output || i === shown.length - 1) && !c.text.endsWith('\n');
          const text = endLine ? c.text + '\n' : c.text;
          rl.print(c.stream === 'stderr' ? `\x1b[31m${text}\x1b[0m` : text);
        });
      }
      setTimeout(() => void loop());
    };
    void loop();
  });

  return {
    ready,
    setTheme: (dark) => (term.options.theme = dark ? themes.dark : themes.light),
    clear: () => term.clear(),
    focus: () => term.focus(),
    dispose() {
      disposed = true;
      resize.disconnect();
      term.dispose();
    },
  };
}

/** Puts an in-memory Storage on window where reading localStorage throws, for libraries that read it unguarded. */
function shadowLocalStorage(): void {
  try {
    void window.localStorage;
    return; // readable: only writing failed (quota), nothing to shadow
  } catch {
    /* denied */
  }
  const data = new Map<string, string>();
  const memory: Storage = {
    get length() {
      return data.size;
    },
    key: (i) => [...data.keys()][i] ?? null,
    getItem: (k) => data.get(k) ?? null,
    setItem: (k, v) => void data.set(k, String(v)),
    removeItem: (k) => void data.delete(k),
    clear: () => data.clear(),
  };
  Object.defineProperty(window, 'localStorage', { configurable: true, value: memory });
}
