/**
 * The simulator's instruments and their exchange filters (ws-fapi.md §9), with the filter checks. Values are
 * copied from real BTCUSDT/ETHUSDT exchangeInfo so a client tuned against the simulator formats orders the
 * way production expects.
 *
 * @module
 */

import { formatUnits, mul, ONE, units } from "./decimal.ts";
import { E, fail, type Failure } from "./errors.ts";

/** One symbol's precision and filters, as internal units (see decimal.ts). */
export interface SymbolSpec {
  readonly symbol: string;
  readonly pricePrecision: number;
  readonly quantityPrecision: number;
  /** PRICE_FILTER */
  readonly minPrice: bigint;
  readonly maxPrice: bigint;
  readonly tickSize: bigint;
  /** LOT_SIZE */
  readonly minQty: bigint;
  readonly maxQty: bigint;
  readonly stepSize: bigint;
  /** MARKET_LOT_SIZE */
  readonly marketMinQty: bigint;
  readonly marketMaxQty: bigint;
  readonly marketStepSize: bigint;
  /** MIN_NOTIONAL `notional` */
  readonly minNotional: bigint;
  /** PERCENT_PRICE multipliers */
  readonly multiplierUp: bigint;
  readonly multiplierDown: bigint;
  /** MAX_NUM_ORDERS `limit`: open orders (regular and untriggered algo) per symbol and account; 0: none. */
  readonly maxNumOrders: number;
  /** MAX_NUM_ALGO_ORDERS `limit`: open (untriggered) algo orders per symbol and account; 0: none. */
  readonly maxNumAlgoOrders: number;
}

/**
 * The two simulated symbols. ETHUSDT's MARKET_LOT_SIZE (max 2000) is an assumption; the rest is as briefed.
 *
 * @example
 * ```ts
 * SYMBOLS.find((s) => s.symbol === "BTCUSDT")?.pricePrecision; // 2
 * ```
 */
export const SYMBOLS: readonly SymbolSpec[] = [
  {
    symbol: "BTCUSDT",
    pricePrecision: 2,
    quantityPrecision: 3,
    minPrice: units("261.10"),
    maxPrice: units("809484"),
    tickSize: units("0.10"),
    minQty: units("0.001"),
    maxQty: units("1000"),
    stepSize: units("0.001"),
    marketMinQty: units("0.001"),
    marketMaxQty: units("120"),
    marketStepSize: units("0.001"),
    minNotional: units("100"),
    multiplierUp: units("1.0500"),
    multiplierDown: units("0.9500"),
    maxNumOrders: 200,
    maxNumAlgoOrders: 10,
  },
  {
    symbol: "ETHUSDT",
    pricePrecision: 2,
    quantityPrecision: 3,
    minPrice: units("39.86"),
    maxPrice: units("306177"),
    tickSize: units("0.01"),
    minQty: units("0.001"),
    maxQty: units("10000"),
    stepSize: units("0.001"),
    marketMinQty: units("0.001"),
    marketMaxQty: units("2000"),
    marketStepSize: units("0.001"),
    minNotional: units("20"),
    multiplierUp: units("1.0500"),
    multiplierDown: units("0.9500"),
    maxNumOrders: 200,
    maxNumAlgoOrders: 10,
  },
];

/**
 * Default mark prices.
 *
 * @example
 * ```ts
 * DEFAULT_MARK_PRICES.BTCUSDT; // "51000.00"
 * ```
 */
export const DEFAULT_MARK_PRICES: Readonly<Record<string, string>> = {
  BTCUSDT: "51000.00",
  ETHUSDT: "3000.00",
};

/**
 * PRICE_FILTER: bounds (-4013, -4002) and tick multiple (-4014). A zero field disables its rule.
 *
 * @example
 * ```ts
 * import { units } from "./decimal.ts";
 * const spec = SYMBOLS[0]!; // BTCUSDT
 * checkPriceFilter(spec, units("50000.05")); // Failure -4014
 * ```
 */
export function checkPriceFilter(spec: SymbolSpec, price: bigint): Failure | undefined {
  if (price < 0n) return E.priceNegative();
  if (spec.minPrice > 0n && price < spec.minPrice) return E.priceTooLow();
  if (spec.maxPrice > 0n && price > spec.maxPrice) return E.priceTooHigh();
  if (spec.tickSize > 0n && (price - spec.minPrice) % spec.tickSize !== 0n) return E.priceTick();
  return undefined;
}

/**
 * LOT_SIZE (or MARKET_LOT_SIZE when `market`): negative (-4003), bounds (-4004, -4005) and step multiple
 * (-4023). Zero is "less than min quantity".
 *
 * @example
 * ```ts
 * import { units } from "./decimal.ts";
 * const spec = SYMBOLS[0]!; // BTCUSDT
 * checkLotSize(spec, units("0.0015"), false); // Failure -4023 (over the wire "0.0015" is -1111 first)
 * ```
 */
