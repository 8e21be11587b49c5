/**
 * Order state and matching against the synthetic book (book.ts). A marketable order (MARKET, or a LIMIT that
 * reaches the opposite touch) takes the book level by level at the levels' prices, one TRADE per level, as a
 * taker; what is left then follows the time in force: GTC/GTD rests at the limit price, IOC expires (`er` 2),
 * MARKET expires (`er` 9, only past the book's 1000 levels). FOK that the book cannot fill completely within
 * its limit is rejected (-5021); GTX/RPI that would take is rejected (-5022). A mark move fills each resting
 * order the new mark reaches (a BUY at or above it, a SELL at or below it) at the order's own price, as a maker:
 * completely or, given a `fillQty`, by at most that much per move. Every fill pays the maker or taker fee and is
 * booked on the account. Every change is reported to the observer (the user data stream) as it happens.
 *
 * Reply choice: with `newOrderRespType` ACK (the default) the place result is the order as accepted (status
 * NEW, nothing executed) even when it filled at once; RESULT returns the final state (FILLED, EXPIRED or NEW).
 *
 * @module
 */

import { type Account, LEVERAGE } from "./accounts.ts";
import type { AlgoLink } from "./algo_trigger.ts";
import type { BookLevel, SyntheticBook } from "./book.ts";
import { ClientIds } from "./client_ids.ts";
import { OrderIndex } from "./order_index.ts";
import { abs, mul, ONE } from "./decimal.ts";
import { E, type Failure } from "./errors.ts";
import type { FeeSchedule } from "./fees.ts";
import { isOpen, type OrderChange, type OrderObserver, orderResult, type SimOrder } from "./orders.ts";
import { checkMaxNumOrders, type SymbolSpec } from "./symbols.ts";
import type { OrderRef } from "./params.ts";
import type { ModifyRequest, PlaceRequest } from "./validate.ts";

const MAX_MODIFIES = 10_000;
const FIRST_TRADE_ID = 1_000_000_001;

/**
 * The parts of the market an exchange trades against.
 *
 * @example
 * ```ts
 * import { SyntheticBook } from "./book.ts";
 * import { units } from "./decimal.ts";
 * import { FeeSchedule } from "./fees.ts";
 * import { SYMBOLS } from "./symbols.ts";
 * const market: Market = {
 *   specs: new Map(SYMBOLS.map((s) => [s.symbol, s])),
 *   marks: new Map([["BTCUSDT", units("51000")]]),
 *   book: new SyntheticBook(1, units("50000")),
 *   fees: new FeeSchedule(),
 *   random: () => 0.5,
 * };
 * ```
 */
export interface Market {
  readonly specs: ReadonlyMap<string, SymbolSpec>;
  readonly marks: Map<string, bigint>;
  readonly book: SyntheticBook;
  readonly fees: FeeSchedule;
  /** Seeded [0, 1) generator (generated client ids). */
  readonly random: () => number;
  /** The account's open (untriggered) algo orders on a symbol: they count toward MAX_NUM_ORDERS. */
  readonly openAlgoOrders?: (account: Account, symbol: string) => number;
}

/** A successful place: the order and the reply's result object. */
export interface Placed {
  readonly order: SimOrder;
  readonly result: Record<string, unknown>;
}

/**
 * Every order of every account, and the mark prices.
 *
 * @example
 * ```ts
 * import type { Account } from "./accounts.ts";
 * import type { PlaceRequest } from "./validate.ts";
 * declare const account: Account;
 * declare const request: PlaceRequest; // from parsePlace
 * declare const market: Market;
 * const exchange = new Exchange(market);
 * const placed = exchange.place(account, request, Date.now());
 * ```
 */
export class Exchange {
  readonly marks: Map<string, bigint>;
  readonly book: SyntheticBook;
  readonly fees: FeeSchedule;
  readonly #specs: ReadonlyMap<string, SymbolSpec>;
  readonly #orders: OrderIndex;
  readonly #nextId = new Map<string, number>();
  readonly #nextTradeId = new Map<string, number>();
  readonly #observer: OrderObserver | undefined;
  readonly #clientIds: ClientIds;
  readonly #openAlgoOrders: ((account: Account, symbol: string) => number) | undefined;
  /** Resting orders per account and symbol (MAX_NUM_ORDERS), kept by #rest / #unrest. */
  readonly #restingCount = new WeakMap<Account, Map<string, number>>();

