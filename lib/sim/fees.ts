/**
 * Trading fees: a maker and a taker rate, charged in USDT on each fill's notional (price × quantity). The
 * defaults are Binance's USDⓈ-M VIP 0 tier, maker 0.0200 % and taker 0.0500 % (binance.com/en/fee/futureFee,
 * as quoted by the loweef fee index, checked 2026-10-12). BNB discounts are not modelled.
 *
 * @module
 */

import { mul, parseDecimal } from "./decimal.ts";

/** VIP 0 maker rate, as a fraction ("0.0002" = 0.0200 %). */
export const VIP0_MAKER = "0.0002";
/** VIP 0 taker rate, as a fraction ("0.0005" = 0.0500 %). */
export const VIP0_TAKER = "0.0005";

/**
 * Fee rates in units of 1e-8 (a fraction: 20_000n is 0.0002).
 *
 * @example
 * ```ts
 * import { units } from "./decimal.ts";
 * const fees = new FeeSchedule({ maker: "0.0002", taker: "0.0005" });
 * fees.commission(units("510"), false); // units("0.255"): the taker fee on 510 USDT
 * ```
 */
export class FeeSchedule {
  readonly maker: bigint;
  readonly taker: bigint;

  /** Rates as decimal fractions, each within 0..0.1 (TypeError otherwise); VIP 0 when left out. */
  constructor(rates: { maker?: string; taker?: string } = {}) {
    this.maker = rate("maker", rates.maker ?? VIP0_MAKER);
    this.taker = rate("taker", rates.taker ?? VIP0_TAKER);
  }

  /** The commission on a fill of `notional` (units), as a maker or a taker. */
  commission(notional: bigint, maker: boolean): bigint {
    return mul(notional, maker ? this.maker : this.taker);
  }
}

function rate(name: string, text: string): bigint {
  const parsed = parseDecimal(text);
  if (parsed === undefined || parsed.decimals > 8 || parsed.units < 0n || parsed.units > 10_000_000n) {
    throw new TypeError(`fees.${name} must be a fraction within 0..0.1: ${text}`);
  }
  return parsed.units;
}
