/**
 * Write-ahead journal of order intents and outcomes, so a router that dies (even `kill -9`) finds on restart
 * every order whose outcome it never learned, and every order that may still be open, and reconciles them
 * before trading again.
 *
 * Durability, exactly:
 * - An intent is in the OS (its `write` has returned, all bytes) before `appendIntent` returns, so before the
 *   order can leave the process: it survives the death of the process at any instant. If it cannot be
 *   written, `appendIntent` throws and the order must not be sent.
 * - A fill (`appendFill`) is in the OS before `appendFill` returns true, and is never refused: a failed write
 *   is reported (false, `stats.writeErrors`, `lastError`) and retried with the next write. The most recent
 *   `fillsKept` fills are repeated in every new file's checkpoint, so they survive rotations and restarts.
 * - Outcome records (ack, rejected, unknown, resolved) are buffered and written with the next intent, on the
 *   next timer tick (at most 20 ms, or `fsyncIntervalMs` if smaller), or by `flush`/`close`. A crash can lose
 *   the buffered ones; that only means those orders are reconciled with the exchange on restart.
 * - `fsync` runs from the timer when something was written: a power loss or kernel crash loses at most the
 *   last `fsyncIntervalMs` (default 20 ms) of records, plus any time the event loop was blocked. Rotation and
 *   `open` fsync the new file and the directory before deleting the old files. `fsyncIntervalMs: 0` means
 *   never fsync (process-crash safety only).
 *
 * @module
 */

