/**
 * The shapes of the control plane's answers, as zod schemas for `GET /openapi.json`. They document; they do
 * not validate (answers are built by the router and the exchange). Exchange answers are Binance's objects
 * passed through, so only their main fields are listed and the rest is allowed.
 *
 * @module
 */

import { z } from "zod";
import { ACCOUNT_EVENT_TYPES } from "../account/event_log.ts";
import { ORDER_LIST_STATES } from "./schemas_live.ts";

const decimalText = () => z.string().meta({ description: "decimal as text", examples: ["0.001"] });

/**
 * The body of every error answer: the control plane's own `code` (-1…-99) or Binance's (≤ -1000), and `msg`.
 * A -15 (unknown order state) adds `clientOrderId`, `method`, `reason` and sometimes `exchangeCode`.
 *
 * @example
 * ```ts
 * errorAnswer.parse({ code: -10, msg: "halted" });
 * ```
 */
export const errorAnswer = z.looseObject({
  code: z.int().meta({ description: "local code (-1…-99, see LocalErrorCode) or Binance's (≤ -1000)" }),
  msg: z.string(),
}).meta({ id: "Error" });

/**
 * An order as the exchange reports it (`order.place`, `order.status`, `order.modify`, `order.cancel`).
 *
 * @example
 * ```ts
 * orderAnswer.parse({ orderId: 1, symbol: "BTCUSDT", status: "NEW", clientOrderId: "a" });
 * ```
 */
export const orderAnswer = z.looseObject({
  orderId: z.int(),
  symbol: z.string(),
  status: z.string().meta({ examples: ["NEW", "PARTIALLY_FILLED", "FILLED", "CANCELED", "EXPIRED"] }),
  clientOrderId: z.string(),
  price: decimalText().optional(),
  avgPrice: decimalText().optional(),
  origQty: decimalText().optional(),
  executedQty: decimalText().optional(),
  type: z.string().optional(),
  side: z.string().optional(),
  timeInForce: z.string().optional(),
  updateTime: z.int().optional(),
}).meta({ id: "Order", description: "Binance's order object (all its fields are passed through)" });

/**
 * A conditional order as the exchange reports it (`algoOrder.place`, `algoOrder.cancel`).
 *
 * @example
 * ```ts
 * algoOrderAnswer.parse({ algoId: 7, clientAlgoId: "a", algoStatus: "NEW" });
 * ```
 */
export const algoOrderAnswer = z.looseObject({
  algoId: z.int(),
  clientAlgoId: z.string(),
  algoStatus: z.string().optional(),
  symbol: z.string().optional(),
  orderType: z.string().optional(),
  triggerPrice: decimalText().optional(),
}).meta({ id: "AlgoOrder", description: "Binance's algo order object (all its fields are passed through)" });

/**
 * An order the router tracks (`GET /orders` without an id).
 *
 * @example
 * ```ts
 * trackedOrderAnswer.shape.state.options.includes("open"); // true
 * ```
 */
export const trackedOrderAnswer = z.looseObject({
  clientOrderId: z.string(),
  symbol: z.string(),
  side: z.string(),
  type: z.string(),
  quantity: decimalText(),
  price: z.string().meta({ description: 'limit (or trigger) price; "" when none' }),
  timeInForce: z.string(),
  positionSide: z.string().meta({
    description: "BOTH (one-way mode), or the hedge-mode side: LONG or SHORT",
  }),
  orderId: z.int().optional(),
  status: z.string().meta({ description: "exchange status, or PENDING / UNKNOWN / UNVERIFIED" }),
  state: z.enum(ORDER_LIST_STATES.filter((s) => s !== "all") as ["open", "pending", "unknown", "finished"]),
  executedQty: decimalText(),
  avgPrice: decimalText(),
  algo: z.boolean(),
  reduceOnly: z.boolean().optional().meta({
    description:
      "can only reduce a position (reduceOnly or closePosition): no exposure in the pre-trade limits",
  }),
  actualOrderId: z.int().optional().meta({
    description:
      "a triggered conditional order: the id of the regular order it became (halt and DELETE cancel that)",
  }),
}).meta({ id: "TrackedOrder" });

/**
 * A fill from the user data stream (`GET /fills`).
 *
 * @example
 * ```ts
 * fillAnswer.shape.maker.parse(true);
 * ```
 */
export const fillAnswer = z.object({
  symbol: z.string(),
  orderId: z.int(),
  clientOrderId: z.string(),
  tradeId: z.int(),
  side: z.string(),
  price: decimalText(),
  qty: decimalText(),
  commission: decimalText(),
  commissionAsset: z.string(),
  realizedProfit: decimalText(),
  maker: z.boolean(),
  time: z.int().meta({ description: "exchange ms of the trade" }),
  positionSide: z.string().optional().meta({
    description:
      "LONG or SHORT in hedge mode, BOTH in one-way mode (absent on fills journaled before it was kept)",
  }),
}).meta({ id: "Fill" });

