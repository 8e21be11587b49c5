/**
 * The docs of the order, account, live-state and status routes, passed to `RouteTable.add` where each route
 * is registered. Their `query` / `body` / `headers` are the schemas the handlers validate with, imported from
 * `schemas.ts` / `schemas_live.ts`, so `GET /openapi.json` shows exactly what is checked.
 *
 * @module
 */

import { z } from "zod";
import { LOCAL_CODES } from "./errors.ts";
import {
  accountEventAnswer,
  algoOrderAnswer,
  auditAnswer,
  cancelAllAnswer,
  exchangeAnswer,
  fillAnswer,
  flattenAnswer,
  haltAnswer,
  healthAnswer,
  livePositionAnswer,
  orderAnswer,
  trackedOrderAnswer,
} from "./openapi_answers.ts";
import type { RouteDoc } from "./route_table.ts";
import {
  cancelSchema,
  emptySchema,
  haltSchema,
  modifySchema,
  oneSymbolSchema,
  orderRefSchema,
  placeSchema,
  positionsSchema,
  trackedOrdersSchema,
} from "./schemas.ts";
import {
  eventsSchema,
  fillsSchema,
  lastEventIdSchema,
  livePositionsSchema,
  simMarkSchema,
} from "./schemas_live.ts";

const {
  HALTED,
  DISCONNECTED,
  BUSY,
  RATE_LIMITED,
  NO_ANSWER,
  UNKNOWN_ORDER_STATE,
  JOURNAL_UNAVAILABLE,
  TOO_MANY_SUBSCRIBERS,
  RISK_LIMIT,
} = LOCAL_CODES;
/** What can go wrong sending an order request. */
const ORDER_ERRORS = [
  HALTED,
  DISCONNECTED,
  BUSY,
  RATE_LIMITED,
  UNKNOWN_ORDER_STATE,
  JOURNAL_UNAVAILABLE,
  RISK_LIMIT,
];
/** What can go wrong with a read-only exchange request. */
const READ_ERRORS = [DISCONNECTED, BUSY, RATE_LIMITED, NO_ANSWER];

/**
 * Docs of the routes registered in `app.ts`, `routes_live.ts` and `routes_status.ts`, by route.
 *
 * @example
 * ```ts
 * ROUTE_DOCS.placeOrder.summary; // "Place an order (LIMIT/MARKET: order.place; conditional: algoOrder.place)"
 * ```
 */
