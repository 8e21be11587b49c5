/**
 * Feeds the account's live exposure into the pre-trade check: the signed position of each symbol and the
 * remaining quantity and number of its open orders (pending and unknown count as open: the worst case),
 * kept up to date incrementally from the account's `order` and `position` events, so the check reads plain
 * numbers and an order event costs O(1), never a scan of every order.
 *
 * A position line is one-way (positionSide BOTH) or one side of a hedge-mode symbol (LONG, SHORT; a SHORT
 * amount is negative). Each line is kept apart, with the fills no line of its own shows yet; so are the open
 * orders that add to a hedge side (BUY on LONG, SELL on SHORT; a close of a side adds nothing).
 *
 * Orders that cannot rest (MARKET, IOC, FOK) never count as open orders: with Binance's default ACK answer
 * their ack says NEW although they already filled or expired, and without the user stream's event they stay
 * "open" in the tracker — counting them made MAX_NUM_ORDERS refuse every order after 200 of them. Their
 * quantity counts toward the worst-case position only while young ({@linkcode AT_ONCE_EXPOSURE_MS}): by then
 * a fill shows in the position (stream or snapshot), and counting it twice would refuse falsely.
 *
 * @module
 */

import { type Clock, type ClockHandle, systemClock } from "../_clock.ts";
import { unrefTimer } from "../_timers.ts";
import type { AccountEvent } from "../account/event_log.ts";
import type { Position } from "../account/positions.ts";
import { finishesAtOnce, type TrackedOrder } from "../orders/tracked_order.ts";
import type { OpenOrderLookup, PreTradeCheck } from "./pre_trade_check.ts";
import { parseScaled } from "./scaled_decimal.ts";

/** What the feed needs of an account (a `Gateway`'s `account` fits). */
export interface ExposureSource {
  subscribe(listener: (event: AccountEvent) => void, types?: readonly ("order" | "position")[]): () => void;
  readonly orders: { list(): TrackedOrder[] };
  readonly book: { positions(): Position[] };
}

/**
 * How long (ms from its intent) an order that cannot rest counts toward the worst-case position while it is
 * still listed open: long enough for the user stream's fill and position events (milliseconds normally).
 */
export const AT_ONCE_EXPOSURE_MS = 5_000;

/**
 * How long a modify's increase counts as open if no answer about its order arrives (a refused modify leaves
 * the order as it was, with no event): past the request timeout.
 *
 * @example
 * ```ts
 * MODIFY_RESERVATION_MS; // 10000
 * ```
 */
export const MODIFY_RESERVATION_MS = 10_000;

/**
 * How long an order taken as gone on a refused cancel (NOT_FOUND) keeps its exposure if its follow-up query never
 * tells how it ended: past the audit's interval, whose snapshot shows any fill in the position.
 *
 * @example
 * ```ts
 * GONE_MAX_MS; // 90000
 * ```
 */
export const GONE_MAX_MS = 90_000;

/**
 * How long (ms from when it was seen) a fill no position line has shown counts toward the position while no line
 * of its symbol arrives at all: past the audit's interval (60 s), whose snapshot brings the line of any open
 * position, so what is left is a position already closed again.
 *
 * @example
 * ```ts
 * UNCONFIRMED_MAX_MS; // 90000
 * ```
 */
export const UNCONFIRMED_MAX_MS = 90_000;

/**
 * Options of {@linkcode AccountExposure}.
 *
 * @example
 * ```ts
 * const options: AccountExposureOptions = { atOnceExposureMs: 2_000 };
 * ```
 */
export interface AccountExposureOptions {
  /** Time and timers for the ageing of MARKET/IOC/FOK exposure. Default real time. */
  clock?: Clock;
  /** Default {@linkcode AT_ONCE_EXPOSURE_MS}. */
  atOnceExposureMs?: number;
  /**
   * Whether position lines are arriving (the user stream up, its last gap reconciled). While not, fills that
   * no position line shows yet keep counting however old they are. Default: always (they count for
   * `atOnceExposureMs` at most).
   */
  positionsLive?: () => boolean;
}

