/**
 * Lets a timer not keep the process alive (the router's watchdogs must not prevent a clean exit).
 *
 * @module
 */

const denoUnref = (globalThis as { Deno?: { unrefTimer?: (id: number) => void } }).Deno?.unrefTimer;

/**
 * Unreferences `timer` (from setTimeout/setInterval) on any runtime: a number goes to `Deno.unrefTimer`
 * (older Deno), an object (Bun, Node, Deno 2.9+) has `unref()`.
 *
 * @example
 * ```ts
 * unrefTimer(setInterval(sweep, 100));
 * ```
 */
export function unrefTimer(timer: unknown): void {
  if (typeof timer === "number") denoUnref?.(timer);
  else (timer as { unref?: () => void } | undefined)?.unref?.();
}
