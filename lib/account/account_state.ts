/**
 * The live account: orders, fills, positions and balances, kept from the user data stream and corrected by
 * reconciliation, with one event log of every change. This is the view halt, the dead-man's switch and the
 * control plane act on, and what a strategy reads and subscribes to.
 *
 * @module
 */

import { OrderTracker, type TrackedOrder } from "../orders/order_tracker.ts";
import { type AccountEvent, type AccountEventType, EventLog } from "./event_log.ts";
import { type Fill, FillBook } from "./fills.ts";
import { PositionBook } from "./positions.ts";
import type { UserEvent } from "./user_events.ts";

/** Options for {@linkcode AccountState}. */
export interface AccountStateOptions {
  /** Events kept for readers that reconnect (default 10,000). */
  eventCapacity?: number;
  /** Finished orders and fills kept (default 10,000 each). */
  historyCapacity?: number;
  /** Called with every new fill (the journal records it, so a restart neither loses nor repeats it). */
  onFill?: (fill: Fill) => void;
  /**
   * Called with a snapshot after every change of an order's state, whatever told it: an answer, the user
   * data stream, a reconciliation (the journal records orders the stream finished). Never throws into the
   * account.
   */
  onOrder?: (order: Readonly<TrackedOrder>) => void;
  /**
   * Told when a `subscribe` reader throws (its 1st, 10th, 100th… error; it is still called). Default: a
   * `console.error` line.
   */
  onReaderError?: (error: unknown, count: number) => void;
  /** The first event's id (default 1; a gateway starts above any earlier run's: see `EventLog`). */
  firstEventId?: number;
}

/**
 * Orders, fills, positions and balances with an event log.
 *
 * @example
 * ```ts
 * const account = new AccountState();
 * const off = account.subscribe((e) => console.log(e.id, e.type, e.data), ["fill", "position"]);
 * account.orders.list(); // open orders
 * account.fills.list({ limit: 20 });
 * account.book.positions();
 * off();
 * ```
 */
export class AccountState {
  /** Every change, numbered, for SSE readers and strategies. */
  readonly events: EventLog;
  /** The account's orders (also the pipeline's order observer). */
  readonly orders: OrderTracker;
  /** Recent fills. */
  readonly fills: FillBook;
  /** Positions and balances. */
  readonly book: PositionBook = new PositionBook();
  readonly #onFill: ((fill: Fill) => void) | undefined;

  constructor(options: AccountStateOptions = {}) {
    this.events = new EventLog({
      capacity: options.eventCapacity ?? 10_000,
      ...(options.onReaderError === undefined ? {} : { onReaderError: options.onReaderError }),
      ...(options.firstEventId === undefined ? {} : { firstId: options.firstEventId }),
    });
    const history = options.historyCapacity ?? 10_000;
    const onOrder = options.onOrder;
    this.orders = new OrderTracker({
      finishedCapacity: history,
      // What the fill book keeps of an order lives as long as the order is tracked: the fill read-back asks
      // only about tracked orders, and for each of those its recorded fills add up exactly.
      onForget: (order) => {
        const id = order.algo ? order.actualOrderId : order.orderId;
        if (id !== undefined) this.fills.forgetOrder(order.symbol, id);
      },
      onChange: (order) => {
        this.events.append("order", order);
        try {
          onOrder?.(order);
        } catch { /* an observer's bug must not break the account */ }
      },
    });
    this.fills = new FillBook({ capacity: history });
    this.#onFill = options.onFill;
  }

  /**
   * Calls `listener` with every event from now on, or only those of `types`; returns the function that stops
   * it. The listener runs synchronously when the change happens: keep it short. One that throws is still
   * called with every later event; its errors go to `onReaderError` (a gateway's `account-reader-error`).
   */
  subscribe(listener: (event: AccountEvent) => void, types?: readonly AccountEventType[]): () => void {
    return this.events.subscribe(listener, types);
  }

  /**
   * Records a fill the user stream never delivered (the exchange's trade list read after a gap): journaled and
   * told as the stream's own would be. False when it is known already.
   */
  recordFill(fill: Fill): boolean {
    if (this.fills.add(fill) === undefined) return false;
    this.#told(fill);
    return true;
  }

  #told(fill: Fill): void {
    try {
      this.#onFill?.(fill);
    } catch { /* journaling trouble is reported by the journal; the fill still counts */ }
    this.events.append("fill", fill);
  }

  /** Applies one user data stream event (order, algo and account updates; others are ignored). */
  apply(event: UserEvent): void {
    switch (event.type) {
      case "order": {
        // The fill first, then the order state it led to: a reader sees the fill before the FILLED order.
        const fill = this.fills.record(event);
        if (fill !== undefined) this.#told(fill);
        this.orders.applyUpdate(event);
        return;
      }
      case "algo":
        this.orders.apply({
          clientAlgoId: event.clientAlgoId,
          algoId: event.algoId,
          algoStatus: event.status,
          updateTime: event.time,
          actualOrderId: event.actualOrderId,
        });
        return;
      case "account":
        for (const b of event.balances) this.#balance(b, event.time);
        for (const p of event.positions) this.#position(p, event.time);
        return;
      default:
        return;
    }
  }

  /**
   * Applies a `v2/account.position` answer requested at exchange time `asOf` (older lines never win). The
   * answer lists only symbols with a position or open orders, so a local position it leaves out was closed.
   */
  applyPositionSnapshot(items: readonly Record<string, unknown>[], asOf: number): void {
    const listed = new Set(items.map((p) => `${p.symbol}:${p.positionSide ?? "BOTH"}`));
    for (const p of this.book.positions()) {
      if (listed.has(`${p.symbol}:${p.positionSide}`)) continue;
      this.#position({ ...p, positionAmt: "0", entryPrice: "0", unrealizedProfit: "0" }, asOf);
    }
    for (const p of items) {
      const time = typeof p.updateTime === "number" && p.updateTime > 0 ? p.updateTime : asOf;
      this.#position({
        symbol: String(p.symbol ?? ""),
        positionSide: String(p.positionSide ?? "BOTH"),
        positionAmt: String(p.positionAmt ?? "0"),
        entryPrice: String(p.entryPrice ?? "0"),
        unrealizedProfit: String(p.unrealizedProfit ?? p.unRealizedProfit ?? "0"),
      }, time);
    }
  }

  /** Applies a `v2/account.balance` answer taken at exchange time `asOf` (older lines never win). */
  applyBalanceSnapshot(items: readonly Record<string, unknown>[], asOf: number): void {
    for (const b of items) {
      const time = typeof b.updateTime === "number" && b.updateTime > 0 ? b.updateTime : asOf;
      this.#balance({
        asset: String(b.asset ?? ""),
        walletBalance: String(b.balance ?? b.walletBalance ?? "0"),
        crossWalletBalance: String(b.crossWalletBalance ?? "0"),
      }, time);
    }
  }

  #position(p: Parameters<PositionBook["applyPosition"]>[0], time: number): void {
    const line = this.book.applyPosition(p, time);
    if (line !== undefined) this.events.append("position", { ...line });
  }

  #balance(b: Parameters<PositionBook["applyBalance"]>[0], time: number): void {
    const line = this.book.applyBalance(b, time);
    if (line !== undefined) this.events.append("balance", { ...line });
  }
}