/**
 * A live position (`GET /positions`).
 *
 * @example
 * ```ts
 * positionAnswer.shape.symbol.parse("BTCUSDT");
 * ```
 */
export const positionAnswer = z.object({
  symbol: z.string(),
  positionSide: z.string(),
  positionAmt: decimalText().meta({ description: "signed amount (negative: short)" }),
  entryPrice: decimalText(),
  unrealizedProfit: decimalText(),
  updateTime: z.int(),
}).meta({ id: "Position" });

/**
 * A live position line (`GET /positions`): its unrealized PnL at the fresh mark (`markPrice`), or as the
 * exchange last reported it (`markPrice` null: no mark within 10 s, or pre-trade checks off).
 *
 * @example
 * ```ts
 * livePositionAnswer.shape.markPrice.parse(null);
 * ```
 */
export const livePositionAnswer = positionAnswer.extend({
  unrealizedProfit: decimalText().meta({
    description: "at markPrice when there is one; else the exchange's last figure",
  }),
  markPrice: decimalText().nullable().meta({ description: "the mark (within 10 s) the PnL is taken at" }),
}).meta({ id: "LivePosition" });

const rateLimit = z.object({
  rateLimitType: z.enum(["REQUEST_WEIGHT", "ORDERS"]),
  interval: z.enum(["SECOND", "MINUTE", "HOUR", "DAY"]),
  intervalNum: z.int(),
  limit: z.int(),
  count: z.int(),
}).meta({ id: "RateLimit" });

/**
 * `GET /health`.
 *
 * @example
 * ```ts
 * healthAnswer.shape.status.options; // ["ok", "degraded", "halted", "disconnected"]
 * ```
 */
export const healthAnswer = z.looseObject({
  status: z.enum(["ok", "degraded", "halted", "disconnected"]),
  mode: z.string().meta({ examples: ["simulator", "production", "testnet", "custom"] }),
  endpoint: z.string(),
  connected: z.boolean(),
  auth: z.enum(["hmac", "ed25519"]),
  credentialsRefused: z.object({ code: z.int(), msg: z.string(), method: z.string(), at: z.int() }).optional()
    .meta({
      description:
        "the exchange refused the key or signature (-2015, -2014, -1022) within the last minute: " +
        "status is degraded",
    }),
  uptimeS: z.int(),
  halted: z.boolean(),
  haltReason: z.string().nullable(),
  inFlight: z.int(),
  clockOffsetMs: z.number(),
  orders: z.object({ open: z.int(), pending: z.int(), unknown: z.int(), reconciled: z.int() }),
  userStream: z.looseObject({
    state: z.string().meta({ examples: ["up", "connecting", "down", "closed", "off"] }),
    reason: z.string().optional().meta({ description: "why it is off (no --stream-url)" }),
    lastEventAgeMs: z.int().nullable().optional(),
    reconnects: z.int().optional(),
    listenKeyRenewals: z.int().optional(),
    listenKeyPingOk: z.boolean().optional(),
  }),
  rateLimits: z.array(rateLimit),
  rateLimitBlock: z.object({ until: z.string(), reason: z.string() }).optional().meta({
    description:
      "after an exchange 429/418: new requests are refused locally (-13) until then; cancels go out",
  }),
  events: z.object({ lastId: z.int(), subscribers: z.int(), subscribersDropped: z.int() }).optional(),
  fills: z.object({ total: z.int() }).optional(),
  journal: z.object({ ok: z.boolean(), problem: z.string().optional() }).optional(),
  preTrade: z.looseObject({
    filters: z.enum(["loading", "ok", "unavailable", "off"]).meta({
      description: "unavailable: exchangeInfo could not be loaded and orders pass unchecked by filters",
    }),
    symbols: z.int().optional(),
    filtersAgeMs: z.int().nullable().optional(),
    filtersError: z.string().nullable().optional(),
    markStream: z.string().optional(),
    freshMarks: z.int().optional(),
    staleMarks: z.int().optional(),
  }),
  deadMan: z.object({
    state: z.enum(["on", "off"]),
    countdownMs: z.int().optional(),
    armed: z.array(z.string()).optional().meta({ description: "symbols whose countdown is armed now" }),
    refreshes: z.int().optional(),
    failures: z.int().optional(),
  }),
  audit: z.object({
    state: z.enum(["on", "off"]),
    intervalMs: z.int().optional(),
    audits: z.int().optional(),
    skipped: z.int().optional().meta({ description: "turns skipped: link down, a gap pass running" }),
    drift: z.int().optional().meta({ description: "orders and position lines audits corrected or adopted" }),
    lastAt: z.number().nullable().optional(),
    lastDrift: z.int().optional(),
    lastError: z.string().nullable().optional(),
  }),
  monitor: z.object({
    state: z.enum(["up", "failed", "off"]),
    url: z.string().optional(),
    nice: z.int().optional().meta({
      description: "the monitor thread's CPU priority (Linux; 0: the gateway's)",
    }),
    error: z.string().optional().meta({ description: "why the monitor's thread stopped (trading goes on)" }),
    events: z.object({ subscribers: z.int(), subscribersDropped: z.int() }).optional().meta({
      description: "the monitor port's /events readers now, and dropped for not keeping up since start",
    }),
  }).optional(),
}).meta({ id: "Health" });

