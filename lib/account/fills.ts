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
   * By `symbol:orderId`: the quantity of every fill recorded for the order (not only the kept ones) and how
   * many of its fills are kept. Dropping a fill from the ring must not make its order look short of fills: its
   * trades would be read back and counted a second time (`FillRecovery`).
   */
  readonly #byOrder = new Map<string, { qty: number; kept: number }>();
  /**
   * Orders none of whose fills are kept any more, with their recorded quantity; the last `capacity` retired
   * (an order changed after all its fills were dropped, e.g. cancelled later, is still known). Beyond that an
   * order's fills are forgotten. `seq` tells a slot of `#retiredRing` that still holds the entry from one an
   * order left (it came back, then retired again).
   */
  readonly #retired = new Map<string, { qty: number; seq: number }>();
  /**
   * The retired keys in order, as a ring, with the `seq` each was retired under: the oldest goes in O(1)
   * (through the Map's own order, `keys().next()` walks past every deleted entry: ~10 µs once full).
   */
  readonly #retiredRing: { key: string; seq: number }[] = [];
  #retiredHead = 0;
  #retiredSeq = 0;
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
    const key = `${symbol}:${orderId}`;
    return this.#byOrder.get(key)?.qty ?? this.#retired.get(key)?.qty ?? 0;
  }

  #add(fill: Fill): boolean {
    const key = `${fill.symbol}:${fill.tradeId}`;
    if (this.#fills.has(key)) return false;
    this.#fills.set(key, fill);
    this.#kept(fill);
    if (this.#order.length < this.#capacity) {
      this.#order.push(key);
      this.#head = this.#order.length % this.#capacity;
    } else {
      const evicted = this.#order[this.#head]!;
      const gone = this.#fills.get(evicted)!;
      this.#dropped(gone);
      this.#droppedByDay.add(gone);
      this.#fills.delete(evicted);
      this.#order[this.#head] = key;
      this.#head = (this.#head + 1) % this.#capacity;
    }
    return true;
  }

  /** Adds a newly kept fill to its order's sum (an order of retired fills comes back). */
  #kept(fill: Fill): void {
    const key = `${fill.symbol}:${fill.orderId}`;
    let entry = this.#byOrder.get(key);
    if (entry === undefined) {
      const earlier = this.#retired.get(key);
      if (earlier !== undefined) this.#retired.delete(key);
      this.#byOrder.set(key, entry = { qty: earlier?.qty ?? 0, kept: 0 });
    }
    // Quantities are decimal strings; their float sum is off by far less than any step size.
    entry.qty += Number(fill.qty);
    entry.kept++;
  }

  /** A fill leaves the ring: its order's sum stays, retired once none of the order's fills is kept. */
  #dropped(fill: Fill): void {
    const key = `${fill.symbol}:${fill.orderId}`;
    const entry = this.#byOrder.get(key);
    if (entry === undefined || --entry.kept > 0) return;
    this.#byOrder.delete(key);
    const seq = ++this.#retiredSeq;
    this.#retired.set(key, { qty: entry.qty, seq });
    const ring = this.#retiredRing;
    if (ring.length < this.#capacity) return void ring.push({ key, seq });
    const oldest = ring[this.#retiredHead]!;
    if (this.#retired.get(oldest.key)?.seq === oldest.seq) this.#retired.delete(oldest.key);
    ring[this.#retiredHead] = { key, seq };
    this.#retiredHead = (this.#retiredHead + 1) % this.#capacity;
  }
}
