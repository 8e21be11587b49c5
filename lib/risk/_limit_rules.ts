/**
 * The trader's limits (risk_limits.ts) as compares on one symbol's state: per-order quantity and notional, the
 * price band, the worst-case position, open orders and the per-second rate, plus the global allowed symbols
 * and reduce-only mode. Part of the pre-trade check's path: plain numbers, no allocation.
 *
 * @module
 */

import type { SymbolState } from "./symbol_state.ts";
import type { Verdict } from "./verdict.ts";

/**
 * The trader's limits for one order, in a fixed order, filling `v` on a refusal; `price` < 0 when the order
 * has none (MARKET, priceMatch). The limits that need the mark fail closed while it is stale (value -1).
 *
 * @example
 * ```ts
 * import type { SymbolState } from "./symbol_state.ts";
 * import { Verdict } from "./verdict.ts";
 * declare const state: SymbolState;
 * const v = new Verdict();
 * checkLimits(v, undefined, false, state, true, 2, 5_000_000, false, false, true, Date.now(), true);
 * ```
 */
export function checkLimits(
  v: Verdict,
  allowed: ReadonlySet<string> | undefined,
  reduceOnlyMode: boolean,
  s: SymbolState,
  buy: boolean,
  qty: number,
  price: number,
  reduceOnly: boolean,
  closePosition: boolean,
  fresh: boolean,
  now: number,
  opens: boolean,
  band = true,
): number {
  const L = s.limits;
  const f = s.filters;
  const qs = f.qtyScale;
  v.state = s;
  if (allowed !== undefined && !allowed.has(f.symbol)) {
    return v.limit("allowedSymbols", 0, 0, 0);
  }
  const pos = s.position;
  const shrinks = buy ? pos < 0 : pos > 0;
  if (reduceOnlyMode) {
    const fits = closePosition || reduceOnly || qty <= (buy ? -pos : pos);
    if (!(shrinks && fits)) {
      return v.limit("reduceOnlyMode", qty, Math.abs(pos), qs);
    }
  }
  if (qty > L.maxOrderQty) return v.limit("maxOrderQty", qty, L.maxOrderQty, qs);
  const ns = f.priceScale + qs;
  if (L.maxOrderNotional !== Number.POSITIVE_INFINITY) {
    if (price >= 0) {
      if (price * qty > L.maxOrderNotional) {
        return v.limit("maxOrderNotional", price * qty, L.maxOrderNotional, ns);
      }
    } else if (!fresh) return stale(v, "maxOrderNotional", s);
    else if (s.markPrice * qty > L.maxOrderNotional) {
      return v.limit("maxOrderNotional", s.markPrice * qty, L.maxOrderNotional, ns);
    }
  }
  if (band && price >= 0 && L.priceBandPct !== Number.POSITIVE_INFINITY) {
    if (!fresh) return stale(v, "priceBandPct", s);
    if (price > s.bandHigh) return v.limit("priceBandPct", price, s.bandHigh, f.priceScale);
    if (price < s.bandLow) return v.limit("priceBandPct", price, s.bandLow, f.priceScale);
  }
  if (opens && !(reduceOnly && shrinks)) {
    const worst = buy ? pos + s.openBuyQty + qty : s.openSellQty + qty - pos;
    if (worst > L.maxPositionQty) return v.limit("maxPositionQty", worst, L.maxPositionQty, qs);
    if (L.maxPositionNotional !== Number.POSITIVE_INFINITY) {
      if (!fresh) return stale(v, "maxPositionNotional", s);
      if (worst * s.markPrice > L.maxPositionNotional) {
        return v.limit("maxPositionNotional", worst * s.markPrice, L.maxPositionNotional, ns);
      }
    }
  }
  if (opens && s.openOrders + s.openAlgoOrders + 1 > L.maxOpenOrders) {
    return v.limit("maxOpenOrders", s.openOrders + s.openAlgoOrders + 1, L.maxOpenOrders, 0);
  }
  if (s.rateExceeded(now)) {
    return v.limit("maxOrdersPerSecond", L.maxOrdersPerSecond + 1, L.maxOrdersPerSecond, 0);
  }
  return v.pass();
}

function stale(v: Verdict, name: string, s: SymbolState): number {
  v.state = s;
  return v.limit(name, -1, 0, 0); // value -1: no fresh mark to judge by
}
