/**
 * The order record and the JSON shapes it is answered in (ws-fapi.md §5.1–5.3): one object shape for place,
 * modify and cancel; order.status adds `avgPrice`, `cumQuote` and `time`. Decimals are echoed at the symbol's
 * precision ("0.100"), never as sent.
 *
 * @module
 */

import type { Account } from "./accounts.ts";
import { formatUnits } from "./decimal.ts";
import { formatPrice } from "./stream_events.ts";
import type { SymbolSpec } from "./symbols.ts";
import type { SimOrderView } from "./types.ts";
import type { ORDER_STATUSES } from "./vocabulary.ts";

/**
 * Order statuses the simulator produces.
 *
 * @example
 * ```ts
 * const status: OrderStatus = "FILLED";
 * ```
 */
export type OrderStatus = typeof ORDER_STATUSES[number];

/** A simulated order. */
export interface SimOrder {
  readonly orderId: number;
  readonly spec: SymbolSpec;
  readonly account: Account;
  readonly clientOrderId: string;
  readonly side: "BUY" | "SELL";
  readonly type: "LIMIT" | "MARKET";
  readonly timeInForce: string;
  /** Limit price in units; 0n for MARKET. */
  price: bigint;
  qty: bigint;
  executed: bigint;
  /** Average fill price in units (0n before a fill). */
  avgPrice: bigint;
  /** Sum of price × quantity over the fills, in units. */
  cumQuote: bigint;
  status: OrderStatus;
  /** Can only reduce its position line (reduceOnly, or a hedge-mode close of a side). */
  readonly reduceOnly: boolean;
  /** BOTH (one-way mode), LONG or SHORT (hedge mode). */
  readonly positionSide: string;
  readonly priceMatch: string;
  readonly selfTradePreventionMode: string;
  readonly goodTillDate: number;
  readonly time: number;
  updateTime: number;
  /** The algo type that placed this order when it triggered (STOP_MARKET, …); else the order type. */
  readonly origType: string;
  /** The trigger price of the algo order that placed this order; 0n otherwise. */
  readonly stopPrice: bigint;
  /** The algo order's working type; CONTRACT_PRICE otherwise. */
  readonly workingType: string;
  /** The algo order that placed this order, if any (ALGO_UPDATE `ai` links back to this order). */
  readonly algoId: number | undefined;
  /** Initial margin reserved while resting. */
  margin: bigint;
  modifyCount: number;
}

/**
 * The order object of place/modify/cancel replies, key order as in the docs.
 *
 * @example
 * ```ts
 * declare const order: SimOrder; // a resting order
 * orderResult(order).status; // "NEW"
 * ```
 */
export function orderResult(o: SimOrder): Record<string, unknown> {
  const pp = o.spec.pricePrecision;
  const qp = o.spec.quantityPrecision;
  const executed = formatUnits(o.executed, qp);
  return {
    orderId: o.orderId,
    symbol: o.spec.symbol,
    status: o.status,
    clientOrderId: o.clientOrderId,
    price: formatUnits(o.price, pp),
    origQty: formatUnits(o.qty, qp),
    executedQty: executed,
    cumQty: executed,
    timeInForce: o.timeInForce,
    type: o.type,
    reduceOnly: o.reduceOnly,
    closePosition: false,
    side: o.side,
    positionSide: o.positionSide,
    stopPrice: formatUnits(o.stopPrice, pp),
    workingType: o.workingType,
    priceProtect: false,
    origType: o.origType,
    priceMatch: o.priceMatch,
    selfTradePreventionMode: o.selfTradePreventionMode,
    goodTillDate: o.goodTillDate,
    updateTime: o.updateTime,
  };
}

/**
 * The order.status object: the order object plus `avgPrice`, `cumQuote` and `time`.
 *
 * @example
 * ```ts
 * declare const order: SimOrder;
 * statusResult(order).time; // creation time (ms)
 * ```
 */
export function statusResult(o: SimOrder): Record<string, unknown> {
  const result = orderResult(o);
  result["avgPrice"] = formatPrice(o.avgPrice, o.spec.pricePrecision); // a VWAP: exact, not cut to the tick
  result["cumQuote"] = formatUnits(o.cumQuote, 5);
  result["time"] = o.time;
  return result;
}

/**
 * The harness's view of an order.
 *
 * @example
 * ```ts
 * declare const order: SimOrder;
 * orderView(order).apiKey; // the owning account's key
 * ```
 */
export function orderView(o: SimOrder): SimOrderView {
  return {
    orderId: o.orderId,
    symbol: o.spec.symbol,
    clientOrderId: o.clientOrderId,
    status: o.status,
    side: o.side,
    type: o.type,
    price: formatUnits(o.price, o.spec.pricePrecision),
    origQty: formatUnits(o.qty, o.spec.quantityPrecision),
    executedQty: formatUnits(o.executed, o.spec.quantityPrecision),
    apiKey: o.account.apiKey,
  };
}

/**
 * True while the order rests on the book (NEW or PARTIALLY_FILLED): it can still fill, be modified or cancelled.
 *
 * @example
 * ```ts
 * declare const order: SimOrder;
 * if (isOpen(order)) order.qty - order.executed; // the quantity left
 * ```
 */
export function isOpen(o: SimOrder): boolean {
  return o.status === "NEW" || o.status === "PARTIALLY_FILLED";
}

/**
 * One fill of an order, as the user data stream reports it.
 *
 * @example
 * ```ts
 * const fill: OrderFill = {
 *   qty: 1_000_000n,
 *   price: 5_000_000_000_000n,
 *   tradeId: 1,
 *   maker: true,
 *   realized: 0n,
 *   commission: 10_000_000n,
 * };
 * ```
 */
export interface OrderFill {
  /** Quantity of this fill, in units. */
  readonly qty: bigint;
  /** Price of this fill, in units. */
  readonly price: bigint;
  /** Trade id, increasing per symbol. */
  readonly tradeId: number;
  /** True when the order was resting (it filled on a mark move), false when it took liquidity from the book. */
  readonly maker: boolean;
  /** Realized PnL of this fill in USDT units (closing part of a position only). */
  readonly realized: bigint;
  /** Commission of this fill in USDT units (maker or taker rate × notional). */
  readonly commission: bigint;
}

/**
 * What just happened to an order: the user data stream's execution type (`x`) and its details.
 *
 * @example
 * ```ts
 * const change: OrderChange = { execution: "EXPIRED", expireReason: 2 };
 * ```
 */
export interface OrderChange {
  /** `x` of ORDER_TRADE_UPDATE. */
  readonly execution: "NEW" | "TRADE" | "CANCELED" | "EXPIRED" | "AMENDMENT";
  /** TRADE only. */
  readonly fill?: OrderFill;
  /** EXPIRED only: `er` (2 = IOC remainder). */
  readonly expireReason?: number;
  /** AMENDMENT only: the request's modifyId, when it sent one. */
  readonly modifyId?: number;
}

/**
 * Called synchronously after every change, with the order already in its new state.
 *
 * @example
 * ```ts
 * const log: OrderObserver = (order, change) => console.log(order.orderId, change.execution);
 * ```
 */
export type OrderObserver = (order: SimOrder, change: OrderChange) => void;