import * as fs from "node:fs";
import { join } from "node:path";
import type { Fill } from "../account/fills.ts";
import { listJournalFiles } from "./_file.ts";
import { fillJson, fillKey, RecentFills } from "./_fills.ts";
import { OpenOrders } from "./_open_orders.ts";
import { JournalWriter } from "./_writer.ts";
import { type JournalOptions, type JournalStats, resolveOptions } from "./options.ts";
import {
  ackJson,
  intentJson,
  type JournalValue,
  rejectedJson,
  resolvedJson,
  unknownJson,
} from "./records.ts";
import { type JournalRecovery, readJournalFiles, retireFiles } from "./recovery.ts";

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
 * journal.appendAck("lr-1", 42, "NEW");
 * journal.appendFill({
 *   symbol: "BTCUSDT", orderId: 42, clientOrderId: "lr-1", tradeId: 7, side: "BUY", price: "50000",
 *   qty: "0.002", commission: "0.04", commissionAsset: "USDT", realizedProfit: "0", maker: false, time: 1,
 * });
 * journal.close();
 * ```
 */
export class OrderJournal {
  readonly #dir: string;
  readonly #open: OpenOrders;
  readonly #writer: JournalWriter;
  readonly #stats: JournalStats;
  #closed = false;

  private constructor(dir: string, open: OpenOrders, writer: JournalWriter, stats: JournalStats) {
    this.#dir = dir;
    this.#open = open;
    this.#writer = writer;
    this.#stats = stats;
  }

  /**
   * Reads every journal file in `dir` (oldest first) and computes the recovery, then starts a fresh file that
   * begins with a checkpoint of the unresolved orders and the kept fills, and deletes the old files, so the
   * journal stays bounded across restarts. A file with a garbled line is kept as `<name>.corrupt` for
   * inspection instead; one that cannot be read is left alone. File contents never make this throw; a
   * directory that cannot be created, listed or written to does, with an error naming it.
   *
   * @example
   * ```ts
   * const { journal, recovery } = OrderJournal.open({ dir: "./lightning-data/production" });
   * ```
   */
  static open(options: JournalOptions): { journal: OrderJournal; recovery: JournalRecovery } {
    const { dir, maxFileBytes, fsyncIntervalMs, fillsKept } = resolveOptions(options);
    const fail = (what: string, e: unknown): Error =>
      new Error(`journal directory ${dir}: ${what}: ${(e as Error).message}`, { cause: e });

    let files: { name: string; seq: number }[];
    try {
      fs.mkdirSync(dir, { recursive: true });
      files = listJournalFiles(dir);
    } catch (e) {
      throw fail("cannot create or list it", e);
    }
    const paths = files.map((f) => join(dir, f.name));
    const state = { open: new OpenOrders(), fills: new RecentFills(fillsKept) };
    const { recovery, verdicts, corrupt } = readJournalFiles(paths, state);

    const seq = (files[files.length - 1]?.seq ?? 0) + 1;
    const stats: JournalStats = {
      records: 0,
      bytes: 0,
      fsyncs: 0,
      rotations: 0,
      corruptTails: corrupt,
      writeErrors: 0,
    };
    let writer: JournalWriter;
    try {
      writer = new JournalWriter(
        dir,
        seq,
        state,
        { maxBytes: maxFileBytes, fsyncMs: fsyncIntervalMs },
        stats,
      );
    } catch (e) {
      throw fail("cannot create a journal file", e);
    }
    try {
      writer.start();
    } catch (e) {
      throw fail(`cannot write ${writer.path}`, e);
    }
    // The checkpoint is in place (and durable, with fsync on): the old files carry nothing more.
    retireFiles(paths.map((path, i) => ({ path, verdict: verdicts[i]! })));
    return { journal: new OrderJournal(dir, state.open, writer, stats), recovery };
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
    if (this.#closed) throw new Error(`order journal ${this.#dir} is closed: intent ${cid} not written`);
    const json = intentJson(Date.now(), cid, method, params, cidKey);
    try {
      this.#writer.intent(cid, json);
    } catch (e) {
      throw new Error(
        `order journal: cannot write intent ${cid} to ${this.#writer.path}: ${(e as Error).message}`,
        { cause: e },
      );
    }
  }

  /**
   * The exchange accepted the request; `status` is the order's status after it (NEW, FILLED…).
   *
   * @example
   * ```ts
   * declare const journal: OrderJournal;
   * journal.appendAck("lr-1", 42, "NEW");
   * ```
   */
  appendAck(cid: string, orderId: number | undefined, status: string | undefined): void {
    if (this.#closed) return;
    this.#open.outcome(cid, status);
    this.#writer.outcome(ackJson(Date.now(), cid, orderId, status));
  }

  /**
   * The exchange rejected the request (or it was never sent): final, nothing was placed or changed.
   *
   * @example
   * ```ts
   * declare const journal: OrderJournal;
   * journal.appendRejected("lr-1", -2019, "Margin is insufficient.");
   * ```
   */
  appendRejected(cid: string, code: number, msg: string): void {
    if (this.#closed) return;
    this.#open.rejected(cid, code);
    this.#writer.outcome(rejectedJson(Date.now(), cid, code, msg));
  }

  /**
   * The outcome is unknown (timeout, disconnect): the order stays unresolved until `appendResolved`.
   *
   * @example
   * ```ts
   * declare const journal: OrderJournal;
   * journal.appendUnknown("lr-1", "timeout");
   * ```
   */
  appendUnknown(cid: string, reason: string): void {
    if (this.#closed) return;
    this.#writer.outcome(unknownJson(Date.now(), cid, reason));
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
  appendResolved(cid: string, status: string, orderId?: number): void {
    if (this.#closed) return;
    this.#open.outcome(cid, status);
    this.#writer.outcome(resolvedJson(Date.now(), cid, status, orderId));
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
    return this.#writer.fill(fillKey(fill), fillJson(Date.now(), fill));
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
    this.#writer.close();
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
   * import type { Logger } from "../cli/log.ts";
   * declare const journal: OrderJournal;
   * declare const log: Logger;
   * if (journal.lastError) log.warn("journal", { error: journal.lastError.message });
   * ```
   */
  get lastError(): Error | undefined {
    return this.#writer.lastError;
  }
}
