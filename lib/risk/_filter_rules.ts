/**
 * The exchange filter rules on scaled integers (scaled_decimal.ts), with the exchange's codes (ws-fapi.md §9):
 * each returns the code, or 0 when the value passes. A rule whose field is 0 is off.
 *
 * @module
 */

/**
 * PRICE_FILTER: -4013 below min, -4002 above max, -4014 off the tick grid (counted from minPrice); 0 passes.
 * Reads the symbol's packed numbers, where a rule that is off never fails (min 0, max Infinity, tick 1).
 *
 * @example
 * ```ts
 * import { SymbolState } from "./symbol_state.ts";
 * declare const btc: SymbolState; // tickSize 0.10 at priceScale 2
 * priceFilter(btc.k, 5_000_015); // -4014
 * ```
 */
export function priceFilter(k: Float64Array, price: number): number {
  const min = k[5 /* MIN_PRICE */]!;
  if (price < min) return -4013;
  if (price > k[6 /* MAX_PRICE */]!) return -4002;
  if (price !== Number.POSITIVE_INFINITY && (price - min) % k[7 /* TICK_SIZE */]! !== 0) return -4014;
  return 0;
}

/**
 * LOT_SIZE (`at` 8, MIN_QTY) or MARKET_LOT_SIZE (`at` 11, MARKET_MIN_QTY): -4004 below min, -4005 above max,
 * -4023 off the step grid (counted from min); 0 passes. A rule that is off never fails (packed as min 0, max
 * Infinity, step 1).
 *
 * @example
 * ```ts
 * import { SymbolState } from "./symbol_state.ts";
 * declare const btc: SymbolState; // LOT_SIZE minQty 0.001 at qtyScale 3
 * lotSize(btc.k, 0, 8); // -4004: zero is below the minimum
 * ```
 */
export function lotSize(k: Float64Array, qty: number, at: 8 | 11): number {
  const min = k[at]!;
  if (qty < min) return -4004;
  if (qty > k[at + 1]!) return -4005;
  if (qty !== Number.POSITIVE_INFINITY && (qty - min) % k[at + 2]! !== 0) return -4023;
  return 0;
}

/**
 * True when a scaled price has non-zero digits beyond pricePrecision (the exchange's -1111); possible only
 * when a PRICE_FILTER field has more decimals than pricePrecision.
 *
 * @example
 * ```ts
 * import { SymbolState } from "./symbol_state.ts";
 * declare const state: SymbolState;
 * pricePrecisionOver(state.k, 5_000_010); // false when priceScale equals pricePrecision
 * ```
 */
export function pricePrecisionOver(k: Float64Array, price: number): boolean {
  const div = k[4 /* PRICE_DIV */]!;
  return div > 1 && price > 0 && price !== Number.POSITIVE_INFINITY && price % div !== 0;
}

/**
 * True when a scaled quantity has non-zero digits beyond quantityPrecision (the exchange's -1111); possible
 * only when a LOT_SIZE field has more decimals than quantityPrecision.
 *
 * @example
 * ```ts
 * import { SymbolState } from "./symbol_state.ts";
 * declare const state: SymbolState;
 * qtyPrecisionOver(state.k, 2); // false when qtyScale equals quantityPrecision
 * ```
 */
export function qtyPrecisionOver(k: Float64Array, qty: number): boolean {
  const div = k[3 /* QTY_DIV */]!;
  return div > 1 && qty > 0 && qty % div !== 0; // Infinity (above 2^53) counts as too precise, as before
}
