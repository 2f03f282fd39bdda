// browserStore: where the browser denies localStorage (a lab framed by another
// site), the lab gets a store that keeps nothing and refuses writes, so saving
// reports failure instead of the lab failing to start.
import { afterEach, describe, expect, it } from 'vitest';
import { browserStore, emptyProgress, loadProgress, saveProgress } from '../../src/lab/progress.ts';

const original = Object.getOwnPropertyDescriptor(globalThis, 'localStorage');
afterEach(() => {
  if (original) Object.defineProperty(globalThis, 'localStorage', original);
  else delete (globalThis as { localStorage?: unknown }).localStorage;
});

describe('browserStore', () => {
  it('falls back to a refusing store when reading localStorage throws', () => {
    Object.defineProperty(globalThis, 'localStorage', { configurable: true, get: () => { throw new DOMException('Access is denied for this document.', 'SecurityError'); } });
    const store = browserStore();
    expect(loadProgress(store, 'tcp-keepalive')).toEqual(emptyProgress());
    expect(saveProgress(store, 'tcp-keepalive', emptyProgress())).toBe(false);
  });

  it('uses localStorage when it is there', () => {
    const data = new Map<string, string>();
    const fake = { get length() { return data.size; }, key: (i: number) => [...data.keys()][i] ?? null, getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v), removeItem: (k: string) => void data.delete(k) };
    Object.defineProperty(globalThis, 'localStorage', { configurable: true, value: fake });
    const store = browserStore();
    expect(saveProgress(store, 'tcp-keepalive', emptyProgress())).toBe(true);
    expect(data.size).toBe(1);
  });
});
