/**
 * The JS heaps' growth (config memory.heap_growth_percent): V8 lets a heap grow past its live
 * data by a factor it picks from how fast the program allocates, up to ~4×. Ingest allocates
 * fast and keeps little (measured: 60–90 MiB live, 230 MiB of heap on the main thread and as
 * much again on the writer thread), so the appliance's memory is mostly garbage waiting for a
 * collection. V8's --heap-growing-percent caps that factor; it is read at every collection, so
 * setting it at start (before the worker threads, which share V8's flags) takes effect, unlike
 * --max-old-space-size, which V8 reads only when a heap is created. NODE_OPTIONS does not accept
 * this flag, hence the call.
 */
import { setFlagsFromString } from 'node:v8';

let applied: number | null = null;

/** Sets the growth once per process (later calls with another value are ignored: flags are process-wide). */
export function applyHeapGrowth(percent: number): void {
  if (applied !== null || percent <= 0) return;
  setFlagsFromString(`--heap-growing-percent=${Math.trunc(percent)}`);
  applied = percent;
}

/** What applyHeapGrowth set, or null (V8's own heuristic). */
export function heapGrowthApplied(): number | null {
  return applied;
}

/** A worker thread's resource limits for config memory.young_generation_mb (0: V8's own, none set). */
export function workerHeapLimits(youngGenerationMb: number | undefined): { resourceLimits?: { maxYoungGenerationSizeMb: number } } {
  return youngGenerationMb ? { resourceLimits: { maxYoungGenerationSizeMb: youngGenerationMb } } : {};
}
