/**
 * Lets a timer not keep the process alive (the router's watchdogs must not prevent a clean exit). Deno's
 * timers are numbers released with `Deno.unrefTimer`; Bun's and Node's are objects with `unref()`. Chosen
 * once at load.
 *
 * @module
 */

const denoUnref = (globalThis as { Deno?: { unrefTimer?: (id: number) => void } }).Deno?.unrefTimer;

/**
 * Unreferences `timer` (from setTimeout/setInterval) on any runtime.
 *
 * @example
 * ```ts
 * unrefTimer(setInterval(sweep, 100));
 * ```
 */
export const unrefTimer: (timer: unknown) => void = denoUnref
  ? (timer) => {
    if (typeof timer === "number") denoUnref(timer);
  }
  : (timer) => (timer as { unref?: () => void }).unref?.();
