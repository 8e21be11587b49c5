/**
 * Order state and matching against the mark price. There is no book: a LIMIT BUY priced at or above the mark
 * (SELL at or below) fills completely at its own price, MARKET fills at the mark, anything else rests until the
 * mark moves through it. IOC that does not cross expires; GTX/RPI that would cross is rejected (-5022); FOK
 * that would not cross is rejected (-5021). A mark move fills each resting order it crosses at the order's own
 * price, completely or (given a `fillQty`) by at most that much, so a resting order can go NEW →
 * PARTIALLY_FILLED → FILLED. Every change is reported to the observer (the user data stream) as it happens.
 *
 * Reply choice: with `newOrderRespType` ACK (the default) the place result is the order as accepted (status
 * NEW, nothing executed) even when it filled at once; RESULT returns the final state (FILLED, EXPIRED or NEW).
 *
 * @module
 */

import { type Account, LEVERAGE } from "./accounts.ts";
import { mul, ONE } from "./decimal.ts";
import { E, type Failure } from "./errors.ts";
import { isOpen, type OrderChange, type OrderObserver, orderResult, type SimOrder } from "./orders.ts";
import type { SymbolSpec } from "./symbols.ts";
import type { OrderRef } from "./params.ts";
import type { ModifyRequest, PlaceRequest } from "./validate.ts";

