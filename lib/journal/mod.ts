/**
 * The write-ahead order journal: intents written before orders leave, outcomes after, recovery on restart.
 *
 * @example
 * ```ts
 * import { journalHooks, OrderJournal } from "./lib/journal/mod.ts";
 * const { journal, recovery } = OrderJournal.open({ dir: "./lightning-data" });
 * ```
 *
 * @module
 */

export { OrderJournal } from "./order_journal.ts";
export type { JournalOptions, JournalRecovery } from "./order_journal.ts";
export type { IntentRecord, JournalRecord, JournalValue } from "./records.ts";
export { journalHooks } from "./router_hooks.ts";
