/**
 * Request and result shapes of the ws-fapi methods the router speaks. Parameter names are Binance's own, so
 * a strategy can pass the same objects it would send to the exchange. Decimals (price, quantity, stopPrice,
 * triggerPrice…) are strings: they travel as strings and are never rounded through a float.
 *
 * The enum types are derived from the value lists in `vocabulary.ts`, so a value is added in one place. The
 * parameter shapes are `type` aliases rather than interfaces on purpose: an alias is assignable to the flat
 * {@linkcode Params} record without a cast (an interface has no implicit index signature), while a typo in an
 * object literal is still refused as an excess property.
 *
 * @module
 */

import type {
  ALGO_STATUSES,
  ALGO_TIME_IN_FORCE,
  ALGO_TYPES,
  CONDITIONAL_TYPES,
  ORDER_STATUSES,
  ORDER_TYPES,
  POSITION_SIDES,
  PRICE_MATCH,
  RESPONSE_TYPES,
  SIDES,
  STP_MODES,
  TIME_IN_FORCE,
  WORKING_TYPES,
} from "./vocabulary.ts";

/**
 * Order side.
 *
 * @example
 * ```ts
 * const side: Side = "BUY";
 * ```
 */
export type Side = typeof SIDES[number];
/**
 * Position side: BOTH in one-way mode, LONG/SHORT in hedge mode.
 *
 * @example
 * ```ts
 * const positionSide: PositionSide = "BOTH";
 * ```
 */
export type PositionSide = typeof POSITION_SIDES[number];
/**
 * Time in force of `order.place`. GTX is post-only.
 *
 * @example
 * ```ts
 * const tif: TimeInForce = "GTC";
 * ```
 */
export type TimeInForce = typeof TIME_IN_FORCE[number];
/**
 * Time in force of the order a conditional order places on trigger.
 *
 * @example
 * ```ts
 * const tif: AlgoTimeInForce = "IOC";
 * ```
 */
export type AlgoTimeInForce = typeof ALGO_TIME_IN_FORCE[number];
/**
 * Price-match modes for LIMIT orders placed without a price.
 *
 * @example
 * ```ts
 * const match: PriceMatch = "OPPONENT";
 * ```
 */
export type PriceMatch = typeof PRICE_MATCH[number];
/**
 * Self-trade prevention modes.
 *
 * @example
 * ```ts
 * const stp: SelfTradePreventionMode = "EXPIRE_TAKER";
 * ```
 */
export type SelfTradePreventionMode = typeof STP_MODES[number];
/**
 * `newOrderRespType`: ACK (default) or RESULT.
 *
 * @example
 * ```ts
 * const resp: NewOrderRespType = "RESULT";
 * ```
 */
export type NewOrderRespType = typeof RESPONSE_TYPES[number];
/**
 * Price a conditional order's trigger watches.
 *
 * @example
 * ```ts
 * const working: WorkingType = "MARK_PRICE";
 * ```
 */
export type WorkingType = typeof WORKING_TYPES[number];
/**
 * Order types placed with `order.place`.
 *
 * @example
 * ```ts
 * const type: OrderType = "MARKET";
 * ```
 */
export type OrderType = typeof ORDER_TYPES[number];
/**
 * `algoType` of `algoOrder.place`.
 *
 * @example
 * ```ts
 * const algoType: AlgoType = "CONDITIONAL";
 * ```
 */
export type AlgoType = typeof ALGO_TYPES[number];
/**
 * Order statuses Binance reports.
 *
 * @example
 * ```ts
 * const status: OrderStatus = "PARTIALLY_FILLED";
 * ```
 */
export type OrderStatus = typeof ORDER_STATUSES[number];
/**
 * Algo order statuses Binance reports.
 *
 * @example
 * ```ts
 * const status: AlgoStatus = "TRIGGERED";
 * ```
 */
export type AlgoStatus = typeof ALGO_STATUSES[number];

/**
 * Parameters of `order.place` (LIMIT and MARKET; conditional types go through `placeAlgoOrder`).
 *
 * @example
 * ```ts
 * const order: PlaceOrderParams = { symbol: "BTCUSDT", side: "BUY", type: "LIMIT", quantity: "0.002", price: "50000", timeInForce: "GTC" };
 * ```
 */
export type PlaceOrderParams = {
  /** Trading pair, e.g. BTCUSDT. */
  symbol: string;
  /** BUY or SELL. */
  side: Side;
  /** Order type: LIMIT or MARKET. */
  type: OrderType;
  /** Order quantity in base asset (decimal string). */
  quantity: string;
  /** Limit price (decimal string); required for LIMIT unless `priceMatch` is set. */
  price?: string;
  /** Time in force; required for LIMIT. */
  timeInForce?: TimeInForce;
  /** Default BOTH (one-way mode); LONG or SHORT in hedge mode. */
  positionSide?: PositionSide;
  /** Only reduce an existing position; default false, not allowed in hedge mode. */
  reduceOnly?: boolean;
  /** Generated (unique, Binance's pattern) when absent. */
  newClientOrderId?: string;
  /** ACK (default) or RESULT (MARKET and IOC/FOK orders answer with their final state). */
  newOrderRespType?: NewOrderRespType;
  /** Price the LIMIT order from the order book instead of `price` (not with `price`). */
  priceMatch?: PriceMatch;
  /** Self-trade prevention; default NONE. */
  selfTradePreventionMode?: SelfTradePreventionMode;
  /** Cancel time for GTD orders, ms epoch (truncated to seconds; more than 600 s ahead). */
  goodTillDate?: number;
};

