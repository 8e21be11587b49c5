/**
 * Time and timers as one injectable dependency, so the link's watchdog, the reconciler's passes and the
 * dead-man's switch can be driven by a manual clock in tests instead of by real sleeps. Production code uses
 * the real clocks below; nothing here unreferences timers (callers apply `unrefTimer` where they always did).
 *
 * @module
 */

/**
 * A timer handle from a {@linkcode Timers} implementation: opaque, only ever passed back to it.
 *
 * @example
 * ```ts
 * const handle: ClockHandle = monotonicClock.setTimeout(() => {}, 10);
 * monotonicClock.clearTimeout(handle);
 * ```
 */
export type ClockHandle = unknown;

/**
 * The timer half of a clock (what code that schedules but never reads the time needs).
 *
 * @example
 * ```ts
 * const timers: Timers = monotonicClock;
 * const t = timers.setInterval(() => console.log("tick"), 1000);
 * timers.clearInterval(t);
 * ```
 */
export interface Timers {
  /** Runs `fn` once after `ms`. */
  setTimeout(fn: () => void, ms: number): ClockHandle;
  /** Cancels a timeout; `undefined` or an already fired handle is ignored. */
  clearTimeout(handle: ClockHandle | undefined): void;
  /** Runs `fn` every `ms`. */
  setInterval(fn: () => void, ms: number): ClockHandle;
  /** Cancels an interval; `undefined` is ignored. */
  clearInterval(handle: ClockHandle | undefined): void;
}

/**
 * Timers plus the time they run on: `now()` in milliseconds.
 *
 * @example
 * ```ts
 * const clock: Clock = monotonicClock;
 * const deadline = clock.now() + 5000;
 * ```
 */
export interface Clock extends Timers {
  /** Milliseconds on this clock's time base (see the implementation). */
  now(): number;
}

type RealHandle = ReturnType<typeof setTimeout>;

const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as RealHandle | undefined),
  setInterval: (fn, ms) => setInterval(fn, ms),
  clearInterval: (handle) => clearInterval(handle as RealHandle | undefined),
};

/**
 * Real timers with `now()` = `performance.now()`: monotonic, for durations (a wall-clock jump must not
 * declare a link dead or rotate a socket).
 *
 * @example
 * ```ts
 * const started = monotonicClock.now();
 * // … later
 * const elapsedMs = monotonicClock.now() - started;
 * ```
 */
export const monotonicClock: Clock = Object.freeze({ ...realTimers, now: () => performance.now() });

/**
 * Real timers with `now()` = `Date.now()`: epoch milliseconds, for comparing with recorded timestamps (an
 * order's intent time survives a restart; a monotonic clock does not).
 *
 * @example
 * ```ts
 * import type { TrackedOrder } from "./orders/order_tracker.ts";
 * declare const order: TrackedOrder;
 * const ageMs = systemClock.now() - order.intentAt;
 * ```
 */
export const systemClock: Clock = Object.freeze({ ...realTimers, now: () => Date.now() });
