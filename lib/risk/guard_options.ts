/**
 * The options of the pre-trade guard, and what it reports: notices (filters loaded or unavailable, the mark
 * stream, limits changed, the breaker) and refusals.
 *
 * @module
 */

import type { Clock } from "../_clock.ts";
import type { MarkPriceStreamState } from "../stream/mark_price_stream.ts";
import type { RiskLimitsConfig } from "./risk_limits.ts";

/**
 * Options of {@linkcode PreTradeGuard}.
 *
 * @example
 * ```ts
 * const options: PreTradeGuardOptions = { restUrl: "https://fapi.binance.com",
 *   streamUrl: "wss://fstream.binance.com", limits: { maxRejectsPerMinute: 30 } };
 * ```
 */
export interface PreTradeGuardOptions {
  /** REST base for exchangeInfo and premiumIndex ("" : none, filters unavailable). */
  restUrl: string;
  /** Stream host for the mark price stream ("" or undefined: REST marks only). */
  streamUrl?: string;
  /** The trader's limits. */
  limits?: RiskLimitsConfig;
  /** Time (mark age, per-second limit, reject window) and timers (refreshes). Default real time. */
  clock?: Clock;
  /** exchangeInfo refresh interval. Default 15 min. */
  refreshMs?: number;
  /** Timeout of each REST read. Default 5000 ms. */
  loadTimeoutMs?: number;
  /** For tests and proxies. Default the global fetch. */
  fetch?: typeof fetch;
  /**
   * While true (an IP ban, a used-up request weight: the router's `quiet`), exchangeInfo is not read but at
   * start; a read due is put off to the next scheduled one.
   */
  quiet?: () => boolean;
  /** Rare happenings: filters loaded or unavailable, the mark stream's state, limits changed, breaker tripped. */
  onNotice?(notice: RiskNotice): void;
  /** Every refusal (for the `risk` account event). */
  onRefusal?(refusal: RiskRefusal): void;
}

/**
 * The `filters` option of `Router.connect`: where exchangeInfo and the marks come from (default: derived from
 * the ws-fapi URL, see market_urls.ts) and the guard's tuning.
 *
 * @example
 * ```ts
 * const filters: PreTradeFilterOptions = { restUrl: "https://fapi.binance.com",
 *   streamUrl: "wss://fstream.binance.com" };
 * ```
 */
export type PreTradeFilterOptions = Partial<
  Pick<
    PreTradeGuardOptions,
    "restUrl" | "streamUrl" | "clock" | "refreshMs" | "loadTimeoutMs" | "fetch" | "onRefusal"
  >
>;

/**
 * What the guard reports besides refusals.
 *
 * @example
 * ```ts
 * const log = (n: RiskNotice) => { if (n.type === "risk-breaker") console.error(n.reason); };
 * ```
 */
export type RiskNotice =
  | { type: "risk-filters"; state: "ok"; symbols: number; skipped: number; reason: string }
  | { type: "risk-filters"; state: "unavailable" | "stale"; error: string; reason: string }
  | { type: "risk-marks"; state: MarkPriceStreamState; reason: string }
  | { type: "risk-limits"; limits: RiskLimitsConfig }
  /** A breaker halted the router: `maxRejectsPerMinute`, or `maxDailyLoss` (the reason says which). */
  | { type: "risk-breaker"; reason: string };

/**
 * One refusal.
 *
 * @example
 * ```ts
 * const r: RiskRefusal = { method: "order.place", symbol: "BTCUSDT", kind: "filter", name: "PRICE_FILTER",
 *   code: -4014, msg: "Price not increased by tick size." };
 * ```
 */
export interface RiskRefusal {
  method: string;
  symbol: string;
  kind: "filter" | "limit";
  name: string;
  code: number;
  msg: string;
  value?: number;
  max?: number;
}
