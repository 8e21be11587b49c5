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
  /** Trading pair, e.g. BTCUSDT. */
  symbol: string;
  /** BUY or SELL. */
  side: Side;
  /** Order type: LIMIT or MARKET. */
  type: "LIMIT" | "MARKET";
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
  newOrderRespType?: "ACK" | "RESULT";
  /** Price the LIMIT order from the order book instead of `price` (not with `price`). */
  priceMatch?: PriceMatch;
  /** Self-trade prevention; default NONE. */
  selfTradePreventionMode?: SelfTradePreventionMode;
  /** Cancel time for GTD orders, ms epoch (truncated to seconds; more than 600 s ahead). */
  goodTillDate?: number;
}

/** Identifies one order: by exchange `orderId` or by client id `origClientOrderId` (one is required). */
export interface OrderRef {
  /** Trading pair, e.g. BTCUSDT. */
  symbol: string;
  /** Exchange order id; wins over `origClientOrderId` when both are set. */
  orderId?: number;
  /** Client order id the order was placed with. */
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
  /** BUY or SELL; must match the order's side. */
  side: Side;
  /** New quantity (decimal string). */
  quantity: string;
  /** New limit price (decimal string); required unless `priceMatch` is set. */
  price?: string;
  /** Price the order from the order book instead of `price`. */
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
  timeInForce?: "GTC" | "IOC" | "FOK";
  /** Default BOTH (one-way mode); LONG or SHORT in hedge mode. */
  positionSide?: PositionSide;
  /** Price the trigger watches: mark or contract (last) price; default CONTRACT_PRICE. */
  workingType?: "MARK_PRICE" | "CONTRACT_PRICE";
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
  newOrderRespType?: "ACK" | "RESULT";
  /** Self-trade prevention; default NONE. */
  selfTradePreventionMode?: SelfTradePreventionMode;
  /** Cancel time for GTD orders, ms epoch. */
  goodTillDate?: number;
}

/** Identifies one algo order: by `algoId` or `clientAlgoId`. */
export interface AlgoOrderRef {
  /** Exchange algo order id. */
  algoId?: number;
  /** Client algo id the order was placed with. */
  clientAlgoId?: string;
}

/**
 * The order object the exchange returns from order.place/modify/cancel/status. Only the fields the router
 * relies on are typed; the rest are passed through unchanged.
 */
export interface OrderResult {
  /** Exchange order id. */
  orderId: number;
  /** Trading pair, e.g. BTCUSDT. */
  symbol: string;
  /** Order status: NEW, PARTIALLY_FILLED, FILLED, CANCELED, EXPIRED… */
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

/** The algo-order object returned by `algoOrder.place`. */
export interface AlgoOrderResult {
  /** Exchange algo order id. */
  algoId: number;
  /** Client algo id. */
  clientAlgoId: string;
  /** Algo status: NEW, CANCELED, TRIGGERING, TRIGGERED, FINISHED, REJECTED or EXPIRED. */
  algoStatus: string;
  /** Trading pair, e.g. BTCUSDT. */
  symbol: string;
  /** Any other field the exchange sent, unchanged. */
  [field: string]: unknown;
}

/** One entry of the exchange's `rateLimits` array: the latest usage the exchange reported. */
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

/** Parameter values accepted on the wire. Decimals are strings; booleans go out as "true"/"false". */
export type ParamValue = string | number | boolean;

/** A flat parameter object, as sent in a request's `params`. */
export type Params = Record<string, ParamValue | undefined>;
