/**
 * Timers that do not keep the process alive: the router's watchdogs and the simulator's heartbeats must never
 * prevent a clean exit (or keep a test process running) on their own.
 *
 * What `setTimeout` returns depends on the runtime: a number on Deno before 2.9 (released with
 * `Deno.unrefTimer`), an object with `unref()` on Deno 2.9+, Bun and Node. The handle's own type decides,
 * not the presence of `Deno.unrefTimer`: Deno 2.9 still has that function but hands out objects.
 *
 * @module
 */

const denoUnref = (globalThis as { Deno?: { unrefTimer?: (id: number) => void } }).Deno?.unrefTimer;

/**
 * A timer handle as returned by `setTimeout`/`setInterval` on any runtime.
 *
 * @example
 * ```ts
 * declare function ping(): void;
 * let heartbeat: TimerHandle | undefined = everyUnref(ping, 30_000);
 * ```
 */
export type TimerHandle = ReturnType<typeof setTimeout>;

/**
 * Unreferences `timer` (from setTimeout/setInterval) on any runtime and returns it: a number goes to
 * `Deno.unrefTimer`, an object has `unref()`.
 *
 * @example
 * ```ts
 * declare function sweepExpired(): void;
 * const sweep = unrefTimer(setInterval(sweepExpired, 100));
 * clearInterval(sweep);
 * ```
 */
export function unrefTimer<T>(timer: T): T {
  if (typeof timer === "number") denoUnref?.(timer);
  else (timer as { unref?: () => void } | undefined)?.unref?.();
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
