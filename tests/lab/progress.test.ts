import { describe, it, expect } from 'vitest';
import { exportAll, importAll, loadProgress, saveProgress, clearProgress, emptyProgress, type KeyValueStore } from '../../src/lab/progress.ts';

/** A Map-backed stand-in for localStorage. */
function memoryStore(): KeyValueStore & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return {
    map,
    getItem: (k) => map.get(k) ?? null,
    setItem: (k, v) => void map.set(k, v),
    removeItem: (k) => void map.delete(k),
    key: (i) => [...map.keys()][i] ?? null,
    get length() {
      return map.size;
    },
  };
}

describe('lab progress', () => {
  it('saves and loads one lab, under its own key', () => {
    const store = memoryStore();
    saveProgress(store, 'a', { ...emptyProgress(), files: { 'd.yaml': 'x' }, history: ['ls'], hints: 2 });
    expect(loadProgress(store, 'a')).toMatchObject({ files: { 'd.yaml': 'x' }, history: ['ls'], hints: 2 });
    expect(loadProgress(store, 'b')).toEqual(emptyProgress());
    expect([...store.map.keys()]).toEqual(['opslab:progress:a']);
    clearProgress(store, 'a');
    expect(loadProgress(store, 'a')).toEqual(emptyProgress());
  });

  it('ignores stored data it cannot read', () => {
    const store = memoryStore();
    store.setItem('opslab:progress:a', '{not json');
    expect(loadProgress(store, 'a')).toEqual(emptyProgress());
    store.setItem('opslab:progress:a', JSON.stringify({ v: 2 }));
    expect(loadProgress(store, 'a')).toEqual(emptyProgress());
  });

  it('reports a store that refuses to save', () => {
    const store = { ...memoryStore(), setItem: () => { throw new Error('QuotaExceededError'); } };
    expect(saveProgress(store, 'a', emptyProgress())).toBe(false);
  });

  it('exports every lab and imports them into another browser', () => {
    const one = memoryStore();
    saveProgress(one, 'a', { ...emptyProgress(), answers: { q: 'UH' } });
    saveProgress(one, 'b', { ...emptyProgress(), done: ['t1'] });
    one.setItem('unrelated', 'x');
    const file = JSON.stringify(exportAll(one));
    const other = memoryStore();
    saveProgress(other, 'c', emptyProgress());
    expect(importAll(other, file)).toEqual({ ok: true, labs: ['a', 'b'] });
    expect(loadProgress(other, 'a').answers).toEqual({ q: 'UH' });
    expect(loadProgress(other, 'b').done).toEqual(['t1']);
    expect(other.map.has('opslab:progress:c')).toBe(true);
  });

  it('refuses a file that is not a progress export', () => {
    const store = memoryStore();
    expect(importAll(store, 'nope')).toEqual({ ok: false, error: 'not a JSON file' });
    const r = importAll(store, JSON.stringify({ format: 'something-else' }));
    expect(r.ok).toBe(false);
    expect(store.length).toBe(0);
  });
});
