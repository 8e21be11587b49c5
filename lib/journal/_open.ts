/**
 * Opening a journal directory: the directory made private (0700), every file read back, a fresh file started
 * with the checkpoint, and the files read retired (deleted, or kept aside when damaged).
 *
 * @module
 */

import * as fs from "node:fs";
import { basename, join } from "node:path";
import { monotonicClock } from "../_clock.ts";
import { unrefTimer } from "../_timers.ts";
import { describeDamage } from "./_damage.ts";
import { listJournalFiles } from "./_file.ts";
import { RecentFills } from "./_fills.ts";
import { ProblemLog } from "./_health.ts";
import { OpenOrders } from "./_open_orders.ts";
import { JournalWriter } from "./_writer.ts";
import { type JournalOptions, type JournalStats, resolveOptions } from "./options.ts";
import { type JournalRecovery, type ReadFile, readJournalFiles } from "./recovery.ts";

/**
 * What `openDir` sets up: the state, its writer (started), the counters, the problem log, the recovery, and
 * the start of the periodic file check (`watch(check)` returns its stop).
 */
export interface OpenedDir {
  open: OpenOrders;
  writer: JournalWriter;
  stats: JournalStats;
  problems: ProblemLog;
  recovery: JournalRecovery;
  watch: (check: () => void) => () => void;
}

/**
 * Makes `dir` (0700, whatever the umask), reads its journal files, starts a new file with the checkpoint and
 * retires the files read. Throws, naming the directory, if it cannot be made, listed or written to.
 *
 * @example
 * ```ts
 * const { writer, recovery } = openDir({ dir: "./lightning-data" });
 * writer.close();
 * ```
 */
export function openDir(options: JournalOptions): OpenedDir {
  const { dir, maxFileBytes, fsyncIntervalMs, fillsKept, watchIntervalMs, mapped } = resolveOptions(options);
  const fail = (what: string, e: unknown): Error =>
    new Error(`journal directory ${dir}: ${what}: ${(e as Error).message}`, { cause: e });

  let files: { name: string; seq: number }[];
  try {
    makePrivateDir(dir);
    files = listJournalFiles(dir);
  } catch (e) {
    throw fail("cannot create or list it", e);
  }
  const paths = files.map((f) => join(dir, f.name));
  const state = { open: new OpenOrders(), fills: new RecentFills(fillsKept) };
  const read = readJournalFiles(paths, state);

  const seq = (files[files.length - 1]?.seq ?? 0) + 1;
  const stats: JournalStats = {
    records: 0,
    bytes: 0,
    fsyncs: 0,
    rotations: 0,
    corruptTails: read.corrupt,
    writeErrors: 0,
  };
  const problems = new ProblemLog();
  if (options.onProblem !== undefined) problems.listen(options.onProblem);
  const setup = { maxBytes: maxFileBytes, fsyncMs: fsyncIntervalMs, problems, mapped };
  let writer: JournalWriter;
  try {
    writer = new JournalWriter(
      dir,
      seq,
      state,
      options.write ? { ...setup, write: options.write } : setup,
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
  retireFiles(read.files);
  const timers = options.timers ?? monotonicClock;
  const watch = (check: () => void) => {
    if (watchIntervalMs === 0) return () => {};
    const handle = unrefTimer(timers.setInterval(check, watchIntervalMs));
    return () => timers.clearInterval(handle);
  };
  return { open: state.open, writer, stats, problems, recovery: read.recovery, watch };
}

/**
 * Creates `dir` (and missing parents) as 0700 and makes an existing one 0700: the journal tells what was
 * traded. Best effort where the platform has no such modes.
 *
 * @example
 * ```ts
 * makePrivateDir("./lightning-data/production");
 * ```
 */
export function makePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  try {
    fs.chmodSync(dir, 0o700);
  } catch {
    // Not ours to change (or no POSIX modes): the files in it are 0600 still.
  }
}

/**
 * The damage found at open as one sentence without any path, or undefined when there was none: see
 * {@linkcode describeDamage}.
 *
 * @example
 * ```ts
 * import { OrderJournal } from "./order_journal.ts";
 * const { recovery } = OrderJournal.open({ dir: "./lightning-data" });
 * const damage = damageReport(recovery); // "journal damaged: journal-000003.log lines 17–20 unreadable …"
 * ```
 */
export function damageReport(recovery: JournalRecovery): string | undefined {
  const orders = recovery.unresolved.length + recovery.orphans.length;
  const noSymbol = recovery.orphans.filter((o) => o.symbol === undefined).map((o) => o.cid);
  return describeDamage(recovery.damage, { orders, orphans: recovery.orphans.length, noSymbol });
}

/**
 * Once a new file holds the checkpoint: deletes the files read that held nothing worse than a torn tail,
 * keeps a damaged one as `<name>.corrupt` (0600; a name never read again; never over an earlier one), and
 * leaves an unreadable one alone. Nothing damaged is ever deleted. Errors are ignored: a leftover file is
 * read again at the next open and yields the same state (a damaged one that could not be renamed is
 * reported again: its `damage.keptAs` says it stayed).
 *
 * @example
 * ```ts
 * retireFiles([{ path: "./data/journal-000001.log", verdict: "ok" }]);
 * ```
 */
export function retireFiles(files: ReadFile[]): void {
  for (const { path, verdict, damage } of files) {
    if (verdict === "ok") {
      try {
        fs.rmSync(path);
      } catch {
        // Left over: harmless, see above.
      }
    } else if (verdict === "damaged") {
      const kept = keepAside(path);
      if (damage !== undefined) damage.keptAs = basename(kept ?? path);
    }
  }
}

/**
 * Renames a damaged file to `<path>.corrupt` (or `.corrupt-2`… when kept files already have that name: one
 * is never overwritten), mode 0600. Returns its new path, or undefined if it could not be renamed.
 */
function keepAside(path: string): string | undefined {
  for (let n = 1; n <= 100; n++) {
    const kept = n === 1 ? `${path}.corrupt` : `${path}.corrupt-${n}`;
    if (fs.existsSync(kept)) continue;
    try {
      fs.renameSync(path, kept);
    } catch {
      return undefined;
    }
    try {
      fs.chmodSync(kept, 0o600);
    } catch {
      // Kept all the same.
    }
    return kept;
  }
  return undefined;
}
