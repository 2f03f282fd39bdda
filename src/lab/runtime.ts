// The lab runtime, loaded when the reader presses Start: lays out the files
// (Monaco), the terminal (xterm) and the task list, talks to the worker, and
// keeps progress in localStorage. Monaco and xterm are imported here
// dynamically and in parallel, so the terminal accepts input without waiting
// for the (much larger) editor.
import { html, render, nothing, type TemplateResult } from 'lit';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import type { Finding } from '../analyzer/finding.ts';
import { applyEdits } from './edits.ts';
import { highlightSnippet, loadHighlighter, snippetAt } from './snippet.ts';
import { ui, type UiText } from './i18n.ts';
import { browserStore, clearProgress, exportAll, importAll, loadProgress, saveProgress, type LabProgress } from './progress.ts';
import { visibleFiles, type FromWorker, type LabData, type Lang, type TaskState, type ToWorker } from './protocol.ts';
import type { LabEditor } from './editor.ts';
import type { LabTerminal } from './terminal.ts';
import LabWorker from './worker.ts?worker';
import './runtime.css';

interface Session {
  host: HTMLElement;
  lab: LabData;
  lang: Lang;
  t: UiText;
  progress: LabProgress;
  tasks: TaskState[];
  findings: Finding[];
  active: string;
  diffFile: string | null;
  solutionShown: boolean;
  /** The lab covers the window (toolbar button); not saved. */
  expanded: boolean;
  completions: string[];
  /** What the worker said about each answer submitted in this visit (not saved). */
  verdicts: Record<string, 'checking' | 'right' | 'wrong'>;
  message: string;
  editor: LabEditor | null;
  terminal: LabTerminal | null;
  /** Every terminal (the first is `terminal`); labs with `terminals: 2` show them in tabs. */
  terminals: LabTerminal[];
  activeTerminal: number;
  /** Which terminals run a command right now (shown on their tabs). */
  busy: boolean[];
  worker: Worker;
  saveTimer: ReturnType<typeof setTimeout> | null;
  saveFailed: boolean;
  cleanup: (() => void)[];
}

const isDark = () => {
  const theme = document.documentElement.dataset.theme;
  return theme ? theme === 'dark' : matchMedia('(prefers-color-scheme: dark)').matches;
};

