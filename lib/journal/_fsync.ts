/**
 * When the journal fsyncs: on the timer (in the background) once `fsyncIntervalMs` has passed since the last
 * one and something was written, synchronously on flush, close and every new file.
 *
 * @module
 */

import { fsyncDir, type JournalFile } from "./_file.ts";

/** Longest time buffered outcomes wait for the timer. */
const MAX_TICK_MS = 20;

/**
 * The fsync state of the journal's current file.
 *
 * @example
 * ```ts
 * import { JournalFile } from "./_file.ts";
 * const schedule = new FsyncSchedule(20);
 * const file = JournalFile.create("./lightning-data", 1);
 * schedule.wrote();
 * schedule.now(file); // true: fsynced
 * ```
 */
export class FsyncSchedule {
  /** fsync period (0: never). */
  readonly ms: number;
  /** The writer's timer period: min(fsync period, 20 ms), or 20 ms without fsync. */
  readonly tickMs: number;
  /** Something was written since the last fsync. */
  #dirty = false;
  #last = 0;
  #running = false;

  constructor(ms: number) {
    this.ms = ms;
    this.tickMs = ms > 0 ? Math.min(ms, MAX_TICK_MS) : MAX_TICK_MS;
  }

  /** Something was written. */
  wrote(): void {
    this.#dirty = true;
  }

  /**
   * On the timer: if due, fsyncs `file` off the event loop; `done` gets its error, unless `file` is no
   * longer `current()` by then (a rotation fsynced it synchronously: its error is moot), or null.
   */
  tick(file: JournalFile, current: () => JournalFile, done: (error: Error | null) => void): void {
    // Ticks come every min(fsyncIntervalMs, 20) ms; a longer interval fsyncs on the tick that reaches it.
    const due = performance.now() - this.#last >= this.ms - this.tickMs;
    if (!this.#dirty || this.ms === 0 || !due || this.#running) return;
    this.#running = true;
    this.#dirty = false;
    this.#last = performance.now();
    file.fsyncInBackground((error) => {
      this.#running = false;
      const moot = file !== current();
      if (error && !moot) this.#dirty = true;
      done(moot ? null : error);
    });
  }

  /** fsyncs `file` now if anything is unsynced (and fsync is on); true if it did. Throws on failure. */
  now(file: JournalFile): boolean {
    if (!this.#dirty || this.ms === 0) return false;
    file.fsync();
    this.#dirty = false;
    this.#last = performance.now();
    return true;
  }

  /**
   * A new file holds the checkpoint: fsyncs it and its directory entry (if fsync is on; true if it did).
   * Whatever the old file had unsynced is superseded. Throws on failure.
   */
  fresh(file: JournalFile, dir: string): boolean {
    if (this.ms > 0) {
      file.fsync();
      fsyncDir(dir);
      this.#last = performance.now();
    }
    this.#dirty = false;
    return this.ms > 0;
  }
}
