/**
 * One tracked order's record, how it starts from an intent's parameters, and facts derived from it.
 *
 * @module
 */

import type { Params } from "../types.ts";

/** Where an order stands as far as the router knows. */
export type TrackedState = "pending" | "open" | "unknown" | "finished";

/**
 * One order of the account (placed by this router, or seen on the user data stream).
 *
 * @example
 * ```ts
 * import type { OrderTracker } from "./order_tracker.ts";
 * declare const tracker: OrderTracker;
 * for (const o of tracker.list()) console.log(o.clientOrderId, o.state, o.status, o.executedQty);
 * ```
 */
export interface TrackedOrder {
  /** Client order id (or client algo id). */
  clientOrderId: string;
  /** Trading pair, e.g. BTCUSDT. */
  symbol: string;
  /** BUY or SELL. */
  side: string;
  /** Order type, e.g. LIMIT or STOP_MARKET. */
  type: string;
  /** Order quantity (as sent, then as the exchange reported it). */
  quantity: string;
  /** Limit price (trigger price for algo orders without one); "" when none. */
  price: string;
  /** Time in force as sent ("" when none, e.g. MARKET). */
  timeInForce: string;
  /** BOTH (one-way mode), or the hedge-mode side the order is on: LONG or SHORT. */
  positionSide: string;
  /** Exchange order id once known (for algo orders, the algoId). */
  orderId: number | undefined;
  /** Exchange status (NEW, PARTIALLY_FILLED, FILLED…), or PENDING / UNKNOWN / UNVERIFIED. */
  status: string;
  /** pending (sent, no answer yet), open, unknown (must be reconciled), or finished. */
  state: TrackedState;
  /** Filled quantity so far. */
  executedQty: string;
  /** Average fill price ("0" before the first fill). */
  avgPrice: string;
  /** A conditional order (algoOrder.place): not visible to order.status. */
  algo: boolean;
  /**
   * A triggered conditional order: the id of the regular order it became in the matching engine (the user
   * stream's `ai`, or its `ORDER_TRADE_UPDATE`, which carries the client algo id). A halt cancels that order:
   * the algo service no longer holds it.
   */
  actualOrderId?: number;
  /** Not placed by this router (another client, the web UI, a liquidation `autoclose-…`). */
  external: boolean;
  /**
   * Found open on the exchange with this router's client id pattern but unknown to its journal (a lost or
   * damaged journal): adopted as its own, so halt cancels it.
   */
  recovered: boolean;
  /** Local ms when the intent was recorded (reconciliation waits past it + recvWindow before NOT_FOUND). */
  intentAt: number;
  /** Local ms of the last change. */
  updatedAt: number;
  /** Exchange ms of the newest change applied (event `T` or answer `updateTime`); 0 before any. */
  updateTime: number;
  /**
   * The order can only reduce a position (`reduceOnly` or `closePosition`): it adds nothing to the worst-case
   * position the pre-trade limits count. Unset when not known to be (an order seen first on the stream).
   */
  reduceOnly?: boolean;
}

/**
 * A new record from the parameters of an `order.place` / `algoOrder.place` intent.
 *
 * @example
 * ```ts
 * const o = fromParams("lr-1", "order.place", { symbol: "BTCUSDT", side: "BUY", type: "LIMIT", quantity: "0.002" }, Date.now());
 * o.state; // "pending"
 * ```
 */
export function fromParams(cid: string, method: string, params: Params, intentAt: number): TrackedOrder {
  const algo = method === "algoOrder.place";
  const price = String(params.price ?? params.triggerPrice ?? "");
  const str = (v: unknown) => String(v ?? "");
  const o = newOrder(
    cid,
    str(params.symbol),
    str(params.side),
    str(params.type),
    str(params.quantity),
    price,
    algo,
    intentAt,
  );
  o.timeInForce = str(params.timeInForce);
  if (params.positionSide !== undefined) o.positionSide = str(params.positionSide);
  const yes = (v: unknown) => v === true || v === "true";
  if (yes(params.reduceOnly) || yes(params.closePosition)) o.reduceOnly = true;
  return o;
}

/**
 * Whether the exchange finishes `o` at once (MARKET, IOC, FOK): Binance's default ACK answer still says NEW
 * for those, so without a user stream only a query tells how they ended.
 *
 * @example
 * ```ts
 * import type { OrderTracker } from "./order_tracker.ts";
 * declare const tracker: OrderTracker;
 * const stale = tracker.list("open").filter(finishesAtOnce);
 * ```
 */
export function finishesAtOnce(o: Readonly<TrackedOrder>): boolean {
  return o.type === "MARKET" || o.timeInForce === "IOC" || o.timeInForce === "FOK";
}

/**
 * A new pending record with nothing filled.
 *
 * @example
 * ```ts
 * const o = newOrder("web_1", "BTCUSDT", "SELL", "LIMIT", "0.002", "52000", false, 0);
 * ```
 */
export function newOrder(
  cid: string,
  symbol: string,
  side: string,
  type: string,
  quantity: string,
  price: string,
  algo: boolean,
  intentAt: number,
): TrackedOrder {
  return {
    clientOrderId: cid,
    symbol,
    side,
    type,
    quantity,
    price,
    timeInForce: "",
    positionSide: "BOTH",
    orderId: undefined,
    status: "PENDING",
    state: "pending",
    executedQty: "0",
    avgPrice: "0",
    algo,
    external: false,
    recovered: false,
    intentAt,
    updatedAt: intentAt,
    updateTime: 0,
  };
}

/**
 * What a reader of an order sees change: an ack and a stream event saying the same thing are one change, even
 * when they format a decimal differently ("50000" / "50000.00"), so decimals compare by value.
 *
 * @example
 * ```ts
 * const o = newOrder("lr-1", "BTCUSDT", "BUY", "LIMIT", "0.002", "50000", false, 0);
 * visible(o) === visible({ ...o, price: "50000.00" }); // true
 * ```
 */
export function visible(o: Readonly<TrackedOrder>): string {
  const n = (d: string) => (d === "" ? "" : String(Number(d)));
  return `${o.state}|${o.status}|${n(o.executedQty)}|${n(o.avgPrice)}|${n(o.price)}|${
    n(o.quantity)
  }|${o.orderId}|${o.actualOrderId}`;
}

/**
 * Whether `method` places an order (LIMIT/MARKET or conditional).
 *
 * @example
 * ```ts
 * isPlace("algoOrder.place"); // true
 * ```
 */
export function isPlace(method: string): boolean {
  return method === "order.place" || method === "algoOrder.place";
}