/** A fill the account's answers or events showed that no position line covers yet. */
interface UnconfirmedFill {
  /** Exchange ms of the order change that showed it: a position line at or after it includes it. */
  readonly time: number;
  /** Local ms it was seen (it stops counting `atOnceExposureMs` later while position lines arrive). */
  readonly seenAt: number;
  /** Signed quantity at `scale` (positive: bought). */
  readonly qty: number;
  /** The symbol's qtyScale when it was seen: new filters may change the scale before a line covers it. */
  readonly scale: number;
}

/** One position line: a one-way symbol's, or one side of a hedge-mode symbol. */
interface Line {
  readonly symbol: string;
  /** BOTH, LONG or SHORT. */
  readonly side: string;
  /** The newest line's signed amount ("0" before any). */
  amount: string;
  /** Exchange ms of the newest line. */
  at: number;
  /** Local ms the newest line arrived (-Infinity before any). */
  seenAt: number;
  /** Fills not yet in a line: counted into the checked position. */
  unconfirmed: UnconfirmedFill[];
}

/** The key of `symbol`'s line on `side` (the symbol itself in one-way mode: no string built per order). */
function lineKey(symbol: string, side: string): string {
  return side === "BOTH" || side === "" ? symbol : `${symbol} ${side}`;
}

interface Contribution {
  readonly symbol: string;
  /** BOTH, or the hedge-mode side it is on. */
  readonly positionSide: string;
  readonly buy: boolean;
  /**
   * Counts toward MAX_NUM_ALGO_ORDERS: a conditional order not triggered yet. Once triggered it is the regular
   * order it became, in the matching engine, and counts toward the open orders.
   */
  readonly algo: boolean;
  /** Can only reduce a position (reduceOnly, closePosition): counted as an open order, not as exposure. */
  readonly reduces: boolean;
  /** Counts toward open-order counts (false for orders that cannot rest). */
  readonly rests: boolean;
  /**
   * Remaining quantity at the symbol's qtyScale (0: unreadable, or no filters for the symbol). New filters may
   * change the scale: `rebuild` then computes every contribution again.
   */
  readonly remainingQty: number;
  /** The order's quantity and executed quantity it was computed from (unchanged: nothing to recompute). */
  readonly quantity: string;
  readonly executed: string;
  /** Its quantity is in the open exposure (cleared when an order that cannot rest ages out). */
  qtyCounted: boolean;
  /** Open quantity a modify in flight adds (at qtyScale), until its answer or `reservedUntil`. */
  reserved: number;
  /** Local ms the reservation ends if no answer replaces this contribution first. */
  reservedUntil: number;
  /** Exchange order id once known. */
  orderId: number | undefined;
  /** What a modify replaces, at the symbol's qtyScale: counted remaining + executed (0: unreadable). */
  readonly replacedQty: number;
  /** Local ms after which an order that cannot rest stops counting toward exposure. */
  readonly until: number;
  /**
   * Local ms until which an order taken as gone on a refused cancel (NOT_FOUND: it may have filled unseen)
   * keeps its exposure while its follow-up query asks how it ended; undefined otherwise.
   */
  goneUntil?: number | undefined;
}

/**
 * Keeps a check's exposure in step with an account.
 *
 * @example
 * ```ts
 * import type { Gateway } from "../gateway/gateway.ts";
 * import type { PreTradeCheck } from "./pre_trade_check.ts";
 * declare const gateway: Gateway;
 * declare const check: PreTradeCheck;
 * const feed = new AccountExposure(check, gateway.account);
 * feed.close();
 * ```
 */
