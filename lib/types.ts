/**
 * Request and result shapes of the ws-fapi methods the router speaks. Parameter names are Binance's own, so
 * a strategy can pass the same objects it would send to the exchange. Decimals (price, quantity, stopPrice,
 * triggerPrice…) are strings: they travel as strings and are never rounded through a float.
 *
 * @module
 */

/** Order side. */
export type Side = "BUY" | "SELL";
/** Position side: BOTH in one-way mode, LONG/SHORT in hedge mode. */
export type PositionSide = "BOTH" | "LONG" | "SHORT";
/** Time in force. GTX is post-only. */
export type TimeInForce = "GTC" | "IOC" | "FOK" | "GTX" | "GTD" | "RPI";
/** Price-match modes for LIMIT orders placed without a price. */
export type PriceMatch =
  | "OPPONENT"
  | "OPPONENT_5"
  | "OPPONENT_10"
  | "OPPONENT_20"
  | "QUEUE"
  | "QUEUE_5"
  | "QUEUE_10"
  | "QUEUE_20";
/** Self-trade prevention modes. */
export type SelfTradePreventionMode = "NONE" | "EXPIRE_TAKER" | "EXPIRE_MAKER" | "EXPIRE_BOTH";

/**
 * Parameters of `order.place` (LIMIT and MARKET; conditional types go through `placeAlgoOrder`).
 *
 * @example
 * ```ts
 * const order: PlaceOrderParams = { symbol: "BTCUSDT", side: "BUY", type: "LIMIT", quantity: "0.002", price: "50000", timeInForce: "GTC" };
 * ```
 */
export interface PlaceOrderParams {
  symbol: string;
  side: Side;
  type: "LIMIT" | "MARKET";
  quantity: string;
  price?: string;
  timeInForce?: TimeInForce;
  positionSide?: PositionSide;
  reduceOnly?: boolean;
  /** Generated (unique, Binance's pattern) when absent. */
  newClientOrderId?: string;
  newOrderRespType?: "ACK" | "RESULT";
  priceMatch?: PriceMatch;
  selfTradePreventionMode?: SelfTradePreventionMode;
  goodTillDate?: number;
}

/** Identifies one order: by exchange `orderId` or by client id `origClientOrderId` (one is required). */
export interface OrderRef {
  symbol: string;
  orderId?: number;
  origClientOrderId?: string;
}

/**
 * Parameters of `order.modify`: LIMIT orders only; quantity and price (or priceMatch) are both required.
 *
 * @example
 * ```ts
 * const m: ModifyOrderParams = { symbol: "BTCUSDT", orderId: 42, side: "BUY", quantity: "0.002", price: "49990" };
 * ```
 */
export interface ModifyOrderParams extends OrderRef {
  side: Side;
  quantity: string;
  price?: string;
  priceMatch?: PriceMatch;
}

/** Conditional order types, placed with `algoOrder.place`. */
export type AlgoOrderType =
  | "STOP_MARKET"
  | "TAKE_PROFIT_MARKET"
  | "STOP"
  | "TAKE_PROFIT"
  | "TRAILING_STOP_MARKET";

/**
 * Parameters of `algoOrder.place` (stop, take-profit and trailing orders).
 *
 * @example
 * ```ts
 * const stop: PlaceAlgoOrderParams = { symbol: "BTCUSDT", side: "SELL", type: "STOP_MARKET", quantity: "0.002", triggerPrice: "45000" };
 * ```
 */
export interface PlaceAlgoOrderParams {
  symbol: string;
  side: Side;
  type: AlgoOrderType;
  quantity?: string;
  price?: string;
  triggerPrice?: string;
  timeInForce?: "GTC" | "IOC" | "FOK";
  positionSide?: PositionSide;
  workingType?: "MARK_PRICE" | "CONTRACT_PRICE";
  priceMatch?: PriceMatch;
  closePosition?: boolean;
  priceProtect?: boolean;
  reduceOnly?: boolean;
  activatePrice?: string;
  callbackRate?: string;
  /** Generated when absent. */
  clientAlgoId?: string;
  newOrderRespType?: "ACK" | "RESULT";
  selfTradePreventionMode?: SelfTradePreventionMode;
  goodTillDate?: number;
}

/** Identifies one algo order: by `algoId` or `clientAlgoId`. */
export interface AlgoOrderRef {
  algoId?: number;
  clientAlgoId?: string;
}

/**
 * The order object the exchange returns from order.place/modify/cancel/status. Only the fields the router
 * relies on are typed; the rest are passed through unchanged.
 */
export interface OrderResult {
  orderId: number;
  symbol: string;
  status: string;
  clientOrderId: string;
  price: string;
  origQty: string;
  executedQty: string;
  side: Side;
  type: string;
  timeInForce: string;
  updateTime: number;
  [field: string]: unknown;
}

/** The algo-order object returned by `algoOrder.place`. */
export interface AlgoOrderResult {
  algoId: number;
  clientAlgoId: string;
  algoStatus: string;
  symbol: string;
  [field: string]: unknown;
}

/** One entry of the exchange's `rateLimits` array: the latest usage the exchange reported. */
export interface RateLimit {
  rateLimitType: "REQUEST_WEIGHT" | "ORDERS";
  interval: "SECOND" | "MINUTE" | "HOUR" | "DAY";
  intervalNum: number;
  limit: number;
  count: number;
}

/** Parameter values accepted on the wire. Decimals are strings; booleans go out as "true"/"false". */
export type ParamValue = string | number | boolean;

/** A flat parameter object, as sent in a request's `params`. */
export type Params = Record<string, ParamValue | undefined>;
