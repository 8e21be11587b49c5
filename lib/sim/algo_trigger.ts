/**
 * When a conditional order triggers, and the regular order it becomes. The trigger price is compared with the
 * mark for both working types: the simulator has no separate last price (a simulator choice, so
 * CONTRACT_PRICE behaves as MARK_PRICE).
 *
 * - STOP / STOP_MARKET: a BUY triggers when the price reaches the trigger from below (price ≥ trigger), a
 *   SELL from above (price ≤ trigger).
 * - TAKE_PROFIT / TAKE_PROFIT_MARKET: the other way (BUY when price ≤ trigger, SELL when price ≥ trigger).
 * - TRAILING_STOP_MARKET: active once the price reaches `activatePrice` (SELL from below, BUY from above; at
 *   once without one); then it follows the best price since activation (the highest for a SELL, the lowest
 *   for a BUY) and triggers when the price comes back by `callbackRate` % of it. The live stop level is the
 *   order's `triggerPrice`, on the tick.
 *
 * A triggered STOP / TAKE_PROFIT becomes a LIMIT order at `price` with the algo order's time in force; the
 * *_MARKET types and the trailing stop become MARKET orders. closePosition sends the whole position,
 * reduce-only. The regular order takes the algo order's client id (`c` = `caid`, a simulator choice).
 *
 * @module
 */

import { closesSide } from "./accounts.ts";
import type { AlgoOrder } from "./algo.ts";
import { abs, mul } from "./decimal.ts";
import { E, type Failure } from "./errors.ts";
import { roundToTick } from "./symbols.ts";
import type { PlaceRequest } from "./validate.ts";

/**
 * What links an order to the algo order that placed it when it triggered.
 *
 * @example
 * ```ts
 * const link: AlgoLink = { algoId: 2_000_000_000_000_001, origType: "STOP_MARKET", stopPrice: 0n,
 *   workingType: "MARK_PRICE" };
 * ```
 */
export interface AlgoLink {
  readonly algoId: number;
  readonly origType: string;
  readonly stopPrice: bigint;
  readonly workingType: string;
}

/**
 * Whether `algo` triggers at the price `mark`; moves a trailing stop's state first.
 *
 * @example
 * ```ts
 * import type { AlgoOrder } from "./algo.ts";
 * import { units } from "./decimal.ts";
 * declare const stop: AlgoOrder; // SELL STOP_MARKET, trigger 48000
 * triggers(stop, units("47999.90")); // true
 * ```
 */
export function triggers(algo: AlgoOrder, mark: bigint): boolean {
  const buy = algo.side === "BUY";
  switch (algo.type) {
    case "STOP":
    case "STOP_MARKET":
      return buy ? mark >= algo.triggerPrice : mark <= algo.triggerPrice;
    case "TAKE_PROFIT":
    case "TAKE_PROFIT_MARKET":
      return buy ? mark <= algo.triggerPrice : mark >= algo.triggerPrice;
    default:
      return trail(algo, mark);
  }
}

function trail(algo: AlgoOrder, mark: bigint): boolean {
  const buy = algo.side === "BUY";
  if (algo.extreme === 0n) {
    const act = algo.activatePrice;
    if (act !== 0n && (buy ? mark > act : mark < act)) return false;
    algo.extreme = mark;
  } else if (buy ? mark < algo.extreme : mark > algo.extreme) {
    algo.extreme = mark;
  }
  const move = mul(algo.extreme, algo.callbackRate) / 100n;
  const stop = roundToTick(algo.spec, buy ? algo.extreme + move : algo.extreme - move);
  algo.triggerPrice = stop;
  return buy ? mark >= stop : mark <= stop;
}

/**
 * The regular order a triggered `algo` becomes, or why it cannot be placed (closePosition with no position to
 * close).
 *
 * @example
 * ```ts
 * import type { Account } from "./accounts.ts";
 * import type { AlgoOrder } from "./algo.ts";
 * declare const algo: AlgoOrder;
 * declare const account: Account;
 * const req = triggeredOrder(algo, account.positionAmount(algo.spec.symbol, algo.positionSide));
 * ```
 */
export function triggeredOrder(algo: AlgoOrder, position: bigint): PlaceRequest | Failure {
  const limit = algo.type === "STOP" || algo.type === "TAKE_PROFIT";
  let qty = algo.quantity;
  if (algo.closePosition) {
    const closing = algo.side === "BUY" ? position < 0n : position > 0n;
    if (!closing) return E.reduceOnlyRejected();
    qty = abs(position);
  }
  return {
    spec: algo.spec,
    side: algo.side === "BUY" ? "BUY" : "SELL",
    type: limit ? "LIMIT" : "MARKET",
    timeInForce: limit ? algo.timeInForce : "GTC",
    qty,
    price: limit ? algo.price : 0n,
    priceMatch: "NONE",
    // A hedge-mode close of a side (SELL on LONG, BUY on SHORT) can only reduce it, as on order.place.
    reduceOnly: algo.reduceOnly || algo.closePosition || closesSide(algo.positionSide, algo.side),
    positionSide: algo.positionSide,
    clientOrderId: algo.clientAlgoId,
    respType: "RESULT",
    selfTradePreventionMode: algo.selfTradePreventionMode,
    goodTillDate: 0,
  };
}

/**
 * Whether a trailing stop with `activatePrice` would activate at once (-2021 at placement): a SELL's
 * activation price must be above the mark, a BUY's below it.
 *
 * @example
 * ```ts
 * import { units } from "./decimal.ts";
 * activatesNow("SELL", units("50000"), units("51000")); // true: -2021
 * ```
 */
export function activatesNow(side: string, activatePrice: bigint, mark: bigint): boolean {
  return side === "BUY" ? activatePrice >= mark : activatePrice <= mark;
}