export class AccountExposure implements OpenOrderLookup {
  readonly #check: PreTradeCheck;
  readonly #source: ExposureSource;
  readonly #open = new Map<string, Contribution>();
  /** The open orders by exchange order id (what a modify names them by, most often). */
  readonly #byOrderId = new Map<number, Contribution>();
  /**
   * Position lines by {@linkcode lineKey}, with the fills not yet in one: counted into the checked position,
   * so a fill an answer reported (a MARKET order answered FILLED) does not drop out of the worst case before
   * its position line.
   */
  readonly #lines = new Map<string, Line>();
  /** Lines with unconfirmed fills (what the sweeper looks at). */
  readonly #unconfirmed = new Set<Line>();
  readonly #positionsLive: () => boolean;
  /** Orders that cannot rest whose quantity still counts, by client id. */
  readonly #young = new Map<string, Contribution>();
  /** Orders taken as gone (NOT_FOUND) whose exposure stays until their real end is known (`goneUntil`). */
  readonly #gone = new Map<string, Contribution>();
  /** Contributions with a modify's increase reserved. */
  readonly #reserved = new Set<Contribution>();
  readonly #clock: Clock;
  readonly #youngMs: number;
  #sweeper: ClockHandle | undefined;
  readonly #off: () => void;

  constructor(check: PreTradeCheck, source: ExposureSource, options: AccountExposureOptions = {}) {
    this.#check = check;
    this.#source = source;
    this.#clock = options.clock ?? systemClock;
    this.#youngMs = options.atOnceExposureMs ?? AT_ONCE_EXPOSURE_MS;
    this.#positionsLive = options.positionsLive ?? (() => true);
    this.#off = source.subscribe((e) => this.#event(e), ["order", "position"]);
    this.rebuild();
    check.openOrders = this;
  }

  /**
   * {@linkcode OpenOrderLookup}: what a modify of the named open order replaces (orderId wins over the client
   * id, as on the exchange). Order ids are unique per symbol only, so the symbol must match too.
   */
  replacedQty(
    symbol: string,
    buy: boolean,
    orderId: number | undefined,
    clientOrderId: string | undefined,
  ): number {
    const c = this.#named(symbol, orderId, clientOrderId);
    // A reduce-only order's quantity is not in the open quantities (see #apply): nothing of it to replace.
    if (c === undefined || c.buy !== buy || c.algo || !c.qtyCounted || c.reduces) return 0;
    return c.replacedQty + c.reserved;
  }

  /** {@linkcode OpenOrderLookup}: counts a modify's increase as open until its answer (or 10 s). */
  reserveModify(
    symbol: string,
    buy: boolean,
    orderId: number | undefined,
    clientOrderId: string | undefined,
    qty: number,
  ): void {
    const c = this.#named(symbol, orderId, clientOrderId);
    // A modify naming the other side is refused by the exchange (-1117): it changes nothing to reserve.
    if (c === undefined || c.buy !== buy || c.algo || c.reduces || !c.qtyCounted || !(qty > 0)) return;
    const extra = qty - c.replacedQty;
    if (!(extra > c.reserved)) return; // a decrease (or no more than reserved already): nothing to add
    this.#apply(c, -1);
    c.reserved = extra;
    c.reservedUntil = this.#clock.now() + MODIFY_RESERVATION_MS;
    this.#apply(c, 1);
    this.#reserved.add(c);
    this.#startSweeper();
  }

  /**
   * A modify of the order `clientOrderId` was refused by the exchange (or never sent): the order is as it was,
   * so the increase reserved for it no longer counts (it would for up to 10 s). Another modify of the same
   * order still in flight loses its reservation too: its answer brings its quantity within milliseconds.
   *
   * @example
   * ```ts
   * declare const exposure: AccountExposure;
   * exposure.modifyRefused("lr-1"); // from the order tracker's onModifyRefused
   * ```
   */
  modifyRefused(clientOrderId: string): void {
    const c = this.#open.get(clientOrderId);
    if (c === undefined || !this.#reserved.has(c)) return;
    this.#reserved.delete(c);
    this.#apply(c, -1);
    c.reserved = 0;
    this.#apply(c, 1);
  }

  /** {@linkcode OpenOrderLookup}: whether the named open order can only reduce a position. */
  reducesOnly(symbol: string, orderId: number | undefined, clientOrderId: string | undefined): boolean {
    return this.#named(symbol, orderId, clientOrderId)?.reduces === true;
  }

  /** {@linkcode OpenOrderLookup}: the named open order's positionSide (BOTH when it is not known here). */
  positionSideOf(symbol: string, orderId: number | undefined, clientOrderId: string | undefined): string {
    return this.#named(symbol, orderId, clientOrderId)?.positionSide ?? "BOTH";
  }

  #named(symbol: string, orderId: number | undefined, clientOrderId: string | undefined) {
    const c = orderId !== undefined
      ? this.#byOrderId.get(orderId)
      : clientOrderId !== undefined
      ? this.#open.get(clientOrderId)
      : undefined;
    return c === undefined || c.symbol !== symbol ? undefined : c;
  }

