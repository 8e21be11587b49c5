/**
 * What the exchange answers with: the order and algo-order objects, and the rate-limit usage reported
 * beside each answer. Only the fields the router relies on are typed; the rest pass through unchanged.
 *
 * @module
 */

import type { Side } from "./enum_types.ts";

/**
 * The order object the exchange returns from order.place/modify/cancel/status. Only the fields the router
 * relies on are typed; the rest are passed through unchanged.
 *
 * @example
 * ```ts
 * import type { Router } from "./router/router.ts";
 * import type { PlaceOrderParams } from "./types.ts";
 * declare const router: Router;
 * declare const params: PlaceOrderParams;
 * const order: OrderResult = await router.placeOrder(params);
 * if (order.status === "FILLED") console.log(order.executedQty);
 * ```
 */
export interface OrderResult {
  /** Exchange order id. */
  orderId: number;
  /** Trading pair, e.g. BTCUSDT. */
  symbol: string;
  /** Order status ({@linkcode OrderStatus}); typed as text so a status Binance adds later passes through. */
  status: string;
  /** Client order id. */
  clientOrderId: string;
  /** Limit price, at the symbol's precision. */
  price: string;
  /** Original quantity, at the symbol's precision. */
  origQty: string;
  /** Quantity filled so far. */
  executedQty: string;
  /** BUY or SELL. */
  side: Side;
  /** Order type, e.g. LIMIT or MARKET. */
  type: string;
  /** Time in force, e.g. GTC. */
  timeInForce: string;
  /** Last update time, ms epoch. */
  updateTime: number;
  /** Any other field the exchange sent, unchanged. */
  [field: string]: unknown;
}

/**
 * The algo-order object returned by `algoOrder.place`.
 *
 * @example
 * ```ts
 * import type { Router } from "./router/router.ts";
 * import type { PlaceAlgoOrderParams } from "./types.ts";
 * declare const router: Router;
 * const stop: PlaceAlgoOrderParams = { symbol: "BTCUSDT", side: "SELL", type: "STOP_MARKET",
 *   quantity: "0.002", triggerPrice: "45000" };
 * const algo: AlgoOrderResult = await router.placeAlgoOrder(stop);
 * console.log(algo.algoId, algo.algoStatus);
 * ```
 */
export interface AlgoOrderResult {
  /** Exchange algo order id. */
  algoId: number;
  /** Client algo id. */
  clientAlgoId: string;
  /** Algo status ({@linkcode AlgoStatus}); typed as text so a status Binance adds later passes through. */
  algoStatus: string;
  /** Trading pair, e.g. BTCUSDT. */
  symbol: string;
  /** Any other field the exchange sent, unchanged. */
  [field: string]: unknown;
}

/**
 * One entry of the exchange's `rateLimits` array: the latest usage the exchange reported.
 *
 * @example
 * ```ts
 * const limit: RateLimit = { rateLimitType: "ORDERS", interval: "SECOND", intervalNum: 10, limit: 300, count: 1 };
 * ```
 */
export interface RateLimit {
  /** What is counted: request weight (per IP) or orders (per account). */
  rateLimitType: "REQUEST_WEIGHT" | "ORDERS";
  /** Unit of the window length. */
  interval: "SECOND" | "MINUTE" | "HOUR" | "DAY";
  /** Window length in `interval` units (e.g. 10 with SECOND is a 10 s window). */
  intervalNum: number;
  /** Maximum allowed in the window. */
  limit: number;
  /** Usage in the current window. */
  count: number;
}
