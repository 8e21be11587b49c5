/**
 * The write-ahead order journal: intents written before orders leave, outcomes after, recovery on restart.
 *
 * @example
 * ```ts
 * import { journalObserver, OrderJournal } from "./lib/journal/mod.ts";
 * const { journal, recovery } = OrderJournal.open({ dir: "./lightning-data/production" });
 * for (const i of recovery.unresolved) tracker.restore(i.cid, i.method, i.params, i.ts);
 * const router = await Router.connect({ ...options, journal: combineObservers(tracker, journalObserver(journal)) });
 * ```
 *
 * @module
 */

export { OrderJournal } from "./order_journal.ts";
export type { JournalOptions, JournalStats } from "./order_journal.ts";
export type { JournalRecovery } from "./recovery.ts";
export type { IntentRecord, JournalRecord, JournalValue } from "./records.ts";
export { journalObserver } from "./journal_observer.ts";
