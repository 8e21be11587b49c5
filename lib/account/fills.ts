/**
 * The account's recent fills, newest last, from the user data stream's TRADE executions. A fill is keyed by
 * symbol and trade id, so the same execution delivered twice (a replayed event, a restart that restores
 * journaled fills) is counted once.
 *
 * @module
 */

import { DayTallies, type FillTally } from "./fill_tally.ts";
import type { OrderUpdate } from "./user_events.ts";

/**
 * One execution.
 *
 * @example
 * ```ts
 * declare const book: FillBook;
 * for (const f of book.list({ limit: 10 })) console.log(f.symbol, f.side, f.qty, "@", f.price);
 * ```
 */
export interface Fill {
  symbol: string;
  orderId: number;
  clientOrderId: string;
  tradeId: number;
  side: string;
  /** Fill price (`L`). */
  price: string;
  /** Fill quantity (`l`). */
  qty: string;
  commission: string;
  commissionAsset: string;
  realizedProfit: string;
  maker: boolean;
  /** Exchange ms of the trade. */
  time: number;
  /**
   * The position line it belongs to: LONG or SHORT in hedge mode (a BUY opens LONG or closes SHORT), BOTH in
   * one-way mode. Absent on fills journaled before it was recorded.
   */
  positionSide?: string;
}

/**
 * A bounded, de-duplicated list of fills.
 *
 * @example
 * ```ts
 * const book = new FillBook({ capacity: 10_000 });
 * book.list({ symbol: "BTCUSDT", limit: 50 }); // newest first
 * ```
 */
export class FillBook {
  /** Fills by `symbol:tradeId`. */
  readonly #fills = new Map<string, Fill>();
  /**
   * By `symbol:orderId`: the quantity of every fill recorded for the order, those dropped from the ring
   * included (`forgetOrder` ends it, when the order is no longer tracked). Dropping a fill must not make its
   * order look short of fills: its trades would be read back and counted a second time (`FillRecovery`).
   */
  readonly #byOrder = new Map<string, number>();
  /** The PnL of the fills no longer kept, by UTC day: a day's PnL counts them too (the daily loss limit). */
  readonly #droppedByDay = new DayTallies();
  /** Their keys in arrival order, as a ring: the oldest is evicted in O(1). */
  readonly #order: string[] = [];
  #head = 0;
  readonly #capacity: number;
  #total = 0;

  /** Keeps the newest `capacity` fills (default 10,000). */
  constructor(options: { capacity?: number } = {}) {
    this.#capacity = options.capacity ?? 10_000;
  }

  /** Fills recorded since start (restored ones not counted). */
  get total(): number {
    return this.#total;
  }

  /** Records the fill of a TRADE event; returns it, or undefined when it is no trade or already known. */
  record(u: OrderUpdate): Fill | undefined {
    if (u.execution !== "TRADE" || u.tradeId === 0) return undefined;
    const fill: Fill = {
      symbol: u.symbol,
      orderId: u.orderId,
      clientOrderId: u.clientOrderId,
      tradeId: u.tradeId,
      side: u.side,
      price: u.lastPrice,
      qty: u.lastQty,
      commission: u.commission,
      commissionAsset: u.commissionAsset,
      realizedProfit: u.realizedProfit,
      maker: u.maker,
      time: u.time,
      positionSide: u.positionSide,
    };
    return this.add(fill);
  }

  /** Records a fill learnt otherwise (the exchange's trade list after a gap); undefined when already known. */
  add(fill: Fill): Fill | undefined {
    if (!this.#add(fill)) return undefined;
    this.#total++;
    return fill;
  }

  /** Adds fills known from before (the journal), without counting them as new. */
  restore(fills: Iterable<Fill>): void {
    for (const f of fills) this.#add(f);
  }

  /**
   * What the fills of the day starting at `dayStart` (UTC midnight, ms) that are no longer kept added to its
   * PnL (dropped from memory past `capacity`, or by the journal before a restart): with the kept fills of that
   * day, the whole day.
   */
  droppedOn(dayStart: number): FillTally | undefined {
    return this.#droppedByDay.on(dayStart);
  }

  /** Adds the journal's tallies of fills it did not carry over (`JournalRecovery.droppedFills`). */
  restoreDropped(days: Iterable<{ day: number; tally: FillTally }>): void {
    for (const { day, tally } of days) this.#droppedByDay.addTally(day, tally);
  }

  /** Newest first, optionally of one symbol, at most `limit` (default all kept). */
  list(options: { symbol?: string | undefined; limit?: number | undefined } = {}): Fill[] {
    const out: Fill[] = [];
    const n = this.#order.length;
    const limit = options.limit ?? n;
    // The newest key sits just before the head once the ring is full, at the end before that.
    for (let k = 1; k <= n && out.length < limit; k++) {
      const f = this.#fills.get(this.#order[(this.#head - k + n) % n]!)!;
      if (options.symbol === undefined || f.symbol === options.symbol) out.push(f);
    }
    return out;
  }

  /**
   * The quantity of the fills recorded for order `orderId` on `symbol` (0 for none), those dropped from the
   * ring included: what they add up to, to compare with the order's executed quantity (a fill the stream
   * missed).
   */
  filledQty(symbol: string, orderId: number): number {
    return this.#byOrder.get(`${symbol}:${orderId}`) ?? 0;
  }

  /** Forgets order `orderId`'s recorded quantity (the account no longer tracks the order). */
  forgetOrder(symbol: string, orderId: number): void {
    this.#byOrder.delete(`${symbol}:${orderId}`);
  }

  #add(fill: Fill): boolean {
    const key = `${fill.symbol}:${fill.tradeId}`;
    if (this.#fills.has(key)) return false;
    this.#fills.set(key, fill);
    const byOrder = `${fill.symbol}:${fill.orderId}`;
    // Quantities are decimal strings; their float sum is off by far less than any step size.
    this.#byOrder.set(byOrder, (this.#byOrder.get(byOrder) ?? 0) + Number(fill.qty));
    if (this.#order.length < this.#capacity) {
      this.#order.push(key);
      this.#head = this.#order.length % this.#capacity;
    } else {
      const evicted = this.#order[this.#head]!;
      this.#droppedByDay.add(this.#fills.get(evicted)!);
      this.#fills.delete(evicted);
      this.#order[this.#head] = key;
      this.#head = (this.#head + 1) % this.#capacity;
    }
    return true;
  }
}
