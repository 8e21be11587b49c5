/**
 * The pre-trade check: exchange filters (ws-fapi.md §9) and the trader's limits for `order.place`,
 * `order.modify` and `algoOrder.place`, on the caller's thread before anything is sent. Per order: one map
 * look-up, string-to-integer parses and integer compares; no allocation, no zod, no exceptions. The answer is
 * a code (0: pass) and the details in the preallocated {@linkcode PreTradeCheck.verdict}. The symbol of the
 * previous order is remembered, so a run of orders on one symbol skips the map, and every number the check
 * reads sits in the symbol's one packed array (symbol_state.ts): inside a real round trip the caches are cold,
 * and what costs is each cache line touched and each function entered, so the common `order.place` runs in
 * one inlined fast path that can only pass (see `checkPlace`), and the caller's clock read is reused.
 *
 * Exchange filters follow the simulator's order (lib/sim/validate.ts): precision (-1111), PRICE_FILTER,
 * LOT_SIZE / MARKET_LOT_SIZE, PERCENT_PRICE, MIN_NOTIONAL, then MAX_NUM_ORDERS / MAX_NUM_ALGO_ORDERS; then the
 * trader's limits. A false refusal is worse than a miss, so anything the check cannot judge passes to the
 * exchange: malformed numbers (the exchange answers -1102), priceMatch prices, PERCENT_PRICE and MARKET
 * MIN_NOTIONAL while the mark is stale or missing, open-order counts without an account, and MAX_NUM_ORDERS /
 * `maxOpenOrders` for an order that cannot rest (MARKET, IOC, FOK: it never adds an open order). The trader's
 * limits that need the mark (price band, MARKET and position notionals) fail closed instead.
 *
 * Hedge mode (positionSide LONG or SHORT): a close of a side (SELL on LONG, BUY on SHORT) can only reduce, so
 * it is exempt where a reduce-only order is (-4140, MIN_NOTIONAL, `reduceOnlyMode`, the position limits); an
 * order that adds to a side meets the position limits with that side's worst case.
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
import { checkLimits, HEDGE_CLOSES, hedgeSide } from "./_limit_rules.ts";

/** Never a symbol: the latest-symbol slot before any look-up. */
const NO_SYMBOL = "\u0000";
/** The latest-symbol slots before any look-up (never read: no symbol matches NO_SYMBOL). */
const NO_SLOTS = new Float64Array(0);

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
  /** The named open order's positionSide: BOTH (one-way mode, or not known), LONG or SHORT. */
  positionSideOf?(symbol: string, orderId: number | undefined, clientOrderId: string | undefined): string;
  /** Whether the named open order can only reduce a position (reduceOnly, closePosition). */
  reducesOnly?(symbol: string, orderId: number | undefined, clientOrderId: string | undefined): boolean;
  /**
   * A modify of the named order (on side `buy`) to `qty` (at qtyScale) passed the check and is being sent:
   * until its answer shows, its increase counts as open, so modifies sent together cannot pass a limit each
   * fits alone.
   */
  reserveModify?(
    symbol: string,
    buy: boolean,
    orderId: number | undefined,
    clientOrderId: string | undefined,
    qty: number,
  ): void;
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
  /**
   * Local ms clock (mark age, the per-second limit). Default `Date.now`; with `Date.now` itself, a time the
   * caller read from `Date.now()` just before (the `at` of the `check*` methods) is used instead of a read.
   */
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
  /** The clock is `Date.now`: a caller's `at` may stand in for a read. */
  readonly #wallClock: boolean;
  #states = new Map<string, SymbolState>();
  /** The state of the latest symbol looked up (most flows trade one symbol at a time). */
  #lastSymbol = NO_SYMBOL;
  #last: SymbolState | undefined = undefined;
  /** `#last.k`, one pointer hop less for the order path (each hop is a cache miss in a round trip). */
  #lastK: Float64Array = NO_SLOTS;
  /** The latest order that passed the fast path: what `warm` checks again. */
  #lastPassed: PlaceOrderParams | undefined = undefined;
  #filtersLoaded = false;
  #limits: RiskLimitsConfig = {};
  #allowed: ReadonlySet<string> | undefined;
  #reduceOnlyMode = false;
  /** The open orders a modify may replace (set by the account's exposure; none: a modify adds its quantity). */
  openOrders: OpenOrderLookup | undefined = undefined;

  constructor(options: PreTradeCheckOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#wallClock = this.#now === Date.now;
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
      state.setGlobals(this.#allowed?.has(symbol) ?? true, this.#reduceOnlyMode);
      state.setFilters(f, SymbolLimits.compile(limitsFor(this.#limits, symbol), f));
      next.set(symbol, state);
    }
    this.#states = next;
    this.#filtersLoaded = true;
    this.#lastSymbol = NO_SYMBOL;
    this.#last = undefined;
    this.#lastK = NO_SLOTS;
  }

  /** Replaces the limits at once (the old ones apply to every check before this call returns). */
  setLimits(limits: RiskLimitsConfig): void {
    this.#limits = limits;
    this.#allowed = limits.allowedSymbols === undefined ? undefined : new Set(limits.allowedSymbols);
    this.#reduceOnlyMode = limits.reduceOnlyMode === true;
    for (const [symbol, state] of this.#states) {
      state.setGlobals(this.#allowed?.has(symbol) ?? true, this.#reduceOnlyMode);
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

  /**
   * Checks an `order.place`; 0 passes (and counts toward `maxOrdersPerSecond`). `at`: `Date.now()` as the
   * caller just read it (it sends the order with the same time), used when the check's clock is `Date.now`.
   *
   * The common order runs here in one function body: a LIMIT (GTC/IOC) or MARKET order on the latest symbol,
   * not reduce-only, no priceMatch, plain decimals, no `reduceOnlyMode` or refusing `allowedSymbols`, and in
   * one-way mode when a trader's limit is set. Inside
   * a round trip the code is cold, and each function entered cost 150–300 ns on Deno (Maglev inlines none of
   * this size), so the rules are inlined here, and `%` is a division (no fmod call). It only ever answers
   * "pass": whatever fails or needs a closer look runs the full check from the start (`#checkPlaceFully`,
   * where the rules are stated once), which decides and fills the verdict. tests/risk/fast_path_test.ts
   * compares the two on random orders.
   */
  checkPlace(p: PlaceOrderParams, at?: number): number {
    if (p.symbol !== this.#lastSymbol) return this.#checkPlaceFully(p, at);
    const k = this.#lastK;
    if (k[0 /* TRADING */] !== 1 || p.reduceOnly === true || p.priceMatch !== undefined) {
      return this.#checkPlaceFully(p, at);
    }
    const type = p.type;
    const market = type === "MARKET";
    let rests = !market;
    if (market) {
      if ((k[1 /* ORDER_TYPES */]! & 2) === 0) return this.#checkPlaceFully(p, at);
    } else {
      if (type !== "LIMIT" || (k[1 /* ORDER_TYPES */]! & 1) === 0) return this.#checkPlaceFully(p, at);
      const tif = p.timeInForce;
      const tifBit = tif === "GTC" ? 1 : tif === "IOC" ? 2 : 0;
      if ((k[2 /* TIME_IN_FORCE */]! & tifBit) === 0) return this.#checkPlaceFully(p, at);
      rests = tifBit === 1;
    }
    // Quantity and price as parseScaled reads them, for plain text only (digits, one inner dot, at most the
    // scale's decimals, below 2^53); anything else is left to the full check (-1 here). Written out twice:
    // a helper is a call Maglev does not inline.
    const qtyText = p.quantity;
    if (typeof qtyText !== "string") return this.#checkPlaceFully(p, at);
    let qty = -1;
    {
      const n = qtyText.length;
      const scale = k[18 /* QTY_SCALE */]!;
      let value = 0;
      let dot = -1;
      let i = 0;
      for (; i < n; i++) {
        const c = qtyText.charCodeAt(i);
        if (c >= 48 && c <= 57) value = value * 10 + (c - 48);
        else if (c === 46 && dot < 0 && i > 0 && i < n - 1) dot = i;
        else break;
      }
      if (i === n && n > 0 && value <= Number.MAX_SAFE_INTEGER && (dot < 0 || n - dot - 1 <= scale)) {
        for (let d = dot < 0 ? 0 : n - dot - 1; d < scale; d++) value *= 10;
        if (value <= Number.MAX_SAFE_INTEGER) qty = value;
      }
    }
    if (qty < 0 || notMultiple(qty, k[3 /* QTY_DIV */]!)) return this.#checkPlaceFully(p, at);
    let price = -1;
    if (!market) {
      const priceText = p.price;
      if (typeof priceText !== "string") return this.#checkPlaceFully(p, at);
      const n = priceText.length;
      const scale = k[17 /* PRICE_SCALE */]!;
      let value = 0;
      let dot = -1;
      let i = 0;
      for (; i < n; i++) {
        const c = priceText.charCodeAt(i);
        if (c >= 48 && c <= 57) value = value * 10 + (c - 48);
        else if (c === 46 && dot < 0 && i > 0 && i < n - 1) dot = i;
        else break;
      }
      if (i === n && n > 0 && value <= Number.MAX_SAFE_INTEGER && (dot < 0 || n - dot - 1 <= scale)) {
        for (let d = dot < 0 ? 0 : n - dot - 1; d < scale; d++) value *= 10;
        if (value <= Number.MAX_SAFE_INTEGER) price = value;
      }
      if (price < 0 || notMultiple(price, k[4 /* PRICE_DIV */]!)) return this.#checkPlaceFully(p, at);
      // PRICE_FILTER (a rule that is off is packed to pass: min 0, max Infinity, tick 1).
      const minPrice = k[5 /* MIN_PRICE */]!;
      if (
        price < minPrice || price > k[6 /* MAX_PRICE */]! ||
        notMultiple(price - minPrice, k[7 /* TICK_SIZE */]!)
      ) {
        return this.#checkPlaceFully(p, at);
      }
    }
    // LOT_SIZE (slots 8–10) or MARKET_LOT_SIZE (11–13): min, max, step.
    const lot = market ? 11 : 8;
    const minQty = k[lot]!;
    if (qty < minQty || qty > k[lot + 1]! || notMultiple(qty - minQty, k[lot + 2]!)) {
      return this.#checkPlaceFully(p, at);
    }
    const now = at !== undefined && this.#wallClock ? at : this.#now();
    const fresh = now - k[19 /* MARK_AT */]! <= MARK_STALE_MS;
    const buy = p.side === "BUY";
    if (price >= 0 && fresh && (buy ? price > k[20 /* BUY_CAP */]! : price < k[21 /* SELL_FLOOR */]!)) {
      return this.#checkPlaceFully(p, at);
    }
    const minNotional = k[14 /* MIN_NOTIONAL */]!;
    if (
      minNotional > 0 &&
      (market ? fresh && qty < k[22 /* MARKET_MIN_NOTIONAL_QTY */]! : price * qty < minNotional)
    ) return this.#checkPlaceFully(p, at);
    const open = k[36 /* OPEN_ORDERS */]! + k[37 /* OPEN_ALGO_ORDERS */]!;
    const maxNum = k[15 /* MAX_NUM_ORDERS */]!;
    if (rests && maxNum > 0 && open >= maxNum) return this.#checkPlaceFully(p, at);
    if (k[38 /* L_ANY */] !== 0) {
      // The trader's limits as _limit_rules.ts states them, for a one-way order that is not reduce-only.
      const ps = p.positionSide;
      if (
        k[39 /* L_ALLOWED */] !== 1 || k[40 /* L_REDUCE_ONLY_MODE */] !== 0 ||
        qty > k[26 /* L_MAX_ORDER_QTY */]! || (ps !== undefined && ps !== "BOTH")
      ) {
        return this.#checkPlaceFully(p, at);
      }
      const maxNotional = k[27 /* L_MAX_ORDER_NOTIONAL */]!;
      if (
        maxNotional !== Number.POSITIVE_INFINITY &&
        (price < 0 ? !fresh || k[23 /* MARK_PRICE */]! * qty > maxNotional : price * qty > maxNotional)
      ) return this.#checkPlaceFully(p, at);
      if (
        price >= 0 && k[28 /* L_PRICE_BAND_PCT */] !== Number.POSITIVE_INFINITY &&
        (!fresh || price > k[24 /* BAND_HIGH */]! || price < k[25 /* BAND_LOW */]!)
      ) return this.#checkPlaceFully(p, at);
      const pos = k[33 /* POSITION */]!;
      const worst = buy ? pos + k[34 /* OPEN_BUY_QTY */]! + qty : k[35 /* OPEN_SELL_QTY */]! + qty - pos;
      const maxPositionNotional = k[30 /* L_MAX_POSITION_NOTIONAL */]!;
      if (
        worst > k[29 /* L_MAX_POSITION_QTY */]! ||
        (maxPositionNotional !== Number.POSITIVE_INFINITY &&
          (!fresh || worst * k[23 /* MARK_PRICE */]! > maxPositionNotional)) ||
        (rests && open + 1 > k[31 /* L_MAX_OPEN_ORDERS */]!)
      ) return this.#checkPlaceFully(p, at);
      const maxRate = k[32 /* L_MAX_ORDERS_PER_SECOND */]!;
      if (maxRate !== Number.POSITIVE_INFINITY) {
        // SymbolState.rateExceeded and recordOrder, inlined: the ring holds the latest maxRate send times.
        const s = this.#last!;
        const ring = s.rateRing;
        const head = s.rateHead;
        if (ring.length === 0 ? maxRate <= 0 : now - ring[head]! < 1000) return this.#checkPlaceFully(p, at);
        if (ring.length !== 0) {
          ring[head] = now;
          s.rateHead = head + 1 === ring.length ? 0 : head + 1;
        }
      }
    }
    this.#lastPassed = p;
    this.verdict.code = 0;
    return 0;
  }

  /**
   * Checks the latest order that passed again, counting nothing: its symbol's `maxOrdersPerSecond` history is
   * put back as it was. For a gateway idle between orders (`lib/gateway/order_path_warmer.ts`): inside a round
   * trip the check's code and its symbol's slots are cold, and that, not its work, is most of its cost there.
   * The check is left remembering that order's symbol, as its pass left it. Returns the check's code (0 before
   * any order passed), so that the work cannot be left out; the verdict is overwritten.
   *
   * @example
   * ```ts
   * const check = new PreTradeCheck();
   * check.checkPlace({ symbol: "BTCUSDT", side: "BUY", type: "MARKET", quantity: "0.002" });
   * check.warm(); // 0: it passed again, and nothing was counted
   * ```
   */
  warm(): number {
    const p = this.#lastPassed;
    if (p === undefined) return 0;
    const s = this.#states.get(p.symbol);
    if (s === undefined) return 0; // dropped by a refresh of the filters
    const ring = s.rateRing;
    const head = s.rateHead;
    const kept = ring.length === 0 ? 0 : ring[head]!;
    const code = this.checkPlace(p);
    if (ring.length !== 0) ring[head] = kept;
    s.rateHead = head;
    return code;
  }

  /**
   * Checks a closing order (a flatten's reduce-only MARKET order, sized from the exchange's position) against
   * the exchange's filters only: the trader's limits guard against adding risk, and refusing a close because
   * of them (`allowedSymbols` changed, a position larger than `maxOrderQty`, a stale mark under
   * `maxOrderNotional`) would leave the risk open when it is meant to go. Nothing is counted toward
   * `maxOrdersPerSecond`.
   *
   * @example
   * ```ts
   * const check = new PreTradeCheck();
   * check.checkClosing({ symbol: "BTCUSDT", side: "SELL", type: "MARKET", quantity: "0.003", reduceOnly: true });
   * ```
   */
  checkClosing(p: PlaceOrderParams, at?: number): number {
    return this.#checkPlaceFully(p, at, false);
  }

  #checkPlaceFully(p: PlaceOrderParams, at: number | undefined, limits = true): number {
    const v = this.verdict;
    const symbol = p.symbol;
    let k = this.#lastK;
    if (symbol !== this.#lastSymbol) {
      const found = this.#lookup(symbol);
      if (found === undefined) return v.filter(-1121, "symbol", undefined);
      k = found.k;
    }
    const s = this.#last!; // not dereferenced on a pass without maxOrdersPerSecond
    const reduceOnly = p.reduceOnly === true;
    const buy = p.side === "BUY";
    const hedge = hedgeSide(p.positionSide, buy);
    // A hedge-mode close (it cannot carry reduceOnly) can only reduce: the filters exempt it as they do a
    // reduce-only order, so that the check never refuses what the exchange takes.
    const reduces = reduceOnly || hedge === HEDGE_CLOSES;
    // -4140 is about opening positions: a reduce-only order may still be taken, so it goes to the exchange.
    if (k[0 /* TRADING */] === 0 && !reduces) return v.filter(-4140, "status", s);
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
    if (qty === MALFORMED) return notText(qtyText) ? v.filter(-1102, "quantity", s) : v.pass();
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
      } else if (notText(priceText)) return v.filter(-1102, "price", s);
    }
    const lot = market ? lotSize(k, qty, 11 /* MARKET_MIN_QTY */) : lotSize(k, qty, 8 /* MIN_QTY */);
    if (lot !== 0) return v.filter(lot, market ? "MARKET_LOT_SIZE" : "LOT_SIZE", s);
    const now = at !== undefined && this.#wallClock ? at : this.#now();
    const fresh = now - k[19 /* MARK_AT */]! <= MARK_STALE_MS;
    if (price >= 0 && fresh && (buy ? price > k[20 /* BUY_CAP */]! : price < k[21 /* SELL_FLOOR */]!)) {
      return v.filter(buy ? -4016 : -4024, "PERCENT_PRICE", s);
    }
    const minNotional = k[14 /* MIN_NOTIONAL */]!;
    if (!reduces && minNotional > 0) {
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
    // No trader limit applies (or a close, which they never refuse): nothing to check, nothing to count.
    if (k[38 /* L_ANY */] === 0 || !limits) return v.pass();
    const code = checkLimits(
      v,
      s,
      k,
      buy,
      qty,
      price,
      reduceOnly,
      false,
      fresh,
      now,
      true,
      rests,
      true,
      0,
      hedge,
    );
    if (code === 0 && k[32 /* L_MAX_ORDERS_PER_SECOND */] !== Number.POSITIVE_INFINITY) s.recordOrder(now);
    return code;
  }

  /** Checks an `order.modify`; 0 passes (and counts toward `maxOrdersPerSecond`). `at` as for `checkPlace`. */
  checkModify(p: ModifyOrderParams, at?: number): number {
    const v = this.verdict;
    const s = this.#lookup(p.symbol);
    if (s === undefined) return v.filter(-1121, "symbol", undefined);
    const f = s.filters;
    if (!f.trading) return v.filter(-5024, "status", s);
    const qty = typeof p.quantity === "string" ? parseScaled(p.quantity, f.qtyScale) : MALFORMED;
    if (qty === TOO_PRECISE || qtyPrecisionOver(s.k, qty)) {
      return v.filter(-1111, "quantityPrecision", s);
    }
    if (qty === MALFORMED) return notText(p.quantity) ? v.filter(-1102, "quantity", s) : v.pass();
    let price = -1;
    if (p.priceMatch === undefined && typeof p.price === "string") {
      price = parseScaled(p.price, f.priceScale);
      if (price === TOO_PRECISE || pricePrecisionOver(s.k, price)) {
        return v.filter(-1111, "pricePrecision", s);
      }
      if (price === MALFORMED) return v.pass();
      const bad = priceFilter(s.k, price);
      if (bad !== 0) return v.filter(bad, "PRICE_FILTER", s);
    } else if (notText(p.price)) return v.filter(-1102, "price", s);
    const lot = lotSize(s.k, qty, 8 /* MIN_QTY */);
    if (lot !== 0) return v.filter(lot, "LOT_SIZE", s);
    const now = at !== undefined && this.#wallClock ? at : this.#now();
    const fresh = now - s.markAt <= MARK_STALE_MS;
    const buy = p.side === "BUY";
    if (price >= 0 && fresh) {
      if (buy ? price > s.buyCap : price < s.sellFloor) {
        return v.filter(buy ? -4016 : -4024, "PERCENT_PRICE", s);
      }
    }
    // The position limits see the new quantity in place of the order's old one; a modify adds no open order.
    const replaced = this.openOrders?.replacedQty(p.symbol, buy, p.orderId, p.origClientOrderId) ?? 0;
    // A modify names no positionSide nor reduceOnly: the order's own, when the account knows them.
    const side = this.openOrders?.positionSideOf?.(p.symbol, p.orderId, p.origClientOrderId);
    const reduces = this.openOrders?.reducesOnly?.(p.symbol, p.orderId, p.origClientOrderId) === true;
    const code = checkLimits(
      v,
      s,
      s.k,
      buy,
      qty,
      price,
      reduces,
      false,
      fresh,
      now,
      true,
      false,
      true,
      replaced,
      hedgeSide(side, buy),
    );
    if (code === 0) {
      s.recordOrder(now);
      this.openOrders?.reserveModify?.(p.symbol, buy, p.orderId, p.origClientOrderId, qty);
    }
    return code;
  }

  /** Checks an `algoOrder.place`; 0 passes (and counts toward `maxOrdersPerSecond`). `at` as for `checkPlace`. */
  checkAlgoPlace(p: PlaceAlgoOrderParams, at?: number): number {
    const v = this.verdict;
    const s = this.#lookup(p.symbol);
    if (s === undefined) return v.filter(-1121, "symbol", undefined);
    const f = s.filters;
    const hedge = hedgeSide(p.positionSide, p.side === "BUY");
    const closing = p.reduceOnly === true || p.closePosition === true || hedge === HEDGE_CLOSES;
    if (!f.trading && !closing) return v.filter(-4140, "status", s);
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
      if (qty === MALFORMED) return notText(p.quantity) ? v.filter(-1102, "quantity", s) : v.pass();
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
    } else if (notText(p.price)) return v.filter(-1102, "price", s);
    if (notText(p.triggerPrice)) return v.filter(-1102, "triggerPrice", s);
    if (notText(p.activatePrice)) return v.filter(-1102, "activatePrice", s);
    if (type === "TRAILING_STOP_MARKET" && typeof p.activatePrice === "string") {
      // A price like any other: at most the symbol's price precision (the exchange answers -1111).
      const activate = parseScaled(p.activatePrice, f.priceScale);
      if (activate === TOO_PRECISE || pricePrecisionOver(s.k, activate)) {
        return v.filter(-1111, "activatePricePrecision", s);
      }
    }
    if (type !== "TRAILING_STOP_MARKET" && typeof p.triggerPrice === "string") {
      const trigger = parseScaled(p.triggerPrice, f.priceScale);
      if (trigger === TOO_PRECISE || pricePrecisionOver(s.k, trigger)) {
        return v.filter(-1111, "triggerPricePrecision", s);
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
    const now = at !== undefined && this.#wallClock ? at : this.#now();
    const fresh = now - s.markAt <= MARK_STALE_MS;
    const reduces = closePosition || p.reduceOnly === true;
    const code = checkLimits(
      v,
      s,
      s.k,
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
      0,
      hedge,
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
      this.#lastK = s.k;
    }
    return s;
  }

  #open(symbol: string): SymbolState {
    const filters = SymbolFilters.open(symbol);
    const state = new SymbolState(filters);
    state.setGlobals(this.#allowed?.has(symbol) ?? true, this.#reduceOnlyMode);
    state.setLimits(SymbolLimits.compile(limitsFor(this.#limits, symbol), filters));
    this.#states.set(symbol, state);
    return state;
  }
}

/**
 * For integers 0 ≤ d ≤ 2^53 − 1 and step ≥ 1: true when d is not a multiple of step. Exact: for a multiple
 * the quotient is an exact integer and the product gives d back; otherwise floor(q) × step is a multiple of
 * step, below d (exact) or, when q rounded up to the next integer, above it. A division instead of `%`,
 * which is a call to fmod in both engines.
 */
/**
 * A decimal field given as something other than a string (a number from JavaScript, a parsed JSON config): the
 * exchange would take a number, but the check cannot judge one, so it would pass every filter and limit unseen.
 * Not reached by the control plane (zod reads strings) or TypeScript callers; absent fields are the exchange's.
 */
function notText(value: unknown): boolean {
  return value !== undefined && typeof value !== "string";
}

function notMultiple(d: number, step: number): boolean {
  return step !== 1 && Math.floor(d / step) * step !== d;
}