/**
 * Identifies one order: by exchange `orderId` or by client id `origClientOrderId` (one is required).
 *
 * @example
 * ```ts
 * const ref: OrderRef = { symbol: "BTCUSDT", origClientOrderId: "grid-42" };
 * ```
 */
export type OrderRef = {
  /** Trading pair, e.g. BTCUSDT. */
  symbol: string;
  /** Exchange order id; wins over `origClientOrderId` when both are set. */
  orderId?: number;
  /** Client order id the order was placed with. */
  origClientOrderId?: string;
};

/**
 * Parameters of `order.modify`: LIMIT orders only; quantity and price (or priceMatch) are both required.
 *
 * @example
 * ```ts
 * const m: ModifyOrderParams = { symbol: "BTCUSDT", orderId: 42, side: "BUY", quantity: "0.002", price: "49990" };
 * ```
 */
export type ModifyOrderParams = OrderRef & {
  /** BUY or SELL; must match the order's side. */
  side: Side;
  /** New quantity (decimal string). */
  quantity: string;
  /** New limit price (decimal string); required unless `priceMatch` is set. */
  price?: string;
  /** Price the order from the order book instead of `price`. */
  priceMatch?: PriceMatch;
};

/**
 * Conditional order types, placed with `algoOrder.place`.
 *
 * @example
 * ```ts
 * const type: AlgoOrderType = "TAKE_PROFIT_MARKET";
 * ```
 */
export type AlgoOrderType = typeof CONDITIONAL_TYPES[number];

/**
 * Parameters of `algoOrder.place` (stop, take-profit and trailing orders).
 *
 * @example
 * ```ts
 * const stop: PlaceAlgoOrderParams = { symbol: "BTCUSDT", side: "SELL", type: "STOP_MARKET", quantity: "0.002", triggerPrice: "45000" };
 * ```
 */
export type PlaceAlgoOrderParams = {
  /** Trading pair, e.g. BTCUSDT. */
  symbol: string;
  /** BUY or SELL. */
  side: Side;
  /** Conditional order type. */
  type: AlgoOrderType;
  /** Order quantity (decimal string); not with `closePosition`. */
  quantity?: string;
  /** Limit price once triggered (decimal string), for STOP and TAKE_PROFIT. */
  price?: string;
  /** Price that triggers the order (decimal string). */
  triggerPrice?: string;
  /** Time in force of the order placed on trigger. */
  timeInForce?: AlgoTimeInForce;
  /** Default BOTH (one-way mode); LONG or SHORT in hedge mode. */
  positionSide?: PositionSide;
  /** Price the trigger watches: mark or contract (last) price; default CONTRACT_PRICE. */
  workingType?: WorkingType;
  /** Price the triggered order from the order book instead of `price`. */
  priceMatch?: PriceMatch;
  /** Close the whole position on trigger; not with `quantity` or `reduceOnly`. */
  closePosition?: boolean;
  /** Enable Binance's trigger price protection. */
  priceProtect?: boolean;
  /** Only reduce an existing position. */
  reduceOnly?: boolean;
  /** Activation price of a trailing stop (decimal string). */
  activatePrice?: string;
  /** Trailing stop callback rate in percent (decimal string; "1" means 1 %). */
  callbackRate?: string;
  /** Generated when absent. */
  clientAlgoId?: string;
  /** ACK (default) or RESULT. */
  newOrderRespType?: NewOrderRespType;
  /** Self-trade prevention; default NONE. */
  selfTradePreventionMode?: SelfTradePreventionMode;
  /** Cancel time for GTD orders, ms epoch. */
  goodTillDate?: number;
};

/**
 * Identifies one algo order: by `algoId` or `clientAlgoId`.
 *
 * @example
 * ```ts
 * const ref: AlgoOrderRef = { algoId: 2000000000000001 };
 * ```
 */
export type AlgoOrderRef = {
  /** Exchange algo order id. */
  algoId?: number;
  /** Client algo id the order was placed with. */
  clientAlgoId?: string;
};

/**
 * The order object the exchange returns from order.place/modify/cancel/status. Only the fields the router
 * relies on are typed; the rest are passed through unchanged.
 *
 * @example
 * ```ts
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

/**
 * Parameter values accepted on the wire. Decimals are strings; booleans go out as "true"/"false".
 *
 * @example
 * ```ts
 * const v: ParamValue = "0.002";
 * ```
 */
export type ParamValue = string | number | boolean;

/**
 * A flat parameter object, as sent in a request's `params`. Read-only because the router never writes to the
 * caller's object (a generated client id is passed beside it, not stored in it), and so that the param shapes
 * above, and read-only objects a caller keeps, are assignable to it as they are.
 *
 * @example
 * ```ts
 * const order: PlaceOrderParams = { symbol: "BTCUSDT", side: "BUY", type: "MARKET", quantity: "0.002" };
 * const params: Params = order; // no cast
 * ```
 */
export type Params = { readonly [key: string]: ParamValue | undefined };
