/**
 * One symbol's exchange rules from `GET /fapi/v1/exchangeInfo` (ws-fapi.md §9), compiled once into scaled
 * integers (scaled_decimal.ts) so the per-order check is integer compares only: prices at `priceScale`
 * decimals (the most of pricePrecision and the PRICE_FILTER fields), quantities at `qtyScale`, MIN_NOTIONAL at
 * their sum. A filter field of 0 disables its rule, as on the exchange; a filter the symbol does not list is
 * not checked. A field that cannot be represented exactly disables its rule (in doubt, pass).
 *
 * @module
 */

import { decimalPlaces, numberText, parseScaled } from "./scaled_decimal.ts";

/**
 * Order types as bits (`orderTypes` of exchangeInfo).
 *
 * @example
 * ```ts
 * ORDER_TYPE_BITS.LIMIT; // 1
 * ```
 */
export const ORDER_TYPE_BITS: Readonly<Record<string, number>> = Object.freeze({
  LIMIT: 1,
  MARKET: 2,
  STOP: 4,
  STOP_MARKET: 8,
  TAKE_PROFIT: 16,
  TAKE_PROFIT_MARKET: 32,
  TRAILING_STOP_MARKET: 64,
});

/**
 * Time in force values as bits (`timeInForce` of exchangeInfo).
 *
 * @example
 * ```ts
 * TIF_BITS.GTC; // 1
 * ```
 */
export const TIF_BITS: Readonly<Record<string, number>> = Object.freeze({
  GTC: 1,
  IOC: 2,
  FOK: 4,
  GTX: 8,
  GTD: 16,
  RPI: 32,
  GTE_GTC: 64,
});

/**
 * A symbol's compiled filters. Every amount is a scaled integer; 0 means "rule off".
 *
 * @example
 * ```ts
 * const f = SymbolFilters.compile({ symbol: "BTCUSDT", status: "TRADING", pricePrecision: 2,
 *   quantityPrecision: 3, filters: [{ filterType: "PRICE_FILTER", minPrice: "261.10", maxPrice: "809484",
 *   tickSize: "0.10" }] });
 * f.tickSize; // 10 (at priceScale 2)
 * ```
 */
export class SymbolFilters {
  readonly symbol: string;
  /** `status` as listed (only TRADING accepts orders). */
  readonly status: string;
  readonly trading: boolean;
  /** Bits of {@linkcode ORDER_TYPE_BITS}; all bits when exchangeInfo lists no `orderTypes`. */
  readonly orderTypes: number;
  /** Bits of {@linkcode TIF_BITS}; all bits when exchangeInfo lists no `timeInForce`. */
  readonly timeInForce: number;
  readonly pricePrecision: number;
  readonly quantityPrecision: number;
  /** Decimal places of every scaled price. */
  readonly priceScale: number;
  /** Decimal places of every scaled quantity. */
  readonly qtyScale: number;
  readonly minPrice: number;
  readonly maxPrice: number;
  readonly tickSize: number;
  readonly minQty: number;
  readonly maxQty: number;
  readonly stepSize: number;
  readonly marketMinQty: number;
  readonly marketMaxQty: number;
  readonly marketStepSize: number;
  /** MIN_NOTIONAL at priceScale + qtyScale; 0 when off. */
  readonly minNotional: number;
  /** MIN_NOTIONAL as listed, for the message. */
  readonly minNotionalText: string;
  /** PERCENT_PRICE multipliers as exact fractions: value = num / 10^den; 0n when off. */
  readonly multiplierUp: bigint;
  readonly multiplierDown: bigint;
  readonly multiplierScale: number;
  /** MAX_NUM_ORDERS / MAX_NUM_ALGO_ORDERS `limit`; 0 when not listed. */
  readonly maxNumOrders: number;
  readonly maxNumAlgoOrders: number;

