/**
 * Long JSON arrays (`GET /orders?state=all` lists up to 10,000 orders) answered a slice at a time: each slice
 * is serialized when the socket wants more, and the event loop runs between slices, so the order path never
 * waits behind one big `JSON.stringify` and one big write (`bench/contention.ts`). The server adapter sends
 * such an answer as it is produced (chunked), like an event stream.
 *
 * @module
 */

import { setImmediate } from "node:timers";

/** Items serialized per slice: a few hundred microseconds of work at most. */
const SLICE = 100;
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
 * A 200 JSON answer holding `items`; a long array is produced slice by slice.
 *
 * @example
 * ```ts
 * const response = jsonArrayResponse(Array.from({ length: 1000 }, (_, i) => ({ i })));
 * ```
 */
export function jsonArrayResponse(items: readonly unknown[], headers: Record<string, string> = {}): Response {
  // no-store here already: the control plane's middleware then leaves the Response as it is.
  const init = {
    status: 200,
    headers: { "content-type": "application/json", "cache-control": "no-store", ...headers },
  };
  if (items.length <= SMALL) return new Response(JSON.stringify(items), init);
  let at = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (at > 0) await new Promise((resolve) => setImmediate(resolve)); // let orders through between slices
      const end = Math.min(items.length, at + SLICE);
      let text = at === 0 ? "[" : ",";
      for (let i = at; i < end; i++) text += (i === at ? "" : ",") + JSON.stringify(items[i]);
      at = end;
      if (at === items.length) text += "]";
      controller.enqueue(encoder.encode(text));
      if (at === items.length) controller.close();
    },
  }, { highWaterMark: 0 });
  streamed.add(body);
  return new Response(body, init);
}
