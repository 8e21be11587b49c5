/**
 * The write-ahead order journal: intents written before orders leave, outcomes after, fills as they come,
 * recovery on restart.
 *
 * @example
 * ```ts
 * import { journalObserver, OrderJournal } from "./mod.ts";
 * import { AccountState } from "../account/account_state.ts";
 * import { combineObservers } from "../pipeline/order_observer.ts";
 * import { Router, type RouterOptions } from "../router/router.ts";
 * declare const options: RouterOptions;
 * const { journal, recovery } = OrderJournal.open({ dir: "./lightning-data/production" });
 * const account = new AccountState({ onFill: (fill) => journal.appendFill(fill) });
 * account.fills.restore(recovery.fills); // known fills: a replay is not counted again
 * const tracker = account.orders;
 * for (const i of recovery.unresolved) tracker.restore(i.cid, i.method, i.params, i.ts);
 * const observer = combineObservers(tracker, journalObserver(journal));
 * const router = await Router.connect({ ...options, observer });
 * ```
 *
 * @module
 */

export { OrderJournal } from "./order_journal.ts";
export type { JournalOptions, JournalStats } from "./options.ts";
export type { JournalRecovery } from "./recovery.ts";
export type { FillRecord, IntentRecord, JournalRecord, JournalValue } from "./records.ts";
export { journalObserver } from "./journal_observer.ts";