  private constructor(fields: Omit<SymbolFilters, never>) {
    this.symbol = fields.symbol;
    this.status = fields.status;
    this.trading = fields.trading;
    this.orderTypes = fields.orderTypes;
    this.timeInForce = fields.timeInForce;
    this.pricePrecision = fields.pricePrecision;
    this.quantityPrecision = fields.quantityPrecision;
    this.priceScale = fields.priceScale;
    this.qtyScale = fields.qtyScale;
    this.minPrice = fields.minPrice;
    this.maxPrice = fields.maxPrice;
    this.tickSize = fields.tickSize;
    this.minQty = fields.minQty;
    this.maxQty = fields.maxQty;
    this.stepSize = fields.stepSize;
    this.marketMinQty = fields.marketMinQty;
    this.marketMaxQty = fields.marketMaxQty;
    this.marketStepSize = fields.marketStepSize;
    this.minNotional = fields.minNotional;
    this.minNotionalText = fields.minNotionalText;
    this.multiplierUp = fields.multiplierUp;
    this.multiplierDown = fields.multiplierDown;
    this.multiplierScale = fields.multiplierScale;
    this.maxNumOrders = fields.maxNumOrders;
    this.maxNumAlgoOrders = fields.maxNumAlgoOrders;
  }

  /**
   * Rules for a symbol the router has no exchangeInfo for (filters unavailable): every exchange filter off,
   * amounts at 8 decimals, so the trader's limits still apply.
   *
   * @example
   * ```ts
   * SymbolFilters.open("BTCUSDT").tickSize; // 0: no rule
   * ```
   */
  static open(symbol: string): SymbolFilters {
    return new SymbolFilters({
      ...OPEN_FIELDS,
      symbol,
    });
  }

  /**
   * Compiles one `symbols[]` entry of exchangeInfo. Throws a RangeError naming the symbol and field when the
   * entry is not shaped like one.
   */
  static compile(raw: Record<string, unknown>): SymbolFilters {
    const symbol = raw.symbol;
    if (typeof symbol !== "string" || symbol.length === 0) {
      throw new RangeError("exchangeInfo: symbol without a name");
    }
    const filters = new Map<string, Record<string, unknown>>();
    if (Array.isArray(raw.filters)) {
      for (const f of raw.filters as Record<string, unknown>[]) {
        if (f !== null && typeof f === "object" && typeof f.filterType === "string") {
          filters.set(f.filterType, f);
        }
      }
    }
    const pp = integer(raw.pricePrecision, 8);
    const qp = integer(raw.quantityPrecision, 8);
    const price = filters.get("PRICE_FILTER");
    const lot = filters.get("LOT_SIZE");
    const market = filters.get("MARKET_LOT_SIZE");
    const priceScale = Math.max(
      pp,
      places(price?.minPrice),
      places(price?.maxPrice),
      places(price?.tickSize),
    );
    const qtyScale = Math.max(
      qp,
      places(lot?.minQty),
      places(lot?.maxQty),
      places(lot?.stepSize),
      places(market?.minQty),
      places(market?.maxQty),
      places(market?.stepSize),
    );
    const notional = filters.get("MIN_NOTIONAL");
    const notionalText = text(notional?.notional ?? notional?.minNotional);
    const percent = filters.get("PERCENT_PRICE");
    const up = fraction(percent?.multiplierUp);
    const down = fraction(percent?.multiplierDown);
    const multiplierScale = Math.max(up.scale, down.scale);
    return new SymbolFilters({
      symbol,
      status: typeof raw.status === "string" ? raw.status : "TRADING",
      trading: raw.status === undefined || raw.status === "TRADING",
      orderTypes: bits(raw.orderTypes, ORDER_TYPE_BITS),
      timeInForce: bits(raw.timeInForce, TIF_BITS),
      pricePrecision: pp,
      quantityPrecision: qp,
      priceScale,
      qtyScale,
      minPrice: amount(price?.minPrice, priceScale),
      maxPrice: amount(price?.maxPrice, priceScale),
      tickSize: amount(price?.tickSize, priceScale),
      minQty: amount(lot?.minQty, qtyScale),
      maxQty: amount(lot?.maxQty, qtyScale),
      stepSize: amount(lot?.stepSize, qtyScale),
      marketMinQty: amount(market?.minQty, qtyScale),
      marketMaxQty: amount(market?.maxQty, qtyScale),
      marketStepSize: amount(market?.stepSize, qtyScale),
      minNotional: priceScale + qtyScale <= 22 ? amount(notionalText, priceScale + qtyScale) : 0,
      minNotionalText: notionalText,
      multiplierUp: up.value * 10n ** BigInt(multiplierScale - up.scale),
      multiplierDown: down.value * 10n ** BigInt(multiplierScale - down.scale),
      multiplierScale,
      maxNumOrders: integer(filters.get("MAX_NUM_ORDERS")?.limit, 0),
      maxNumAlgoOrders: integer(filters.get("MAX_NUM_ALGO_ORDERS")?.limit, 0),
    });
  }
}

