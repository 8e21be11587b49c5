/**
 * The trader's limits (risk_limits.ts) as compares on one symbol's state: per-order quantity and notional, the
 * price band, the worst-case position, open orders and the per-second rate, plus the global allowed symbols
 * and reduce-only mode. Part of the pre-trade check's path: plain numbers, no allocation.
 *
 * @module
 */

import type { SymbolState } from "./symbol_state.ts";
import type { Verdict } from "./verdict.ts";

/** An order in one-way mode (positionSide absent or BOTH). */
export const ONE_WAY = 0;
/** A hedge-mode order that opens or adds to its side: BUY on LONG, SELL on SHORT. */
export const HEDGE_OPENS = 1;
/** A hedge-mode order that closes part of its side (SELL on LONG, BUY on SHORT): it can only reduce. */
export const HEDGE_CLOSES = 2;

/**
 * Which of {@linkcode ONE_WAY}, {@linkcode HEDGE_OPENS} and {@linkcode HEDGE_CLOSES} an order is.
 *
 * @example
 * ```ts
 * hedgeSide("LONG", false); // HEDGE_CLOSES: selling on the LONG side closes it
 * hedgeSide(undefined, true); // ONE_WAY
 * ```
 */
export function hedgeSide(positionSide: string | undefined, buy: boolean): number {
  if (positionSide === "LONG") return buy ? HEDGE_OPENS : HEDGE_CLOSES;
  if (positionSide === "SHORT") return buy ? HEDGE_CLOSES : HEDGE_OPENS;
  return ONE_WAY;
}

/**
 * The trader's limits for one order (`k`: `s.k`, passed so the pass path never reads `s`), in a fixed order,
 * filling `v` on a refusal (`allowedSymbols` and
 * `reduceOnlyMode` as packed into the symbol's state); `price` < 0 when the order
 * has none (MARKET, priceMatch). The limits that need the mark fail closed while it is stale (value -1).
 * `opens`: the order may add to the position; `rests`: it may add an open order (not MARKET, IOC, FOK, nor
 * a modify), so it counts toward `maxOpenOrders`. `replaced`: for a modify, the quantity of the open order
 * that `qty` replaces in the worst-case position (its counted remaining plus its executed quantity, so that
 * the new remaining, `qty` − executed, takes the old remaining's place); 0 otherwise. `hedge`: the order's
 * {@linkcode hedgeSide}: in hedge mode a close of a side passes the position rules (it can only reduce), and
 * an order that adds to a side meets them with that side's worst case (its position, the open orders that add
 * to it, this order).
 *
 * @example
 * ```ts
 * import type { SymbolState } from "./symbol_state.ts";
 * import { Verdict } from "./verdict.ts";
 * declare const state: SymbolState;
 * const v = new Verdict();
 * checkLimits(v, state, state.k, true, 2, 5_000_000, false, false, true, Date.now(), true, true);
 * ```
 */