  /** Recomputes everything from the account (after new filters: the scales may have changed). */
  rebuild(): void {
    this.#open.clear();
    this.#byOrderId.clear();
    this.#young.clear();
    for (const state of this.#check.states()) {
      state.openBuyQty = 0;
      state.openSellQty = 0;
      state.openOrders = 0;
      state.openAlgoOrders = 0;
      state.position = 0;
      state.longPosition = 0;
      state.shortPosition = 0;
      state.openLongQty = 0;
      state.openShortQty = 0;
    }
    for (const o of this.#source.orders.list()) this.#order(o, false);
    for (const p of this.#source.book.positions()) this.#position(p);
    for (const line of this.#lines.values()) this.#setPosition(line);
  }

  /** Stops following the account. */
  close(): void {
    this.#off();
    if (this.#check.openOrders === this) this.#check.openOrders = undefined;
    this.#clock.clearInterval(this.#sweeper);
    this.#sweeper = undefined;
  }

  #event(e: AccountEvent): void {
    if (e.type === "order") this.#order(e.data as TrackedOrder, true);
    else if (e.type === "position") this.#position(e.data as Position);
  }

  /** An order's new state; `live`: a change as it happens (not a rebuild), so a fill in it is new. */
  #order(o: TrackedOrder, live: boolean): void {
    const old = this.#open.get(o.clientOrderId);
    if (
      old !== undefined && o.state === "finished" && o.status === "NOT_FOUND" &&
      old.executed === o.executedQty
    ) {
      // Taken as gone on a refused cancel: it may have filled unseen (the stream lost it). Its exposure stays
      // until the follow-up's answer (FILLED moves it into the position) or GONE_MAX_MS, a miss otherwise.
      old.goneUntil ??= this.#clock.now() + GONE_MAX_MS;
      this.#gone.set(o.clientOrderId, old);
      this.#startSweeper();
      return;
    }
    if (old?.goneUntil !== undefined) {
      old.goneUntil = undefined; // its end, or live after all: handled below as any change
      this.#gone.delete(o.clientOrderId);
    }
    const waitsForTrigger = o.algo && o.actualOrderId === undefined && o.status !== "TRIGGERED";
    if (
      old !== undefined && o.state !== "finished" && o.quantity === old.quantity &&
      o.executedQty === old.executed && old.algo === waitsForTrigger
    ) {
      // The common change (pending → open: the ack brought only the order id): the same exposure.
      if (!o.algo && old.orderId === undefined && o.orderId !== undefined) {
        old.orderId = o.orderId;
        this.#byOrderId.set(o.orderId, old);
      }
      return;
    }
    if (live && o.executedQty !== (old?.executed ?? "0")) this.#filled(o, old?.executed ?? "0");
    if (old !== undefined) {
      this.#apply(old, -1);
      this.#reserved.delete(old);
      this.#open.delete(o.clientOrderId);
      if (old.orderId !== undefined && this.#byOrderId.get(old.orderId) === old) {
        this.#byOrderId.delete(old.orderId);
      }
      this.#young.delete(o.clientOrderId);
    }
    if (o.state === "finished") return;
    // One look-up and one parse per quantity: this runs for every order before it is sent.
    const state = this.#check.stateForExposure(o.symbol);
    const scale = state === undefined ? -1 : state.filters.qtyScale;
    const executed = o.executedQty;
    const total = scale < 0 ? -1 : parseScaled(o.quantity, scale);
    const done = executed === "0" || executed === "" || scale < 0 ? 0 : parseScaled(executed, scale);
    const readable = total >= 0 && Number.isFinite(total) && done >= 0 && Number.isFinite(done);
    const remainingQty = readable && total > done ? total - done : 0;
    const rests = o.algo || !finishesAtOnce(o);
    // An order seen first on the stream (external) has no intent time: it is young from its last change.
    const until = rests
      ? Number.POSITIVE_INFINITY
      : (o.intentAt > 0 ? o.intentAt : o.updatedAt) + this.#youngMs;
    // A pending order was sent just now: young without a clock read.
    const young = o.state === "pending" || until > this.#clock.now();
    const c: Contribution = {
      symbol: o.symbol,
      positionSide: o.positionSide,
      buy: o.side === "BUY",
      algo: waitsForTrigger,
      reduces: o.reduceOnly === true,
      rests,
      remainingQty,
      quantity: o.quantity,
      executed,
      qtyCounted: young,
      reserved: 0,
      reservedUntil: 0,
      until,
      orderId: o.algo ? undefined : o.orderId,
      // What a modify replaces: the remaining quantity counted as open plus what has executed.
      replacedQty: readable ? remainingQty + done : 0,
    };
    this.#open.set(o.clientOrderId, c);
    if (c.orderId !== undefined) this.#byOrderId.set(c.orderId, c);
    this.#apply(c, 1);
    if (!rests && young) {
      this.#young.set(o.clientOrderId, c);
      this.#startSweeper();
    }
  }

  /** The fill in `o` since `executedBefore`, unless a position line of its time or later covers it. */
  #filled(o: TrackedOrder, executedBefore: string): void {
    const line = this.#line(o.symbol, o.positionSide);
    if (o.updateTime > 0 && o.updateTime <= (line.at || -1)) return;
    const state = this.#check.stateForExposure(o.symbol);
    if (state === undefined) return;
    const scale = state.filters.qtyScale;
    const now = parseScaled(o.executedQty, scale);
    const before = executedBefore === "0" || executedBefore === "" ? 0 : parseScaled(executedBefore, scale);
    if (!(now > before) || !Number.isFinite(now) || !(before >= 0)) return;
    const fill = {
      time: o.updateTime > 0 ? o.updateTime : Number.POSITIVE_INFINITY,
      seenAt: this.#clock.now(),
      qty: o.side === "BUY" ? now - before : before - now,
      scale,
    };
    // Signed as the line's amount: a BUY adds (a SHORT line's amount is negative, so buying shrinks it).
    line.unconfirmed.push(fill);
    this.#unconfirmed.add(line);
    this.#setPosition(line);
    this.#startSweeper();
  }

  /** `symbol`'s line on `side`, created flat. */
  #line(symbol: string, side: string): Line {
    const key = lineKey(symbol, side);
    let line = this.#lines.get(key);
    if (line === undefined) {
      line = {
        symbol,
        side: side === "" ? "BOTH" : side,
        amount: "0",
        at: 0,
        seenAt: Number.NEGATIVE_INFINITY,
        unconfirmed: [],
      };
      this.#lines.set(key, line);
    }
    return line;
  }

