/**
 * Schemas of the live-state routes, answered from memory: `GET /orders` without an id, `/fills`,
 * `/positions`, `/events` (query and `Last-Event-ID`), and the simulator's `POST /sim/mark`. Strict like the
 * order schemas: unknown fields are refused by name.
 *
 * @module
 */

import { z } from "zod";
import { ACCOUNT_EVENT_TYPES, type AccountEventType } from "../account/event_log.ts";
import { decimal, field, flag, oneOf, symbol } from "./fields.ts";
import { compact } from "./validation.ts";

/**
 * `GET /orders?state=`: one state of the tracker, or `all` (live and recently finished).
 *
 * @example
 * ```ts
 * ORDER_LIST_STATES.includes("all"); // true
 * ```
 */
export const ORDER_LIST_STATES = ["open", "pending", "unknown", "finished", "all"] as const;

/**
 * Largest `limit` of `GET /fills` (the fill book keeps 10,000).
 *
 * @example
 * ```ts
 * fillsSchema.safeParse({ limit: String(MAX_FILLS_LIMIT + 1) }).success; // false
 * ```
 */
export const MAX_FILLS_LIMIT = 10_000;
/**
 * `limit` of `GET /fills` when none is given.
 *
 * @example
 * ```ts
 * fillsSchema.parse({}).limit === DEFAULT_FILLS_LIMIT; // true
 * ```
 */
export const DEFAULT_FILLS_LIMIT = 500;

/**
 * `GET /orders` without an id: the tracked orders, optionally of one symbol and one state (default: every
 * order not finished; `all` adds the recently finished ones).
 *
 * @example
 * ```ts
 * trackedOrdersSchema.parse({ state: "all", symbol: "BTCUSDT" }); // { state: "all", symbol: "BTCUSDT" }
 * ```
 */
export const trackedOrdersSchema = z.strictObject({
  symbol: symbol().optional(),
  state: oneOf(ORDER_LIST_STATES).optional(),
}).transform((q) => compact<{ symbol?: string; state?: typeof ORDER_LIST_STATES[number] }>(q));

/**
 * `GET /fills` query: optional symbol, `limit` 1..10000 (default 500).
 *
 * @example
 * ```ts
 * fillsSchema.parse({ limit: "20" }); // { limit: 20 }
 * fillsSchema.parse({}); // { limit: 500 }
 * ```
 */
export const fillsSchema = z.strictObject({
  symbol: symbol().optional(),
  limit: field(`an integer from 1 to ${MAX_FILLS_LIMIT}`, (v) => {
    const n = typeof v === "string" && /^\d{1,5}$/.test(v) ? Number(v) : typeof v === "number" ? v : NaN;
    return Number.isInteger(n) && n >= 1 && n <= MAX_FILLS_LIMIT ? n : undefined;
  }).optional(),
}).transform((q) => ({ ...compact<{ symbol?: string }>(q), limit: q.limit ?? DEFAULT_FILLS_LIMIT }));

/**
 * `GET /positions` query: optional symbol; `all=true` includes flat (zero) positions.
 *
 * @example
 * ```ts
 * livePositionsSchema.parse({ all: "true" }); // { all: true }
 * ```
 */
export const livePositionsSchema = z.strictObject({
  symbol: symbol().optional(),
  all: flag().optional(),
}).transform((q) => compact<{ symbol?: string; all?: boolean }>(q));

/**
 * `GET /events` query: `types`, a comma-separated subset of the account event types.
 *
 * @example
 * ```ts
 * eventsSchema.parse({ types: "fill,order" }); // { types: ["fill", "order"] }
 * ```
 */
export const eventsSchema = z.strictObject({
  types: field(`a comma-separated list of ${ACCOUNT_EVENT_TYPES.join(", ")}`, (v) => {
    if (typeof v !== "string") return undefined;
    const parts = v.split(",").map((t) => t.trim());
    const known: readonly string[] = ACCOUNT_EVENT_TYPES;
    return parts.length > 0 && parts.every((t) => known.includes(t))
      ? parts as AccountEventType[]
      : undefined;
  }).optional(),
}).transform((q) => compact<{ types?: AccountEventType[] }>(q));

/**
 * The `Last-Event-ID` header of an SSE reconnect: a non-negative integer (absent: start with live events).
 *
 * @example
 * ```ts
 * lastEventIdSchema.parse({ "Last-Event-ID": "41" }); // { "Last-Event-ID": 41 }
 * ```
 */
export const lastEventIdSchema = z.strictObject({
  "Last-Event-ID": field("a non-negative integer (the id of the last event received)", (v) => {
    const n = typeof v === "string" && /^\s*\d{1,16}\s*$/.test(v) ? Number(v) : NaN;
    return Number.isSafeInteger(n) ? n : undefined;
  }).optional(),
});

/**
 * `POST /sim/mark` body: move the simulator's mark price (resting orders it crosses fill, at most `fillQty`
 * each when given).
 *
 * @example
 * ```ts
 * simMarkSchema.parse({ symbol: "BTCUSDT", price: "49990", fillQty: "0.001" });
 * ```
 */
export const simMarkSchema = z.strictObject({
  symbol: symbol(),
  price: decimal(),
  fillQty: decimal().optional(),
}).transform((b) => compact<{ symbol: string; price: string; fillQty?: string }>(b));