export function checkLimits(
  v: Verdict,
  s: SymbolState,
  k: Float64Array,
  buy: boolean,
  qty: number,
  price: number,
  reduceOnly: boolean,
  closePosition: boolean,
  fresh: boolean,
  now: number,
  opens: boolean,
  rests: boolean,
  band = true,
  replaced = 0,
  hedge = ONE_WAY,
): number {
  if (k[39 /* L_ALLOWED */] === 0) return limit(v, s, "allowedSymbols", 0, 0, 0);
  const pos = k[33 /* POSITION */]!;
  const shrinks = buy ? pos < 0 : pos > 0;
  if (k[40 /* L_REDUCE_ONLY_MODE */] === 1 && hedge !== HEDGE_CLOSES) {
    // With the orders already open on the same side: each alone reducing, together they could open the other
    // way (three SELLs of 0.5 against a long of 0.5 end short 1.0). A modify's new quantity takes the place of
    // the order's old one.
    const fits = closePosition || reduceOnly ||
      qty - replaced + (buy ? k[34 /* OPEN_BUY_QTY */]! : k[35 /* OPEN_SELL_QTY */]!) <= (buy ? -pos : pos);
    if (hedge === HEDGE_OPENS || !(shrinks && fits)) {
      return limit(v, s, "reduceOnlyMode", qty, Math.abs(pos), k[18 /* QTY_SCALE */]!);
    }
  }
  const maxQty = k[26 /* L_MAX_ORDER_QTY */]!;
  if (qty > maxQty) return limit(v, s, "maxOrderQty", qty, maxQty, k[18 /* QTY_SCALE */]!);
  const maxNotional = k[27 /* L_MAX_ORDER_NOTIONAL */]!;
  if (maxNotional !== Number.POSITIVE_INFINITY) {
    const notional = price >= 0 ? price * qty : k[23 /* MARK_PRICE */]! * qty;
    if (price < 0 && !fresh) return stale(v, "maxOrderNotional", s);
    if (notional > maxNotional) {
      return limit(
        v,
        s,
        "maxOrderNotional",
        notional,
        maxNotional,
        k[17 /* PRICE_SCALE */]! + k[18 /* QTY_SCALE */]!,
      );
    }
  }
  if (band && price >= 0 && k[28 /* L_PRICE_BAND_PCT */] !== Number.POSITIVE_INFINITY) {
    if (!fresh) return stale(v, "priceBandPct", s);
    if (price > k[24 /* BAND_HIGH */]!) {
      return limit(v, s, "priceBandPct", price, k[24 /* BAND_HIGH */]!, k[17 /* PRICE_SCALE */]!);
    }
    if (price < k[25 /* BAND_LOW */]!) {
      return limit(v, s, "priceBandPct", price, k[25 /* BAND_LOW */]!, k[17 /* PRICE_SCALE */]!);
    }
  }
  // A modify that does not raise the order's quantity cannot raise the worst case: never refuse it here.
  if (opens && hedge !== HEDGE_CLOSES && !(reduceOnly && shrinks) && !(replaced > 0 && qty <= replaced)) {
    // One-way: the net position and the open orders on this order's side. Hedge mode: the side's own
    // position and the open orders that add to it (BUY on LONG, SELL on SHORT; SHORT amounts are negative).
    const worst = hedge === HEDGE_OPENS
      ? (buy ? s.longPosition + s.openLongQty : s.openShortQty - s.shortPosition) - replaced + qty
      : buy
      ? pos + k[34 /* OPEN_BUY_QTY */]! - replaced + qty
      : k[35 /* OPEN_SELL_QTY */]! - replaced + qty - pos;
    const maxPosition = k[29 /* L_MAX_POSITION_QTY */]!;
    if (worst > maxPosition) return limit(v, s, "maxPositionQty", worst, maxPosition, k[18 /* QTY_SCALE */]!);
    const maxPositionNotional = k[30 /* L_MAX_POSITION_NOTIONAL */]!;
    if (maxPositionNotional !== Number.POSITIVE_INFINITY) {
      if (!fresh) return stale(v, "maxPositionNotional", s);
      const notional = worst * k[23 /* MARK_PRICE */]!;
      if (notional > maxPositionNotional) {
        const scale = k[17 /* PRICE_SCALE */]! + k[18 /* QTY_SCALE */]!;
        return limit(v, s, "maxPositionNotional", notional, maxPositionNotional, scale);
      }
    }
  }
  // An order that cannot rest (MARKET, IOC, FOK) never adds an open order.
  if (opens && rests) {
    const open = k[36 /* OPEN_ORDERS */]! + k[37 /* OPEN_ALGO_ORDERS */]! + 1;
    if (open > k[31 /* L_MAX_OPEN_ORDERS */]!) {
      return limit(v, s, "maxOpenOrders", open, k[31 /* L_MAX_OPEN_ORDERS */]!, 0);
    }
  }
  const max = k[32 /* L_MAX_ORDERS_PER_SECOND */]!;
  if (max !== Number.POSITIVE_INFINITY && s.rateExceeded(now)) {
    return limit(v, s, "maxOrdersPerSecond", max + 1, max, 0);
  }
  return v.pass();
}

function limit(v: Verdict, s: SymbolState, name: string, value: number, max: number, scale: number): number {
  v.state = s;
  return v.limit(name, value, max, scale);
}

function stale(v: Verdict, name: string, s: SymbolState): number {
  v.state = s;
  return v.limit(name, -1, 0, 0); // value -1: no fresh mark to judge by
}
