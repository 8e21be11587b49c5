/**
 * A clock for tests: time stands still until the test moves it, and moving it runs the timers that fall due,
 * in order, synchronously. Code under test takes it as its `clock`/`timers` option instead of real time.
 *
 * @module
 */

import type { Clock, ClockHandle } from "../lib/_clock.ts";

interface Pending {
  at: number;
  /** 0 for a timeout, the period for an interval. */
  every: number;
  /** Creation order: timers due at the same time run in the order they were (re)scheduled. */
  seq: number;
  fn: () => void;
}

/** Timers fired by one `advance` before it gives up: a timer that keeps rescheduling itself at once is a bug. */
const MAX_FIRES_PER_ADVANCE = 100_000;

/**
 * A manually advanced {@linkcode Clock}.
 *
 * @example
 * ```ts
 * const clock = new ManualClock();
 * let fired = 0;
 * clock.setTimeout(() => fired++, 100);
 * clock.advance(99); // fired === 0
 * clock.advance(1); // fired === 1
 * ```
 */
export class ManualClock implements Clock {
  #now: number;
  #seq = 0;
  readonly #pending = new Map<object, Pending>();
  #onSchedule: (() => void)[] = [];

  /** Starts at `startMs` (default 0): pick a realistic epoch value where the code compares with Date.now(). */
  constructor(startMs = 0) {
    this.#now = startMs;
  }

  /** The current manual time in ms. */
  now(): number {
    return this.#now;
  }

  /** Schedules `fn` at now + `ms` (negative or NaN delays count as 0, as real timers do). */
  setTimeout(fn: () => void, ms: number): ClockHandle {
    return this.#add(fn, delay(ms), 0);
  }

  /** Schedules `fn` every `ms` (at least 1 ms, so an interval can never fire twice at the same instant). */
  setInterval(fn: () => void, ms: number): ClockHandle {
    const every = Math.max(1, delay(ms));
    return this.#add(fn, every, every);
  }

  /** Cancels a timeout; unknown handles are ignored. */
  clearTimeout(handle: ClockHandle | undefined): void {
    if (typeof handle === "object" && handle !== null) this.#pending.delete(handle);
  }

  /** Cancels an interval; unknown handles are ignored. */
  clearInterval(handle: ClockHandle | undefined): void {
    this.clearTimeout(handle);
  }

  /** Timers scheduled and not yet fired or cleared. */
  get pending(): number {
    return this.#pending.size;
  }

  /**
   * Resolves when the next timer is scheduled: code that sleeps after async work (a pass, a fetch) has
   * reached its sleep, so the test can advance past it.
   */
  whenScheduled(): Promise<void> {
    return new Promise((resolve) => this.#onSchedule.push(resolve));
  }

  /** Due times of the pending one-shot timers (intervals left out), earliest first. */
  get timeouts(): number[] {
    return [...this.#pending.values()].filter((p) => p.every === 0).map((p) => p.at).sort((x, y) => x - y);
  }

  /**
   * Moves time forward by `ms`, running every timer that falls due on the way with `now()` at its due time
   * (timers scheduled by those callbacks run too if they fall due in the window). Returns how many ran.
   */
  advance(ms: number): number {
    if (!(ms >= 0)) throw new RangeError(`advance: ${ms} ms`);
    const target = this.#now + ms;
    let fired = 0;
    for (;;) {
      const entry = this.#earliest(target);
      if (entry === undefined) break;
      if (++fired > MAX_FIRES_PER_ADVANCE) throw new Error("advance: timers keep falling due");
      const [handle, p] = entry;
      this.#now = p.at;
      if (p.every > 0) {
        p.at += p.every;
        p.seq = this.#seq++;
      } else {
        this.#pending.delete(handle);
      }
      p.fn();
    }
    this.#now = target;
    return fired;
  }

  #earliest(limit: number): [object, Pending] | undefined {
    let best: [object, Pending] | undefined;
    for (const entry of this.#pending) {
      const p = entry[1];
      if (p.at > limit) continue;
      if (best === undefined || p.at < best[1].at || (p.at === best[1].at && p.seq < best[1].seq)) {
        best = entry;
      }
    }
    return best;
  }

  #add(fn: () => void, afterMs: number, every: number): ClockHandle {
    // A plain object: unrefTimer() finds no unref() on it and leaves it alone.
    const handle = {};
    this.#pending.set(handle, { at: this.#now + afterMs, every, seq: this.#seq++, fn });
    const waiters = this.#onSchedule;
    this.#onSchedule = [];
    for (const wake of waiters) wake();
    return handle;
  }
}

function delay(ms: number): number {
  return Number.isFinite(ms) && ms > 0 ? ms : 0;
}
