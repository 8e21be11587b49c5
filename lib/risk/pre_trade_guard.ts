/**
 * The pre-trade guard: a {@linkcode PreTradeCheck} kept supplied. At start it reads exchangeInfo and every
 * mark (REST), then follows the mark price stream; it re-reads exchangeInfo every 15 min and at once after the
 * exchange answers a filter error (the local check did not predict it: the filters may have changed), and
 * reads the marks over REST while the stream is down. It turns a refusal into the typed error the caller
 * gets, counts refusals by filter and limit, and trips the reject breaker.
 *
 * Filters that cannot be loaded at all (exchangeInfo unreachable or unreadable at start) leave the guard in
 * pass-through for the exchange filters — `filters: "unavailable"` in `health()` and `/health`, every order
 * goes to the exchange, which judges it — while the trader's limits still apply; the next refresh (every
 * minute while unavailable) installs them. This keeps trading possible when only the public REST host is
 * unreachable, and the state is visible.
 *
 * @module
 */

import { type Clock, systemClock } from "../_clock.ts";
import { unrefTimer } from "../_timers.ts";
import { FilterRefusedError, RiskLimitError } from "../errors.ts";
import { MarkPriceStream, type MarkPriceStreamState } from "../stream/mark_price_stream.ts";
import { fetchExchangeFilters, fetchMarkPrices, markUnits } from "./market_data.ts";
import { MARK_STALE_MS, PreTradeCheck } from "./pre_trade_check.ts";
import { RejectBreaker } from "./reject_breaker.ts";
import type { DailyLossUsage } from "./loss_breaker.ts";
import type { RiskLimitsConfig } from "./risk_limits.ts";
import { parseRiskLimits } from "./risk_schema.ts";
import type { PreTradeGuardOptions, RiskNotice, RiskRefusal } from "./guard_options.ts";

export type {
  PreTradeFilterOptions,
  PreTradeGuardOptions,
  RiskNotice,
  RiskRefusal,
} from "./guard_options.ts";
import { formatScaled } from "./scaled_decimal.ts";

/** Exchange codes of filter failures: one coming back from the exchange triggers an exchangeInfo re-read. */
const FILTER_CODES = new Set([
  -1121,
  -2025,
  -4002,
  -4004,
  -4005,
  -4013,
  -4014,
  -4016,
  -4023,
  -4024,
  -4045,
  -4140,
  -4164,
]);
const REFRESH_MS = 15 * 60_000;
const RETRY_UNAVAILABLE_MS = 60_000;
const MARK_FALLBACK_MS = 5_000;
const MIN_REFRESH_GAP_MS = 10_000;

/**
 * Keeps a pre-trade check supplied with filters and marks, and turns refusals into errors.
 *
 * @example
 * ```ts
 * const guard = new PreTradeGuard({ restUrl: "https://fapi.binance.com", streamUrl: "wss://fstream.binance.com" });
 * await guard.start();
 * const params = { symbol: "BTCUSDT", side: "BUY", type: "LIMIT", timeInForce: "GTC", quantity: "0.002",
 *   price: "50000.05" } as const;
 * if (guard.check.checkPlace(params) !== 0) throw guard.refusal("order.place", params.symbol);
 * guard.close();
 * ```
 */
export class PreTradeGuard {
  /** The check (call its `check*` methods on the order path). */
  readonly check: PreTradeCheck;
  readonly #o: PreTradeGuardOptions;
  readonly #clock: Clock;
  readonly #breaker: RejectBreaker;
  readonly #refusals = new Map<string, number>();
  #stream: MarkPriceStream | undefined;
  #filtersState: "loading" | "ok" | "unavailable" = "loading";
  #filtersAt: number | undefined;
  #filtersError: string | undefined;
  #symbols = 0;
  #loading: Promise<boolean> | undefined;
  #lastRefresh = Number.NEGATIVE_INFINITY;
  #refreshTimer: unknown;
  #markTimer: unknown;
  #lastMarkAt = Number.NEGATIVE_INFINITY;
  #halt: (reason: string) => void = () => {};
  #closed = false;

