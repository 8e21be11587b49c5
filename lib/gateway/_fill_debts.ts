/**
 * Fills owed, kept across a restart. An order that ends with an executed quantity its recorded fills do not
 * add up to (the user stream lost its trades; a query or a follow-up told how it ended) has its trades read
 * back a second later (`FillRecovery`). A process stopped in between (kill -9, SIGTERM, a crash) lost them
 * for good: the journal took the order as finished, so the next start neither reconciled it nor read its
 * trades. Now such an order is journaled as owed (`owed`) until its fills add up (`paid`), and the next start
 * restores it for the reconciler to ask, then reads its trades back.
 *
 * @module
 */

import type { AccountState } from "../account/account_state.ts";
import { isShortOfFills } from "../account/fill_recovery.ts";
import type { Fill } from "../account/fills.ts";
import type { OrderJournal, OwedRecord } from "../journal/mod.ts";
import type { TrackedOrder } from "../orders/tracked_order.ts";
import { unrefTimer } from "../_timers.ts";

/**
 * How long after an order finished its fills are compared with what it executed: the stream's trades of a
 * RESULT ack arrive within it (no debt recorded and paid for them), and a stop within it is the only one that
 * still loses a fill (it was the read-back's second and more).
 */
const LOOK_AFTER_MS = 100;

/**
 * The orders whose fills are owed, and their journal records.
 *
 * @example
 * ```ts
 * import { AccountState } from "../account/account_state.ts";
 * import type { OrderJournal } from "../journal/mod.ts";
 * declare const journal: OrderJournal;
 * const account = new AccountState();
 * const debts = new FillDebts(journal, account);
 * debts.restore([]); // at start: the orders of the last run whose fills are owed
 * ```
 */
export class FillDebts {
  readonly #journal: OrderJournal;
  readonly #account: AccountState;
  readonly #owed = new Set<string>();
  /** Orders finished lately, looked at together once `LOOK_AFTER_MS` has passed. */
  readonly #due = new Set<string>();
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(journal: OrderJournal, account: AccountState) {
    this.#journal = journal;
    this.#account = account;
  }

  /**
   * Order `o` changed (the account's `onOrder`): once finished, it is looked at {@linkcode LOOK_AFTER_MS}
   * later (see `order`). Not at once: a RESULT ack says FILLED a moment before the stream brings its trades,
   * and the look must not delay the order's answer (Deno writes it once the turn is over).
   */
  later(o: Readonly<TrackedOrder>): void {
    if (o.state !== "finished" || o.external) return;
    this.#due.add(o.clientOrderId);
    this.#timer ??= unrefTimer(setTimeout(() => this.#look(), LOOK_AFTER_MS));
  }

  /** The gateway closes: the look due is made now (its debts go to the journal before it closes). */
  stop(): void {
    clearTimeout(this.#timer);
    this.#look();
  }

  #look(): void {
    this.#timer = undefined;
    for (const cid of this.#due) {
      const o = this.#account.orders.get(cid);
      if (o !== undefined) this.order(o);
    }
    this.#due.clear();
  }

  /** Orders whose fills are owed now. */
  get size(): number {
    return this.#owed.size;
  }

  /**
   * At start: each order of the last run whose fills are owed is restored as an order of unknown outcome
   * (unless the tracker holds it already), for the reconciler to ask: its answer gives the executed quantity
   * and the exchange id its trades are read by. Returns how many were restored.
   */
  restore(owed: readonly OwedRecord[]): number {
    let n = 0;
    for (const r of owed) {
      this.#owed.add(r.cid);
      if (this.#account.orders.get(r.cid) !== undefined) continue;
      this.#account.orders.restore(r.cid, "order.place", { symbol: r.symbol, side: r.side }, r.ts);
      n++;
    }
    return n;
  }

  /**
   * An order of this router changed: once finished, its fills are owed when they do not add up, and paid
   * when they do. Call it after the change's fills are recorded (a stream event carries both), or through
   * `later`.
   */
  order(o: Readonly<TrackedOrder>): void {
    if (o.state !== "finished" || o.external) return;
    const cid = o.clientOrderId;
    const short = isShortOfFills(this.#account, o);
    if (short && !this.#owed.has(cid)) {
      this.#owed.add(cid);
      this.#journal.appendOwed(cid, o.symbol, o.side, o.executedQty);
    } else if (!short && this.#owed.has(cid)) {
      this.#pay(cid);
    }
  }

  /** A fill was recorded: its order's debt is paid once its fills add up. */
  fill(fill: Readonly<Fill>): void {
    const cid = fill.clientOrderId;
    if (this.#owed.size === 0 || !this.#owed.has(cid)) return;
    const o = this.#account.orders.get(cid);
    if (o !== undefined && o.state === "finished" && !isShortOfFills(this.#account, o)) this.#pay(cid);
  }

  /** The read-back gave up on these orders (their trades never add up): nothing more to wait for. */
  gaveUp(cids: readonly string[]): void {
    for (const cid of cids) if (this.#owed.has(cid)) this.#pay(cid);
  }

  #pay(cid: string): void {
    this.#owed.delete(cid);
    this.#journal.appendPaid(cid);
  }
}
