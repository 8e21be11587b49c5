/**
 * The answer of `GET /events`: the request's `types` and `Last-Event-ID` validated, then a reader's stream from
 * the hub. Apart from the routes, so the monitor's thread serves it without loading the route table's docs.
 *
 * @module
 */

import { readQuery } from "./body.ts";
import { eventsSchema, lastEventIdSchema } from "./schemas_live.ts";
import type { EventHub } from "./sse.ts";
import { validate } from "./validation.ts";

const SSE_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-store",
  "x-accel-buffering": "no", // a reverse proxy must not buffer the stream
};

/**
 * The answer of `GET /events` to `request` (its `types` query and `Last-Event-ID` header validated): a reader's
 * stream from `hub`. The control plane's route (`routes_live.ts`) and the monitor's thread (`lib/monitor/`) both
 * answer with it.
 *
 * @example
 * ```ts
 * import type { EventHub } from "./sse.ts";
 * declare const hub: EventHub;
 * const response = eventStreamResponse(hub, new Request("http://127.0.0.1:7777/events?types=fill"));
 * ```
 */
export function eventStreamResponse(hub: EventHub, request: Request): Response {
  const { types } = validate(eventsSchema, readQuery(request.url));
  const header = request.headers.get("last-event-id");
  const resume = validate(lastEventIdSchema, header === null ? {} : { "Last-Event-ID": header });
  const body = hub.open({ lastEventId: resume["Last-Event-ID"], types });
  return new Response(body, { status: 200, headers: SSE_HEADERS });
}
