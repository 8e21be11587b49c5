/**
 * Timer helpers for the simulator. Every simulator timer is unreferenced so an embedded simulator never keeps a
 * test process alive by itself: only its listening socket does, and `close()` releases that. Deno's timers are
 * numbers released with `Deno.unrefTimer`; Bun's and Node's are objects with `unref()`.
 *
 * @module
 */

const denoUnref = (globalThis as { Deno?: { unrefTimer?: (id: number) => void } }).Deno?.unrefTimer;

/** A timer handle as returned by `setTimeout`/`setInterval` on any runtime. */
export type TimerHandle = ReturnType<typeof setTimeout>;

/**
 * Unreferences `timer` on any runtime and returns it.
 *
 * @example
 * ```ts
 * const t = unrefTimer(setInterval(() => {}, 1000));
 * clearInterval(t);
 * ```
 */
export function unrefTimer<T>(timer: T): T {
  if (denoUnref !== undefined) {
    if (typeof timer === "number") denoUnref(timer);
  } else {
    (timer as { unref?: () => void }).unref?.();
  }
  return timer;
}

/**
 * `setTimeout` that does not keep the process alive.
 *
 * @example
 * ```ts
 * const t = laterUnref(() => console.log("fired"), 50);
 * clearTimeout(t);
 * ```
 */
export function laterUnref(fn: () => void, ms: number): TimerHandle {
  return unrefTimer(setTimeout(fn, ms));
}

/**
 * `setInterval` that does not keep the process alive.
 *
 * @example
 * ```ts
 * const t = everyUnref(() => {}, 1000);
 * clearInterval(t);
 * ```
 */
export function everyUnref(fn: () => void, ms: number): TimerHandle {
  return unrefTimer(setInterval(fn, ms));
}
