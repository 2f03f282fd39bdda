// Progress of every lab, kept in localStorage under one key per lab, and its
// export to / import from a JSON file (another browser, another machine).
import { z } from 'zod';
import { PROGRESS_KEY_PREFIX as KEY_PREFIX } from './keys.ts';

const recordSchema = z.object({ line: z.string(), stages: z.array(z.array(z.string())), exitCode: z.number(), prompt: z.string().optional() });

export const progressSchema = z.object({
  v: z.literal(1),
  /** Only files the learner changed, by path. */
  files: z.record(z.string()).default({}),
  history: z.array(z.string()).default([]),
  records: z.array(recordSchema).default([]),
  answers: z.record(z.string()).default({}),
  /** How many hints were revealed. */
  hints: z.number().int().min(0).default(0),
  /** Task ids that were complete at the last save (shown before the worker has re-checked). */
  done: z.array(z.string()).default([]),
  updated: z.string().default(''),
});
export type LabProgress = z.infer<typeof progressSchema>;

export const exportSchema = z.object({
  format: z.literal('opslab-progress'),
  version: z.literal(1),
  exported: z.string(),
  labs: z.record(progressSchema),
});
export type ProgressExport = z.infer<typeof exportSchema>;

export const emptyProgress = (): LabProgress => progressSchema.parse({ v: 1 });

/** The storage a progress store writes to (localStorage in the browser, a Map-backed fake in tests). */
export type KeyValueStore = Pick<Storage, 'getItem' | 'setItem' | 'removeItem' | 'key' | 'length'>;

/**
 * The browser's localStorage; where reading it throws (storage blocked for a
 * lab framed by another site, or disabled) a store that holds nothing and
 * refuses writes, so the lab still runs and says its progress is not saved.
 */
export function browserStore(): KeyValueStore {
  try {
    const store = globalThis.localStorage;
    if (store) return store;
  } catch {
    /* denied: fall through */
  }
  return {
    length: 0,
    key: () => null,
    getItem: () => null,
    setItem: () => {
      throw new Error('storage is not available');
    },
    removeItem: () => undefined,
  };
}

export function loadProgress(store: KeyValueStore, labId: string): LabProgress {
  try {
    const raw = store.getItem(KEY_PREFIX + labId);
    if (!raw) return emptyProgress();
    const parsed = progressSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : emptyProgress();
  } catch {
    return emptyProgress();
  }
}

/** Saves; false when the store refused (quota, disabled storage). */
export function saveProgress(store: KeyValueStore, labId: string, progress: LabProgress): boolean {
  try {
    store.setItem(KEY_PREFIX + labId, JSON.stringify({ ...progress, updated: new Date().toISOString() }));
    return true;
  } catch {
    return false;
  }
}

export function clearProgress(store: KeyValueStore, labId: string): void {
  store.removeItem(KEY_PREFIX + labId);
}

export function exportAll(store: KeyValueStore): ProgressExport {
  const labs: Record<string, LabProgress> = {};
  for (let i = 0; i < store.length; i++) {
    const key = store.key(i);
    if (key?.startsWith(KEY_PREFIX)) labs[key.slice(KEY_PREFIX.length)] = loadProgress(store, key.slice(KEY_PREFIX.length));
  }
  return { format: 'opslab-progress', version: 1, exported: new Date().toISOString(), labs };
}

/** Imports an export file; labs in it replace the stored ones, others stay. Returns the lab ids or an error. */
export function importAll(store: KeyValueStore, text: string): { ok: true; labs: string[] } | { ok: false; error: string } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { ok: false, error: 'not a JSON file' };
  }
  const parsed = exportSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, error: `not an Istio Ops Lab progress file (${issue.path.join('.') || 'file'}: ${issue.message})` };
  }
  const ids = Object.keys(parsed.data.labs);
  for (const id of ids) if (!saveProgress(store, id, parsed.data.labs[id]!)) return { ok: false, error: 'the browser refused to store the progress' };
  return { ok: true, labs: ids };
}
