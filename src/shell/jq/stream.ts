// jq reads a stream of JSON values (one document, or many such as NDJSON).
import type { Json } from './evaluate.ts';

export function parseJsonStream(text: string): { values: Json[]; error?: string } {
  const values: Json[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    while (i < n && /\s/.test(text[i]!)) i++;
    if (i >= n) break;
    const start = i;
    const c = text[i]!;
    if (c === '{' || c === '[') {
      let depth = 0;
      let inString = false;
      for (; i < n; i++) {
        const ch = text[i]!;
        if (inString) {
          if (ch === '\\') i++;
          else if (ch === '"') inString = false;
        } else if (ch === '"') inString = true;
        else if (ch === '{' || ch === '[') depth++;
        else if (ch === '}' || ch === ']') {
          depth--;
          if (depth === 0) {
            i++;
            break;
          }
        }
      }
    } else if (c === '"') {
      for (i++; i < n && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      i++;
    } else {
      while (i < n && !/[\s{}[\]"]/.test(text[i]!)) i++;
    }
    const chunk = text.slice(start, i);
    try {
      values.push(JSON.parse(chunk) as Json);
    } catch {
      const line = text.slice(0, start).split('\n').length;
      return { values, error: `Cannot parse the input as JSON at line ${line}: ${chunk.slice(0, 40)}${chunk.length > 40 ? '…' : ''}` };
    }
  }
  return { values };
}
