/**
 * The pre-trade check: exchange filters (ws-fapi.md §9) and the trader's limits for `order.place`,
 * `order.modify` and `algoOrder.place`, on the caller's thread before anything is sent. Per order: one map
 * look-up, string-to-integer parses and integer compares; no allocation, no zod, no exceptions. The answer is
 * a code (0: pass) and the details in the preallocated {@linkcode PreTradeCheck.verdict}. The symbol of the
 * previous order is remembered, so a run of orders on one symbol skips the map, and every number the check
 * reads sits in the symbol's one packed array (symbol_state.ts): inside a real round trip the caches are cold,
 * and what costs is each cache line touched.
 *
 * Exchange filters follow the simulator's order (lib/sim/validate.ts): precision (-1111), PRICE_FILTER,
 * LOT_SIZE / MARKET_LOT_SIZE, PERCENT_PRICE, MIN_NOTIONAL, then MAX_NUM_ORDERS / MAX_NUM_ALGO_ORDERS; then the
 * trader's limits. A false refusal is worse than a miss, so anything the check cannot judge passes to the
 * exchange: malformed numbers (the exchange answers -1102), priceMatch prices, PERCENT_PRICE and MARKET
 * MIN_NOTIONAL while the mark is stale or missing, open-order counts without an account, and MAX_NUM_ORDERS /
 * `maxOpenOrders` for an order that cannot rest (MARKET, IOC, FOK: it never adds an open order). The trader's
 * limits that need the mark (price band, MARKET and position notionals) fail closed instead.
 *
 * @module
 */

import type { ModifyOrderParams, PlaceAlgoOrderParams, PlaceOrderParams } from "../types.ts";
import { limitsFor, type RiskLimitsConfig, SymbolLimits } from "./risk_limits.ts";
import { MALFORMED, parseScaled, TOO_PRECISE } from "./scaled_decimal.ts";
import { ORDER_TYPE_BITS, SymbolFilters, TIF_BITS } from "./symbol_filters.ts";
import { SymbolState } from "./symbol_state.ts";
import { Verdict } from "./verdict.ts";
import { lotSize, priceFilter, pricePrecisionOver, qtyPrecisionOver } from "./_filter_rules.ts";
import { checkLimits } from "./_limit_rules.ts";

/** Never a symbol: the latest-symbol slot before any look-up. */
const NO_SYMBOL = "\u0000";

/** A mark older than this (ms) is stale. */
export const MARK_STALE_MS = 10_000;

/**
 * Finds the open order an `order.modify` replaces (the account's exposure implements it). Called on the check
 * path: it must not allocate.
 *
 * @example
 * ```ts
 * const none: OpenOrderLookup = { replacedQty: () => 0 };
 * ```
 */
export interface OpenOrderLookup {
  /**
   * The quantity at `symbol`'s qtyScale that a modify of this order replaces in the worst-case position on
   * its side (`buy`): the remaining quantity counted as open plus the executed quantity; 0 when the order is
   * unknown, on the other side or not counted (then the new quantity simply adds: the worst case).
   */
  replacedQty(
    symbol: string,
    buy: boolean,
    orderId: number | undefined,
    clientOrderId: string | undefined,
  ): number;
}

/**
 * Options of {@linkcode PreTradeCheck}.
 *
 * @example
 * ```ts
 * const options: PreTradeCheckOptions = { now: () => Date.now(), limits: { reduceOnlyMode: false } };
 * ```
 */
export interface PreTradeCheckOptions {
  /** Local ms clock (mark age, the per-second limit). Default `Date.now`. */
  now?: () => number;
  /** The trader's limits. Default: none. */
  limits?: RiskLimitsConfig;
}

/**
 * Filters, limits, marks and exposure by symbol, and the check itself.
 *
 * @example
 * ```ts
 * import { parseExchangeInfo } from "./symbol_filters.ts";
 * declare const exchangeInfo: unknown;
 * const check = new PreTradeCheck({ limits: { symbols: { "*": { maxOrderQty: 1 } } } });
 * check.setFilters(parseExchangeInfo(exchangeInfo).filters);
 * check.setMark("BTCUSDT", 5_100_000_000_000n, Date.now());
 * const code = check.checkPlace({ symbol: "BTCUSDT", side: "BUY", type: "LIMIT", timeInForce: "GTC",
 *   quantity: "0.002", price: "50000.05" });
 * if (code !== 0) console.log(check.verdict.message()); // -4014 Price not increased by tick size.
 * ```
 */
