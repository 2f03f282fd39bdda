// The fast path of the manifest reader. `yaml` builds a full document model
// (every node with its range), which costs about 0.9 µs per input byte: 2.8 s
// of CPU for a 3 MB scenario of 10,000 resources. js-yaml builds plain values
// in 0.2 s, and its parse listener reports where each node starts; from those
// we keep the offset of every mapping key and sequence item (0.36 s in all),
// which is all a finding's position needs (read.ts points at keys and items).
//
// It only answers when it is sure to match the `yaml` reader: on a YAML error,
// an anchor, a tagged key or item, a duplicate key, an empty sequence item, a
// lone CR line break, a scalar the two libraries type differently (`0b101`,
// `+.5`), or any node whose events it cannot pair with the value, it returns
// null and read.ts reads the file with `yaml` (which also gives the error messages).
import { loadAll, CORE_SCHEMA, type State } from 'js-yaml';
import { LineCounter } from 'yaml';
import type { FieldPath, ParsedDocument, Position } from './read.ts';

/** The listener state also carries the node's anchor and tag (not in the published types). */
type ListenerState = State & { anchor: string | null; tag: string | null };

/**
 * Where the keys and items of every mapping and sequence start. Kept flat, as
 * one entry per collection, because a large file has hundreds of thousands of
 * them and each allocation is paid again by the garbage collector.
 */
class Layouts {
  /** Collection → index in `offsets` of its first key or item. */
  private readonly first = new Map<object, number>();
  private readonly offsets: number[] = [];
  /** Key order of the mappings whose `Object.keys` order differs from the source (integer-like keys come first). */
  private readonly keyOrder = new Map<object, string[]>();

  has(value: object): boolean {
    return this.first.has(value);
  }

  /** Records a collection from its children (their starts and values, from index `from` to `to`), or throws Unmappable. */
  add(value: object, starts: number[], values: unknown[], from: number, to: number, text: string, shift: number): void {
    const count = to - from;
    const first = this.offsets.length;
    if (Array.isArray(value)) {
      if (count !== value.length) throw new Unmappable('sequence items');
      for (let i = from; i < to; i++) this.offsets.push(nodeStart(starts[i]!, text, shift));
      this.first.set(value, first);
      return;
    }
    // A mapping's children are key, value, key, value… (a key without value, as
    // in `{a, b: c}`, breaks the count and lands in the fallback).
    const own = Object.keys(value);
    if (count !== own.length * 2) throw new Unmappable('mapping pairs');
    let sameOrder = true;
    for (let i = from, n = 0; i < to; i += 2, n++) {
      const k = values[i];
      if (!isKeyScalar(k)) throw new Unmappable('complex key');
      const key = String(k);
      if (own[n] !== key) {
        if (!Object.prototype.hasOwnProperty.call(value, key)) throw new Unmappable('key');
        sameOrder = false;
      }
      this.offsets.push(nodeStart(starts[i]!, text, shift));
    }
    if (!sameOrder) {
      const keys: string[] = [];
      for (let i = from; i < to; i += 2) keys.push(String(values[i]));
      this.keyOrder.set(value, keys);
    }
    this.first.set(value, first);
  }

  /** Offset of the field at `path` below `value`, or of the nearest enclosing field (the root: `start`). */
  offsetOf(value: unknown, start: number, path: FieldPath): number {
    let current = value;
    let best = start;
    for (const seg of path) {
      if (typeof current !== 'object' || current === null) return best;
      const first = this.first.get(current);
      if (first === undefined) return best;
      let i: number;
      if (Array.isArray(current)) {
        if (typeof seg !== 'number' || !Number.isInteger(seg) || seg < 0 || seg >= current.length) return best;
        i = seg;
        current = current[i];
      } else {
        const keys = this.keyOrder.get(current) ?? Object.keys(current);
        i = keys.indexOf(String(seg));
        if (i < 0) return best;
        current = (current as Record<string, unknown>)[keys[i]!];
      }
      best = this.offsets[first + i]!;
    }
    return best;
  }
}

export interface FastRead {
  documents: { index: number; doc: ParsedDocument }[];
  linePos(offset: number): Position;
}