export function checkLotSize(spec: SymbolSpec, qty: bigint, market: boolean): Failure | undefined {
  const min = market ? spec.marketMinQty : spec.minQty;
  const max = market ? spec.marketMaxQty : spec.maxQty;
  const step = market ? spec.marketStepSize : spec.stepSize;
  if (qty < 0n) return E.qtyNegative();
  if (min > 0n && qty < min) return E.qtyTooLow();
  if (max > 0n && qty > max) return E.qtyTooHigh();
  if (step > 0n && (qty - min) % step !== 0n) return E.qtyStep();
  return undefined;
}

/**
 * PERCENT_PRICE against the mark: BUY ≤ mark × up (-4016), SELL ≥ mark × down (-4024).
 *
 * @example
 * ```ts
 * import { units } from "./decimal.ts";
 * const spec = SYMBOLS[0]!; // BTCUSDT
 * checkPercentPrice(spec, "BUY", units("60000"), units("51000")); // Failure -4016
 * ```
 */
export function checkPercentPrice(
  spec: SymbolSpec,
  side: string,
  price: bigint,
  mark: bigint,
): Failure | undefined {
  if (side === "BUY") {
    const cap = mul(mark, spec.multiplierUp);
    if (price > cap) return E.percentUp(formatUnits(cap, spec.pricePrecision));
  } else {
    const floor = mul(mark, spec.multiplierDown);
    if (price < floor) return E.percentDown(formatUnits(floor, spec.pricePrecision));
  }
  return undefined;
}

/**
 * MIN_NOTIONAL: price × qty ≥ notional (-4164). The caller passes the mark price for MARKET orders and skips
 * the check for reduce-only ones.
 *
 * @example
 * ```ts
 * import { units } from "./decimal.ts";
 * const spec = SYMBOLS[0]!; // BTCUSDT
 * checkMinNotional(spec, units("51000"), units("0.001")); // Failure -4164 (51 < 100)
 * ```
 */
export function checkMinNotional(spec: SymbolSpec, price: bigint, qty: bigint): Failure | undefined {
  if (mul(price, qty) < spec.minNotional) return E.minNotional(trimZeros(spec.minNotional));
  return undefined;
}

/**
 * MIN_NOTIONAL for order.modify, which fails with -5029 instead of order.place's -4164 (ws-fapi.md §7).
 *
 * @example
 * ```ts
 * import { units } from "./decimal.ts";
 * const spec = SYMBOLS[0]!; // BTCUSDT, min notional 100
 * checkModifyNotional(spec, units("51000"), units("0.001")); // Failure -5029
 * ```
 */
export function checkModifyNotional(spec: SymbolSpec, price: bigint, qty: bigint): Failure | undefined {
  if (mul(price, qty) < spec.minNotional) return E.modifyMinNotional(trimZeros(spec.minNotional));
  return undefined;
}

/**
 * MAX_NUM_ORDERS: one more open order when `open` (the account's open regular and algo orders on the symbol)
 * already reaches the limit is -2025. The code is ws-fapi.md §7's; the text is the exchange's usual one.
 *
 * @example
 * ```ts
 * const spec = SYMBOLS[0]!; // BTCUSDT, MAX_NUM_ORDERS 200
 * checkMaxNumOrders(spec, 200); // Failure -2025
 * checkMaxNumOrders(spec, 199); // undefined
 * ```
 */
export function checkMaxNumOrders(spec: SymbolSpec, open: number): Failure | undefined {
  return spec.maxNumOrders > 0 && open >= spec.maxNumOrders
    ? fail(-2025, "Reach max open order limit.")
    : undefined;
}

/**
 * MAX_NUM_ALGO_ORDERS: one more algo order when `openAlgo` already reaches the limit is -4045 (the mapping is
 * UNCONFIRMED in ws-fapi.md §9; the router's local check predicts the same code).
 *
 * @example
 * ```ts
 * const spec = SYMBOLS[0]!; // BTCUSDT, MAX_NUM_ALGO_ORDERS 10
 * checkMaxNumAlgoOrders(spec, 10); // Failure -4045
 * ```
 */
export function checkMaxNumAlgoOrders(spec: SymbolSpec, openAlgo: number): Failure | undefined {
  return spec.maxNumAlgoOrders > 0 && openAlgo >= spec.maxNumAlgoOrders
    ? fail(-4045, "Reach max stop order limit.")
    : undefined;
}

/**
 * Rounds `price` down to the symbol's tick grid (used for priceMatch prices derived from the mark).
 *
 * @example
 * ```ts
 * import { units } from "./decimal.ts";
 * const spec = SYMBOLS[0]!; // BTCUSDT
 * roundToTick(spec, units("51000.07")); // units("51000.00")
 * ```
 */
export function roundToTick(spec: SymbolSpec, price: bigint): bigint {
  if (spec.tickSize <= 0n) return price;
  return price - ((price - spec.minPrice) % spec.tickSize + spec.tickSize) % spec.tickSize;
}

function trimZeros(value: bigint): string {
  const whole = value / ONE;
  return value % ONE === 0n ? whole.toString() : formatUnits(value, 8).replace(/0+$/, "");
}
