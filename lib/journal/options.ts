/**
 * The journal's options (with their defaults and checks) and its counters.
 *
 * @module
 */

/**
 * Options for `OrderJournal.open`.
 *
 * @example
 * ```ts
 * const options: JournalOptions = { dir: "./lightning-data/production", fsyncIntervalMs: 20 };
 * ```
 */
export interface JournalOptions {
  /** Directory of the journal files; created if missing. One journal per directory, one process at a time. */
  dir: string;
  /** Start a new file once the current one passes this size. Default 64 MiB. */
  maxFileBytes?: number;
  /** fsync period: the power-loss durability window. Default 20 ms; 0 = never fsync. */
  fsyncIntervalMs?: number;
  /**
   * Fills kept across rotations and restarts (every new file's checkpoint repeats them): the most recent
   * ones, at most this many. Default 10,000; 0 keeps none (fills are still written, not carried forward).
   */
  fillsKept?: number;
}

/**
 * Counters since `open`.
 *
 * @example
 * ```ts
 * import { OrderJournal } from "./order_journal.ts";
 * const { journal } = OrderJournal.open({ dir: "./lightning-data" });
 * const { records, fsyncs } = journal.stats;
 * ```
 */
export interface JournalStats {
  /** Records written (checkpoint records included). */
  records: number;
  /** Bytes written. */
  bytes: number;
  /** fsyncs completed. */
  fsyncs: number;
  /** Size rotations to a new file. */
  rotations: number;
  /** Unreadable lines found by `open` (torn tails and garbled lines). */
  corruptTails: number;
  /**
   * Failed writes, fsyncs or rotations in the background, and failed fill writes (see `lastError`); a failed
   * intent also throws.
   */
  writeErrors: number;
}

/**
 * `options` with every default filled in. Throws a RangeError for a value out of range.
 *
 * @example
 * ```ts
 * resolveOptions({ dir: "./data" }).fillsKept; // 10000
 * ```
 */
export function resolveOptions(options: JournalOptions): Required<JournalOptions> {
  const { dir, maxFileBytes = 64 * 1024 * 1024, fsyncIntervalMs = 20, fillsKept = 10_000 } = options;
  if (!(maxFileBytes > 0)) throw new RangeError(`journal maxFileBytes must be > 0, got ${maxFileBytes}`);
  if (!(fsyncIntervalMs >= 0)) {
    throw new RangeError(`journal fsyncIntervalMs must be >= 0, got ${fsyncIntervalMs}`);
  }
  if (!Number.isSafeInteger(fillsKept) || fillsKept < 0) {
    throw new RangeError(`journal fillsKept must be an integer >= 0, got ${fillsKept}`);
  }
  return { dir, maxFileBytes, fsyncIntervalMs, fillsKept };
}
