/**
 * What the monitor port answers, in the monitor's thread: the order lists of `GET /orders` from its copy of
 * the tracker's lists, `GET /events` from its copy of the event log, and every other `GET`/`HEAD` passed on to
 * the control plane in the gateway's thread (`/metrics` and `/health` are rendered there, from the live
 * counters, in well under a millisecond). The two that cost — megabytes of order lists at 50 Hz, one socket
 * write per subscriber per event — are written out by this thread, so the order path never waits behind them.
 * Anything that is not a read is refused: orders go to the control plane.
 *
 * @module
 */

import type { EventLogView, EventStreamOptions } from "../control/sse.ts";
import { EventHub } from "../control/sse.ts";
import { eventStreamResponse } from "../control/event_stream.ts";
import { jsonArrayResponse } from "../control/_json_stream.ts";
import { readQuery } from "../control/body.ts";
import { ControlError, LOCAL_CODES, toHttpError } from "../control/errors.ts";
import type { RequestGuard } from "../control/guard.ts";
import { trackedOrdersSchema } from "../control/schemas_live.ts";
import { validate } from "../control/validation.ts";
import type { OrderListReplica, ReplicaOrder } from "../orders/order_replica.ts";

/** What the monitor's handler reads and where it passes requests on. */
export interface MonitorAppOptions {
  /** The control plane's Host, Origin and token rules, for this port. */
  guard: RequestGuard;
  /** The copy of the tracker's lists. */
  orders: OrderListReplica;
  /** The copy of the event log. */
  events: EventLogView;
  /** `/events` tuning. */
  eventOptions: EventStreamOptions;
  /** Passes a read on to the control plane (path and query, headers to forward) and gives its answer. */
  forward: (method: string, target: string, headers: [string, string][]) => Promise<Response>;
  /** Resolves once the copies hold every change the gateway made before the call. */
  sync: () => Promise<void>;
  /** Operator notices (dropped `/events` readers) and internal errors. */
  notice: (level: "warn" | "error", msg: string, fields: Record<string, string>) => void;
  now: () => number;
}

/** The monitor's request handler, and the hub of its `/events` readers. */
export interface MonitorApp {
  fetch(request: Request): Promise<Response>;
  readonly hub: EventHub;
}

/** Request headers not passed on: the guard has read them here, and the gateway sees a loopback client. */
const NOT_FORWARDED = new Set([
  "host",
  "origin",
  "connection",
  "content-length",
  "transfer-encoding",
  "sec-fetch-site",
  "sec-fetch-mode",
  "sec-fetch-dest",
  "sec-fetch-user",
]);

/**
 * Builds the monitor's handler.
 *
 * @example
 * ```ts
 * import { EventLog } from "../account/event_log.ts";
 * import { RequestGuard } from "../control/guard.ts";
 * import { OrderListReplica } from "../orders/order_replica.ts";
 * const app = monitorApp({
 *   guard: new RequestGuard({ port: () => 7778 }),
 *   orders: new OrderListReplica(),
 *   events: new EventLog(),
 *   eventOptions: {},
 *   forward: () => Promise.resolve(new Response("{}")),
 *   sync: () => Promise.resolve(),
 *   notice: () => {},
 *   now: () => performance.now(),
 * });
 * const response = await app.fetch(new Request("http://127.0.0.1:7778/orders?state=all"));
 * ```
 */
export function monitorApp(options: MonitorAppOptions): MonitorApp {
  const { guard, orders, forward, sync, notice } = options;
  const hub = new EventHub(options.events, options.eventOptions, {
    now: options.now,
    notice: (msg, fields) => notice("warn", msg, fields),
  });
  const serve = async (request: Request, url: URL): Promise<Response> => {
    const path = url.pathname;
    guard.check(request, path);
    if (path === "/ws") {
      // Its upgrade headers are not passed on, and orders are not the monitor's: say where it is.
      throw new ControlError({
        status: 405,
        code: LOCAL_CODES.METHOD_NOT_ALLOWED,
        msg: "the local order socket (GET /ws) is on the control port, not the monitor port",
      });
    }
    if (request.method !== "GET" && request.method !== "HEAD") {
      throw new ControlError({
        status: 405,
        code: LOCAL_CODES.METHOD_NOT_ALLOWED,
        msg: `${request.method} not allowed on the monitor port (reads only); send it to the control plane`,
        headers: { allow: "GET, HEAD" },
      });
    }
    // The copies are brought up to the gateway's state first: a list shows an order placed on the control
    // plane just before, and a reader resuming from the newest id the control plane gave has it here.
    if (path === "/events") {
      await sync();
      return eventStreamResponse(hub, request);
    }
    const query = readQuery(request.url);
    if (path === "/orders" && query.orderId === undefined && query.origClientOrderId === undefined) {
      const { symbol, state } = validate(trackedOrdersSchema, query);
      await sync();
      const list = state === "all" ? orders.listAll() : orders.list(state);
      const chosen = symbol === undefined ? list : list.filter((o) => o.symbol === symbol);
      return jsonArrayResponse(chosen, {}, jsonOf);
    }
    const headers: [string, string][] = [];
    request.headers.forEach((value, name) => {
      if (!NOT_FORWARDED.has(name)) headers.push([name, value]);
    });
    return forward(request.method, path + url.search, headers);
  };
  return {
    hub,
    async fetch(request) {
      const url = new URL(request.url);
      try {
        return await serve(request, url);
      } catch (error) {
        const { status, body, headers } = toHttpError(error, (e) => {
          notice("error", "monitor internal error", { path: url.pathname, error: String(e) });
        });
        return new Response(JSON.stringify(body), {
          status,
          headers: { "content-type": "application/json", "cache-control": "no-store", ...headers },
        });
      }
    },
  };
}

function jsonOf(order: ReplicaOrder): string {
  return order.json;
}
