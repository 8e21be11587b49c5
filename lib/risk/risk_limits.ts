/**
 * The trader's own limits (the `--risk FILE`, `PUT /risk`, `Router.connect({ risk })`), and their compiled
 * form for one symbol: plain scaled integers at the symbol's price and quantity scales, so the check compares
 * integers only. Amounts in the file are JSON numbers (e.g. `0.5` BTC); they are read through their decimal
 * text, so `0.29` is exactly 0.29 and never 0.28999….
 *
 * @module
 */

import { numberText, parseScaled, POW10 } from "./scaled_decimal.ts";
import type { SymbolFilters } from "./symbol_filters.ts";

/**
 * Limits for one symbol (or the `"*"` default). Every field is optional: absent means no limit.
 *
 * @example
 * ```ts
 * const btc: SymbolLimitsConfig = { maxOrderQty: 0.5, maxOrderNotional: 25_000, priceBandPct: 2 };
 * ```
 */
export interface SymbolLimitsConfig {
  /** Largest quantity of one order (base asset). */
  maxOrderQty?: number;
  /** Largest notional of one order (quote asset): price × quantity, the mark for MARKET orders. */
  maxOrderNotional?: number;
  /** Largest worst-case position (base asset): |position + same-side open orders + this order|. */
  maxPositionQty?: number;
  /** Largest worst-case position notional at the mark (quote asset). */
  maxPositionNotional?: number;
  /** Most open orders (normal and algo) on the symbol, this one included. */
  maxOpenOrders?: number;
  /** A limit price must lie within ±this % of the mark (fails closed while the mark is stale). */
  priceBandPct?: number;
  /** Most new orders (place, modify, algo place) in any 1 s window (at most 4096). */
  maxOrdersPerSecond?: number;
}

/**
 * The whole risk file.
 *
 * @example
 * ```ts
 * const limits: RiskLimitsConfig = {
 *   symbols: { "*": { maxOrderNotional: 10_000 }, BTCUSDT: { maxOrderQty: 0.5 } },
 *   allowedSymbols: ["BTCUSDT", "ETHUSDT"],
 *   reduceOnlyMode: false,
 *   maxRejectsPerMinute: 30,
 * };
 * ```
 */
export interface RiskLimitsConfig {
  /** Per-symbol limits; `"*"` applies to every symbol without its own entry (fields are not merged). */
  symbols?: Record<string, SymbolLimitsConfig>;
  /** Only these symbols may be traded; absent: any. */
  allowedSymbols?: string[];
  /** Only orders that reduce a position pass. */
  reduceOnlyMode?: boolean;
  /** That many exchange rejects within a minute halt the router (a runaway-strategy breaker). */
  maxRejectsPerMinute?: number;
  /**
   * A loss today (UTC) this large, in the quote asset, halts the router: today's realized PnL less fees (a fee
   * paid in BNB at the BNBUSDT mark), plus the unrealized PnL of the live positions at the mark (`LossBreaker`).
   */
  maxDailyLoss?: number;
  /** When `maxDailyLoss` halts the router, also flatten every position. */
  flattenOnDailyLoss?: boolean;
}

/**
 * One symbol's limits as scaled integers (`Infinity`: no limit). Quantities at the symbol's qtyScale,
 * notionals at priceScale + qtyScale.
 *
 * @example
 * ```ts
 * import { SymbolFilters } from "./symbol_filters.ts";
 * const limits = SymbolLimits.compile({ maxOrderQty: 0.5 }, SymbolFilters.open("BTCUSDT"));
 * limits.maxOrderQty; // 50000000 (8 decimals)
 * ```
 */
export class SymbolLimits {
  readonly maxOrderQty: number;
  readonly maxOrderNotional: number;
  readonly maxPositionQty: number;
  readonly maxPositionNotional: number;
  readonly maxOpenOrders: number;
  /** ±% band; Infinity when off. */
  readonly priceBandPct: number;
  readonly maxOrdersPerSecond: number;
  /** The configured values, for messages and `GET /risk`. */
  readonly config: Readonly<SymbolLimitsConfig>;

  private constructor(config: SymbolLimitsConfig, qtyScale: number, notionalScale: number) {
    this.config = config;
    this.maxOrderQty = scaledLimit(config.maxOrderQty, qtyScale);
    this.maxOrderNotional = scaledLimit(config.maxOrderNotional, notionalScale);
    this.maxPositionQty = scaledLimit(config.maxPositionQty, qtyScale);
    this.maxPositionNotional = scaledLimit(config.maxPositionNotional, notionalScale);
    this.maxOpenOrders = config.maxOpenOrders ?? Number.POSITIVE_INFINITY;
    this.priceBandPct = config.priceBandPct ?? Number.POSITIVE_INFINITY;
    this.maxOrdersPerSecond = config.maxOrdersPerSecond ?? Number.POSITIVE_INFINITY;
  }

  /** Compiles `config` at the scales of `filters`. */
  static compile(config: SymbolLimitsConfig, filters: SymbolFilters): SymbolLimits {
    return new SymbolLimits(config, filters.qtyScale, filters.priceScale + filters.qtyScale);
  }

  /** No limit at all. */
  static readonly NONE: SymbolLimits = new SymbolLimits({}, 0, 0);
}

/**
 * The limits config that applies to `symbol`: its own entry, else `"*"`, else none.
 *
 * @example
 * ```ts
 * limitsFor({ symbols: { "*": { maxOrderQty: 1 } } }, "ETHUSDT"); // { maxOrderQty: 1 }
 * ```
 */
export function limitsFor(config: RiskLimitsConfig, symbol: string): SymbolLimitsConfig {
  return config.symbols?.[symbol] ?? config.symbols?.["*"] ?? {};
}

/**
 * A limit at `scale`, rounded down (a value equal to the limit passes; never a false refusal from rounding:
 * the text of the number is read exactly, and digits beyond the scale can only make the limit larger than
 * any representable order, so they are dropped).
 */
function scaledLimit(value: number | undefined, scale: number): number {
  if (value === undefined) return Number.POSITIVE_INFINITY;
  const text = numberText(value);
  const dot = text.indexOf(".");
  const cut = dot < 0 || text.length - dot - 1 <= scale ? text : text.slice(0, dot + 1 + scale);
  const v = parseScaled(cut.endsWith(".") ? cut.slice(0, -1) : cut, scale);
  if (v >= 0) return v;
  return Math.floor(value * POW10[Math.min(scale, 22)]!);
}
