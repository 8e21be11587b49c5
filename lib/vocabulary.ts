/**
 * Binance's vocabulary as the router speaks it, written once: enum values, the client-order-id pattern, and per
 * ws-fapi method its parameter names and what the router must know about it. The TS types (`types.ts`), the
 * control plane's validation (`control/schemas.ts`) and the wire method table (`wire/methods.ts`) derive from
 * it, so a value added here is typed, accepted and encoded everywhere at once. The simulator keeps its own
 * copy on purpose (an independent model of the exchange); `tests/sim/vocabulary_test.ts` diffs the two.
 *
 * Lists keep the order users see them in ("expected one of BUY, SELL"): reordering one changes error messages.
 * Read at module load only; nothing here runs per request.
 *
 * @module
 */

/**
 * Order sides.
 *
 * @example
 * ```ts
 * type Side = typeof SIDES[number]; // "BUY" | "SELL"
 * ```
 */
export const SIDES = ["BUY", "SELL"] as const;

/**
 * Position sides: BOTH in one-way mode, LONG/SHORT in hedge mode.
 *
 * @example
 * ```ts
 * POSITION_SIDES.includes("BOTH"); // true
 * ```
 */
export const POSITION_SIDES = ["BOTH", "LONG", "SHORT"] as const;

/**
 * Time in force of `order.place`. GTX (and RPI) are post-only; GTD needs `goodTillDate`.
 *
 * @example
 * ```ts
 * const tif: typeof TIME_IN_FORCE[number] = "GTX";
 * ```
 */
export const TIME_IN_FORCE = ["GTC", "IOC", "FOK", "GTX", "GTD", "RPI"] as const;

/**
 * Time in force the router lets a conditional order (`algoOrder.place`) carry: a subset of
 * {@linkcode TIME_IN_FORCE} (Binance's algo order pages list IOC, GTC, FOK and GTX; GTD and RPI are not for the
 * order placed on trigger). GTE_GTC, which the exchange reports on orders placed with a position's TP/SL, is
 * not taken as input here.
 *
 * @example
 * ```ts
 * ALGO_TIME_IN_FORCE.join(", "); // "GTC, IOC, FOK, GTX"
 * ```
 */
export const ALGO_TIME_IN_FORCE = ["GTC", "IOC", "FOK", "GTX"] as const;

/**
 * Price-match modes: price a LIMIT order from the book (opponent or own side, best or n-th level) instead of
 * sending `price`.
 *
 * @example
 * ```ts
 * const match: typeof PRICE_MATCH[number] = "QUEUE_5";
 * ```
 */
export const PRICE_MATCH = [
  "OPPONENT",
  "OPPONENT_5",
  "OPPONENT_10",
  "OPPONENT_20",
  "QUEUE",
  "QUEUE_5",
  "QUEUE_10",
  "QUEUE_20",
] as const;

/**
 * Self-trade prevention modes (`selfTradePreventionMode`); NONE is the exchange's default.
 *
 * @example
 * ```ts
 * STP_MODES[0]; // "NONE"
 * ```
 */
export const STP_MODES = ["NONE", "EXPIRE_TAKER", "EXPIRE_MAKER", "EXPIRE_BOTH"] as const;

/**
 * `newOrderRespType` values: ACK answers at once, RESULT waits for the order's final state where it has one.
 *
 * @example
 * ```ts
 * const resp: typeof RESPONSE_TYPES[number] = "RESULT";
 * ```
 */
export const RESPONSE_TYPES = ["ACK", "RESULT"] as const;

/**
 * `workingType`: the price a conditional order's trigger watches (mark price or last contract price).
 *
 * @example
 * ```ts
 * WORKING_TYPES.includes("MARK_PRICE"); // true
 * ```
 */
export const WORKING_TYPES = ["MARK_PRICE", "CONTRACT_PRICE"] as const;