  constructor(market: Market, observer?: OrderObserver) {
    const specs = market.specs;
    this.#specs = specs;
    this.marks = market.marks;
    this.book = market.book;
    this.fees = market.fees;
    this.#observer = observer;
    // Ids start above 2^32, as real ones do (they catch 32-bit id bugs in clients); 4e9 apart per symbol.
    let base = 8_000_000_000;
    this.#orders = new OrderIndex(specs.keys());
    for (const symbol of specs.keys()) {
      this.#nextId.set(symbol, base);
      this.#nextTradeId.set(symbol, FIRST_TRADE_ID);
      base += 4_000_000_000;
    }
    this.#clientIds = new ClientIds(market.random);
    this.#openAlgoOrders = market.openAlgoOrders;
  }

  /** The account's open (resting) regular orders on `symbol`. */
  openCount(account: Account, symbol: string): number {
    return this.#restingCount.get(account)?.get(symbol) ?? 0;
  }

  /** Every order ever accepted, oldest first. */
  get all(): readonly SimOrder[] {
    return this.#orders.all;
  }

  /** Open orders of `symbol`, oldest first. */
  openOrders(symbol: string): Iterable<SimOrder> {
    return this.#orders.resting(symbol);
  }

  /** Account checks and execution of a validated order.place (or of a triggered algo order, `link`). */
  place(account: Account, req: PlaceRequest, now: number, link?: AlgoLink): Placed | Failure {
    const spec = req.spec;
    const symbol = spec.symbol;
    // MAX_NUM_ORDERS counts only an order that may rest (one that cannot never adds an open order; a simulator
    // choice the router's check shares); a triggered algo order was counted as one already.
    const mayRest = req.type === "LIMIT" && req.timeInForce !== "IOC" && req.timeInForce !== "FOK";
    if (mayRest && link === undefined) {
      const open = this.openCount(account, symbol) + (this.#openAlgoOrders?.(account, symbol) ?? 0);
      const tooMany = checkMaxNumOrders(spec, open);
      if (tooMany !== undefined) return tooMany;
    }
    if (
      req.clientOrderId !== undefined && this.#orders.hasOpenClientId(account, symbol, req.clientOrderId)
    ) {
      return E.duplicateClientId();
    }
    const mark = this.marks.get(symbol) ?? 0n;
    const position = account.positionAmount(symbol, req.positionSide);
    if (req.reduceOnly && (req.side === "BUY" ? position >= 0n : position <= 0n)) {
      return E.reduceOnlyRejected();
    }
    // A hedge-mode close larger than its side would turn the side over: refused with -2022. Not in Binance's
    // pages; a public report (ccxt/ccxt#8304) shows a hedge close it could not fill refused with that text.
    if (req.positionSide !== "BOTH" && req.reduceOnly && req.qty > abs(position)) {
      return E.reduceOnlyRejected();
    }
    const market = req.type === "MARKET";
    const margin = req.reduceOnly ? 0n : mul(market ? mark : req.price, req.qty) / LEVERAGE;
    if (margin > account.available(this.marks)) return E.marginInsufficient();
    const crosses = market || this.book.crosses(spec, mark, req.side, req.price);
    if (crosses && (req.timeInForce === "GTX" || req.timeInForce === "RPI")) return E.postOnlyTakes();
    const fills = crosses
      ? this.book.sweep(spec, mark, req.side, req.qty, market ? undefined : req.price)
      : [];
    const takes = fills.reduce((sum, f) => sum + f.qty, 0n);
    if (req.timeInForce === "FOK" && takes < req.qty) return E.fokUnfilled();

    const orderId = this.#nextId.get(symbol) ?? 1;
    this.#nextId.set(symbol, orderId + 1);
    const order: SimOrder = {
      orderId,
      spec,
      account,
      clientOrderId: req.clientOrderId ?? this.#clientIds.next(),
      side: req.side,
      type: req.type,
      timeInForce: req.timeInForce,
      price: req.price,
      qty: req.qty,
      executed: 0n,
      avgPrice: 0n,
      cumQuote: 0n,
      status: "NEW",
      reduceOnly: req.reduceOnly,
      positionSide: req.positionSide,
      priceMatch: req.priceMatch,
      selfTradePreventionMode: req.selfTradePreventionMode,
      goodTillDate: req.goodTillDate,
      time: now,
      updateTime: now,
      margin: 0n,
      modifyCount: 0,
      origType: link?.origType ?? req.type,
      stopPrice: link?.stopPrice ?? 0n,
      workingType: link?.workingType ?? "CONTRACT_PRICE",
      algoId: link?.algoId,
    };
    this.#orders.add(order);
    const ack = req.respType === "ACK" ? orderResult(order) : undefined;
    const rests = takes < req.qty && !market && req.timeInForce !== "IOC" && req.timeInForce !== "FOK";
    if (rests) this.#rest(order); // before NEW is reported, so its `b`/`a` include the order
    this.#emit(order, { execution: "NEW" });
    this.#take(order, fills, now);
    if (!rests && isOpen(order)) this.#finish(order, "EXPIRED", now, market ? 9 : 2);
    return { order, result: ack ?? orderResult(order) };
  }

  /**
   * order.modify: new price and quantity for an open LIMIT order; it may fill, or be cancelled if GTX. A
   * partially filled order whose new quantity is not above the executed quantity is cancelled (ws-fapi.md §4).
   */
  modify(account: Account, req: ModifyRequest, now: number): Record<string, unknown> | Failure {
    const order = this.find(account, req.spec.symbol, req.ref);
    if (order === undefined || !isOpen(order)) return E.noSuchOrder();
    if (order.type !== "LIMIT") return E.onlyLimitModify();
    if (req.side !== order.side) return E.badSide();
    if (req.price === order.price && req.qty === order.qty) return E.noopModify();
    if (order.modifyCount >= MAX_MODIFIES) return E.tooManyModifies();
    if (req.qty <= order.executed) {
      this.#finish(order, "CANCELED", now);
      return orderResult(order);
    }
    this.#unrest(order);
    order.price = req.price;
    order.qty = req.qty;
    order.modifyCount++;
    order.updateTime = now;
    const mark = this.marks.get(req.spec.symbol) ?? 0n;
    const crosses = this.book.crosses(order.spec, mark, order.side, order.price);
    this.#rest(order);
    const amended: OrderChange = req.modifyId === undefined
      ? { execution: "AMENDMENT" }
      : { execution: "AMENDMENT", modifyId: req.modifyId };
    this.#emit(order, amended);
    if (crosses && (order.timeInForce === "GTX" || order.timeInForce === "RPI")) {
      this.#finish(order, "CANCELED", now);
    } else if (crosses) {
      this.#take(
        order,
        this.book.sweep(order.spec, mark, order.side, order.qty - order.executed, order.price),
        now,
      );
    }
    const result = orderResult(order);
    if (req.modifyId !== undefined) result["modifyId"] = req.modifyId;
    return result;
  }