const OPEN_FIELDS = {
  status: "TRADING",
  trading: true,
  orderTypes: 0x7f,
  timeInForce: 0x7f,
  pricePrecision: 8,
  quantityPrecision: 8,
  priceScale: 8,
  qtyScale: 8,
  minPrice: 0,
  maxPrice: 0,
  tickSize: 0,
  minQty: 0,
  maxQty: 0,
  stepSize: 0,
  marketMinQty: 0,
  marketMaxQty: 0,
  marketStepSize: 0,
  minNotional: 0,
  minNotionalText: "0",
  multiplierUp: 0n,
  multiplierDown: 0n,
  multiplierScale: 0,
  maxNumOrders: 0,
  maxNumAlgoOrders: 0,
} as const;

/**
 * Compiles a whole exchangeInfo document into filters by symbol. Throws a RangeError when it has no
 * `symbols` array; a symbol entry that cannot be read is skipped and named in `skipped`.
 *
 * @example
 * ```ts
 * declare const json: unknown; // await (await fetch(`${restUrl}/fapi/v1/exchangeInfo`)).json()
 * const { filters, skipped } = parseExchangeInfo(json);
 * filters.get("BTCUSDT")?.tickSize;
 * ```
 */
export function parseExchangeInfo(
  json: unknown,
): { filters: Map<string, SymbolFilters>; skipped: string[] } {
  const symbols = (json as { symbols?: unknown } | null)?.symbols;
  if (!Array.isArray(symbols)) throw new RangeError("exchangeInfo: no symbols array");
  const filters = new Map<string, SymbolFilters>();
  const skipped: string[] = [];
  for (const raw of symbols) {
    try {
      const f = SymbolFilters.compile(raw as Record<string, unknown>);
      filters.set(f.symbol, f);
    } catch (e) {
      skipped.push((e as Error).message);
    }
  }
  return { filters, skipped };
}

function text(value: unknown): string {
  return typeof value === "string" ? value : typeof value === "number" ? numberText(value) : "0";
}

function places(value: unknown): number {
  const d = decimalPlaces(text(value));
  return d < 0 ? 0 : Math.min(d, 16);
}

/** A scaled amount; 0 (rule off) when absent, malformed or not exact at `scale`. */
function amount(value: unknown, scale: number): number {
  const v = parseScaled(text(value), scale);
  return v > 0 && Number.isFinite(v) ? v : 0;
}

function integer(value: unknown, fallback: number): number {
  const n = typeof value === "string" ? Number(value) : value;
  return typeof n === "number" && Number.isSafeInteger(n) && n >= 0 ? n : fallback;
}

function bits(list: unknown, table: Readonly<Record<string, number>>): number {
  if (!Array.isArray(list)) return 0x7f;
  let mask = 0;
  for (const item of list) mask |= typeof item === "string" ? table[item] ?? 0 : 0;
  return mask;
}

function fraction(value: unknown): { value: bigint; scale: number } {
  const t = text(value);
  const scale = decimalPlaces(t);
  if (scale < 0) return { value: 0n, scale: 0 };
  const v = parseScaled(t, scale);
  return v > 0 && Number.isFinite(v) ? { value: BigInt(v), scale } : { value: 0n, scale: 0 };
}
