// Envoy's /memory (tcmalloc figures, uint64 written as strings).

export interface EnvoyMemory {
  allocated: number;
  heap_size: number;
  pageheap_unmapped: number | null;
  pageheap_free: number | null;
  total_thread_cache: number | null;
  total_physical_bytes: number | null;
}

/** What each field of /memory means, in both languages (after envoy/admin/v3/memory.proto). */
export const memoryFields: Record<string, { en: string; zh: string }> = {
  allocated: { en: 'bytes the application (Envoy) holds right now', zh: '应用（Envoy）当前实际占用的字节数' },
  heap_size: { en: 'bytes tcmalloc reserved from the system for the heap, used or not', zh: 'tcmalloc 为堆向系统申请的总字节数（无论是否在用）' },
  pageheap_unmapped: { en: 'free heap pages already returned to the OS (counted in heap_size, not resident)', zh: '已归还给操作系统的空闲页（计入 heap_size，但不占物理内存）' },
  pageheap_free: { en: 'free heap pages still mapped (resident, waiting for reuse)', zh: '仍然映射着的空闲页（占物理内存，等待复用）' },
  total_thread_cache: { en: 'bytes sitting in per-thread caches', zh: '各线程缓存中的字节数' },
  total_physical_bytes: { en: 'estimate of the physical memory tcmalloc uses', zh: 'tcmalloc 使用的物理内存估计值' },
};

export function parseEnvoyMemory(doc: unknown): EnvoyMemory | null {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return null;
  const d = doc as Record<string, unknown>;
  const num = (k: string): number | null => {
    const v = d[k];
    if (typeof v === 'number') return v;
    if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
    return null;
  };
  const allocated = num('allocated');
  const heap = num('heap_size');
  if (allocated === null || heap === null) return null;
  return {
    allocated,
    heap_size: heap,
    pageheap_unmapped: num('pageheap_unmapped'),
    pageheap_free: num('pageheap_free'),
    total_thread_cache: num('total_thread_cache'),
    total_physical_bytes: num('total_physical_bytes'),
  };
}

/** heap_size at or above this multiple of allocated is reported. */
export const HEAP_OVER_ALLOCATED = 2;

export function heapFarLarger(m: EnvoyMemory): boolean {
  return m.allocated > 0 && m.heap_size >= HEAP_OVER_ALLOCATED * m.allocated;
}
