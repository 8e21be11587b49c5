/**
 * The write-ahead order journal: intents written before orders leave, outcomes after, fills as they come,
 * recovery on restart.
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
 * Failures are loud. Every failed write, fsync or rotation, and a journal file found deleted, replaced or
 * moved (checked every `watchIntervalMs`, default 1 s, and at each rotation), is a problem: `health()` keeps
 * the first, `onProblem`/`watch` listeners hear of each distinct one once (with the path, for the log; and a
 * path-free `reason`). A lost file is rewritten from memory into a new one at once; intents are refused
 * until that works. At `open`, anything unreadable but a torn last line is damage (`recovery.damage`,
 * `damageReport`): the file is kept as `.corrupt`, never deleted, every good record after the damage is still
 * used (an outcome whose intent is unreadable yields an orphan to reconcile), and trading must not simply
 * resume. The directory is 0700 and the files 0600, whatever the umask.
 *
 * @example
 * ```ts
 * import { damageReport, journalObserver, OrderJournal } from "./mod.ts";
 * import { AccountState } from "../account/account_state.ts";
 * import { combineObservers } from "../pipeline/order_observer.ts";
 * import { Router, type RouterOptions } from "../router/router.ts";
 * declare const options: RouterOptions;
 * const { journal, recovery } = OrderJournal.open({ dir: "./lightning-data/production" });
 * const account = new AccountState({ onFill: (fill) => journal.appendFill(fill) });
 * account.fills.restore(recovery.fills); // known fills: a replay is not counted again
 * const tracker = account.orders;
 * for (const i of recovery.unresolved) tracker.restore(i.cid, i.method, i.params, i.ts);
 * for (const o of recovery.orphans) {
 *   if (o.symbol) tracker.restore(o.cid, o.method ?? "order.place", { symbol: o.symbol }, o.ts);
 * }
 * journal.watch((p) => console.error(p.problem)); // a failed write, a deleted file: halt
 * const damage = damageReport(recovery); // defined: hold new orders, records may be missing
 * const observer = combineObservers(tracker, journalObserver(journal));
 * const router = await Router.connect({ ...options, observer });
 * ```
 *
 * @module
 */

export { OrderJournal } from "./order_journal.ts";
export type { JournalOptions, JournalStats } from "./options.ts";
export type { JournalDamage, JournalRecovery, OrphanOrder } from "./recovery.ts";
export type { JournalHealth, JournalProblem } from "./_health.ts";
export { damageReport } from "./_open.ts";
export { mappedAppendUnsupported } from "./_mapped_append.ts";
export type {
  FillRecord,
  IntentRecord,
  JournalRecord,
  JournalValue,
  OutcomeAbout,
  OwedRecord,
} from "./records.ts";
export { journalObserver } from "./journal_observer.ts";