  #startSweeper(): void {
    this.#sweeper ??= unrefTimer(
      this.#clock.setInterval(() => this.#sweep(), Math.min(1000, this.#youngMs)),
    );
  }

  /** Drops the exposure of orders that cannot rest once they are no longer young. */
  #sweep(): void {
    const now = this.#clock.now();
    for (const c of this.#reserved) {
      if (c.reservedUntil > now) continue;
      // No answer replaced it in time (a refused modify leaves the order as it was): the order's own quantity.
      this.#reserved.delete(c);
      this.#apply(c, -1);
      c.reserved = 0;
      this.#apply(c, 1);
    }
    for (const [cid, c] of this.#gone) {
      if (c.goneUntil! > now) continue;
      this.#gone.delete(cid);
      this.#apply(c, -1);
      this.#open.delete(cid);
      if (c.orderId !== undefined && this.#byOrderId.get(c.orderId) === c) this.#byOrderId.delete(c.orderId);
      this.#young.delete(cid);
    }
    for (const [cid, c] of this.#young) {
      if (c.until > now) continue;
      this.#apply(c, -1);
      c.qtyCounted = false;
      this.#young.delete(cid);
    }
    // Fills no position line showed by its time: dropped only while position lines arrive, and only once one of
    // this line arrived after the fill was seen (its time may read older than the fill's, yet include it). With
    // none since, the stream may have lost it with its socket up: the fill counts until a line or an audit's
    // snapshot comes, or at most UNCONFIRMED_MAX_MS (a flat position is in no snapshot).
    if (this.#unconfirmed.size > 0 && this.#positionsLive()) {
      for (const line of this.#unconfirmed) {
        const kept = line.unconfirmed.filter((f) =>
          f.seenAt + (line.seenAt > f.seenAt ? this.#youngMs : UNCONFIRMED_MAX_MS) > now
        );
        if (kept.length === line.unconfirmed.length) continue;
        line.unconfirmed = kept;
        if (kept.length === 0) this.#unconfirmed.delete(line);
        this.#setPosition(line);
      }
    }
    if (
      this.#young.size === 0 && this.#unconfirmed.size === 0 && this.#gone.size === 0 &&
      this.#reserved.size === 0
    ) {
      this.#clock.clearInterval(this.#sweeper);
      this.#sweeper = undefined;
    }
  }

  #apply(c: Contribution, sign: 1 | -1): void {
    const state = this.#check.stateForExposure(c.symbol);
    if (state === undefined) return;
    if (c.rests) {
      if (c.algo) state.openAlgoOrders += sign;
      else state.openOrders += sign;
    }
    // A reduce-only order cannot grow a position, nor take it past flat: no exposure (the exchange caps it).
    if (!c.qtyCounted || c.reduces) return;
    const qty = c.remainingQty + c.reserved;
    if (qty <= 0) return;
    const side = c.positionSide;
    if (side === "BOTH" || side === "") {
      if (c.buy) state.openBuyQty += sign * qty;
      else state.openSellQty += sign * qty;
    } else if (side === "LONG") {
      if (c.buy) state.openLongQty += sign * qty; // a SELL closes the side: it adds nothing
    } else if (side === "SHORT") {
      if (!c.buy) state.openShortQty += sign * qty;
    }
  }

  #position(p: Position): void {
    const line = this.#line(p.symbol, p.positionSide);
    line.amount = p.positionAmt;
    line.at = Math.max(p.updateTime, line.at);
    line.seenAt = this.#clock.now();
    // The line includes every fill up to its time.
    if (line.unconfirmed.length > 0) {
      line.unconfirmed = line.unconfirmed.filter((f) => f.time > line.at);
      if (line.unconfirmed.length === 0) this.#unconfirmed.delete(line);
    }
    this.#setPosition(line);
  }

  /** The checked position of `line`: its newest amount plus the fills no line shows yet. */
  #setPosition(line: Line): void {
    const state = this.#check.stateForExposure(line.symbol);
    if (state === undefined) return;
    const amount = line.amount;
    const negative = amount.startsWith("-");
    const v = parseScaled(negative ? amount.slice(1) : amount, state.filters.qtyScale);
    let position = v < 0 || !Number.isFinite(v) ? 0 : negative ? -v : v;
    const scale = state.filters.qtyScale;
    for (const f of line.unconfirmed) {
      position += f.scale === scale ? f.qty : f.qty * 10 ** (scale - f.scale);
    }
    if (line.side === "LONG") state.longPosition = position;
    else if (line.side === "SHORT") state.shortPosition = position;
    else state.position = position;
  }
}
