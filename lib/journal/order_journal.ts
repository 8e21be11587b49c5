/**
 * Write-ahead journal of order intents and outcomes, so a router that dies (even `kill -9`) finds on restart
 * every order whose outcome it never learned, and every order that may still be open, and reconciles them
 * before trading again.
 *
 * Durability, exactly, and failures (`health`, `watch`, `check`, `recovery.damage`): see `mod.ts`.
 *
 * @module
 */

import type { Fill } from "../account/fills.ts";
import { fillJson, fillKey } from "./_fills.ts";
import { errorCode, type JournalHealth, type ProblemListener, type ProblemLog } from "./_health.ts";
import { openDir, type OpenedDir } from "./_open.ts";
import type { OpenOrders } from "./_open_orders.ts";
import type { JournalWriter } from "./_writer.ts";
import type { JournalOptions, JournalStats } from "./options.ts";
import {
  ackJson,
  intentJson,
  type JournalValue,
  type OutcomeAbout,
  owedJson,
  paidJson,
  rejectedJson,
  resolvedJson,
  unknownJson,
} from "./records.ts";
import type { JournalRecovery } from "./recovery.ts";
import { FINAL_STATUSES } from "../vocabulary.ts";
import { CANNED_CLIENT_ORDER_ID, CANNED_ORDER } from "../wire/canned_order.ts";

export type { JournalOptions, JournalStats } from "./options.ts";

/**
 * The journal. Open one per data directory with {@linkcode OrderJournal.open}.
 *
 * @example
 * ```ts
 * import { OrderTracker } from "../orders/order_tracker.ts";
 * const tracker = new OrderTracker();
 * const { journal, recovery } = OrderJournal.open({ dir: "./lightning-data" });
 * for (const i of recovery.unresolved) tracker.restore(i.cid, i.method, i.params, i.ts);
 * journal.appendIntent("lr-1", "order.place", { symbol: "BTCUSDT", side: "BUY" }); // then send
 * journal.appendAck("lr-1", 42, "NEW", { method: "order.place", symbol: "BTCUSDT" });
 * journal.close();
 * ```
 */
export class OrderJournal {
  readonly #open: OpenOrders;
  readonly #writer: JournalWriter;
  readonly #stats: JournalStats;
  readonly #problems: ProblemLog;
  readonly #stopWatch: () => void;
  #closed = false;

  private constructor(parts: OpenedDir) {
    this.#open = parts.open;
    this.#writer = parts.writer;
    this.#stats = parts.stats;
    this.#problems = parts.problems;
    this.#stopWatch = parts.watch(() => this.check());
  }

  /**
   * Reads every journal file in `dir` (oldest first) and computes the recovery, then starts a fresh file that
   * begins with a checkpoint of the unresolved orders (orphans included) and the kept fills, and deletes the
   * old files: the journal stays bounded across restarts. A damaged file (any bad line but a torn last one)
   * is never deleted: kept as `<name>.corrupt`, or left alone if unreadable, and listed in `recovery.damage`.
   * File contents never make this throw; a directory that cannot be made, listed or written to does.
   *
   * @example
   * ```ts
   * const { journal, recovery } = OrderJournal.open({ dir: "./lightning-data/production" });
   * ```
   */
  static open(options: JournalOptions): { journal: OrderJournal; recovery: JournalRecovery } {
    const parts = openDir(options);
    return { journal: new OrderJournal(parts), recovery: parts.recovery };
  }

