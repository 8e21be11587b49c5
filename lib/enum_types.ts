/**
 * The value types of the order vocabulary: sides, order and algo types, time in force, statuses. Each is
 * derived from its value list in `vocabulary.ts`, so a value is added in one place and the type follows.
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
 * Conditional order types, placed with `algoOrder.place`.
 *
 * @example
 * ```ts
 * const type: AlgoOrderType = "TAKE_PROFIT_MARKET";
 * ```
 */
export type AlgoOrderType = typeof CONDITIONAL_TYPES[number];
