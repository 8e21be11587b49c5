/**
 * Waiting until the event loop has polled its sockets: what "let orders through" needs between two pieces of
 * a long piece of work (the slices of a long `GET /orders` list, `_json_stream.ts`).
 *
 * On Bun (and Node) `setImmediate` runs its callback after the next poll. Deno runs a chain of `setImmediate`
 * callbacks without polling the sockets in between: data sent to one of its sockets waited 61 steps of a chain
 * of 50 µs steps before its handler ran, against one step on Bun (bench/README.md, seventh round), and the
 * stalls that made reached 9 ms under 50 Hz order-list polls. A `setTimeout(0)` step costs Deno 1–2 ms. An
 * operation that completes on another thread returns only through the poll: a digest of no bytes, about 15 µs,
 * with no permission needed.
 *
 * @module
 */

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
