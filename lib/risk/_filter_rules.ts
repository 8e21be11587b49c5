/**
 * The exchange filter rules on scaled integers (scaled_decimal.ts), with the exchange's codes (ws-fapi.md §9):
 * each returns the code, or 0 when the value passes. A rule whose field is 0 is off.
 *
 * @module
 */

import { POW10 } from "./scaled_decimal.ts";
import type { SymbolFilters } from "./symbol_filters.ts";

/**
 * PRICE_FILTER: -4013 below min, -4002 above max, -4014 off the tick grid (counted from minPrice); 0 passes.
 *
 * @example
 * ```ts
 * import type { SymbolFilters } from "./symbol_filters.ts";
 * declare const btc: SymbolFilters; // tickSize 0.10 at priceScale 2
 * priceFilter(btc, 5_000_015); // -4014
 * ```
 */
export function priceFilter(f: SymbolFilters, price: number): number {
  if (f.minPrice > 0 && price < f.minPrice) return -4013;
  if (f.maxPrice > 0 && price > f.maxPrice) return -4002;
  if (f.tickSize > 0 && price !== Number.POSITIVE_INFINITY && (price - f.minPrice) % f.tickSize !== 0) {
    return -4014;
  }
  return 0;
}

/**
 * LOT_SIZE / MARKET_LOT_SIZE: -4004 below min, -4005 above max, -4023 off the step grid (counted from min);
 * 0 passes.
 *
 * @example
 * ```ts
 * lotSize(0, 1, 1_000_000, 1); // -4004: zero is below the minimum
 * ```
 */
export function lotSize(qty: number, min: number, max: number, step: number): number {
  if (min > 0 && qty < min) return -4004;
  if (max > 0 && qty > max) return -4005;
  if (step > 0 && qty !== Number.POSITIVE_INFINITY && (qty - min) % step !== 0) return -4023;
  return 0;
}

/**
 * True when a scaled price has non-zero digits beyond pricePrecision (the exchange's -1111); possible only
 * when a PRICE_FILTER field has more decimals than pricePrecision.
 *
 * @example
 * ```ts
 * import type { SymbolFilters } from "./symbol_filters.ts";
 * declare const f: SymbolFilters;
 * pricePrecisionOver(f, 5_000_010); // false when priceScale equals pricePrecision
 * ```
 */
export function pricePrecisionOver(f: SymbolFilters, price: number): boolean {
  return price > 0 && f.priceScale > f.pricePrecision && Number.isFinite(price) &&
    price % POW10[f.priceScale - f.pricePrecision]! !== 0;
}
