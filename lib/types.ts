/**
 * Request shapes of the ws-fapi methods the router speaks. Parameter names are Binance's own, so a strategy
 * can pass the same objects it would send to the exchange. Decimals (price, quantity, stopPrice,
 * triggerPrice…) are strings: they travel as strings and are never rounded through a float.
 *
 * The parameter shapes are `type` aliases rather than interfaces on purpose: an alias is assignable to the
 * flat {@linkcode Params} record without a cast (an interface has no implicit index signature), while a typo
 * in an object literal is still refused as an excess property.
 *
 * The value types (`Side`, `OrderType`, statuses…) live in `enum_types.ts` and the exchange's result shapes
 * in `results.ts`. Both are re-exported here, so one import path reaches every public type.
 *
 * @module
 */

import type {
  AlgoOrderType,
  AlgoTimeInForce,
  NewOrderRespType,
  OrderType,
  PositionSide,
  PriceMatch,
  SelfTradePreventionMode,
  Side,
  TimeInForce,
  WorkingType,
} from "./enum_types.ts";

export type * from "./enum_types.ts";
export type * from "./results.ts";

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