/**
 * `DELETE /orders/open`'s report.
 *
 * @example
 * ```ts
 * cancelAllAnswer.parse({ symbol: "BTCUSDT", canceled: ["lr-1"], alreadyFinished: [], failed: [] });
 * ```
 */
export const cancelAllAnswer = z.object({
  symbol: z.string(),
  canceled: z.array(z.string()).meta({ description: "client ids cancelled" }),
  alreadyFinished: z.array(z.object({ clientOrderId: z.string(), status: z.string() })),
  failed: z.array(z.object({ clientOrderId: z.string(), error: z.string() })),
}).meta({ id: "CancelAllReport" });

/**
 * `POST /audit`'s report: what the exchange's answers changed in the live view.
 *
 * @example
 * ```ts
 * auditAnswer.parse({ at: 1, listed: 2, queried: 1, adopted: [], corrected: ["lr-1"], positions: [] });
 * ```
 */
export const auditAnswer = z.object({
  at: z.number().meta({ description: "local ms when the listing was asked for" }),
  listed: z.int().meta({ description: "open orders and algo orders the exchange listed" }),
  queried: z.int().meta({ description: "order.status queries of orders the listing no longer showed" }),
  adopted: z.array(z.string()).meta({
    description: "open orders the tracker did not hold, adopted as external",
  }),
  corrected: z.array(z.string()).meta({
    description: "orders whose state, status or filled quantity changed",
  }),
  positions: z.array(z.string()).meta({ description: "position lines (symbol:positionSide) that changed" }),
  error: z.string().optional().meta({ description: "the first error, when part of the audit failed" }),
}).meta({ id: "AuditReport" });

/**
 * `POST /flatten`'s report (and one entry of a flattening halt's `flattened`).
 *
 * @example
 * ```ts
 * flattenAnswer.parse({ symbol: "BTCUSDT", cancels: { canceled: [], failed: [] }, position: "0.003",
 *   closed: [], failed: [], remaining: "0" });
 * ```
 */
export const flattenAnswer = z.object({
  symbol: z.string(),
  cancels: z.object({
    canceled: z.array(z.string()),
    failed: z.array(z.object({ clientOrderId: z.string(), error: z.string() })),
  }).meta({ description: "this router's open orders on the symbol, cancelled first" }),
  position: z.string().meta({ description: "the one-way position the exchange showed before closing" }),
  closed: z.array(z.object({
    clientOrderId: z.string(),
    side: z.string(),
    quantity: z.string(),
    status: z.string(),
    executedQty: z.string(),
  })).meta({ description: "the reduce-only MARKET orders sent, with their final status" }),
  failed: z.array(z.object({ side: z.string(), quantity: z.string(), error: z.string() })),
  remaining: z.string().meta({ description: 'the position afterwards: "0" when flat, or "unknown"' }),
}).meta({ id: "FlattenReport" });

/**
 * `POST /halt`'s report.
 *
 * @example
 * ```ts
 * haltAnswer.parse({ halted: true, reason: "news", canceled: [], alreadyFinished: [], failed: [] });
 * ```
 */
export const haltAnswer = z.object({
  halted: z.literal(true),
  reason: z.string(),
  canceled: z.array(z.string()).meta({ description: "client ids this halt cancelled" }),
  alreadyFinished: z.array(z.object({ clientOrderId: z.string(), status: z.string() })),
  failed: z.array(z.object({ clientOrderId: z.string(), error: z.string() })),
  flattened: z.array(flattenAnswer).optional().meta({ description: "with flatten: each symbol closed" }),
  flattenError: z.string().optional().meta({
    description: "with flatten: why positions could not be listed",
  }),
}).meta({ id: "HaltReport" });

/**
 * One Server-Sent Event's `data` on `GET /events` (the `event:` field carries the type, `id:` the id).
 *
 * @example
 * ```ts
 * accountEventAnswer.parse({ id: 1, type: "halt", time: 0, data: { reason: "news" } });
 * ```
 */
export const accountEventAnswer = z.object({
  id: z.int(),
  type: z.enum(ACCOUNT_EVENT_TYPES),
  time: z.int(),
  data: z.unknown(),
}).meta({ id: "AccountEvent" });

/**
 * Any JSON object from the exchange, passed through (account status, balances, positions).
 *
 * @example
 * ```ts
 * exchangeAnswer.parse({ totalWalletBalance: "1000" });
 * ```
 */
export const exchangeAnswer = z.looseObject({}).meta({ description: "Binance's answer, passed through" });
