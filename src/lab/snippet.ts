// The lines around a finding, highlighted for the findings panel. Shiki runs
// with its JavaScript regex engine (no WASM) and only the grammars labs use;
// it is fetched the first time a finding has a snippet to show, so a lab with
// no findings never loads it.
import type { HighlighterCore } from 'shiki/core';
import type { FileKind } from './definition.ts';

const grammarOf: Partial<Record<FileKind, 'yaml' | 'json' | 'log'>> = { yaml: 'yaml', json: 'json', log: 'log' };

/** Lines shown before and after the one the finding points at. */
const CONTEXT = 2;

export interface Snippet {
  /** Line number of the first line shown (1-based). */
  first: number;
  /** The line the finding points at (1-based). */
  mark: number;
  lines: string[];
  grammar: 'yaml' | 'json' | 'log' | 'text';
}

/** The lines around `line` in `text`, or null when the line is outside it. */
export function snippetAt(text: string, line: number, kind: FileKind): Snippet | null {
  const all = text.split('\n');
  if (!Number.isInteger(line) || line < 1 || line > all.length) return null;
  const first = Math.max(1, line - CONTEXT);
  const last = Math.min(all.length, line + CONTEXT);
  return { first, mark: line, lines: all.slice(first - 1, last), grammar: grammarOf[kind] ?? 'text' };
}

let highlighter: HighlighterCore | null = null;
let loading: Promise<void> | null = null;

/** Starts loading shiki once; `onReady` runs when snippets can be highlighted. */
export function loadHighlighter(onReady: () => void): void {
  loading ??= (async () => {
    const [{ createHighlighterCore }, { createJavaScriptRegexEngine }] = await Promise.all([
      import('shiki/core'),
      import('shiki/engine/javascript'),
    ]);
    highlighter = await createHighlighterCore({
      engine: createJavaScriptRegexEngine(),
      langs: [import('shiki/langs/yaml.mjs'), import('shiki/langs/json.mjs'), import('shiki/langs/log.mjs')],
      themes: [import('shiki/themes/github-light.mjs'), import('shiki/themes/github-dark.mjs')],
    });
  })();
  loading.then(onReady, () => undefined);
}

/**
 * The snippet as HTML (shiki escapes the text), with the finding's line marked,
 * or null until the highlighter has loaded.
 */
export function highlightSnippet(s: Snippet): string | null {
  if (!highlighter) return null;
  return highlighter.codeToHtml(s.lines.join('\n'), {
    lang: s.grammar,
    themes: { light: 'github-light', dark: 'github-dark' },
    transformers: [
      {
        pre(node) {
          node.properties['style'] = `${String(node.properties['style'] ?? '')};--first-line:${s.first}`;
        },
        line(node, n) {
          if (s.first + n - 1 === s.mark) this.addClassToHast(node, 'opslab-mark');
        },
      },
    ],
  });
}