export const ROUTE_DOCS = {
  placeOrder: {
    summary: "Place an order (LIMIT/MARKET: order.place; conditional: algoOrder.place)",
    description: "STOP, STOP_MARKET, TAKE_PROFIT, TAKE_PROFIT_MARKET and TRAILING_STOP_MARKET go to " +
      "`algoOrder.place`: `stopPrice` is sent as `triggerPrice`, `newClientOrderId` as `clientAlgoId`, " +
      "`activationPrice` as `activatePrice`.",
    tag: "Orders",
    body: placeSchema,
    answers: {
      200: {
        description: "the exchange's answer: an order, or an algo order for conditional types",
        schema: z.union([orderAnswer, algoOrderAnswer]),
      },
    },
    errors: ORDER_ERRORS,
    exchange: true,
  },
  queryOrder: {
    summary: "List the tracked orders (no id; from memory) or look one up (order.status)",
    description:
      "`GET /orders?state=open|pending|unknown|finished|all&symbol=` lists what the router tracks " +
      "(default: every order not finished). With `symbol` and `orderId` or `origClientOrderId` it asks the " +
      "exchange (`order.status`).",
    tag: "Orders",
    query: z.union([trackedOrdersSchema, orderRefSchema]),
    answers: {
      200: {
        description: "the tracked orders (no id) or the exchange's order (with an id)",
        schema: z.union([z.array(trackedOrderAnswer), orderAnswer]),
      },
    },
    errors: READ_ERRORS,
    exchange: true,
  },
  modifyOrder: {
    summary: "Modify a LIMIT order's quantity and price (order.modify)",
    tag: "Orders",
    body: modifySchema,
    answers: { 200: { description: "the modified order", schema: orderAnswer } },
    errors: ORDER_ERRORS.filter((c) => c !== HALTED),
    exchange: true,
  },
  cancelOrder: {
    summary:
      "Cancel an order (order.cancel; with algoId/clientAlgoId: algoOrder.cancel, once triggered order.cancel)",
    tag: "Orders",
    query: cancelSchema,
    answers: {
      200: { description: "the cancelled order", schema: z.union([orderAnswer, algoOrderAnswer]) },
    },
    errors: ORDER_ERRORS.filter((c) => c !== HALTED),
    exchange: true,
  },
  account: {
    summary: "Account status (v2/account.status)",
    tag: "Account",
    query: emptySchema,
    answers: { 200: { description: "the exchange's account object", schema: exchangeAnswer } },
    errors: READ_ERRORS,
    exchange: true,
  },
  accountBalance: {
    summary: "Balances (v2/account.balance)",
    tag: "Account",
    query: emptySchema,
    answers: { 200: { description: "the exchange's balances", schema: z.array(exchangeAnswer) } },
    errors: READ_ERRORS,
    exchange: true,
  },
  accountPositions: {
    summary: "Positions as the exchange reports them (v2/account.position)",
    tag: "Account",
    query: positionsSchema,
    answers: { 200: { description: "the exchange's positions", schema: z.array(exchangeAnswer) } },
    errors: READ_ERRORS,
    exchange: true,
  },
  halt: {
    summary: "Kill switch: refuse new orders (kept across a restart) and cancel every open order",
    tag: "Control",
    body: haltSchema,
    bodyOptional: true,
    answers: {
      200: { description: "what the halt cancelled", schema: haltAnswer },
      202: {
        description: "taken while the router is still starting: applied the moment it has started, before " +
          "any order can go out",
        schema: z.object({ halted: z.literal(true), reason: z.string(), applied: z.string() }),
      },
    },
  },
  cancelAll: {
    summary: "Cancel every open order of this router on a symbol, without halting (order.cancel each)",
    tag: "Orders",
    query: oneSymbolSchema,
    answers: { 200: { description: "what was cancelled", schema: cancelAllAnswer } },
    exchange: true,
  },
  flatten: {
    summary:
      "Close a symbol's position: cancel this router's orders, then MARKET orders that only reduce (even halted)",
    tag: "Control",
    body: oneSymbolSchema,
    answers: {
      200: { description: "what was cancelled and closed, and what remains", schema: flattenAnswer },
    },
    errors: [DISCONNECTED, BUSY, RATE_LIMITED, NO_ANSWER],
    exchange: true,
  },
  audit: {
    summary: "Audit the live view against the exchange now (open orders, missing ones queried, positions)",
    tag: "Control",
    body: emptySchema,
    bodyOptional: true,
    answers: { 200: { description: "what the exchange's answers corrected", schema: auditAnswer } },
    errors: [DISCONNECTED, BUSY],
    exchange: true,
  },
  resume: {
    summary: "Accept new orders again after a halt",
    tag: "Control",
    body: emptySchema,
    bodyOptional: true,
    answers: {
      200: {
        description:
          "not halted any more, or still held by a hold that lifts itself (reconciling, shutting down)",
        schema: z.object({ halted: z.boolean(), reason: z.string().optional() }),
      },
    },
  },
  fills: {
    summary: "Recent fills from the user data stream (from memory)",
    tag: "Live state",
    query: fillsSchema,
    answers: { 200: { description: "fills, oldest first", schema: z.array(fillAnswer) } },
  },
  positions: {
    summary: "Live positions with unrealized PnL (from memory)",
    tag: "Live state",
    query: livePositionsSchema,
    answers: { 200: { description: "positions", schema: z.array(livePositionAnswer) } },
  },
  events: {
    summary: "Server-Sent Events: orders, fills, positions, halts… (resumable with Last-Event-ID)",
    tag: "Live state",
    query: eventsSchema,
    headers: lastEventIdSchema,
    answers: {
      200: {
        description:
          "an event stream; each event's `data` is an AccountEvent (JSON), `id:` its id, `event:` " +
          "its type",
        contentType: "text/event-stream",
        schema: accountEventAnswer,
      },
    },
    errors: [TOO_MANY_SUBSCRIBERS],
  },
  simMark: {
    summary: "Move the simulator's mark price; resting orders it crosses fill",
    tag: "Simulator",
    body: simMarkSchema,
    answers: {
      200: { description: "the new mark", schema: z.object({ symbol: z.string(), price: z.string() }) },
    },
    availability: "simulator mode only",
  },
  health: {
    summary:
      "Gateway state: connection, auth, halt, orders, user stream, rate limits, pre-trade checks, dead-man's switch",
    tag: "Status",
    answers: {
      200: { description: "connected", schema: healthAnswer },
      503: { description: "not connected to the exchange (same body)", schema: healthAnswer },
    },
  },
  metrics: {
    summary: "Prometheus metrics (text format 0.0.4)",
    tag: "Status",
    answers: { 200: { description: "Prometheus text", contentType: "text/plain; version=0.0.4" } },
  },
} as const satisfies Record<string, RouteDoc>;