/**
 * Order types `order.place` still takes (the conditional ones moved to `algoOrder.place`, -4120).
 *
 * @example
 * ```ts
 * const type: typeof ORDER_TYPES[number] = "LIMIT";
 * ```
 */
export const ORDER_TYPES = ["LIMIT", "MARKET"] as const;

/**
 * Conditional order types, placed with `algoOrder.place`.
 *
 * @example
 * ```ts
 * CONDITIONAL_TYPES.includes("STOP_MARKET"); // true
 * ```
 */
export const CONDITIONAL_TYPES = [
  "STOP",
  "STOP_MARKET",
  "TAKE_PROFIT",
  "TAKE_PROFIT_MARKET",
  "TRAILING_STOP_MARKET",
] as const;

/**
 * `algoType` of `algoOrder.place`: Binance has only CONDITIONAL, which the router always sends.
 *
 * @example
 * ```ts
 * const algoType: typeof ALGO_TYPES[number] = "CONDITIONAL";
 * ```
 */
export const ALGO_TYPES = ["CONDITIONAL"] as const;

/**
 * Statuses of an order (`status` in order results and ORDER_TRADE_UPDATE events).
 *
 * @example
 * ```ts
 * ORDER_STATUSES.includes("PARTIALLY_FILLED"); // true
 * ```
 */
export const ORDER_STATUSES = [
  "NEW",
  "PARTIALLY_FILLED",
  "FILLED",
  "CANCELED",
  "REJECTED",
  "EXPIRED",
  "EXPIRED_IN_MATCH",
] as const;

/**
 * Statuses of an algo order (`algoStatus`).
 *
 * @example
 * ```ts
 * ALGO_STATUSES.includes("TRIGGERED"); // true
 * ```
 */
export const ALGO_STATUSES = [
  "NEW",
  "CANCELED",
  "TRIGGERING",
  "TRIGGERED",
  "FINISHED",
  "REJECTED",
  "EXPIRED",
] as const;

/**
 * Statuses after which an order (or algo order) can no longer change. `NOT_FOUND` is the router's own: the
 * exchange never had the order (reconciliation) or no longer knows it (-2011/-2013 on a cancel).
 *
 * @example
 * ```ts
 * FINAL_STATUSES.has("FILLED"); // true
 * FINAL_STATUSES.has("PARTIALLY_FILLED"); // false
 * ```
 */
export const FINAL_STATUSES: ReadonlySet<string> = new Set<string>([
  "FILLED",
  "CANCELED",
  "EXPIRED",
  "EXPIRED_IN_MATCH",
  "REJECTED",
  "FINISHED",
  "NOT_FOUND",
]);

/**
 * Binance's pattern for `newClientOrderId`, `origClientOrderId` and `clientAlgoId`. No `g` flag, so `test()`
 * keeps no state between calls and the one instance can be shared.
 *
 * @example
 * ```ts
 * CLIENT_ORDER_ID_PATTERN.test("grid-42"); // true
 * ```
 */
export const CLIENT_ORDER_ID_PATTERN: RegExp = /^[.A-Z:/a-z0-9_-]{1,36}$/;

/**
 * How a method is authenticated: `signed` (timestamp and signature, or a logged-on session), `key` (API key
 * only) or `none` (public).
 *
 * @example
 * ```ts
 * const security: MethodSecurity = WS_METHODS["account.balance"].security; // "signed"
 * ```
 */
export type MethodSecurity = "signed" | "key" | "none";

/**
 * What the router knows about one ws-fapi method.
 *
 * @example
 * ```ts
 * const status: MethodVocabulary = { security: "signed", mutating: false, countsAsOrder: false, params: ["symbol"] };
 * ```
 */
export interface MethodVocabulary {
  /** How the method is authenticated. */
  readonly security: MethodSecurity;
  /** Changes an order, so an unanswered request leaves that order in an unknown state. */
  readonly mutating: boolean;
  /** Counts against the ORDERS rate limit. */
  readonly countsAsOrder: boolean;
  /** The caller's parameters, without the ones authentication adds (apiKey, timestamp, recvWindow). */
  readonly params: readonly string[];
}

