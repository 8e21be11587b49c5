/**
 * Everything the pre-trade check reads for one symbol, in one object so an order costs one look-up: the
 * exchange filters, the trader's limits, the values derived from the latest mark price (recomputed when the
 * mark, the filters or the limits change, never per order), the account's exposure and the recent order
 * times for the per-second limit. The numbers the check reads are packed side by side in one Float64Array
 * (`k`, slots in _slots.ts): inside a real round trip the caches are cold, and one array costs a few cache
 * lines where a dozen objects and boxed doubles cost a miss each.
 *
 * @module
 */

import { SymbolLimits } from "./risk_limits.ts";
import { POW10 } from "./scaled_decimal.ts";
import type { SymbolFilters } from "./symbol_filters.ts";
import * as K from "./_slots.ts";

/** Largest `maxOrdersPerSecond` (the risk schema refuses more): one preallocated slot per order of the last second. */
export const MAX_RATE_RING = 4096;

/**
 * The mutable per-symbol state.
 *
 * @example
 * ```ts
 * import { SymbolFilters } from "./symbol_filters.ts";
 * const state = new SymbolState(SymbolFilters.open("BTCUSDT"));
 * state.setMark(5_100_000_000_000n, Date.now()); // 51000 at 8 decimals
 * state.markPrice; // 5100000000000 (at priceScale 8)
 * ```
 */
export class SymbolState {
  /** The packed numbers the check reads (slots in _slots.ts). */
  readonly k: Float64Array = new Float64Array(K.SLOTS);
  filters: SymbolFilters;
  limits: SymbolLimits = SymbolLimits.NONE;
  /** Latest mark at 8 decimals; 0n before any. */
  mark8 = 0n;
  /** Times of the latest sent orders (ring of `maxOrdersPerSecond` entries). */
  rateRing: Float64Array = new Float64Array(0);
  rateHead = 0;
  #allowed = true;
  #reduceOnlyMode = false;

  constructor(filters: SymbolFilters) {
    this.filters = filters;
    this.k[K.MARK_AT] = Number.NEGATIVE_INFINITY;
    this.#packFilters();
    this.#packLimits();
    this.#derive();
  }

  /** Local ms the mark arrived; -Infinity before any. */
  get markAt(): number {
    return this.k[K.MARK_AT]!;
  }
  /** Mark at priceScale, rounded down to the tick (for notional limits); 0 before any. */
  get markPrice(): number {
    return this.k[K.MARK_PRICE]!;
  }
  /** PERCENT_PRICE: largest BUY price (floor of mark × up). */
  get buyCap(): number {
    return this.k[K.BUY_CAP]!;
  }
  /** PERCENT_PRICE: smallest SELL price (ceil of mark × down). */
  get sellFloor(): number {
    return this.k[K.SELL_FLOOR]!;
  }
  /** MIN_NOTIONAL for MARKET orders: smallest quantity whose notional at the mark reaches the minimum. */
  get marketMinNotionalQty(): number {
    return this.k[K.MARKET_MIN_NOTIONAL_QTY]!;
  }
  /** The trader's price band at priceScale (inclusive). */
  get bandHigh(): number {
    return this.k[K.BAND_HIGH]!;
  }
  get bandLow(): number {
    return this.k[K.BAND_LOW]!;
  }
  /** Signed position at qtyScale (from the account; 0 without one). */
  get position(): number {
    return this.k[K.POSITION]!;
  }
  set position(v: number) {
    this.k[K.POSITION] = v;
  }
  /** Remaining quantity of open BUY orders at qtyScale. */
  get openBuyQty(): number {
    return this.k[K.OPEN_BUY_QTY]!;
  }
  set openBuyQty(v: number) {
    this.k[K.OPEN_BUY_QTY] = v;
  }
  /** Remaining quantity of open SELL orders at qtyScale. */
  get openSellQty(): number {
    return this.k[K.OPEN_SELL_QTY]!;
  }
  set openSellQty(v: number) {
    this.k[K.OPEN_SELL_QTY] = v;
  }
  /** Open normal orders on the symbol (pending and unknown ones count; orders that cannot rest do not). */
  get openOrders(): number {
    return this.k[K.OPEN_ORDERS]!;
  }
  set openOrders(v: number) {
    this.k[K.OPEN_ORDERS] = v;
  }
  /** Open algo orders on the symbol. */
  get openAlgoOrders(): number {
    return this.k[K.OPEN_ALGO_ORDERS]!;
  }
  set openAlgoOrders(v: number) {
    this.k[K.OPEN_ALGO_ORDERS] = v;
  }
  // Hedge mode: only the full check reads these (the fast path leaves hedge-mode orders to it), so they live
  // outside the packed slots.
  /** The LONG side's position at qtyScale (hedge mode; ≥ 0). */
  longPosition = 0;
  /** The SHORT side's position at qtyScale (hedge mode; ≤ 0, as the exchange signs it). */
  shortPosition = 0;
  /** Remaining quantity of open orders that add to the LONG side (BUY, positionSide LONG). */
  openLongQty = 0;
  /** Remaining quantity of open orders that add to the SHORT side (SELL, positionSide SHORT). */
  openShortQty = 0;