export async function mountLab(host: HTMLElement, lab: LabData, lang: Lang): Promise<void> {
  const store = browserStore();
  const progress = loadProgress(store, lab.id);
  const root = document.createElement('div');
  root.className = 'opslab-runtime not-content';
  root.lang = lang === 'zh' ? 'zh-CN' : 'en';
  host.append(root);
  const s: Session = {
    host: root,
    lab,
    lang,
    t: ui[lang],
    progress,
    tasks: lab.tasks.map((task) => ({ id: task.id, done: progress.done.includes(task.id) })),
    findings: [],
    active: visibleFiles(lab)[0]!.path,
    diffFile: null,
    solutionShown: false,
    expanded: false,
    completions: [],
    verdicts: {},
    message: '',
    editor: null,
    terminal: null,
    terminals: [],
    activeTerminal: 0,
    busy: [],
    worker: new LabWorker(),
    saveTimer: null,
    saveFailed: false,
    cleanup: [],
  };
  const original = Object.fromEntries(lab.files.map((f) => [f.path, f.content]));
  const files = () => ({ ...original, ...s.progress.files });

  render(skeleton(s), root);
  const $ = <T extends HTMLElement>(sel: string) => root.querySelector<T>(sel)!;
  /** Shows one of the lab's terminals (the others keep running behind their tabs). */
  const switchTerminal = (index: number) => {
    s.activeTerminal = index;
    root.querySelectorAll<HTMLElement>('.opslab-terminal-host').forEach((el, i) => (el.hidden = i !== index));
    if (s.busy[index]) host.dataset.terminalBusy = 'true';
    else delete host.dataset.terminalBusy;
    update();
    s.terminals[index]?.focus();
  };
  const update = () => {
    render(tabs(s, openFile), $('.opslab-tabs'));
    render(side(s, actions), $('.opslab-side'));
    render(toolbar(s, actions), $('.opslab-toolbar'));
    render(s.completions.length ? html`${s.t.completions} ${s.completions.join('  ')}` : nothing, $('.opslab-completions'));
    if ((lab.terminals ?? 1) > 1) render(terminalTabs(s, switchTerminal), $('.opslab-terminal-tabs'));
    render(
      s.diffFile
        ? html`<span>${s.t.diffOf(s.diffFile)}</span><button type="button" class="opslab-button" @click=${actions.closeDiff}>${s.t.closeDiff}</button>`
        : nothing,
      $('.opslab-diff-bar'),
    );
    const diff = $('.opslab-diff');
    diff.hidden = s.diffFile === null;
    $('.opslab-editor').hidden = s.diffFile !== null;
  };

  // --- progress -----------------------------------------------------------
  const save = (): boolean => {
    if (s.saveTimer) clearTimeout(s.saveTimer);
    s.saveTimer = null;
    const failed = !saveProgress(store, lab.id, s.progress);
    if (failed !== s.saveFailed) {
      s.saveFailed = failed;
      update(); // the toolbar says when progress is not being kept
    }
    return !failed;
  };
  const scheduleSave = () => {
    if (s.saveTimer) clearTimeout(s.saveTimer);
    s.saveTimer = setTimeout(save, 300);
  };
  // Progress is saved as it changes; leaving warns only if the last change could not be saved.
  const beforeUnload = (e: BeforeUnloadEvent) => {
    if ((s.saveTimer || s.saveFailed) && !save()) {
      e.preventDefault(); // shows the browser's "leave page?" prompt
    }
  };
  addEventListener('beforeunload', beforeUnload);
  s.cleanup.push(() => removeEventListener('beforeunload', beforeUnload));
  s.cleanup.push(() => document.documentElement.classList.remove('opslab-page-covered'));

  // --- worker -------------------------------------------------------------
  let nextId = 0;
  const waiting = new Map<number, (msg: FromWorker) => void>();
  const send = (msg: ToWorker) => s.worker.postMessage(msg);
  const ask = (make: (id: number) => ToWorker) =>
    new Promise<FromWorker>((resolve) => {
      const id = ++nextId;
      waiting.set(id, resolve);
      send(make(id));
    });
  s.worker.onmessage = (e: MessageEvent<FromWorker>) => {
    const msg = e.data;
    switch (msg.type) {
      case 'result':
        s.progress.records = msg.records;
        scheduleSave();
        waiting.get(msg.id)?.(msg);
        waiting.delete(msg.id);
        return;
      case 'completion':
        waiting.get(msg.id)?.(msg);
        waiting.delete(msg.id);
        return;
      case 'tasks': {
        const wasDone = s.tasks.every((t) => t.done);
        s.tasks = msg.tasks;
        s.progress.done = msg.tasks.filter((t) => t.done).map((t) => t.id);
        if (!wasDone && s.tasks.every((t) => t.done)) s.message = s.t.allDone;
        scheduleSave();
        update();
        return;
      }
      case 'answered':
        s.verdicts[msg.taskId] = msg.correct ? 'right' : 'wrong';
        update();
        return;
      case 'findings':
        s.findings = msg.findings;
        s.editor?.setFindings(msg.findings, s.lang);
        if (s.findings.some((f) => f.file && f.line !== null)) loadHighlighter(update);
        update();
        return;
      case 'file-changed':
        s.progress.files[msg.path] = msg.content;
        s.editor?.setContent(msg.path, msg.content);
        return;
      case 'ready':
        return;
    }
  };
  send({ type: 'init', lab, lang, files: files(), history: s.progress.history, records: s.progress.records, answers: s.progress.answers });

  // --- actions ------------------------------------------------------------
  const openFile = (path: string) => {
    s.active = path;
    s.diffFile = null;
    s.editor?.closeDiff();
    s.editor?.open(path);
    update();
  };
  const leave = (selector: string) => () => $(selector).focus();
  const actions: Actions = {
    reveal: (path, line) => {
      openFile(path);
      s.editor?.reveal(line);
    },
    hint: () => {
      s.progress.hints = Math.min(s.progress.hints + 1, lab.hints.length);
      scheduleSave();
      update();
    },
    answer: (taskId, answer) => {
      s.progress.answers[taskId] = answer;
      s.verdicts[taskId] = 'checking';
      send({ type: 'answer', taskId, answer });
      scheduleSave();
      // Rendered now, so the field's bound value is the submitted one and a
      // later render cannot put it back over what the learner types next.
      update();
    },
    showSolution: async () => {
      if (!s.solutionShown && !(await confirmDialog(root, s.t.confirmSolution, s.t))) return;
      s.solutionShown = true;
      update();
    },
    compare: (path) => {
      // The solution applies to the lab's original files, not to the learner's edits.
      const solved = applyEdits(original, lab.solution.edits).files[path] ?? '';
      s.diffFile = path;
      update();
      s.editor?.showDiff(path, solved);
      $('.opslab-diff').scrollIntoView({ block: 'nearest' });
      $('.opslab-diff').focus({ preventScroll: true });
    },
    closeDiff: () => {
      s.diffFile = null;
      s.editor?.closeDiff();
      update();
    },
    reset: async () => {
      if (!(await confirmDialog(root, s.t.confirmReset, s.t))) return;
      teardown(s);
      clearProgress(store, lab.id);
      root.remove();
      await mountLab(host, lab, lang);
    },
    toggleExpanded: () => {
      s.expanded = !s.expanded;
      root.classList.toggle('opslab-expanded', s.expanded);
      // As a popover the lab is in the top layer, above Starlight's header and
      // sidebars whatever their stacking; without the Popover API the CSS alone covers the page.
      if (typeof root.showPopover === 'function') {
        if (s.expanded) {
          root.popover = 'manual';
          root.showPopover();
        } else {
          root.hidePopover();
          root.removeAttribute('popover');
        }
      }
      // The page under the lab does not scroll while the lab covers it.
      document.documentElement.classList.toggle('opslab-page-covered', s.expanded);
      update();
      root.scrollTop = 0;
    },
    exportProgress: () => {
      save();
      const blob = new Blob([JSON.stringify(exportAll(store), null, 2)], { type: 'application/json' });
      const a = document.createElement('a');
      a.href = URL.createObjectURL(blob);
      a.download = `opslab-progress-${new Date().toISOString().slice(0, 10)}.json`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(a.href), 1000);
    },
    importProgress: async (file) => {
      const r = importAll(store, await file.text());
      s.message = r.ok ? s.t.imported(r.labs.length) : s.t.importFailed(r.error);
      if (r.ok && r.labs.includes(lab.id)) {
        teardown(s);
        root.remove();
        await mountLab(host, lab, lang);
        return;
      }
      update();
    },
  };
  update();
  // In full view, Esc outside the editor, the terminal and a dialog goes back to the page
  // (in those, Esc first leaves them; the next Esc then lands here).
  root.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && s.expanded && !(e.target as Element).closest('.opslab-editor-host, .opslab-diff-host, .opslab-terminal-host, dialog')) actions.toggleExpanded();
  });

  // --- theme --------------------------------------------------------------
  const themeWatch = new MutationObserver(() => {
    s.editor?.setTheme(isDark());
    for (const t of s.terminals) t.setTheme(isDark());
  });
  themeWatch.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
  s.cleanup.push(() => themeWatch.disconnect());

  // --- terminal and editor, loaded in parallel ----------------------------
  // The data-terminal-busy attribute follows the terminal shown: keys typed there are read or not.
  const showBusy = () => {
    if (s.busy[s.activeTerminal]) host.dataset.terminalBusy = 'true';
    else delete host.dataset.terminalBusy;
  };
  const terminalCount = lab.terminals ?? 1;
  const terminalLoaded = import('./terminal.ts').then(async ({ createTerminal }) => {
    for (let terminal = 0; terminal < terminalCount; terminal++) {
      const created = createTerminal(
        root.querySelectorAll<HTMLElement>('.opslab-terminal-host')[terminal]!,
        {
          run: async (line) => {
            const r = (await ask((id) => ({ type: 'run', id, line, terminal }))) as Extract<FromWorker, { type: 'result' }>;
            return r;
          },
          complete: async (line) => {
            const r = (await ask((id) => ({ type: 'complete', id, line, cursor: line.length, terminal }))) as Extract<FromWorker, { type: 'completion' }>;
            return r.completion;
          },
          interrupt: () => send({ type: 'interrupt', terminal }),
        },
        {
          dark: isDark(),
          history: s.progress.history,
          welcome: s.t.welcome,
          onHistory: (line) => {
            s.progress.history = [...s.progress.history, line].slice(-200);
            scheduleSave();
          },
          onEscape: leave('.opslab-terminal'),
          // Keys typed while a command runs are not read; tests and tools wait for this.
          onBusy: (busy) => {
            s.busy[terminal] = busy;
            const el = root.querySelectorAll<HTMLElement>('.opslab-terminal-host')[terminal]!;
            el.dataset.busy = String(busy);
            // Counts prompts shown, so a test can wait for the prompt after its command.
            if (!busy) el.dataset.prompts = String(Number(el.dataset.prompts ?? 0) + 1);
            showBusy();
            if (terminalCount > 1) update();
          },
          onCompletions: (c) => {
            s.completions = c;
            update();
          },
        },
      );
      s.terminals.push(created);
    }
    s.terminal = s.terminals[0]!;
    await Promise.all(s.terminals.map((t) => t.ready));
    host.dataset.terminalReady = 'true';
    host.dispatchEvent(new CustomEvent('opslab-terminal-ready', { bubbles: true }));
  });
  // The editor is much larger; it loads once the terminal is usable, so it never delays it.
  const editorLoaded = terminalLoaded.then(() => import('./editor.ts')).then(({ createEditor }) => {
    s.editor = createEditor(
      $('.opslab-editor-host'),
      $('.opslab-diff-host'),
      visibleFiles(lab).map((f) => ({ path: f.path, kind: f.kind, editable: f.editable, content: files()[f.path]! })),
      {
        dark: isDark(),
        onChange: (path, content) => {
          if (content === original[path]) delete s.progress.files[path];
          else s.progress.files[path] = content;
          send({ type: 'file', path, content });
          scheduleSave();
        },
        onEscape: leave('.opslab-editor'),
      },
    );
    s.editor.open(s.active);
    host.dataset.editorReady = 'true';
  });
  s.cleanup.push(() => {
    s.editor?.dispose();
    for (const t of s.terminals) t.dispose();
  });
  await terminalLoaded;
  void editorLoaded;
}