/** The parameters naming one order (symbol plus either id) and one algo order (either id). */
const ORDER_REF = ["symbol", "orderId", "origClientOrderId"] as const;
const ALGO_REF = ["algoId", "clientAlgoId"] as const;

/**
 * Every ws-fapi method the router knows, in a fixed order (its position is its metrics index).
 *
 * @example
 * ```ts
 * WS_METHODS["order.cancel"].params; // ["symbol", "orderId", "origClientOrderId"]
 * ```
 */
export const WS_METHODS = {
  "order.place": {
    security: "signed",
    mutating: true,
    countsAsOrder: true,
    params: [
      "symbol",
      "side",
      "type",
      "quantity",
      "price",
      "timeInForce",
      "positionSide",
      "reduceOnly",
      "newClientOrderId",
      "newOrderRespType",
      "priceMatch",
      "selfTradePreventionMode",
      "goodTillDate",
    ],
  },
  "order.modify": {
    security: "signed",
    mutating: true,
    countsAsOrder: true,
    params: [...ORDER_REF, "side", "quantity", "price", "priceMatch", "modifyId"],
  },
  "order.cancel": { security: "signed", mutating: true, countsAsOrder: false, params: ORDER_REF },
  "order.status": { security: "signed", mutating: false, countsAsOrder: false, params: ORDER_REF },
  "algoOrder.place": {
    security: "signed",
    mutating: true,
    countsAsOrder: false,
    params: [
      "algoType",
      "symbol",
      "side",
      "type",
      "quantity",
      "price",
      "triggerPrice",
      "timeInForce",
      "positionSide",
      "workingType",
      "priceMatch",
      "closePosition",
      "priceProtect",
      "reduceOnly",
      "activatePrice",
      "callbackRate",
      "clientAlgoId",
      "newOrderRespType",
      "selfTradePreventionMode",
      "goodTillDate",
    ],
  },
  "algoOrder.cancel": { security: "signed", mutating: true, countsAsOrder: false, params: ALGO_REF },
  "account.balance": { security: "signed", mutating: false, countsAsOrder: false, params: [] },
  "account.position": { security: "signed", mutating: false, countsAsOrder: false, params: ["symbol"] },
  "account.status": { security: "signed", mutating: false, countsAsOrder: false, params: [] },
  "v2/account.balance": { security: "signed", mutating: false, countsAsOrder: false, params: [] },
  "v2/account.position": { security: "signed", mutating: false, countsAsOrder: false, params: ["symbol"] },
  "v2/account.status": { security: "signed", mutating: false, countsAsOrder: false, params: [] },
  "userDataStream.start": { security: "key", mutating: false, countsAsOrder: false, params: [] },
  "userDataStream.ping": { security: "key", mutating: false, countsAsOrder: false, params: [] },
  "userDataStream.stop": { security: "key", mutating: false, countsAsOrder: false, params: [] },
  // session.logon carries its own signature; the router re-specs it at logon time (wire/methods.ts respec).
  "session.logon": { security: "signed", mutating: false, countsAsOrder: false, params: [] },
  "session.status": { security: "none", mutating: false, countsAsOrder: false, params: [] },
  "session.logout": { security: "none", mutating: false, countsAsOrder: false, params: [] },
  "ticker.price": { security: "none", mutating: false, countsAsOrder: false, params: ["symbol"] },
  depth: { security: "none", mutating: false, countsAsOrder: false, params: ["symbol", "limit"] },
  "ticker.book": { security: "none", mutating: false, countsAsOrder: false, params: ["symbol"] },
} as const satisfies Readonly<Record<string, MethodVocabulary>>;

/**
 * Name of a method in {@linkcode WS_METHODS}.
 *
 * @example
 * ```ts
 * const name: WsMethodName = "order.place";
 * ```
 */
export type WsMethodName = keyof typeof WS_METHODS;