  /** order.cancel: -2011 unless the order is open and the account's. */
  cancel(account: Account, symbol: string, ref: OrderRef, now: number): SimOrder | Failure {
    const order = this.find(account, symbol, ref);
    if (order === undefined || !isOpen(order)) return E.unknownOrder();
    this.#finish(order, "CANCELED", now);
    return order;
  }

  /** Cancels every open order of `account` on `symbol` (countdownCancelAll); returns how many. */
  cancelAll(account: Account, symbol: string, now: number): number {
    const victims = [...this.openOrders(symbol)].filter((o) => o.account === account);
    for (const order of victims) this.#finish(order, "CANCELED", now);
    return victims.length;
  }

  /** The account's order named by `ref`; orderId wins, a client id prefers the open order. */
  find(account: Account, symbol: string, ref: OrderRef): SimOrder | undefined {
    return this.#orders.find(account, symbol, ref);
  }

  /**
   * Moves the mark (and so the book); resting orders the mark reaches fill at their own price (oldest first, as
   * makers): completely, or by at most `fillQty` units each when it is given.
   */
  setMark(symbol: string, mark: bigint, now: number, fillQty?: bigint): void {
    this.marks.set(symbol, mark);
    this.book.moved(symbol, now);
    const crossing = [...this.openOrders(symbol)].filter((o) => reachedBy(o.side, o.price, mark));
    for (const order of crossing) {
      const left = order.qty - order.executed;
      this.#fill(order, fillQty !== undefined && fillQty < left ? fillQty : left, order.price, true, now);
    }
  }

