// Reads Kubernetes/Istio manifests (multi-document YAML, `kind: List`, JSON)
// into plain objects that remember where every field came from, so a finding
// can point the editor at the exact line and column. Never throws: a document
// that does not parse becomes a problem with its position, the rest is kept.
import { LineCounter, parseAllDocuments, isMap, isSeq, isPair, isScalar, isNode, type Node } from 'yaml';

export interface Position {
  line: number;
  column: number;
}

/** A path into a resource: keys and list indexes, e.g. ['spec', 'http', 0, 'route']. */
export type FieldPath = (string | number)[];

export type Obj = Record<string, unknown>;

export interface ReadProblem {
  file: string;
  line: number;
  column: number;
  message: string;
}

/** One object as it appeared in a file (a List's items are separate objects). */
export interface SourceObject {
  data: Obj;
  file: string;
  /** Index of the YAML document in the file (0-based). */
  document: number;
  /** Line and column of the field at `path` (or of the nearest enclosing field that exists). */
  locate(path: FieldPath): Position;
}

export interface ReadResult {
  objects: SourceObject[];
  problems: ReadProblem[];
}

function keyOf(node: unknown): unknown {
  return isScalar(node) ? node.value : node;
}

/** Finds the node for `path` below `root`: returns the key (for map entries) or item node closest to it. */
function nodeAt(root: Node, path: FieldPath): Node {
  let current: Node = root;
  let best: Node = root;
  for (const seg of path) {
    if (isMap(current)) {
      const pair = current.items.find((p) => isPair(p) && String(keyOf(p.key)) === String(seg));
      if (!pair) return best;
      if (isNode(pair.key)) best = pair.key;
      if (!isNode(pair.value)) return best;
      current = pair.value;
    } else if (isSeq(current) && typeof seg === 'number') {
      const item = current.items[seg];
      if (!isNode(item)) return best;
      current = item;
      best = item;
    } else return best;
  }
  return best;
}

function makeLocator(root: Node | null, lc: LineCounter, fallback: number): (path: FieldPath) => Position {
  return (path) => {
    const node = root ? nodeAt(root, path) : null;
    const offset = node?.range?.[0] ?? fallback;
    const p = lc.linePos(offset);
    return { line: p.line, column: p.col };
  };
}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Reads every object from one file's text. */
export function readManifests(file: string, text: string): ReadResult {
  const lc = new LineCounter();
  const objects: SourceObject[] = [];
  const problems: ReadProblem[] = [];
  const docs = parseAllDocuments(text, { lineCounter: lc, uniqueKeys: false, strict: false });
  const list = Array.isArray(docs) ? docs : [];
  list.forEach((doc, index) => {
    if (doc.errors.length > 0) {
      for (const err of doc.errors) {
        const p = lc.linePos(err.pos[0]);
        problems.push({ file, line: p.line, column: p.col, message: err.message.split('\n')[0] ?? err.message });
      }
      return;
    }
    const root = doc.contents;
    if (!root) return; // empty document (e.g. a trailing `---`)
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 1000 });
    } catch (err) {
      const p = lc.linePos(root.range?.[0] ?? 0);
      problems.push({ file, line: p.line, column: p.col, message: (err as Error).message });
      return;
    }
    const start = root.range?.[0] ?? 0;
    if (!isObj(value)) {
      const p = lc.linePos(start);
      problems.push({ file, line: p.line, column: p.col, message: 'document is not a mapping (expected an object with apiVersion and kind)' });
      return;
    }
    if (value.kind === 'List' && Array.isArray(value.items)) {
      value.items.forEach((item, i) => {
        const itemRoot = nodeAt(root, ['items', i]);
        if (!isObj(item)) {
          const p = lc.linePos(itemRoot.range?.[0] ?? start);
          problems.push({ file, line: p.line, column: p.col, message: `List item ${i} is not an object` });
          return;
        }
        objects.push({ data: item, file, document: index, locate: makeLocator(itemRoot, lc, start) });
      });
      return;
    }
    objects.push({ data: value, file, document: index, locate: makeLocator(root, lc, start) });
  });
  return { objects, problems };
}

/** Reads an embedded YAML/JSON string (a ConfigMap's `mesh` key, an annotation) without positions. */
export function readEmbedded(text: string): Obj | null {
  try {
    const docs = parseAllDocuments(text, { strict: false });
    const first = Array.isArray(docs) ? docs[0] : undefined;
    if (!first || first.errors.length > 0) return null;
    const v: unknown = first.toJS();
    return isObj(v) ? v : null;
  } catch {
    return null;
  }
}
