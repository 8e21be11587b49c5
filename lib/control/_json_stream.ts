/**
 * Long JSON arrays (`GET /orders?state=all` lists up to 10,000 orders) answered a slice at a time: each slice
 * is serialized when the socket wants more, and the event loop runs between slices, so the order path never
 * waits behind one big `JSON.stringify` and one big write (`bench/contention.ts`). The server adapter sends
 * such an answer as it is produced (chunked), like an event stream.
 *
 * @module
 */

import { ioTurnEvery } from "./_io_turn.ts";

/**
 * Characters per slice (about 200 orders): one write and a few hundred microseconds of work at most. With
 * cached order JSON each write's fixed cost counts: 64 KiB took about 5 % less gateway CPU per poll than
 * 32 KiB, 128 KiB about 15 % (Deno, 2026-12-06), at longer stalls of the loop per slice.
 */
const SLICE_CHARS = 64 * 1024;
/**
 * The longest the slices of one list may run without the sockets polled (Deno; see `_io_turn.ts`). Under 50 Hz
 * polls of 5,000 orders, polling after every slice took the orders' p99 furthest down but raised their p50
 * when the readers took the CPU too; a millisecond kept the p50 and bounds the stall (bench/README.md,
 * seventh round).
 */
const POLL_EVERY_MS = 1;
/** Arrays up to this long are answered in one piece. */
const SMALL = 200;

/** The bodies to stream (the body, not the Response: a middleware may wrap the Response in a new one). */
const streamed = new WeakSet<ReadableStream>();
const encoder = new TextEncoder();

/**
 * Whether `response` is meant to be sent as it is produced (not collected first).
 *
 * @example
 * ```ts
 * isStreamedAnswer(new Response("{}")); // false
 * ```
 */
export function isStreamedAnswer(response: Response): boolean {
  return response.body !== null && streamed.has(response.body);
}

/**
 * A 200 JSON answer holding `items`; a long array is produced slice by slice. `stringify` gives one item's
 * JSON text (default `JSON.stringify`; the order tracker's `json` answers from its per-order cache): the
 * answer is byte for byte `JSON.stringify(items)` either way.
 *
 * @example
 * ```ts
 * const response = jsonArrayResponse(Array.from({ length: 1000 }, (_, i) => ({ i })));
 * ```
 */
export function jsonArrayResponse<T>(
  items: readonly T[],
  headers: Record<string, string> = {},
  stringify: (item: T) => string = JSON.stringify,
): Response {
  // As in JSON.stringify(items): an item with no JSON text (undefined, a function) is written as null.
  const textOf = (item: T): string => (stringify(item) as string | undefined) ?? "null";
  // no-store here already: the control plane's middleware then leaves the Response as it is.
  const init = {
    status: 200,
    headers: { "content-type": "application/json", "cache-control": "no-store", ...headers },
  };
  if (items.length <= SMALL) return new Response(`[${items.map(textOf).join(",")}]`, init);
  let at = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (at > 0) await ioTurnEvery(POLL_EVERY_MS); // let orders through between slices
      let text = at === 0 ? "[" : ",";
      const from = at;
      for (; at < items.length && text.length < SLICE_CHARS; at++) {
        text += (at === from ? "" : ",") + textOf(items[at]!);
      }
      if (at === items.length) text += "]";
      controller.enqueue(encoder.encode(text));
      if (at === items.length) controller.close();
    },
  }, { highWaterMark: 0 });
  streamed.add(body);
  return new Response(body, init);
}
