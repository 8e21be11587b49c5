/**
 * Order state and matching against the mark price. There is no book: a LIMIT BUY priced at or above the mark
 * (SELL at or below) fills completely at its own price, MARKET fills at the mark, anything else rests until the
 * mark moves through it. IOC that does not cross expires; GTX/RPI that would cross is rejected (-5022); FOK
 * that would not cross is rejected (-5021).
 *
 * Reply choice: with `newOrderRespType` ACK (the default) the place result is the order as accepted (status
 * NEW, nothing executed) even when it filled at once; RESULT returns the final state (FILLED, EXPIRED or NEW).
 *
 * @module
 */

import { type Account, LEVERAGE } from "./accounts.ts";
import { mul } from "./decimal.ts";
import { E, type Failure } from "./errors.ts";
import { orderResult, type OrderStatus, type SimOrder } from "./orders.ts";
import type { SymbolSpec } from "./symbols.ts";
import type { OrderRef } from "./params.ts";
import type { ModifyRequest, PlaceRequest } from "./validate.ts";

const MAX_MODIFIES = 10_000;
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
 * const exchange = new Exchange(specs, marks);
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
  readonly #idPrefix: string;
  #generated = 0;

  constructor(specs: ReadonlyMap<string, SymbolSpec>, marks: Map<string, bigint>) {
    this.#specs = specs;
    this.marks = marks;
    let base = 4_000_000_000;
    for (const symbol of specs.keys()) {
      this.#byId.set(symbol, new Map());
      this.#open.set(symbol, new Map());
      this.#nextId.set(symbol, base);
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
    if (crosses) this.#fill(order, req.type === "MARKET" ? mark : req.price, now);
    else if (req.timeInForce === "IOC") order.status = "EXPIRED";
    else this.#rest(order, margin);
    return { order, result: ack ?? orderResult(order) };
  }

  /** order.modify: new price and quantity for an open LIMIT order; it may fill, or be cancelled if GTX. */
  modify(account: Account, req: ModifyRequest, now: number): Record<string, unknown> | Failure {
    const order = this.find(account, req.spec.symbol, req.ref);
    if (order === undefined || order.status !== "NEW") return E.noSuchOrder();
    if (order.type !== "LIMIT") return E.onlyLimitModify();
    if (req.side !== order.side) return E.badSide();
    if (req.price === order.price && req.qty === order.qty) return E.noopModify();
    if (order.modifyCount >= MAX_MODIFIES) return E.tooManyModifies();
    this.#unrest(order);
    order.price = req.price;
    order.qty = req.qty;
    order.modifyCount++;
    order.updateTime = now;
    const mark = this.marks.get(req.spec.symbol) ?? 0n;
    if (crossesMark(order.side, order.price, mark)) {
      if (order.timeInForce === "GTX" || order.timeInForce === "RPI") order.status = "CANCELED";
      else this.#fill(order, order.price, now);
    } else {
      this.#rest(order, order.reduceOnly ? 0n : mul(order.price, order.qty) / LEVERAGE);
    }
    const result = orderResult(order);
    if (req.modifyId !== undefined) result["modifyId"] = req.modifyId;
    return result;
  }

  /** order.cancel: -2011 unless the order is open and the account's. */
  cancel(account: Account, symbol: string, ref: OrderRef, now: number): SimOrder | Failure {
    const order = this.find(account, symbol, ref);
    if (order === undefined || order.status !== "NEW") return E.unknownOrder();
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

  /** Moves the mark; resting orders that now cross fill at their own price. */
  setMark(symbol: string, mark: bigint, now: number): void {
    this.marks.set(symbol, mark);
    const crossing = [...this.openOrders(symbol)].filter((o) => crossesMark(o.side, o.price, mark));
    for (const order of crossing) this.#fill(order, order.price, now);
  }

  #fill(order: SimOrder, price: bigint, now: number): void {
    this.#unrest(order);
    order.executed = order.qty;
    order.avgPrice = price;
    order.status = "FILLED";
    order.updateTime = now;
    order.account.applyFill(order.spec.symbol, order.side, order.qty, price, now);
  }

  #rest(order: SimOrder, margin: bigint): void {
    order.margin = margin;
    order.account.openOrderMargin += margin;
    this.#open.get(order.spec.symbol)?.set(order.orderId, order);
    this.#openByClientId.set(cidKey(order.account, order.spec.symbol, order.clientOrderId), order);
  }

  #unrest(order: SimOrder): void {
    if (!this.#open.get(order.spec.symbol)?.delete(order.orderId)) return;
    order.account.openOrderMargin -= order.margin;
    order.margin = 0n;
    this.#openByClientId.delete(cidKey(order.account, order.spec.symbol, order.clientOrderId));
  }

  #finish(order: SimOrder, status: OrderStatus, now: number): void {
    this.#unrest(order);
    order.status = status;
    order.updateTime = now;
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
