/**
 * Waiting until the event loop has polled its sockets: what "let orders through" needs between two pieces of
 * a long piece of work (the slices of a long `GET /orders` list, `_json_stream.ts`).
 *
 * On Bun (and Node) `setImmediate` runs its callback after the next poll. Deno's scheduler polls for I/O only
 * every 61 ticks while work is ready, and each `setImmediate` step is a tick: data sent to one of its sockets
 * was read at step 61 of such a chain, whether the steps took 5 or 200 µs (on Bun at step 1; bench/README.md,
 * seventh round). A `setTimeout(0)` step costs Deno 1–2 ms. An operation completing on another thread leaves
 * the loop nothing ready, so it sleeps, and polls: a digest of no bytes, about 15 µs, with no permission
 * needed. When that thread finishes before the loop looks, the loop does not sleep and the poll waits for a
 * later yield (at worst the 61 ticks again), so this makes the poll likely, not certain.
 *
 * @module
 */

import { setImmediate } from "node:timers";

const NOTHING = new Uint8Array(0);
const nothing = (): void => {};

/**
 * Resolves once the event loop has polled for I/O (sockets ready by then have had their turn).
 *
 * @example
 * ```ts
 * for (const slice of ["a", "b", "c"]) {
 *   console.log(slice);
 *   await ioTurn(); // an order that arrived meanwhile is served here
 * }
 * ```
 */
export const ioTurn: () => Promise<void> = "Deno" in globalThis
  ? () => crypto.subtle.digest("SHA-1", NOTHING).then(nothing)
  : () => new Promise((resolve) => setImmediate(resolve));

/** `performance.now()` when an {@linkcode ioTurn} last returned. */
let polledAt = -Infinity;

/**
 * Yields: through the I/O poll when the last one is at least `everyMs` ago, else only to the callbacks already
 * queued (`setImmediate`, which on Bun polls anyway). On Deno a poll costs the waiting work ~15 µs, and each
 * one lets an order in ahead of the rest: polling after every slice of a long list cut the longest stalls but
 * spread the list's cost over more orders.
 *
 * @example
 * ```ts
 * for (const slice of ["a", "b", "c"]) {
 *   console.log(slice);
 *   await ioTurnEvery(1); // sockets polled at least once a millisecond of this work
 * }
 * ```
 */
export async function ioTurnEvery(everyMs: number): Promise<void> {
  if (performance.now() - polledAt < everyMs) return await new Promise((resolve) => setImmediate(resolve));
  await ioTurn();
  polledAt = performance.now();
}
