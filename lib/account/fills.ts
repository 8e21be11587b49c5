/**
 * The account's recent fills, newest last, from the user data stream's TRADE executions. A fill is keyed by
 * symbol and trade id, so the same execution delivered twice (a replayed event, a restart that restores
 * journaled fills) is counted once.
 *
 * @module
 */

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
  /** Quantity of the kept fills by `symbol:orderId`. */
  readonly #qtyByOrder = new Map<string, number>();
  /** Their keys in arrival order, as a ring: the oldest is evicted in O(1). */
  readonly #order: string[] = [];
  #head = 0;
  readonly #capacity: number;
  #total = 0;

  /** Keeps the newest `capacity` fills (default 10,000). */
  constructor(options: { capacity?: number } = {}) {
    this.#capacity = options.capacity ?? 10_000;
  }

  /**
   * The oldest fill kept once the book is full (older ones were dropped to make room), else undefined: an
   * order that changed before it may have had fills that are no longer here.
   */
  get oldestKeptWhenFull(): Fill | undefined {
    if (this.#order.length < this.#capacity) return undefined;
    return this.#fills.get(this.#order[this.#head % this.#order.length]!);
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
   * The quantity of the kept fills of order `orderId` on `symbol` (0 for none): what they add up to, to compare
   * with the order's executed quantity (a fill the stream missed).
   */
  filledQty(symbol: string, orderId: number): number {
    return this.#qtyByOrder.get(`${symbol}:${orderId}`) ?? 0;
  }

  #add(fill: Fill): boolean {
    const key = `${fill.symbol}:${fill.tradeId}`;
    if (this.#fills.has(key)) return false;
    this.#fills.set(key, fill);
    this.#count(fill, 1);
    if (this.#order.length < this.#capacity) {
      this.#order.push(key);
      this.#head = this.#order.length % this.#capacity;
    } else {
      const evicted = this.#order[this.#head]!;
      this.#count(this.#fills.get(evicted)!, -1);
      this.#fills.delete(evicted);
      this.#order[this.#head] = key;
      this.#head = (this.#head + 1) % this.#capacity;
    }
    return true;
  }

  /** Adds (`sign` 1) or takes away (-1) `fill`'s quantity from its order's sum. */
  #count(fill: Fill, sign: 1 | -1): void {
    const key = `${fill.symbol}:${fill.orderId}`;
    const sum = (this.#qtyByOrder.get(key) ?? 0) + sign * Number(fill.qty);
    // Quantities are decimal strings: a float sum back to zero may be off by far less than any step.
    if (sign < 0 && sum < 1e-12) this.#qtyByOrder.delete(key);
    else this.#qtyByOrder.set(key, sum);
  }
}