  /** Takes the book's `fills` for the order, one TRADE per level, as a taker. */
  #take(order: SimOrder, fills: readonly BookLevel[], now: number): void {
    for (const fill of fills) if (fill.qty > 0n) this.#fill(order, fill.qty, fill.price, false, now);
  }

  /** Executes `qty` of the order at `price`, books it (and its fee) on the account and reports the TRADE. */
  #fill(order: SimOrder, qty: bigint, price: bigint, maker: boolean, now: number): void {
    const symbol = order.spec.symbol;
    order.executed += qty;
    order.cumQuote += mul(qty, price);
    order.avgPrice = order.cumQuote * ONE / order.executed;
    order.updateTime = now;
    if (order.executed >= order.qty) {
      order.status = "FILLED";
      this.#unrest(order);
    } else {
      order.status = "PARTIALLY_FILLED";
      if (this.#orders.isResting(order)) this.#reserve(order);
    }
    const commission = this.fees.commission(mul(qty, price), maker);
    const realized = order.account.applyFill(
      symbol,
      order.side,
      qty,
      price,
      now,
      commission,
      order.positionSide,
    );
    const tradeId = this.#nextTradeId.get(symbol) ?? FIRST_TRADE_ID;
    this.#nextTradeId.set(symbol, tradeId + 1);
    order.account.recordTrade({
      symbol,
      id: tradeId,
      orderId: order.orderId,
      side: order.side,
      positionSide: order.positionSide,
      price,
      qty,
      realized,
      commission,
      maker,
      time: now,
    });
    this.#emit(order, { execution: "TRADE", fill: { qty, price, tradeId, maker, realized, commission } });
  }

  /** Reserves the initial margin of the quantity still open (none for reduce-only). */
  #reserve(order: SimOrder): void {
    const margin = order.reduceOnly ? 0n : mul(order.price, order.qty - order.executed) / LEVERAGE;
    order.account.openOrderMargin += margin - order.margin;
    order.margin = margin;
  }

  #rest(order: SimOrder): void {
    this.#reserve(order);
    if (!this.#orders.isResting(order)) this.#countResting(order, 1);
    this.#orders.rest(order);
  }

  #unrest(order: SimOrder): void {
    if (!this.#orders.unrest(order)) return;
    this.#countResting(order, -1);
    order.account.openOrderMargin -= order.margin;
    order.margin = 0n;
  }

  /** Ends the order as CANCELED or EXPIRED (with `er` = `expireReason`) and reports it. */
  #finish(order: SimOrder, status: "CANCELED" | "EXPIRED", now: number, expireReason = 0): void {
    this.#unrest(order);
    order.status = status;
    order.updateTime = now;
    this.#emit(order, status === "EXPIRED" ? { execution: status, expireReason } : { execution: status });
  }

  #countResting(order: SimOrder, delta: number): void {
    let bySymbol = this.#restingCount.get(order.account);
    if (bySymbol === undefined) this.#restingCount.set(order.account, bySymbol = new Map());
    const symbol = order.spec.symbol;
    bySymbol.set(symbol, (bySymbol.get(symbol) ?? 0) + delta);
  }

  #emit(order: SimOrder, change: OrderChange): void {
    this.#observer?.(order, change);
  }

  /** Known symbols. */
  get specs(): ReadonlyMap<string, SymbolSpec> {
    return this.#specs;
  }
}

/** True when a move of the mark to `mark` reaches a resting order at `price` (at or through it). */
function reachedBy(side: string, price: bigint, mark: bigint): boolean {
  return side === "BUY" ? price >= mark : price <= mark;
}