export class PreTradeCheck {
  /** Details of the latest check (overwritten by the next one). */
  readonly verdict: Verdict = new Verdict();
  readonly #now: () => number;
  #states = new Map<string, SymbolState>();
  /** The state of the latest symbol looked up (most flows trade one symbol at a time). */
  #lastSymbol = NO_SYMBOL;
  #last: SymbolState | undefined = undefined;
  #filtersLoaded = false;
  #limits: RiskLimitsConfig = {};
  #allowed: ReadonlySet<string> | undefined;
  #reduceOnlyMode = false;
  /** The open orders a modify may replace (set by the account's exposure; none: a modify adds its quantity). */
  openOrders: OpenOrderLookup | undefined = undefined;

  constructor(options: PreTradeCheckOptions = {}) {
    this.#now = options.now ?? Date.now;
    if (options.limits !== undefined) this.setLimits(options.limits);
  }

  /** True once exchangeInfo was installed (until then exchange filters pass everything). */
  get filtersLoaded(): boolean {
    return this.#filtersLoaded;
  }

  /** The limits in force. */
  get limits(): RiskLimitsConfig {
    return this.#limits;
  }

  /** The state of `symbol`, if it has one. */
  state(symbol: string): SymbolState | undefined {
    return this.#states.get(symbol);
  }

  /** Every symbol state. */
  states(): IterableIterator<SymbolState> {
    return this.#states.values();
  }

