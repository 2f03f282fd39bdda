// Reads Kubernetes/Istio manifests (multi-document YAML, `kind: List`, JSON)
// into plain objects that remember where every field came from, so a finding
// can point the editor at the exact line and column. Never throws: a document
// that does not parse becomes a problem with its position, the rest is kept.
import { LineCounter, parseAllDocuments, isMap, isSeq, isPair, isScalar, isNode, type Node } from 'yaml';
import { readFast } from './fast-read.ts';

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

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** One parsed document, whichever reader produced it. */
export interface ParsedDocument {
  value: unknown;
  /** Offset of the document's content in the file. */
  start: number;
  /** Offset of the field at `path`, or of the nearest enclosing field that exists. */
  offsetOf(path: FieldPath): number;
}

/** Adds one parsed document's objects (a `kind: List` gives one per item) or its problem. */
function collectDocument(file: string, index: number, doc: ParsedDocument, linePos: (offset: number) => Position, result: ReadResult): void {
  const { value, start } = doc;
  const locator = (prefix: FieldPath) => (path: FieldPath) => linePos(doc.offsetOf(prefix.length ? [...prefix, ...path] : path));
  if (!isObj(value)) {
    result.problems.push({ file, ...linePos(start), message: 'document is not a mapping (expected an object with apiVersion and kind)' });
    return;
  }
  if (value.kind === 'List' && Array.isArray(value.items)) {
    value.items.forEach((item, i) => {
      if (!isObj(item)) {
        result.problems.push({ file, ...linePos(doc.offsetOf(['items', i])), message: `List item ${i} is not an object` });
        return;
      }
      result.objects.push({ data: item, file, document: index, locate: locator(['items', i]) });
    });
    return;
  }
  result.objects.push({ data: value, file, document: index, locate: locator([]) });
}

/** Reads with the `yaml` package: the reference reader, and the one that reports YAML errors. */
export function readWithYaml(file: string, text: string): ReadResult {
  const lc = new LineCounter();
  const linePos = (offset: number): Position => {
    const p = lc.linePos(offset);
    return { line: p.line, column: p.col };
  };
  const result: ReadResult = { objects: [], problems: [] };
  const docs = parseAllDocuments(text, { lineCounter: lc, uniqueKeys: false, strict: false });
  (Array.isArray(docs) ? docs : []).forEach((doc, index) => {
    if (doc.errors.length > 0) {
      for (const err of doc.errors) {
        result.problems.push({ file, ...linePos(err.pos[0]), message: err.message.split('\n')[0] ?? err.message });
      }
      return;
    }
    const root = doc.contents;
    // An empty document (a trailing `---`, or one with only comments): `yaml` gives it an empty scalar.
    if (!root || (isScalar(root) && root.source === '' && !root.tag && !root.anchor)) return;
    const start = root.range?.[0] ?? 0;
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 1000 });
    } catch (err) {
      result.problems.push({ file, ...linePos(start), message: (err as Error).message });
      return;
    }
    collectDocument(file, index, { value, start, offsetOf: (path) => nodeAt(root, path).range?.[0] ?? start }, linePos, result);
  });
  return result;
}

/**
 * Reads every object from one file's text. The fast reader (fast-read.ts) goes
 * first; a file it cannot map exactly (a YAML error, anchors, tags…) is read with `yaml`.
 */
export function readManifests(file: string, text: string): ReadResult {
  const fast = readFast(text);
  if (!fast) return readWithYaml(file, text);
  const result: ReadResult = { objects: [], problems: [] };
  for (const { index, doc } of fast.documents) collectDocument(file, index, doc, fast.linePos, result);
  return result;
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
