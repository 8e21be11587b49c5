/**
 * The journal's options (with their defaults and checks) and its counters.
 *
 * @module
 */

import type { Timers } from "../_clock.ts";
import type { WriteFn } from "./_append_io.ts";
import type { JournalProblem, ProblemLog } from "./_health.ts";
import { mappedAppendUnsupported } from "./_mapped_append.ts";

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
  /**
   * How often to check that the journal file is still the one at its path (not deleted, replaced or moved,
   * e.g. by `rm -rf` of the directory). Default 1000 ms; 0 = never (rotations still check).
   */
  watchIntervalMs?: number;
  /** Timers for that check. Default: real ones, which never keep the process alive. */
  timers?: Timers;
  /**
   * Told of every distinct problem once (a failed write, fsync or rotation, a lost file), as it happens; see
   * also `OrderJournal.watch` and `health`.
   */
  onProblem?: (problem: JournalProblem) => void;
  /** The write system call, `fs.writeSync(fd, buffer, offset, length)`: for fault injection in tests. */
  write?: WriteFn;
  /**
   * Write through a shared memory mapping of the file instead of a `write` call per record (Bun on Linux;
   * elsewhere `open` throws, naming why): the same durability (in the OS when the call returns, on the device
   * after the periodic fsync), without the system call on the order's path. The file being written ends in NUL
   * bytes after its last line until it is closed; recovery ignores them. Default false. Ignores `write`.
   */
  mapped?: boolean;
}

/** The numeric options, each with its default. */
export type ResolvedOptions = Required<
  Pick<
    JournalOptions,
    "dir" | "maxFileBytes" | "fsyncIntervalMs" | "fillsKept" | "watchIntervalMs" | "mapped"
  >
>;

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
  /** Unreadable lines found by `open` (torn tails and damaged lines). */
  corruptTails: number;
  /**
   * Failed writes, fsyncs and rotations, whoever asked for them (see `lastError` and `health`); a failed intent
   * also throws.
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
export function resolveOptions(options: JournalOptions): ResolvedOptions {
  const { dir, maxFileBytes = 64 * 1024 * 1024, fsyncIntervalMs = 20, fillsKept = 10_000 } = options;
  const { watchIntervalMs = 1000, mapped = false } = options;
  if (!(maxFileBytes > 0)) throw new RangeError(`journal maxFileBytes must be > 0, got ${maxFileBytes}`);
  if (!(fsyncIntervalMs >= 0)) {
    throw new RangeError(`journal fsyncIntervalMs must be >= 0, got ${fsyncIntervalMs}`);
  }
  if (!Number.isSafeInteger(fillsKept) || fillsKept < 0) {
    throw new RangeError(`journal fillsKept must be an integer >= 0, got ${fillsKept}`);
  }
  if (!(watchIntervalMs >= 0)) {
    throw new RangeError(`journal watchIntervalMs must be >= 0, got ${watchIntervalMs}`);
  }
  const unsupported = mapped ? mappedAppendUnsupported() : undefined;
  if (unsupported !== undefined) throw new Error(`journal mapped: ${unsupported}`);
  return { dir, maxFileBytes, fsyncIntervalMs, fillsKept, watchIntervalMs, mapped };
}

/** The counters the writer keeps (the journal's `stats` but `corruptTails`). */
export type WriterStats = Omit<JournalStats, "corruptTails">;

/** How the writer runs: rotation size, fsync period (0: never), where failures go, the write call or a mapping. */
export interface WriterSetup {
  maxBytes: number;
  fsyncMs: number;
  problems: ProblemLog;
  write?: WriteFn;
  mapped?: boolean;
}