class Unmappable extends Error {}

function isKeyScalar(v: unknown): v is string | number | boolean {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

const YAML_CORE_FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
/** Something that may be a binary int, which js-yaml reads as a number and `yaml` as a string. */
const MAYBE_BINARY_INT = /(?<![0-9A-Za-z_.])0b[01]/;

/** `+.5` and `-.5e3` are numbers for `yaml` (YAML 1.2 core) but strings for js-yaml. */
function checkPlainString(s: ListenerState): void {
  const v = s.result as unknown;
  if (typeof v !== 'string' || s.tag !== '?') return;
  const c = v.charCodeAt(0);
  if ((c === 0x2b || c === 0x2d || c === 0x2e) && YAML_CORE_FLOAT.test(v)) throw new Unmappable('core float');
}

/**
 * Offset of a key or item. Its node opens on its first character; whitespace
 * there means the listener saw the node before its leading space (an explicit
 * `? key`), and `yaml` places a node after its tag or anchor.
 */
function nodeStart(start: number, text: string, shift: number): number {
  const at = start + shift;
  const c = text.charCodeAt(at);
  if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x23) throw new Unmappable('node start');
  if (c === 0x21 || c === 0x26 || c === 0x2a) throw new Unmappable('node properties');
  return at;
}

/** Reads `text` with js-yaml, or returns null when the `yaml` reader must decide. */
export function readFast(text: string): FastRead | null {
  // js-yaml drops a leading BOM, so its offsets are one short; it also takes a lone CR as a line break.
  const shift = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  if (/\r(?!\n)/.test(text) || MAYBE_BINARY_INT.test(text)) return null;
  const layouts = new Layouts();
  // Nodes still open, and the children read so far: a stack shared by all open
  // nodes, each knowing where its own children begin (`childCount` is its top).
  const openStarts: number[] = [];
  const openFirstChild: number[] = [];
  const childStarts: number[] = [];
  const childValues: unknown[] = [];
  let childCount = 0;
  const roots: { start: number; empty: boolean }[] = [];
  const listener = (event: 'open' | 'close', state: State) => {
    const s = state as ListenerState;
    if (event === 'open') {
      openStarts.push(s.position);
      openFirstChild.push(childCount);
      return;
    }
    const start = openStarts.pop();
    const from = openFirstChild.pop();
    if (start === undefined || from === undefined) throw new Unmappable('unbalanced events');
    // Anchored nodes are shared by their aliases: leave them to `yaml` (and its alias limit).
    if (s.anchor !== null) throw new Unmappable('anchor');
    const value = s.result as unknown;
    checkPlainString(s);
    // A block collection's first key is read by a nested node that may turn out
    // to be the whole value; the inner node recorded it already.
    if (typeof value === 'object' && value !== null && !layouts.has(value)) {
      layouts.add(value, childStarts, childValues, from, childCount, text, shift);
    }
    childCount = from;
    const empty = value === null && s.position === start;
    if (openStarts.length === 0) roots.push({ start, empty });
    // A block mapping probes for one more key where it ends; that probe reads nothing.
    else if (!empty) {
      childStarts[childCount] = start;
      childValues[childCount] = value;
      childCount++;
    }
  };
  let values: unknown[];
  try {
    values = loadAll(text, undefined, { schema: CORE_SCHEMA, json: true, listener });
  } catch {
    return null; // a YAML error, or a node we cannot map: `yaml` reads the file
  }
  if (openStarts.length !== 0 || roots.length !== values.length) return null;

  const lc = new LineCounter();
  lc.addNewLine(0);
  for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', nl + 1)) lc.addNewLine(nl + 1);
  const documents: FastRead['documents'] = [];
  values.forEach((value, index) => {
    const root = roots[index]!;
    // An empty document (a trailing `---`) is skipped, as read.ts does with `yaml`.
    if (root.empty) return;
    const start = root.start + shift;
    documents.push({ index, doc: { value, start, offsetOf: (path) => layouts.offsetOf(value, start, path) } });
  });
  return {
    documents,
    linePos(offset) {
      const p = lc.linePos(offset);
      return { line: p.line, column: p.col };
    },
  };
}