  constructor(options: PreTradeGuardOptions) {
    this.#o = options;
    this.#clock = options.clock ?? systemClock;
    // Real time: Date.now itself (a bound wrapper costs a call on every order).
    const clock = this.#clock;
    const now = clock === systemClock ? Date.now : () => clock.now();
    this.check = new PreTradeCheck({
      now,
      // Validated as the risk file is (throws naming the bad field): a NaN limit would let every order pass.
      ...(options.limits === undefined ? {} : { limits: parseRiskLimits(options.limits) }),
    });
    this.#breaker = new RejectBreaker(now, (reason) => {
      this.#notice({ type: "risk-breaker", reason });
      this.#halt(reason);
    });
    this.#breaker.setLimit(options.limits?.maxRejectsPerMinute);
  }

  /** What the breaker calls when it trips (the router's `halt`). */
  onTrip(halt: (reason: string) => void): void {
    this.#halt = halt;
  }

  /**
   * Loads exchangeInfo and the marks (each bounded by the load timeout; a failure leaves the filters
   * unavailable, see the module text), starts the mark stream and the refresh timers.
   */
  async start(): Promise<void> {
    await Promise.all([this.refreshFilters("start"), this.#restMarks()]);
    const streamUrl = this.#o.streamUrl;
    if (streamUrl !== undefined && streamUrl !== "" && !this.#closed) {
      this.#stream = new MarkPriceStream({
        streamUrl,
        clock: this.#clock,
        onMark: (symbol, mark) => this.#mark(symbol, mark),
        onState: (state, reason) => this.#notice({ type: "risk-marks", state, reason }),
      });
      void this.#stream.start();
    }
    this.#schedule();
    this.#markTimer = unrefTimer(this.#clock.setInterval(() => {
      if (this.#clock.now() - this.#lastMarkAt > MARK_FALLBACK_MS) void this.#restMarks();
    }, MARK_FALLBACK_MS));
  }

  /** Re-reads exchangeInfo now (one read at a time); resolves true when new filters were installed. */
  refreshFilters(reason: string): Promise<boolean> {
    if (reason !== "start" && this.#loading === undefined && this.#o.quiet?.() === true) {
      this.#schedule(); // asking now lengthens the ban: the next scheduled read
      return Promise.resolve(false);
    }
    this.#loading ??= this.#load(reason).finally(() => (this.#loading = undefined));
    return this.#loading;
  }

  /**
   * Replaces the trader's limits at once, validated as the risk file is: a bad value (`NaN`, a negative or zero
   * limit, an unknown field) throws a TypeError naming its path, and the limits in force stay as they were.
   */
  setLimits(limits: RiskLimitsConfig): void {
    const clean = parseRiskLimits(limits);
    this.check.setLimits(clean);
    this.#breaker.setLimit(clean.maxRejectsPerMinute);
    this.#notice({ type: "risk-limits", limits: clean });
  }

  /**
   * The exchange rejected `method` with `code` (the router's observer calls this): counts toward the reject
   * breaker, and a filter error re-reads exchangeInfo (at most every 10 s).
   */
  exchangeRejected(code: number, method: string): void {
    this.#breaker.rejected(method, code);
    if (FILTER_CODES.has(code) && this.#clock.now() - this.#lastRefresh >= MIN_REFRESH_GAP_MS) {
      void this.refreshFilters(`exchange answered ${code} that the local check did not predict`);
    }
  }

  /**
   * The error for the refusal the check just made (its verdict), counted and reported. Call it right after a
   * check returned non-zero.
   */
  refusal(method: string, symbol: string): FilterRefusedError | RiskLimitError {
    const v = this.check.verdict;
    const msg = v.message();
    const key = `${v.kind}:${v.name}`;
    this.#refusals.set(key, (this.#refusals.get(key) ?? 0) + 1);
    if (v.kind === "filter") {
      // A symbol listed since the last read (a new listing) heals with the next read: ask for it now.
      if (v.code === -1121 && this.#clock.now() - this.#lastRefresh >= MIN_REFRESH_GAP_MS) {
        void this.refreshFilters(`order for ${symbol}, a symbol the loaded exchangeInfo does not list`);
      }
      this.#report({ method, symbol, kind: "filter", name: v.name, code: v.code, msg });
      return new FilterRefusedError({ code: v.code, msg, method, filter: v.name });
    }
    const value = v.value < 0 ? -1 : Number(formatScaled(v.value, v.scale));
    const max = Number(formatScaled(v.max, v.scale));
    this.#report({ method, symbol, kind: "limit", name: v.name, code: v.code, msg, value, max });
    return new RiskLimitError({ method, limit: v.name, value, max, msg });
  }

  /** Refusals so far by `kind:name` (e.g. `filter:PRICE_FILTER`, `limit:maxOrderQty`). */
  refusalCounts(): ReadonlyMap<string, number> {
    return this.#refusals;
  }

  /** For `/health`: the filters' state, the marks' state and the breaker. */
  health(): {
    filters: "loading" | "ok" | "unavailable";
    symbols: number;
    filtersAgeMs: number | null;
    filtersError: string | null;
    markStream: MarkPriceStreamState | "off";
    freshMarks: number;
    staleMarks: number;
  } {
    const now = this.#clock.now();
    let fresh = 0;
    let stale = 0;
    for (const s of this.check.states()) {
      if (s.mark8 === 0n) continue;
      if (now - s.markAt <= MARK_STALE_MS) fresh++;
      else stale++;
    }
    return {
      filters: this.#filtersState,
      symbols: this.#symbols,
      filtersAgeMs: this.#filtersAt === undefined ? null : Math.round(now - this.#filtersAt),
      filtersError: this.#filtersError ?? null,
      markStream: this.#stream?.state ?? "off",
      freshMarks: fresh,
      staleMarks: stale,
    };
  }

  /**
   * A refusal (-1121, "Invalid symbol.") when the loaded exchangeInfo does not list `symbol`, for a request
   * that checks nothing else (a cancel-all: a typo answered "nothing to cancel" looks like success); undefined
   * when it is listed or the filters are not loaded. Like any -1121, it has exchangeInfo read again soon.
   *
   * @example
   * ```ts
   * declare const guard: PreTradeGuard;
   * const refused = guard.unlistedSymbol("BTCUSTD", "order.cancel"); // FilterRefusedError -1121
   * ```
   */
  unlistedSymbol(symbol: string, method: string): FilterRefusedError | undefined {
    if (this.#filtersState !== "ok" || this.check.state(symbol) !== undefined) return undefined;
    this.check.verdict.filter(-1121, "symbol", undefined);
    return this.refusal(method, symbol) as FilterRefusedError; // a filter verdict: never a limit's
  }

  /**
   * The mark price of `symbol` if one arrived within the last 10 s (the mark stream ticks every second), else
   * undefined: what live unrealized PnL is computed at (`GET /positions`, the metrics).
   */
  freshMark(symbol: string): number | undefined {
    const s = this.check.state(symbol);
    if (s === undefined || s.mark8 === 0n || this.#clock.now() - s.markAt > MARK_STALE_MS) return undefined;
    return Number(s.mark8) / 1e8;
  }

  /** For `GET /risk`: the limits, the breaker and, per symbol with limits or exposure, the usage. */
  usage(): Record<string, unknown> {
    const now = this.#clock.now();
    const limits = this.check.limits;
    const named = new Set(Object.keys(limits.symbols ?? {}));
    const symbols: Record<string, unknown> = {};
    for (const s of this.check.states()) {
      const f = s.filters;
      const hedged = s.longPosition !== 0 || s.shortPosition !== 0 || s.openLongQty > 0 || s.openShortQty > 0;
      const busy = s.position !== 0 || s.openOrders > 0 || s.openAlgoOrders > 0 ||
        s.ordersLastSecond(now) > 0 || hedged;
      if (!busy && !named.has(f.symbol)) continue;
      const qty = (v: number) => Number(formatScaled(v, f.qtyScale));
      symbols[f.symbol] = {
        position: qty(s.position),
        openBuyQty: qty(s.openBuyQty),
        openSellQty: qty(s.openSellQty),
        // Hedge mode's sides, when there are any: each side's position and the open orders that add to it.
        ...(hedged
          ? {
            hedge: {
              longPosition: qty(s.longPosition),
              shortPosition: qty(s.shortPosition),
              openLongQty: qty(s.openLongQty),
              openShortQty: qty(s.openShortQty),
            },
          }
          : {}),
        openOrders: s.openOrders,
        openAlgoOrders: s.openAlgoOrders,
        ordersLastSecond: s.ordersLastSecond(now),
        markPrice: s.mark8 === 0n ? null : Number(formatScaled(Number(s.mark8), 8)),
        markAgeMs: s.mark8 === 0n ? null : Math.round(now - s.markAt),
        limits: s.limits.config,
      };
    }
    return {
      limits,
      filters: this.#filtersState,
      rejectsLastMinute: this.#breaker.recent(),
      breakerTrips: this.#breaker.trips,
      dailyLoss: this.dailyLoss?.usage() ?? null,
      symbols,
    };
  }

  /** Stops the stream and the timers. */
  close(): void {
    this.#closed = true;
    this.#stream?.close();
    this.#clock.clearTimeout(this.#refreshTimer);
    this.#clock.clearInterval(this.#markTimer);
  }

  async #load(reason: string): Promise<boolean> {
    this.#lastRefresh = this.#clock.now();
    const { restUrl } = this.#o;
    try {
      if (restUrl === "") throw new Error("no REST URL");
      const { filters, skipped } = await fetchExchangeFilters(
        restUrl,
        this.#o.loadTimeoutMs ?? 5000,
        this.#o.fetch,
      );
      if (this.#closed) return false;
      this.check.setFilters(filters);
      this.#filtersState = "ok";
      this.#filtersAt = this.#clock.now();
      this.#filtersError = undefined;
      this.#symbols = filters.size;
      this.#notice({
        type: "risk-filters",
        state: "ok",
        symbols: filters.size,
        skipped: skipped.length,
        reason,
      });
      this.#afterFilters?.();
      return true;
    } catch (e) {
      this.#filtersError = (e as Error).message;
      // Filters once loaded stay in force (a failed refresh is not a reason to stop checking).
      if (this.#filtersState !== "ok") this.#filtersState = "unavailable";
      this.#notice({
        type: "risk-filters",
        state: this.#filtersState === "ok" ? "stale" : "unavailable",
        error: this.#filtersError,
        reason,
      });
      return false;
    } finally {
      this.#schedule();
    }
  }

  /** Called after new filters are installed (the account exposure re-reads its scales). */
  #afterFilters: (() => void) | undefined;

  /** The daily loss limit's state for `usage()` (a gateway's `LossBreaker`); undefined without a live account. */
  dailyLoss: { usage(): DailyLossUsage } | undefined;

  /** Registers what runs after every filter install. */
  afterFilters(fn: () => void): void {
    this.#afterFilters = fn;
  }

  #schedule(): void {
    if (this.#closed) return;
    this.#clock.clearTimeout(this.#refreshTimer);
    const ms = this.#filtersState === "ok" ? this.#o.refreshMs ?? REFRESH_MS : RETRY_UNAVAILABLE_MS;
    this.#refreshTimer = unrefTimer(this.#clock.setTimeout(() => void this.refreshFilters("scheduled"), ms));
  }

  async #restMarks(): Promise<void> {
    const { restUrl } = this.#o;
    if (restUrl === "" || this.#closed) return;
    try {
      const marks = await fetchMarkPrices(restUrl, this.#o.loadTimeoutMs ?? 5000, this.#o.fetch);
      const at = this.#clock.now();
      for (const [symbol, mark8] of marks) this.check.setMark(symbol, mark8, at);
      if (marks.length > 0) this.#lastMarkAt = at;
    } catch { /* the stream or the next poll brings them; stale marks are handled by the check */ }
  }

  #mark(symbol: string, text: string): void {
    const mark8 = markUnits(text);
    if (mark8 === undefined) return;
    const at = this.#clock.now();
    this.#lastMarkAt = at;
    this.check.setMark(symbol, mark8, at);
  }

  #report(refusal: RiskRefusal): void {
    try {
      this.#o.onRefusal?.(refusal);
    } catch { /* a listener's bug must not change the answer */ }
  }

  #notice(notice: RiskNotice): void {
    try {
      this.#o.onNotice?.(notice);
    } catch { /* as above */ }
  }
}