  /**
   * Records a request about to be sent (`cidKey`: the param the router fills with `cid`, if not in `params`).
   * Returns once the record is in the OS; throws if it cannot be written or the journal is closed, and then
   * the request must not be sent. `apiKey`, `signature` and undefined params are never written.
   *
   * @example
   * ```ts
   * declare const journal: OrderJournal;
   * journal.appendIntent("lr-1", "order.place", { symbol: "BTCUSDT", side: "BUY", quantity: "0.002" });
   * ```
   */
  appendIntent(
    cid: string,
    method: string,
    params: Record<string, JournalValue | undefined>,
    cidKey = "",
  ): void {
    if (this.#closed) throw new Error(`order journal is closed: intent ${cid} not written`);
    const json = intentJson(Date.now(), cid, method, params, cidKey);
    try {
      this.#writer.intent(cid, json);
    } catch (e) {
      // No path here: this message can reach an API answer. `health()` and the problem log have the file.
      const why = errorCode(e) ?? (e as Error).message;
      throw new Error(`order journal: cannot write intent ${cid}: ${why}`, { cause: e });
    }
  }

  /**
   * Builds the intent record of a canned order (`wire/canned_order.ts`), its checksum and its line's bytes,
   * and makes a write of none of them to the journal's file, keeping nothing: the journal's part of the order
   * path's warm-up (`lib/gateway/order_path_warmer.ts`). At one order every 5 ms the journal's intent was the
   * largest cold stage of a gateway's request, its write system call 28 µs of it (bench/README.md, twelfth
   * round); a write of zero bytes takes the same way through the runtime and the kernel and leaves the file as
   * it was. The line itself goes to a scratch file beside the journal's (`journal-warm.tmp`, never read, cut
   * back at 64 KiB, deleted on close), which runs the kernel's buffered-write path too (thirteenth round).
   * Returns a number made from the work, so that none of it can be left out.
   *
   * @example
   * ```ts
   * declare const journal: OrderJournal;
   * journal.warm(); // the file is unchanged
   * ```
   */
  warm(): number {
    const json = intentJson(
      Date.now(),
      CANNED_CLIENT_ORDER_ID,
      "order.place",
      CANNED_ORDER,
      "newClientOrderId",
    );
    return (this.#writer.warm(json) ^ json.length) >>> 0;
  }

  /**
   * The exchange accepted the request; `status` is the order's status after it (NEW, FILLED…). `about` names
   * the method answered and the order's symbol (taken from the order's intent when not given): the record
   * still describes the order if the intent's line is ever unreadable. The same holds for every outcome.
   * An ack saying an order is open that the journal saw finish lately (`appendFinished`: the stream's
   * EXPIRED for an IOC can come before its ack's NEW) is stale: nothing is written.
   *
   * @example
   * ```ts
   * declare const journal: OrderJournal;
   * journal.appendAck("lr-1", 42, "NEW", { method: "order.place", symbol: "BTCUSDT" });
   * ```
   */
  appendAck(
    cid: string,
    orderId: number | undefined,
    status: string | undefined,
    about?: OutcomeAbout,
  ): void {
    if (this.#closed || this.#open.stale(cid, status)) return;
    const json = ackJson(Date.now(), cid, orderId, status, this.#about(cid, about));
    this.#open.outcome(cid, status, json);
    this.#writer.outcome(json);
  }

  /**
   * The exchange rejected the request (or it was never sent): final, nothing was placed or changed.
   *
   * @example
   * ```ts
   * declare const journal: OrderJournal;
   * journal.appendRejected("lr-1", -2019, "Margin is insufficient.", { method: "order.place" });
   * ```
   */
  appendRejected(cid: string, code: number, msg: string, about?: OutcomeAbout): void {
    if (this.#closed) return;
    const json = rejectedJson(Date.now(), cid, code, msg, this.#about(cid, about));
    this.#open.rejected(cid, code);
    this.#writer.outcome(json);
  }

  /**
   * The outcome is unknown (timeout, disconnect): the order stays unresolved until `appendResolved`. For an
   * order the journal saw finish lately (a cancel of it timed out), nothing is written: it stays finished.
   *
   * @example
   * ```ts
   * declare const journal: OrderJournal;
   * journal.appendUnknown("lr-1", "timeout", { method: "order.place" });
   * ```
   */
  appendUnknown(cid: string, reason: string, about?: OutcomeAbout): void {
    if (this.#closed || this.#open.stale(cid, undefined)) return;
    const json = unknownJson(Date.now(), cid, reason, this.#about(cid, about));
    this.#open.outcome(cid, undefined, json);
    this.#writer.outcome(json);
  }

  /**
   * Reconciliation found the truth: the order's status, or `NOT_FOUND` (it never reached the exchange).
   *
   * @example
   * ```ts
   * declare const journal: OrderJournal;
   * journal.appendResolved("lr-1", "NOT_FOUND");
   * ```
   */
  appendResolved(cid: string, status: string, orderId?: number, about?: OutcomeAbout): void {
    if (this.#closed) return;
    const json = resolvedJson(Date.now(), cid, status, orderId, this.#about(cid, about));
    this.#open.outcome(cid, status, json);
    this.#writer.outcome(json);
  }

  /**
   * The order was seen finished elsewhere: the user data stream (an IOC or MARKET order acked NEW that then
   * expired or filled, a resting order filled or cancelled by someone else) or a reconciliation of the
   * account. Recorded as a resolution when the journal still holds the order open, so the journal stays as
   * small as the set of open orders and a restart does not reconcile orders long finished; else nothing is
   * written (its own answer said so already, or it is not an order of this journal). Returns whether it was
   * recorded.
   *
   * @example
   * ```ts
   * declare const journal: OrderJournal;
   * journal.appendFinished("lr-1", "EXPIRED", 42, { symbol: "BTCUSDT" });
   * ```
   */
  appendFinished(cid: string, status: string, orderId?: number, about?: OutcomeAbout): boolean {
    if (this.#closed || !FINAL_STATUSES.has(status) || !this.#open.has(cid)) return false;
    this.appendResolved(cid, status, orderId, about);
    return true;
  }

  /**
   * Order `cid` ended with `executedQty` executed that its recorded fills do not add up to: its fills are owed,
   * and recovery lists it (`owed`) until `appendPaid`, so a restart before they are read back still reads
   * them back. Buffered like an outcome: it goes out with the answer that ended the order.
   *
   * @example
   * ```ts
   * declare const journal: OrderJournal;
   * journal.appendOwed("lr-1", "ETHUSDT", "BUY", "0.010");
   * ```
   */
  appendOwed(cid: string, symbol: string, side: string, executedQty: string): void {
    if (this.#closed) return;
    const json = owedJson(Date.now(), cid, symbol, side, executedQty);
    this.#open.owe(cid, json);
    this.#writer.outcome(json);
  }

  /**
   * The owed fills of `cid` are recorded (or given up on): recovery no longer lists it.
   *
   * @example
   * ```ts
   * declare const journal: OrderJournal;
   * journal.appendPaid("lr-1");
   * ```
   */
  appendPaid(cid: string): void {
    if (this.#closed) return;
    this.#open.pay(cid);
    this.#writer.outcome(paidJson(Date.now(), cid));
  }

  /** `about` with the symbol filled in from the open order, when missing and known. */
  #about(cid: string, about: OutcomeAbout = {}): OutcomeAbout {
    return about.symbol !== undefined ? about : this.#open.withSymbol(cid, about);
  }

  /**
   * Records a fill from the user data stream: only the `Fill`'s own fields are written, whatever else the
   * object carries. Never throws, never refuses: returns true once the fill is in the OS, or was journaled
   * already (the same `symbol:tradeId` among the kept fills: nothing is written twice). Returns false when it
   * is not (yet) in the journal: the journal is closed (nothing written), or the write failed (counted in
   * `stats.writeErrors`, kept in `lastError`); a failed line is retried with the next write and carried by
   * the next checkpoint, and is lost only if the process dies first.
   *
   * @example
   * ```ts
   * import type { Fill } from "../account/fills.ts";
   * declare const journal: OrderJournal;
   * declare const fill: Fill;
   * if (!journal.appendFill(fill)) console.warn("fill not journaled", journal.lastError?.message);
   * ```
   */
  appendFill(fill: Fill): boolean {
    if (this.#closed) return false;
    return this.#writer.fill(fillKey(fill), fillJson(Date.now(), fill), fill);
  }

  /**
   * Writes buffered records, rotates if the file is due, and fsyncs now (unless `fsyncIntervalMs` is 0).
   * Throws on an I/O error.
   *
   * @example
   * ```ts
   * declare const journal: OrderJournal;
   * journal.flush();
   * ```
   */
  flush(): void {
    if (!this.#closed) this.#writer.flush();
  }

  /**
   * Flushes and closes the file. Idempotent; never throws (a failure is kept in `lastError`).
   *
   * @example
   * ```ts
   * declare const journal: OrderJournal;
   * journal.close();
   * ```
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#stopWatch();
    this.#writer.close();
  }

  /**
   * Checks now, as the `watchIntervalMs` timer does, that the journal file is still the one at its path; if
   * not, reports it and rewrites the journal from memory into a new file. Never throws.
   *
   * @example
   * ```ts
   * declare const journal: OrderJournal;
   * journal.check();
   * if (!journal.health().ok) console.error(journal.health().problem);
   * ```
   */
  check(): void {
    if (!this.#closed) this.#writer.check();
  }

  /**
   * The failure state: ok, or the oldest problem that lasts (a failed write, fsync or rotation, a lost file:
   * see `_health.ts` for when each is over), with its path (for the log) and a `reason` without any
   * directory (for an API answer).
   *
   * @example
   * ```ts
   * declare const journal: OrderJournal;
   * const { ok, reason, writeErrors } = journal.health();
   * ```
   */
  health(): JournalHealth {
    return this.#problems.health(this.#stats.writeErrors);
  }

  /**
   * Calls `listener` once with each distinct problem: at once with those seen already, then as they happen.
   * Returns the function that stops it.
   *
   * @example
   * ```ts
   * declare const journal: OrderJournal;
   * const stop = journal.watch((p) => console.error("journal:", p.problem));
   * stop();
   * ```
   */
  watch(listener: ProblemListener): () => void {
    return this.#problems.listen(listener);
  }

  /**
   * Counters since `open`.
   *
   * @example
   * ```ts
   * declare const journal: OrderJournal;
   * console.log(journal.stats.fsyncs);
   * ```
   */
  get stats(): Readonly<JournalStats> {
    return this.#stats;
  }

  /**
   * The last error of a background write, fsync or rotation, if any (they cannot throw to anyone).
   *
   * @example
   * ```ts
   * declare const journal: OrderJournal;
   * if (journal.lastError) console.warn("journal", journal.lastError.message);
   * ```
   */
  get lastError(): Error | undefined {
    return this.#writer.lastError;
  }
}