  /** The global limits as they apply to this symbol: `allowedSymbols` lists it (or is unset), `reduceOnlyMode`. */
  setGlobals(allowed: boolean, reduceOnlyMode: boolean): void {
    this.#allowed = allowed;
    this.#reduceOnlyMode = reduceOnlyMode;
    this.#packLimits();
  }

  /** Installs new filters (a refresh) and recomputes what depends on them. */
  setFilters(filters: SymbolFilters, limits: SymbolLimits): void {
    this.filters = filters;
    this.#packFilters();
    this.setLimits(limits);
  }

  /** Installs new limits; the rate history is kept when the ring size does not change. */
  setLimits(limits: SymbolLimits): void {
    this.limits = limits;
    this.#packLimits();
    const size = Number.isFinite(limits.maxOrdersPerSecond)
      ? Math.min(Math.max(limits.maxOrdersPerSecond, 0), MAX_RATE_RING)
      : 0;
    if (this.rateRing.length !== size) {
      this.rateRing = new Float64Array(size).fill(Number.NEGATIVE_INFINITY);
      this.rateHead = 0;
    }
    this.#derive();
  }

  /** A new mark price (8 decimals) received at local ms `at`. */
  setMark(mark8: bigint, at: number): void {
    this.mark8 = mark8;
    this.k[K.MARK_AT] = at;
    this.#derive();
  }

  /** Records one sent order at `now` for the per-second limit. */
  recordOrder(now: number): void {
    const ring = this.rateRing;
    if (ring.length === 0) return;
    ring[this.rateHead] = now;
    this.rateHead = this.rateHead + 1 === ring.length ? 0 : this.rateHead + 1;
  }

  /** True when one more order at `now` would exceed `maxOrdersPerSecond` (the oldest of the ring is < 1 s old). */
  rateExceeded(now: number): boolean {
    const ring = this.rateRing;
    if (ring.length === 0) return this.k[K.L_MAX_ORDERS_PER_SECOND]! <= 0;
    return now - ring[this.rateHead]! < 1000;
  }

  /** Orders sent within the last second (for `GET /risk`). */
  ordersLastSecond(now: number): number {
    let n = 0;
    for (const t of this.rateRing) if (now - t < 1000) n++;
    return n;
  }