  /**
   * Installs exchange filters (a load or refresh): marks, exposure and rate history of known symbols are
   * kept; symbols no longer listed are dropped (they would be -1121 on the exchange).
   */
  setFilters(filters: ReadonlyMap<string, SymbolFilters>): void {
    const next = new Map<string, SymbolState>();
    for (const [symbol, f] of filters) {
      const state = this.#states.get(symbol) ?? new SymbolState(f);
      state.setFilters(f, SymbolLimits.compile(limitsFor(this.#limits, symbol), f));
      next.set(symbol, state);
    }
    this.#states = next;
    this.#filtersLoaded = true;
    this.#lastSymbol = NO_SYMBOL;
    this.#last = undefined;
  }

  /** Replaces the limits at once (the old ones apply to every check before this call returns). */
  setLimits(limits: RiskLimitsConfig): void {
    this.#limits = limits;
    this.#allowed = limits.allowedSymbols === undefined ? undefined : new Set(limits.allowedSymbols);
    this.#reduceOnlyMode = limits.reduceOnlyMode === true;
    for (const [symbol, state] of this.#states) {
      state.setLimits(SymbolLimits.compile(limitsFor(limits, symbol), state.filters));
    }
  }

  /** A mark price at 8 decimals, received at local ms `at`; ignored for symbols without filters once loaded. */
  setMark(symbol: string, mark8: bigint, at: number): void {
    this.#lookup(symbol)?.setMark(mark8, at);
  }

  /** The state of `symbol`, created open (no filters) while exchangeInfo is unavailable. */
  stateForExposure(symbol: string): SymbolState | undefined {
    return this.#lookup(symbol);
  }

  /** Checks an `order.place`; 0 passes (and counts toward `maxOrdersPerSecond`). */
  checkPlace(p: PlaceOrderParams): number {
    const v = this.verdict;
    const symbol = p.symbol;
    const s = symbol === this.#lastSymbol ? this.#last : this.#lookup(symbol);
    if (s === undefined) return v.filter(-1121, "symbol", undefined);
    const k = s.k;
    const reduceOnly = p.reduceOnly === true;
    // -4140 is about opening positions: a reduce-only order may still be taken, so it goes to the exchange.
    if (k[0 /* TRADING */] === 0 && !reduceOnly) return v.filter(-4140, "status", s);
    const type = p.type;
    const limit = type === "LIMIT";
    const market = type === "MARKET";
    // The two common types without a keyed look-up (this runs before every order).
    const typeBit = limit ? 1 : market ? 2 : ORDER_TYPE_BITS[type];
    if (typeBit !== undefined && (k[1 /* ORDER_TYPES */]! & typeBit) === 0) {
      return v.filter(-1116, "orderTypes", s);
    }
    const tif = p.timeInForce;
    if (limit && typeof tif === "string") {
      const tifBit = tif === "GTC" ? 1 : tif === "IOC" ? 2 : TIF_BITS[tif];
      if (tifBit !== undefined && (k[2 /* TIME_IN_FORCE */]! & tifBit) === 0) {
        return v.filter(-1115, "timeInForce", s);
      }
    }
    const rests = !market && tif !== "IOC" && tif !== "FOK";
    const qtyText = p.quantity;
    const qty = typeof qtyText === "string" ? parseScaled(qtyText, k[18 /* QTY_SCALE */]!) : MALFORMED;
    if (qty === TOO_PRECISE || qtyPrecisionOver(k, qty)) return v.filter(-1111, "quantityPrecision", s);
    if (qty === MALFORMED) return v.pass();
    let price = -1; // none: MARKET, priceMatch
    if (limit) {
      const priceText = p.price;
      if (typeof priceText === "string" && p.priceMatch === undefined) {
        price = parseScaled(priceText, k[17 /* PRICE_SCALE */]!);
        if (price === TOO_PRECISE || pricePrecisionOver(k, price)) {
          return v.filter(-1111, "pricePrecision", s);
        }
        if (price === MALFORMED) return v.pass();
        const bad = priceFilter(k, price);
        if (bad !== 0) return v.filter(bad, "PRICE_FILTER", s);
      }
    }
    const lot = market ? lotSize(k, qty, 11 /* MARKET_MIN_QTY */) : lotSize(k, qty, 8 /* MIN_QTY */);
    if (lot !== 0) return v.filter(lot, market ? "MARKET_LOT_SIZE" : "LOT_SIZE", s);
    const now = this.#now();
    const fresh = now - k[19 /* MARK_AT */]! <= MARK_STALE_MS;
    const buy = p.side === "BUY";
    if (price >= 0 && fresh && (buy ? price > k[20 /* BUY_CAP */]! : price < k[21 /* SELL_FLOOR */]!)) {
      return v.filter(buy ? -4016 : -4024, "PERCENT_PRICE", s);
    }
    const minNotional = k[14 /* MIN_NOTIONAL */]!;
    if (!reduceOnly && minNotional > 0) {
      if (
        price >= 0 ? price * qty < minNotional : market && fresh && qty < k[22 /* MARKET_MIN_NOTIONAL_QTY */]!
      ) {
        return v.filter(-4164, "MIN_NOTIONAL", s);
      }
    }
    const maxNum = k[15 /* MAX_NUM_ORDERS */]!;
    if (rests && maxNum > 0 && k[36 /* OPEN_ORDERS */]! + k[37 /* OPEN_ALGO_ORDERS */]! >= maxNum) {
      return v.filter(-2025, "MAX_NUM_ORDERS", s);
    }
    const code = checkLimits(
      v,
      this.#allowed,
      this.#reduceOnlyMode,
      s,
      buy,
      qty,
      price,
      reduceOnly,
      false,
      fresh,
      now,
      true,
      rests,
    );
    if (code === 0) s.recordOrder(now);
    return code;
  }

  /** Checks an `order.modify`; 0 passes (and counts toward `maxOrdersPerSecond`). */
  checkModify(p: ModifyOrderParams): number {
    const v = this.verdict;
    const s = this.#lookup(p.symbol);
    if (s === undefined) return v.filter(-1121, "symbol", undefined);
    const f = s.filters;
    if (!f.trading) return v.filter(-5024, "status", s);
    const qty = typeof p.quantity === "string" ? parseScaled(p.quantity, f.qtyScale) : MALFORMED;
    if (qty === TOO_PRECISE || qtyPrecisionOver(s.k, qty)) {
      return v.filter(-1111, "quantityPrecision", s);
    }
    if (qty === MALFORMED) return v.pass();
    let price = -1;
    if (p.priceMatch === undefined && typeof p.price === "string") {
      price = parseScaled(p.price, f.priceScale);
      if (price === TOO_PRECISE || pricePrecisionOver(s.k, price)) {
        return v.filter(-1111, "pricePrecision", s);
      }
      if (price === MALFORMED) return v.pass();
      const bad = priceFilter(s.k, price);
      if (bad !== 0) return v.filter(bad, "PRICE_FILTER", s);
    }
    const lot = lotSize(s.k, qty, 8 /* MIN_QTY */);
    if (lot !== 0) return v.filter(lot, "LOT_SIZE", s);
    const now = this.#now();
    const fresh = now - s.markAt <= MARK_STALE_MS;
    const buy = p.side === "BUY";
    if (price >= 0 && fresh) {
      if (buy ? price > s.buyCap : price < s.sellFloor) {
        return v.filter(buy ? -4016 : -4024, "PERCENT_PRICE", s);
      }
    }
    // The position limits see the new quantity in place of the order's old one; a modify adds no open order.
    const replaced = this.openOrders?.replacedQty(p.symbol, buy, p.orderId, p.origClientOrderId) ?? 0;
    const code = checkLimits(
      v,
      this.#allowed,
      this.#reduceOnlyMode,
      s,
      buy,
      qty,
      price,
      false,
      false,
      fresh,
      now,
      true,
      false,
      true,
      replaced,
    );
    if (code === 0) s.recordOrder(now);
    return code;
  }

  /** Checks an `algoOrder.place`; 0 passes (and counts toward `maxOrdersPerSecond`). */
  checkAlgoPlace(p: PlaceAlgoOrderParams): number {
    const v = this.verdict;
    const s = this.#lookup(p.symbol);
    if (s === undefined) return v.filter(-1121, "symbol", undefined);
    const f = s.filters;
    if (!f.trading && p.reduceOnly !== true && p.closePosition !== true) return v.filter(-4140, "status", s);
    const type = p.type;
    const typeBit = ORDER_TYPE_BITS[type];
    if (typeBit !== undefined && (f.orderTypes & typeBit) === 0) return v.filter(-1116, "orderTypes", s);
    const closePosition = p.closePosition === true;
    let qty = 0;
    if (!closePosition) {
      qty = typeof p.quantity === "string" ? parseScaled(p.quantity, f.qtyScale) : MALFORMED;
      if (qty === TOO_PRECISE || qtyPrecisionOver(s.k, qty)) {
        return v.filter(-1111, "quantityPrecision", s);
      }
      if (qty === MALFORMED) return v.pass();
      const market = type === "STOP_MARKET" || type === "TAKE_PROFIT_MARKET" ||
        type === "TRAILING_STOP_MARKET";
      const lot = market ? lotSize(s.k, qty, 11 /* MARKET_MIN_QTY */) : lotSize(s.k, qty, 8 /* MIN_QTY */);
      if (lot !== 0) return v.filter(lot, market ? "MARKET_LOT_SIZE" : "LOT_SIZE", s);
    }
    let price = -1;
    if (
      (type === "STOP" || type === "TAKE_PROFIT") && p.priceMatch === undefined && typeof p.price === "string"
    ) {
      price = parseScaled(p.price, f.priceScale);
      if (price === TOO_PRECISE || pricePrecisionOver(s.k, price)) {
        return v.filter(-1111, "pricePrecision", s);
      }
      if (price === MALFORMED) return v.pass();
      const bad = priceFilter(s.k, price);
      if (bad !== 0) return v.filter(bad, "PRICE_FILTER", s);
    }
    if (type !== "TRAILING_STOP_MARKET" && typeof p.triggerPrice === "string") {
      const trigger = parseScaled(p.triggerPrice, f.priceScale);
      if (trigger === TOO_PRECISE || pricePrecisionOver(s.k, trigger)) {
        return v.filter(-1111, "pricePrecision", s);
      }
      if (trigger === MALFORMED) return v.pass();
      const bad = priceFilter(s.k, trigger);
      if (bad !== 0) return v.filter(bad, "PRICE_FILTER", s);
      if (price < 0) price = trigger; // the notional limit uses the trigger when there is no limit price
    }
    if (f.maxNumAlgoOrders > 0 && s.openAlgoOrders >= f.maxNumAlgoOrders) {
      return v.filter(-4045, "MAX_NUM_ALGO_ORDERS", s);
    }
    if (f.maxNumOrders > 0 && s.openOrders + s.openAlgoOrders >= f.maxNumOrders) {
      return v.filter(-2025, "MAX_NUM_ORDERS", s);
    }
    const now = this.#now();
    const fresh = now - s.markAt <= MARK_STALE_MS;
    const reduces = closePosition || p.reduceOnly === true;
    const code = checkLimits(
      v,
      this.#allowed,
      this.#reduceOnlyMode,
      s,
      p.side === "BUY",
      qty,
      price,
      reduces,
      closePosition,
      fresh,
      now,
      true,
      true,
      false,
    );
    if (code === 0) s.recordOrder(now);
    return code;
  }

  /** The state of `symbol` (created open while exchangeInfo is unavailable), remembered as the latest. */
  #lookup(symbol: string): SymbolState | undefined {
    const s = this.#states.get(symbol) ?? (this.#filtersLoaded ? undefined : this.#open(symbol));
    if (s !== undefined) {
      this.#lastSymbol = symbol;
      this.#last = s;
    }
    return s;
  }

  #open(symbol: string): SymbolState {
    const filters = SymbolFilters.open(symbol);
    const state = new SymbolState(filters);
    state.setLimits(SymbolLimits.compile(limitsFor(this.#limits, symbol), filters));
    this.#states.set(symbol, state);
    return state;
  }
}
