import { describe, it, expect } from 'vitest';
import { highlightSnippet, loadHighlighter, snippetAt } from '../../src/lab/snippet.ts';

const yaml = ['apiVersion: networking.istio.io/v1', 'kind: DestinationRule', 'metadata:', '  name: ratings', 'spec:', '  host: ratings', '  subsets:', '  - name: v1'].join('\n');

describe('finding snippets', () => {
  it('takes two lines either side of the finding, clamped to the file', () => {
    expect(snippetAt(yaml, 4, 'yaml')).toEqual({ first: 2, mark: 4, lines: ['kind: DestinationRule', 'metadata:', '  name: ratings', 'spec:', '  host: ratings'], grammar: 'yaml' });
    expect(snippetAt(yaml, 1, 'yaml')?.lines).toEqual(['apiVersion: networking.istio.io/v1', 'kind: DestinationRule', 'metadata:']);
    expect(snippetAt(yaml, 8, 'yaml')?.lines).toEqual(['  host: ratings', '  subsets:', '  - name: v1']);
  });

  it('has no snippet for a line outside the file', () => {
    expect(snippetAt(yaml, 9, 'yaml')).toBeNull();
    expect(snippetAt(yaml, 0, 'yaml')).toBeNull();
  });

  it('uses no grammar for kinds shiki is not loaded for', () => {
    expect(snippetAt('a\nb', 1, 'stats')?.grammar).toBe('text');
    expect(snippetAt('{"a":1}', 1, 'json')?.grammar).toBe('json');
  });

  it('highlights with shiki once loaded, marking the finding line, and escapes the text', async () => {
    const s = snippetAt(`${yaml}\n  # <script>alert(1)</script>`, 8, 'yaml')!;
    await new Promise<void>((resolve) => loadHighlighter(resolve));
    const out = highlightSnippet(s)!;
    expect(out).toContain('class="shiki');
    // One marked line, and it is the subset's.
    const marked = out.match(/<span class="line opslab-mark">(.*?)<\/span><\/span>\n?/s)?.[1] ?? '';
    expect(out.match(/opslab-mark/g)).toHaveLength(1);
    expect(marked.replace(/<[^>]+>/g, '')).toContain('- name: v1');
    // YAML keys and values get different colours.
    expect(new Set(out.match(/color:#[0-9A-Fa-f]{6}/g)).size).toBeGreaterThan(2);
    expect(out).not.toContain('<script>');
    expect(out).toContain('--first-line:6');
  });
});
