/**
 * Rate-limited operator notices: something any local process can cause at will (a client that aborts its
 * request body, a connection that never finishes its headers) must not be able to flood the log. The first
 * occurrence is told at once; the ones that follow within the interval are counted and told as one summary
 * when the interval ends.
 *
 * @module
 */

import { type Clock, type ClockHandle, monotonicClock } from "../_clock.ts";
import { unrefTimer } from "../_timers.ts";

/**
 * Options for {@linkcode ThrottledNotice}.
 *
 * @example
 * ```ts
 * const options: ThrottledNoticeOptions = { intervalMs: 60_000 };
 * ```
 */
export interface ThrottledNoticeOptions {
  /** Least time between two notices; occurrences in between are counted into the next one. Default 60 s. */
  intervalMs?: number;
  /** Time and timers (tests inject a manual clock). Default: monotonic time, unreferenced real timers. */
  clock?: Clock;
}

/** Default least time between two notices of one kind. */
export const NOTICE_INTERVAL_MS = 60_000;

/**
 * Counts occurrences of one kind of event and calls `emit` at most once per interval with how many happened
 * since the previous call (the first one at once, the rest as a summary at the end of the interval).
 *
 * @example
 * ```ts
 * const aborted = new ThrottledNotice((count, total) => console.warn(`aborted bodies: ${count} (${total})`));
 * aborted.hit(); // tells "1" at once
 * aborted.hit(); // counted; told when the minute is up
 * aborted.close();
 * ```
 */
export class ThrottledNotice {
  readonly #emit: (count: number, total: number) => void;
  readonly #intervalMs: number;
  readonly #clock: Clock;
  #last = -Infinity;
  #pending = 0;
  #total = 0;
  #timer: ClockHandle | undefined;
  #closed = false;

  constructor(emit: (count: number, total: number) => void, options: ThrottledNoticeOptions = {}) {
    this.#emit = emit;
    this.#intervalMs = options.intervalMs ?? NOTICE_INTERVAL_MS;
    this.#clock = options.clock ?? monotonicClock;
  }

  /** Occurrences since start (told or not). */
  get total(): number {
    return this.#total;
  }

  /** Records one occurrence. */
  hit(): void {
    this.#total++;
    this.#pending++;
    if (this.#timer !== undefined || this.#closed) return;
    const wait = this.#last + this.#intervalMs - this.#clock.now();
    if (wait <= 0) this.#flush();
    else this.#timer = unrefTimer(this.#clock.setTimeout(() => this.#flush(), wait));
  }

  /** Cancels a pending summary (what it would have counted stays in {@linkcode total}); later hits are counted only. */
  close(): void {
    this.#closed = true;
    this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #flush(): void {
    this.#timer = undefined;
    if (this.#pending === 0 || this.#closed) return;
    this.#last = this.#clock.now();
    const count = this.#pending;
    this.#pending = 0;
    this.#emit(count, this.#total);
  }
}
