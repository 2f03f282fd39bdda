// Top functions (flat and cumulative) and flame-graph data of a decoded profile.
import type { DecodedProfile } from './decode.ts';

export interface FunctionCost {
  name: string;
  /** Value spent in the function itself (it was the leaf). */
  flat: number;
  /** Value spent in it or anything it called (counted once per sample, even when recursive). */
  cum: number;
}

export interface FlameNode {
  name: string;
  /** Value of this node including its children. */
  value: number;
  /** Value of samples ending exactly here. */
  self: number;
  children: FlameNode[];
}

/** Picks the value to look at: inuse_space for heap profiles, else the profile's default. */
export function chooseValueIndex(p: DecodedProfile): number {
  const inuse = p.sampleTypes.findIndex((t) => t.type === 'inuse_space');
  return inuse >= 0 ? inuse : p.defaultIndex;
}

export function total(p: DecodedProfile, index = chooseValueIndex(p)): number {
  return p.samples.reduce((n, s) => n + (s.values[index] ?? 0), 0);
}

export function topFunctions(p: DecodedProfile, index = chooseValueIndex(p)): FunctionCost[] {
  const costs = new Map<string, FunctionCost>();
  const get = (name: string) => {
    let c = costs.get(name);
    if (!c) costs.set(name, (c = { name, flat: 0, cum: 0 }));
    return c;
  };
  for (const s of p.samples) {
    const v = s.values[index] ?? 0;
    if (!v || s.stack.length === 0) continue;
    get(s.stack[s.stack.length - 1]!.name).flat += v;
    for (const name of new Set(s.stack.map((f) => f.name))) get(name).cum += v;
  }
  return [...costs.values()];
}

export const byFlat = (list: FunctionCost[]) => [...list].sort((a, b) => b.flat - a.flat || a.name.localeCompare(b.name));
export const byCum = (list: FunctionCost[]) => [...list].sort((a, b) => b.cum - a.cum || a.name.localeCompare(b.name));

/** The call tree merged by function name along each path: the data of a flame graph. */
export function flameGraph(p: DecodedProfile, index = chooseValueIndex(p)): FlameNode {
  const root: FlameNode = { name: 'root', value: 0, self: 0, children: [] };
  for (const s of p.samples) {
    const v = s.values[index] ?? 0;
    if (!v) continue;
    root.value += v;
    let node = root;
    for (const f of s.stack) {
      let child = node.children.find((c) => c.name === f.name);
      if (!child) node.children.push((child = { name: f.name, value: 0, self: 0, children: [] }));
      child.value += v;
      node = child;
    }
    node.self += v;
  }
  const sort = (n: FlameNode) => {
    n.children.sort((a, b) => b.value - a.value || a.name.localeCompare(b.name));
    n.children.forEach(sort);
  };
  sort(root);
  return root;
}

export function formatValue(v: number, unit: string): string {
  if (unit === 'bytes') {
    if (v >= 1024 * 1024) return `${(v / 1024 / 1024).toFixed(1)} MiB`;
    if (v >= 1024) return `${(v / 1024).toFixed(1)} KiB`;
    return `${v} B`;
  }
  if (unit === 'nanoseconds') return v >= 1e9 ? `${(v / 1e9).toFixed(2)}s` : `${(v / 1e6).toFixed(1)}ms`;
  return `${v}${unit && unit !== 'count' ? ' ' + unit : ''}`;
}

/** Envoy's stats system: where an exploding tag's memory shows up in a heap profile. */
export const STATS_FUNCTION = /Stats::|StatName|SymbolTable|ThreadLocalStore|stats_filter|istio::stats|Wasm.*[Mm]etric/;
