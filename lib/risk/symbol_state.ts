/**
 * Everything the pre-trade check reads for one symbol, in one object so an order costs one map look-up: the
 * exchange filters, the trader's limits, the values derived from the latest mark price (recomputed when the
 * mark, the filters or the limits change, never per order), the account's exposure and the recent order
 * times for the per-second limit.
 *
 * @module
 */

import { SymbolLimits } from "./risk_limits.ts";
import type { SymbolFilters } from "./symbol_filters.ts";

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
  filters: SymbolFilters;
  limits: SymbolLimits = SymbolLimits.NONE;
  /** Latest mark at 8 decimals; 0n before any. */
  mark8 = 0n;
  /** Local ms the mark arrived; -Infinity before any. */
  markAt = Number.NEGATIVE_INFINITY;
  /** Mark at priceScale, rounded to nearest (for notional limits); 0 before any. */
  markPrice = 0;
  /** PERCENT_PRICE: largest BUY price (floor of mark × up), smallest SELL price (ceil of mark × down). */
  buyCap = Number.POSITIVE_INFINITY;
  sellFloor = 0;
  /** MIN_NOTIONAL for MARKET orders: smallest quantity whose notional at the mark reaches the minimum. */
  marketMinNotionalQty = 0;
  /** The trader's price band at priceScale (inclusive). */
  bandHigh = Number.POSITIVE_INFINITY;
  bandLow = 0;
  /** Exposure at qtyScale (from the account; 0 without one): signed position and open order quantities. */
  position = 0;
  openBuyQty = 0;
  openSellQty = 0;
  /** Open orders on the symbol: normal and algo (pending and unknown ones count as open). */
  openOrders = 0;
  openAlgoOrders = 0;
  /** Times of the latest sent orders (ring of `maxOrdersPerSecond` entries). */
  rateRing: Float64Array = new Float64Array(0);
  rateHead = 0;

  constructor(filters: SymbolFilters) {
    this.filters = filters;
  }

  /** Installs new filters (a refresh) and recomputes what depends on them. */
  setFilters(filters: SymbolFilters, limits: SymbolLimits): void {
    this.filters = filters;
    this.setLimits(limits);
  }

  /** Installs new limits; the rate history is kept when the ring size does not change. */
  setLimits(limits: SymbolLimits): void {
    this.limits = limits;
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
    this.markAt = at;
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
    if (ring.length === 0) return this.limits.maxOrdersPerSecond <= 0;
    return now - ring[this.rateHead]! < 1000;
  }

  /** Orders sent within the last second (for `GET /risk`). */
  ordersLastSecond(now: number): number {
    let n = 0;
    for (const t of this.rateRing) if (now - t < 1000) n++;
    return n;
  }

  #derive(): void {
    const f = this.filters;
    const mark = this.mark8;
    if (mark <= 0n) {
      this.markPrice = 0;
      this.buyCap = Number.POSITIVE_INFINITY;
      this.sellFloor = 0;
      this.marketMinNotionalQty = 0;
      this.bandHigh = Number.POSITIVE_INFINITY;
      this.bandLow = 0;
      return;
    }
    const ps = BigInt(f.priceScale);
    // mark8 / 10^8 × 10^ps, exactly, in priceScale units.
    const markNum = mark * 10n ** ps; // / 10^8
    const E8 = 100_000_000n;
    this.markPrice = Number((markNum + E8 / 2n) / E8);
    if (f.multiplierUp > 0n) {
      const den = E8 * 10n ** BigInt(f.multiplierScale);
      this.buyCap = Number((markNum * f.multiplierUp) / den);
    } else this.buyCap = Number.POSITIVE_INFINITY;
    if (f.multiplierDown > 0n) {
      const den = E8 * 10n ** BigInt(f.multiplierScale);
      this.sellFloor = Number(ceilDiv(markNum * f.multiplierDown, den));
    } else this.sellFloor = 0;
    if (f.minNotional > 0) {
      // qty × mark ≥ minNotional with qty at qtyScale: qty ≥ minNotional(ps+qs) × 10^8 / (mark8 × 10^ps).
      this.marketMinNotionalQty = Number(ceilDiv(BigInt(f.minNotional) * E8, markNum));
    } else this.marketMinNotionalQty = 0;
    const band = this.limits.priceBandPct;
    if (Number.isFinite(band)) {
      const mp = Number(markNum) / 1e8; // the trader's band is a percentage: a float is precise enough here
      this.bandHigh = Math.floor(mp * (1 + band / 100) + 1e-9);
      this.bandLow = Math.ceil(mp * (1 - band / 100) - 1e-9);
    } else {
      this.bandHigh = Number.POSITIVE_INFINITY;
      this.bandLow = 0;
    }
  }
}

function ceilDiv(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}