const MAX_MODIFIES = 10_000;
const FIRST_TRADE_ID = 1_000_000_001;
const ID_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

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
 * import { units } from "./decimal.ts";
 * import { SYMBOLS } from "./symbols.ts";
 * import type { PlaceRequest } from "./validate.ts";
 * declare const account: Account;
 * declare const request: PlaceRequest; // from parsePlace
 * const specs = new Map(SYMBOLS.map((s) => [s.symbol, s]));
 * const exchange = new Exchange(specs, new Map([["BTCUSDT", units("51000")]]));
 * const placed = exchange.place(account, request, Date.now());
 * ```
 */
export class Exchange {
  readonly marks: Map<string, bigint>;
  readonly #specs: ReadonlyMap<string, SymbolSpec>;
  readonly #all: SimOrder[] = [];
  readonly #byId = new Map<string, Map<number, SimOrder>>();
  readonly #open = new Map<string, Map<number, SimOrder>>();
  /** Open orders by account, symbol and client id (uniqueness is among open orders only). */
  readonly #openByClientId = new Map<string, SimOrder>();
  /** The latest order by account, symbol and client id (for look-ups of finished orders). */
  readonly #latestByClientId = new Map<string, SimOrder>();
  readonly #nextId = new Map<string, number>();
  readonly #nextTradeId = new Map<string, number>();
  readonly #observer: OrderObserver | undefined;
  readonly #idPrefix: string;
  #generated = 0;

  constructor(specs: ReadonlyMap<string, SymbolSpec>, marks: Map<string, bigint>, observer?: OrderObserver) {
    this.#specs = specs;
    this.marks = marks;
    this.#observer = observer;
    let base = 4_000_000_000;
    for (const symbol of specs.keys()) {
      this.#byId.set(symbol, new Map());
      this.#open.set(symbol, new Map());
      this.#nextId.set(symbol, base);
      this.#nextTradeId.set(symbol, FIRST_TRADE_ID);
      base += 4_000_000_000;
    }
    let prefix = "";
    for (let i = 0; i < 8; i++) prefix += ID_ALPHABET[Math.floor(Math.random() * 62)];
    this.#idPrefix = prefix;
  }

  /** Every order ever accepted, oldest first. */
  get all(): readonly SimOrder[] {
    return this.#all;
  }

  /** Open orders of `symbol`, oldest first. */
  openOrders(symbol: string): Iterable<SimOrder> {
    return this.#open.get(symbol)?.values() ?? [];
  }

  /** Account checks and execution of a validated order.place. */
  place(account: Account, req: PlaceRequest, now: number): Placed | Failure {
    const symbol = req.spec.symbol;
    if (
      req.clientOrderId !== undefined && this.#openByClientId.has(cidKey(account, symbol, req.clientOrderId))
    ) {
      return E.duplicateClientId();
    }
    const mark = this.marks.get(symbol) ?? 0n;
    const position = account.positionAmount(symbol);
    if (req.reduceOnly && (req.side === "BUY" ? position >= 0n : position <= 0n)) {
      return E.reduceOnlyRejected();
    }
    const margin = req.reduceOnly ? 0n : mul(req.type === "MARKET" ? mark : req.price, req.qty) / LEVERAGE;
    if (margin > account.available(this.marks)) return E.marginInsufficient();
    const crosses = req.type === "MARKET" || crossesMark(req.side, req.price, mark);
    if (crosses && (req.timeInForce === "GTX" || req.timeInForce === "RPI")) return E.postOnlyTakes();
    if (!crosses && req.timeInForce === "FOK") return E.fokUnfilled();

    const orderId = this.#nextId.get(symbol) ?? 1;
    this.#nextId.set(symbol, orderId + 1);
    const order: SimOrder = {
      orderId,
      spec: req.spec,
      account,
      clientOrderId: req.clientOrderId ?? this.#generateClientId(),
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
      priceMatch: req.priceMatch,
      selfTradePreventionMode: req.selfTradePreventionMode,
      goodTillDate: req.goodTillDate,
      time: now,
      updateTime: now,
      margin: 0n,
      modifyCount: 0,
    };
    this.#all.push(order);
    this.#byId.get(symbol)?.set(orderId, order);
    this.#latestByClientId.set(cidKey(account, symbol, order.clientOrderId), order);
    const ack = req.respType === "ACK" ? orderResult(order) : undefined;
    const rests = !crosses && req.timeInForce !== "IOC";
    if (rests) this.#rest(order); // before NEW is reported, so its `b`/`a` include the order
    this.#emit(order, { execution: "NEW" });
    if (crosses) this.#fill(order, order.qty, req.type === "MARKET" ? mark : req.price, false, now);
    else if (!rests) this.#finish(order, "EXPIRED", now, 2);
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
    const crosses = crossesMark(order.side, order.price, this.marks.get(req.spec.symbol) ?? 0n);
    if (!crosses) this.#rest(order);
    const amended: OrderChange = req.modifyId === undefined
      ? { execution: "AMENDMENT" }
      : { execution: "AMENDMENT", modifyId: req.modifyId };
    this.#emit(order, amended);
    if (crosses && (order.timeInForce === "GTX" || order.timeInForce === "RPI")) {
      this.#finish(order, "CANCELED", now);
    } else if (crosses) {
      this.#fill(order, order.qty - order.executed, order.price, false, now);
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
    if (ref.orderId !== undefined) {
      const order = this.#byId.get(symbol)?.get(ref.orderId);
      return order?.account === account ? order : undefined;
    }
    if (ref.clientOrderId === undefined) return undefined;
    const key = cidKey(account, symbol, ref.clientOrderId);
    return this.#openByClientId.get(key) ?? this.#latestByClientId.get(key);
  }

  /**
   * Moves the mark; resting orders that now cross fill at their own price (oldest first, as makers):
   * completely, or by at most `fillQty` units each when it is given.
   */
  setMark(symbol: string, mark: bigint, now: number, fillQty?: bigint): void {
    this.marks.set(symbol, mark);
    const crossing = [...this.openOrders(symbol)].filter((o) => crossesMark(o.side, o.price, mark));
    for (const order of crossing) {
      const left = order.qty - order.executed;
      this.#fill(order, fillQty !== undefined && fillQty < left ? fillQty : left, order.price, true, now);
    }
  }

  /** Executes `qty` of the order at `price`, books it on the account and reports the TRADE. */
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
      this.#reserve(order);
    }
    const realized = order.account.applyFill(symbol, order.side, qty, price, now);
    const tradeId = this.#nextTradeId.get(symbol) ?? FIRST_TRADE_ID;
    this.#nextTradeId.set(symbol, tradeId + 1);
    this.#emit(order, { execution: "TRADE", fill: { qty, price, tradeId, maker, realized } });
  }

  /** Reserves the initial margin of the quantity still open (none for reduce-only). */
  #reserve(order: SimOrder): void {
    const margin = order.reduceOnly ? 0n : mul(order.price, order.qty - order.executed) / LEVERAGE;
    order.account.openOrderMargin += margin - order.margin;
    order.margin = margin;
  }

  #rest(order: SimOrder): void {
    this.#reserve(order);
    this.#open.get(order.spec.symbol)?.set(order.orderId, order);
    this.#openByClientId.set(cidKey(order.account, order.spec.symbol, order.clientOrderId), order);
  }

  #unrest(order: SimOrder): void {
    if (!this.#open.get(order.spec.symbol)?.delete(order.orderId)) return;
    order.account.openOrderMargin -= order.margin;
    order.margin = 0n;
    this.#openByClientId.delete(cidKey(order.account, order.spec.symbol, order.clientOrderId));
  }

  /** Ends the order as CANCELED or EXPIRED (with `er` = `expireReason`) and reports it. */
  #finish(order: SimOrder, status: "CANCELED" | "EXPIRED", now: number, expireReason = 0): void {
    this.#unrest(order);
    order.status = status;
    order.updateTime = now;
    this.#emit(order, status === "EXPIRED" ? { execution: status, expireReason } : { execution: status });
  }

  #emit(order: SimOrder, change: OrderChange): void {
    this.#observer?.(order, change);
  }

  #generateClientId(): string {
    let n = ++this.#generated;
    let suffix = "";
    while (n > 0) {
      suffix = ID_ALPHABET[n % 62] + suffix;
      n = Math.floor(n / 62);
    }
    return this.#idPrefix + suffix.padStart(14, "0");
  }

  /** Known symbols. */
  get specs(): ReadonlyMap<string, SymbolSpec> {
    return this.#specs;
  }
}

function crossesMark(side: string, price: bigint, mark: bigint): boolean {
  return side === "BUY" ? price >= mark : price <= mark;
}

function cidKey(account: Account, symbol: string, clientOrderId: string): string {
  return `${account.apiKey}\n${symbol}\n${clientOrderId}`;
}