function teardown(s: Session): void {
  if (s.saveTimer) clearTimeout(s.saveTimer);
  s.worker.terminate();
  for (const c of s.cleanup) c();
  delete s.host.parentElement?.dataset.terminalReady;
  delete s.host.parentElement?.dataset.editorReady;
}

interface Actions {
  reveal(path: string, line: number): void;
  hint(): void;
  answer(taskId: string, answer: string): void;
  showSolution(): Promise<void>;
  compare(path: string): void;
  closeDiff(): void;
  reset(): Promise<void>;
  toggleExpanded(): void;
  exportProgress(): void;
  importProgress(file: File): Promise<void>;
}

/** Lab texts may mark code with backticks (`outbound|80|v1|…`); shown as <code>. */
function withCode(text: string): TemplateResult {
  return html`${text.split(/`([^`]+)`/).map((part, i) => (i % 2 === 1 ? html`<code>${part}</code>` : part))}`;
}

function confirmDialog(root: HTMLElement, text: string, t: UiText): Promise<boolean> {
  const dialog = root.querySelector<HTMLDialogElement>('.opslab-dialog')!;
  return new Promise((resolve) => {
    render(
      html`<form method="dialog">
        <p>${text}</p>
        <div class="opslab-dialog-buttons">
          <button value="cancel" class="opslab-button">${t.cancel}</button>
          <button value="ok" class="opslab-button opslab-primary">${t.confirm}</button>
        </div>
      </form>`,
      dialog,
    );
    dialog.returnValue = '';
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true });
    dialog.showModal();
  });
}

function skeleton(s: Session): TemplateResult {
  return html`
    <div class="opslab-toolbar"></div>
    <p class="opslab-keyboard">${s.t.keyboard}</p>
    <div class="opslab-work">
      <section class="opslab-editor-pane" aria-label=${s.t.files}>
        <div class="opslab-tabs" role="group" aria-label=${s.t.files}></div>
        <div class="opslab-editor" tabindex="-1"><div class="opslab-editor-host"></div></div>
        <div class="opslab-diff" tabindex="-1" hidden>
          <div class="opslab-diff-bar"></div>
          <div class="opslab-diff-host"></div>
        </div>
      </section>
      <section class="opslab-terminal-pane" aria-label=${s.t.terminal}>
        ${(s.lab.terminals ?? 1) > 1 ? html`<div class="opslab-terminal-tabs" role="group" aria-label=${s.t.terminal}></div>` : nothing}
        <div class="opslab-terminal" tabindex="-1">
          ${Array.from({ length: s.lab.terminals ?? 1 }, (_, i) => html`<div class="opslab-terminal-host" data-terminal=${i} ?hidden=${i > 0}></div>`)}
        </div>
        <p class="opslab-completions" aria-live="polite"></p>
      </section>
      <aside class="opslab-side"></aside>
    </div>
    <dialog class="opslab-dialog"></dialog>
  `;
}

function toolbar(s: Session, a: Actions): TemplateResult {
  const done = s.tasks.filter((t) => t.done).length;
  return html`
    ${s.expanded ? html`<strong class="opslab-expanded-title">${s.lab.title[s.lang]}</strong>` : nothing}
    <span class="opslab-progress" aria-live="polite">${s.t.tasksDone(done, s.tasks.length)}</span>
    ${s.saveFailed ? html`<span class="opslab-unsaved" role="status">${s.t.unsaved}</span>` : nothing}
    <span class="opslab-spacer"></span>
    <button type="button" class="opslab-button opslab-expand" aria-pressed=${s.expanded ? 'true' : 'false'} @click=${a.toggleExpanded}>
      ${s.expanded ? s.t.collapse : s.t.expand}
    </button>
    <button type="button" class="opslab-button" @click=${a.exportProgress}>${s.t.export}</button>
    <label class="opslab-button opslab-file-button">
      ${s.t.import}
      <input type="file" accept="application/json,.json" @change=${(e: Event) => {
        const input = e.target as HTMLInputElement;
        const file = input.files?.[0];
        input.value = '';
        if (file) void a.importProgress(file);
      }} />
    </label>
    <button type="button" class="opslab-button" @click=${() => void a.reset()}>${s.t.reset}</button>
  `;
}

/** Tabs over the terminals; a tab whose terminal is running a command (e.g. a `continue` that waits) says so. */
function terminalTabs(s: Session, show: (index: number) => void): TemplateResult {
  return html`${Array.from({ length: s.lab.terminals ?? 1 }, 
    (_, i) => html`<button type="button" class="opslab-tab" data-terminal=${i} aria-pressed=${s.activeTerminal === i ? 'true' : 'false'} @click=${() => show(i)}>
      ${s.t.terminalTab(i + 1)}${s.busy[i] ? html` <span class="opslab-badge">${s.t.terminalRunning}</span>` : nothing}
    </button>`,
  )}`;
}

function tabs(s: Session, open: (path: string) => void): TemplateResult {
  return html`${visibleFiles(s.lab).map(
    (f) => html`<button
      type="button"
      class="opslab-tab"
      aria-pressed=${s.active === f.path ? 'true' : 'false'}
      title=${f.editable ? s.t.editable : s.t.readOnly}
      @click=${() => open(f.path)}
    >
      ${f.path}${f.editable ? html` <span class="opslab-badge">${s.t.editable}</span>` : nothing}${s.lab.files.length > 0 && s.progress.files[f.path] !== undefined ? html` <span aria-hidden="true">●</span>` : nothing}
    </button>`,
  )}`;
}

function side(s: Session, a: Actions): TemplateResult {
  const t = s.t;
  const allDone = s.tasks.length > 0 && s.tasks.every((x) => x.done);
  const shownHints = s.lab.hints.slice(0, s.progress.hints);
  const editedBySolution = [...new Set(s.lab.solution.edits.map((e) => e.file))];
  return html`
    <h3>${t.tasks}</h3>
    <ol class="opslab-tasks">
      ${s.lab.tasks.map((task) => {
        const state = s.tasks.find((x) => x.id === task.id);
        const done = state?.done ?? false;
        return html`<li class="opslab-task" data-task=${task.id} data-done=${done ? 'true' : 'false'}>
          <span class="opslab-tick" aria-hidden="true">${done ? '✓' : '○'}</span>
          <span>${withCode(task.title[s.lang])} <span class="sr-only">(${done ? t.done : t.notDone})</span></span>
          ${state?.unavailable ? html`<small class="opslab-unavailable">${t.unavailable}</small>` : nothing}
          ${task.check.kind === 'answer' ? answerForm(s, task.id, task.check, a) : nothing}
        </li>`;
      })}
    </ol>
    ${s.message ? html`<p class="opslab-message" role="status">${s.message}</p>` : nothing}
    ${findingsList(s, a)}
    ${allDone ? html`<h3>${t.explanation}</h3><p class="opslab-explanation">${withCode(s.lab.explanation[s.lang])}</p>` : nothing}
    ${s.lab.hints.length > 0
      ? html`<h3>${t.hints}</h3>
          <ol class="opslab-hints">
            ${shownHints.map((h, i) => html`<li><strong>${t.hintOf(i + 1, s.lab.hints.length)}:</strong> ${withCode(h[s.lang])}</li>`)}
          </ol>
          ${s.progress.hints < s.lab.hints.length
            ? html`<button type="button" class="opslab-button" @click=${a.hint}>${t.showHint}</button>`
            : html`<p class="opslab-note">${t.noMoreHints}</p>`}`
      : nothing}
    <h3>${t.solution}</h3>
    ${s.solutionShown
      ? html`${editedBySolution.map((f) => html`<button type="button" class="opslab-button" @click=${() => a.compare(f)}>${t.diffOf(f)}</button>`)}
          ${s.lab.solution.commands.length > 0
            ? html`<p>${t.solutionCommands}</p>
                <pre class="opslab-commands">${s.lab.solution.commands.join('\n')}</pre>`
            : nothing}`
      : html`<button type="button" class="opslab-button" @click=${() => void a.showSolution()}>${t.showSolution}</button>`}
    ${s.diffFile
      ? html`<p><button type="button" class="opslab-button opslab-primary" @click=${a.closeDiff}>${t.closeDiff}</button></p>`
      : nothing}
  `;
}

function findingsList(s: Session, a: Actions): TemplateResult | typeof nothing {
  const shown = s.findings.filter((f) => !f.suppressed);
  if (shown.length === 0) return nothing;
  return html`<h3>${s.t.findings}</h3>
    <ul class="opslab-findings">
      ${shown.map(
        (f) => html`<li data-severity=${f.severity} data-code=${f.code}>
          <strong>${f.code}</strong> ${withCode(f.message[s.lang])}
          ${f.file && f.line !== null
            ? html`<button type="button" class="opslab-link" @click=${() => a.reveal(f.file!, f.line!)}>${f.file}:${f.line}</button>
                ${snippetOf(s, f.file, f.line)}`
            : nothing}
          ${f.fix ? html`<p class="opslab-fix"><strong>${s.t.fix}</strong> ${withCode(f.fix[s.lang])}</p>` : nothing}
        </li>`,
      )}
    </ul>`;
}

/** The lines the finding points at, highlighted once shiki has loaded (plain text until then). */
function snippetOf(s: Session, path: string, line: number): TemplateResult | typeof nothing {
  const file = s.lab.files.find((f) => f.path === path);
  const text = s.progress.files[path] ?? file?.content;
  const snippet = file && text !== undefined ? snippetAt(text, line, file.kind) : null;
  if (!snippet) return nothing;
  const highlighted = highlightSnippet(snippet);
  return html`<div class="opslab-snippet" style=${`--first-line:${snippet.first}`}>
    ${highlighted ? unsafeHTML(highlighted) : html`<pre><code>${snippet.lines.map((l) => html`<span class="line">${l}</span>\n`)}</code></pre>`}
  </div>`;
}

function answerForm(s: Session, taskId: string, check: Extract<LabData['tasks'][number]['check'], { kind: 'answer' }>, a: Actions): TemplateResult {
  const given = s.progress.answers[taskId] ?? '';
  const verdict = s.verdicts[taskId];
  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const value = new FormData(form).get('answer');
    if (typeof value === 'string' && value.trim() !== '') a.answer(taskId, value);
  };
  return html`<form class="opslab-answer" @submit=${submit}>
    <p>${withCode(check.question[s.lang])}</p>
    ${check.choices
      ? check.choices.map(
          (c) => html`<label><input type="radio" name="answer" value=${c.id} ?checked=${given === c.id} /> ${withCode(c[s.lang])}</label>`,
        )
      : html`<label>${s.t.yourAnswer} <input type="text" name="answer" .value=${given} /></label>`}
    <button type="submit" class="opslab-button">${s.t.answer}</button>
    ${verdict && verdict !== 'checking'
      ? html`<span class="opslab-verdict" data-verdict=${verdict} role="status">${verdict === 'right' ? s.t.answerRight : s.t.answerWrong}</span>`
      : nothing}
  </form>`;
}
