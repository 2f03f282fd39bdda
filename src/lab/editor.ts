// Monaco for the lab's files: only the languages we use (YAML, JSON, Go, a Monarch
// tokenizer for Envoy access logs), workers bundled by Vite (never a CDN), the
// analyzer's findings as markers, and a diff view for the solution.
import 'monaco-editor/esm/vs/editor/edcore.main.js';
import * as monaco from 'monaco-editor/esm/vs/editor/editor.api.js';
import 'monaco-editor/esm/vs/basic-languages/yaml/yaml.contribution.js';
import 'monaco-editor/esm/vs/basic-languages/go/go.contribution.js';
import 'monaco-editor/esm/vs/language/json/monaco.contribution.js';
import EditorWorker from 'monaco-editor/esm/vs/editor/editor.worker.js?worker';
import JsonWorker from 'monaco-editor/esm/vs/language/json/json.worker.js?worker';
import type { Finding } from '../analyzer/finding.ts';
import type { FileKind } from './definition.ts';
import type { Lang } from './protocol.ts';

(self as unknown as { MonacoEnvironment: monaco.Environment }).MonacoEnvironment = {
  getWorker: (_id: string, label: string) => (label === 'json' ? new JsonWorker() : new EditorWorker()),
};

// Envoy access logs (Istio's TEXT format and similar): the timestamp, the
// request line, response flags, status codes, addresses and cluster names.
monaco.languages.register({ id: 'accesslog' });
monaco.languages.setMonarchTokensProvider('accesslog', {
  tokenizer: {
    root: [
      [/^\[[^\]]*\]/, 'comment'],
      [/"[A-Z]+ [^"]*"/, 'string'],
      [/"[^"]*"/, 'string'],
      [/\b(?:UH|UF|UO|NR|URX|NC|DC|LH|UT|LR|UR|UC|DI|FI|RL|UAEX|RLSE|IH|SI|DPE|UPE|UMSDR|OM|DF|DO)(?:,(?:[A-Z]+))*\b/, 'keyword'],
      [/\b[a-z_]+(?:\{[^}]*\})?(?=\s)/, 'type'], // response code details, e.g. no_healthy_upstream
      [/\b(?:inbound|outbound)\|\d*\|[^|\s]*\|\S*/, 'variable'],
      [/\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b/, 'number.hex'],
      [/\b[1-5]\d\d\b/, 'number'],
      [/\b\d+\b/, 'number'],
    ],
  },
});

const languageOf: Record<FileKind, string> = {
  yaml: 'yaml',
  json: 'json',
  log: 'accesslog',
  trace: 'json',
  text: 'plaintext',
  stats: 'plaintext',
  profile: 'plaintext',
  go: 'go',
};

export interface EditorFile {
  path: string;
  kind: FileKind;
  editable: boolean;
  content: string;
}

export interface LabEditor {
  open(path: string): void;
  current(): string;
  /** Scrolls to a line of the open file and puts the cursor there. */
  reveal(line: number): void;
  content(path: string): string;
  setContent(path: string, content: string): void;
  setTheme(dark: boolean): void;
  setFindings(findings: Finding[], lang: Lang): void;
  showDiff(path: string, solution: string): void;
  closeDiff(): void;
  dispose(): void;
}

export function createEditor(
  host: HTMLElement,
  diffHost: HTMLElement,
  files: EditorFile[],
  opts: { dark: boolean; onChange: (path: string, content: string) => void; onEscape: () => void },
): LabEditor {
  const models = new Map<string, monaco.editor.ITextModel>();
  for (const f of files) {
    // A profile is binary (gzip'd protobuf): the editor says how to read it instead of showing the bytes.
    const text = f.kind === 'profile' ? `${f.path}: binary pprof profile, ${f.content.length} bytes.\nRead it in the terminal: pprof -top ${f.path}\n` : f.content;
    const model = monaco.editor.createModel(text, languageOf[f.kind], monaco.Uri.parse(`file:///${f.path}`));
    model.onDidChangeContent(() => opts.onChange(f.path, model.getValue()));
    models.set(f.path, model);
  }
  const common: monaco.editor.IEditorOptions & monaco.editor.IGlobalEditorOptions = {
    automaticLayout: true,
    minimap: { enabled: false },
    scrollBeyondLastLine: false,
    fontSize: 13,
    renderWhitespace: 'boundary',
    ariaLabel: 'Lab file editor',
  };
  monaco.editor.setTheme(opts.dark ? 'vs-dark' : 'vs');
  const editor = monaco.editor.create(host, { ...common, model: models.get(files[0]!.path)!, readOnly: !files[0]!.editable });
  // Esc (when no widget of the editor is open) leaves the editor, so Tab never traps the keyboard.
  editor.addCommand(monaco.KeyCode.Escape, opts.onEscape, '!suggestWidgetVisible && !findWidgetVisible && !parameterHintsVisible && !renameInputVisible && !markersNavigationVisible');
  let current = files[0]!.path;
  let diff: monaco.editor.IStandaloneDiffEditor | null = null;
  let diffModel: monaco.editor.ITextModel | null = null;

  return {
    open(path) {
      const model = models.get(path);
      if (!model) return;
      current = path;
      editor.setModel(model);
      editor.updateOptions({ readOnly: !files.find((f) => f.path === path)!.editable });
    },
    current: () => current,
    reveal(line) {
      editor.revealLineInCenter(line);
      editor.setPosition({ lineNumber: line, column: 1 });
      editor.focus();
    },
    content: (path) => models.get(path)?.getValue() ?? '',
    setContent(path, content) {
      const model = models.get(path);
      if (model && model.getValue() !== content) model.setValue(content);
    },
    setTheme: (dark) => monaco.editor.setTheme(dark ? 'vs-dark' : 'vs'),
    setFindings(findings, lang) {
      for (const [path, model] of models) {
        const markers = findings
          .filter((f) => f.file === path && f.line !== null)
          .map((f) => ({
            severity: f.severity === 'error' ? monaco.MarkerSeverity.Error : f.severity === 'warning' ? monaco.MarkerSeverity.Warning : monaco.MarkerSeverity.Info,
            message: `${f.code}: ${f.message[lang]}${f.fix ? `\n${f.fix[lang]}` : ''}`,
            startLineNumber: f.line!,
            startColumn: f.column ?? 1,
            endLineNumber: f.line!,
            endColumn: model.getLineMaxColumn(Math.min(f.line!, model.getLineCount())),
          }));
        monaco.editor.setModelMarkers(model, 'opslab', markers);
      }
    },
    showDiff(path, solution) {
      const original = models.get(path);
      if (!original) return;
      diffModel?.dispose();
      diffModel = monaco.editor.createModel(solution, original.getLanguageId());
      diff ??= monaco.editor.createDiffEditor(diffHost, { ...common, readOnly: true, originalEditable: false, renderSideBySide: true, useInlineViewWhenSpaceIsLimited: true });
      diff.setModel({ original, modified: diffModel });
      // Scroll to the first change, so the learner sees what differs at once.
      const shown = diff;
      const once = shown.onDidUpdateDiff(() => {
        once.dispose();
        shown.revealFirstDiff();
      });
    },
    closeDiff() {
      diff?.setModel(null);
      diffModel?.dispose();
      diffModel = null;
    },
    dispose() {
      diff?.dispose();
      diffModel?.dispose();
      editor.dispose();
      for (const m of models.values()) m.dispose();
    },
  };
}
