// Chapters link to each other as /<slug>/ ; this prefixes Astro's base path so
// the same Markdown works when the site is hosted under /docs/ or any prefix.
import { visit } from 'unist-util-visit';

export function remarkBaseLinks({ base = '/' } = {}) {
  const prefix = base.endsWith('/') ? base : base + '/';
  return (tree) => {
    if (prefix === '/') return;
    visit(tree, ['link', 'definition'], (node) => {
      if (typeof node.url === 'string' && node.url.startsWith('/') && !node.url.startsWith('//') && !node.url.startsWith(prefix)) {
        node.url = prefix + node.url.slice(1);
      }
    });
  };
}