  #packFilters(): void {
    const f = this.filters;
    const k = this.k;
    k[K.TRADING] = f.trading ? 1 : 0;
    k[K.ORDER_TYPES] = f.orderTypes;
    k[K.TIME_IN_FORCE] = f.timeInForce;
    k[K.QTY_DIV] = f.qtyScale > f.quantityPrecision ? POW10[f.qtyScale - f.quantityPrecision]! : 1;
    k[K.PRICE_DIV] = f.priceScale > f.pricePrecision ? POW10[f.priceScale - f.pricePrecision]! : 1;
    // A rule that is off (0 in the filters) is packed so that it never fails: min 0, max Infinity, step 1
    // (amounts are integers), which saves the check a branch per rule.
    k[K.MIN_PRICE] = f.minPrice;
    k[K.MAX_PRICE] = f.maxPrice || Number.POSITIVE_INFINITY;
    k[K.TICK_SIZE] = f.tickSize || 1;
    k[K.MIN_QTY] = f.minQty;
    k[K.MAX_QTY] = f.maxQty || Number.POSITIVE_INFINITY;
    k[K.STEP_SIZE] = f.stepSize || 1;
    k[K.MARKET_MIN_QTY] = f.marketMinQty;
    k[K.MARKET_MAX_QTY] = f.marketMaxQty || Number.POSITIVE_INFINITY;
    k[K.MARKET_STEP_SIZE] = f.marketStepSize || 1;
    k[K.MIN_NOTIONAL] = f.minNotional;
    k[K.MAX_NUM_ORDERS] = f.maxNumOrders;
    k[K.MAX_NUM_ALGO_ORDERS] = f.maxNumAlgoOrders;
    k[K.PRICE_SCALE] = f.priceScale;
    k[K.QTY_SCALE] = f.qtyScale;
  }

  #packLimits(): void {
    const l = this.limits;
    const k = this.k;
    k[K.L_MAX_ORDER_QTY] = l.maxOrderQty;
    k[K.L_MAX_ORDER_NOTIONAL] = l.maxOrderNotional;
    k[K.L_PRICE_BAND_PCT] = l.priceBandPct;
    k[K.L_MAX_POSITION_QTY] = l.maxPositionQty;
    k[K.L_MAX_POSITION_NOTIONAL] = l.maxPositionNotional;
    k[K.L_MAX_OPEN_ORDERS] = l.maxOpenOrders;
    k[K.L_MAX_ORDERS_PER_SECOND] = l.maxOrdersPerSecond;
    k[K.L_ALLOWED] = this.#allowed ? 1 : 0;
    k[K.L_REDUCE_ONLY_MODE] = this.#reduceOnlyMode ? 1 : 0;
    let any = !this.#allowed || this.#reduceOnlyMode;
    for (let i = K.L_MAX_ORDER_QTY; i <= K.L_MAX_ORDERS_PER_SECOND; i++) {
      if (k[i] !== Number.POSITIVE_INFINITY) any = true;
    }
    k[K.L_ANY] = any ? 1 : 0;
  }

  #derive(): void {
    const f = this.filters;
    const k = this.k;
    const mark = this.mark8;
    if (mark <= 0n) {
      k[K.MARK_PRICE] = 0;
      k[K.BUY_CAP] = Number.POSITIVE_INFINITY;
      k[K.SELL_FLOOR] = 0;
      k[K.MARKET_MIN_NOTIONAL_QTY] = 0;
      k[K.BAND_HIGH] = Number.POSITIVE_INFINITY;
      k[K.BAND_LOW] = 0;
      return;
    }
    const ps = BigInt(f.priceScale);
    // mark8 / 10^8 × 10^ps, exactly, in priceScale units.
    const markNum = mark * 10n ** ps; // / 10^8
    const E8 = 100_000_000n;
    // To the tick below: a notional limit is never refused for the fraction of a tick the mark carries.
    k[K.MARK_PRICE] = Number(markNum / E8);
    if (f.multiplierUp > 0n) {
      const den = E8 * 10n ** BigInt(f.multiplierScale);
      k[K.BUY_CAP] = Number((markNum * f.multiplierUp) / den);
    } else k[K.BUY_CAP] = Number.POSITIVE_INFINITY;
    if (f.multiplierDown > 0n) {
      const den = E8 * 10n ** BigInt(f.multiplierScale);
      k[K.SELL_FLOOR] = Number(ceilDiv(markNum * f.multiplierDown, den));
    } else k[K.SELL_FLOOR] = 0;
    if (f.minNotional > 0) {
      // qty × mark ≥ minNotional with qty at qtyScale: qty ≥ minNotional(ps+qs) × 10^8 / (mark8 × 10^ps).
      k[K.MARKET_MIN_NOTIONAL_QTY] = Number(ceilDiv(BigInt(f.minNotional) * E8, markNum));
    } else k[K.MARKET_MIN_NOTIONAL_QTY] = 0;
    const band = this.limits.priceBandPct;
    if (Number.isFinite(band)) {
      // Exactly, in integers (a float's rounding refused prices on the band's edge): the band in 1e-8 percent.
      const b = BigInt(Math.round(band * 1e8));
      const den = E8 * 100n * E8;
      k[K.BAND_HIGH] = Number((markNum * (100n * E8 + b)) / den);
      k[K.BAND_LOW] = b >= 100n * E8 ? 0 : Number(ceilDiv(markNum * (100n * E8 - b), den));
    } else {
      k[K.BAND_HIGH] = Number.POSITIVE_INFINITY;
      k[K.BAND_LOW] = 0;
    }
  }
}

function ceilDiv(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}
