/**
 * Process memory for the soak benchmark: RSS and V8/JSC heap in use, a forced full GC where the runtime
 * allows it (Deno with `--v8-flags=--expose-gc`, Bun's `Bun.gc(true)`), and an allocation meter that adds up
 * the rises of `heapUsed` between samples (a fall is a collection). On V8 (Deno) that tracks allocation
 * closely; JSC (Bun) updates heapUsed in coarse steps and collects its eden often, so there it is a lower
 * bound.
 */
import process from "node:process";

/** A memory reading, bytes. */
export interface MemorySample {
  rss: number;
  heapUsed: number;
}

/** Current RSS and heap in use. */
export function memoryNow(): MemorySample {
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed };
}

/** Runs a full collection if the runtime exposes one; returns whether it could. */
export function fullGc(): boolean {
  const g = globalThis as { Bun?: { gc(force: boolean): void }; gc?: () => void };
  if (g.Bun !== undefined) {
    g.Bun.gc(true);
    return true;
  }
  if (typeof g.gc === "function") {
    g.gc();
    return true;
  }
  return false;
}

/** Collects twice with a pause between (finalizers, deferred frees), then reads memory. */
export async function settledMemory(): Promise<MemorySample & { gcForced: boolean }> {
  const gcForced = fullGc();
  await new Promise((r) => setTimeout(r, 200));
  fullGc();
  await new Promise((r) => setTimeout(r, 200));
  return { ...memoryNow(), gcForced };
}

/** Adds up heap growth between samples: allocated bytes (≈) and collections seen. */
export class AllocationMeter {
  #last = process.memoryUsage().heapUsed;
  /** Bytes the heap grew by, summed over samples. */
  allocated = 0;
  /** Samples at which the heap had shrunk (a collection ran). */
  collections = 0;

  sample(): void {
    const now = process.memoryUsage().heapUsed;
    const d = now - this.#last;
    if (d > 0) this.allocated += d;
    else if (d < 0) this.collections++;
    this.#last = now;
  }

  reset(): void {
    this.#last = process.memoryUsage().heapUsed;
    this.allocated = 0;
    this.collections = 0;
  }
}
