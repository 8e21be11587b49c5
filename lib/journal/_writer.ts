/**
 * The journal's write side: the current file, the outcome buffer, the timer and rotation.
 *
 * Ordering rules that keep nothing lost:
 * - an intent is tracked in the open-order set only after its write returned, so a checkpoint never names an
 *   intent that is not on disk, and every intent on disk is in the next checkpoint;
 * - buffered outcomes go to the old file before a rotation (the checkpoint already reflects them);
 * - the old file is deleted only after the checkpoint is written (and, with fsync on, durable with its
 *   directory entry), and only if it is still the file at its path. A leftover old file is harmless: read
 *   before the checkpoint, it yields the same state;
 * - a fill is kept for the checkpoints whether or not its own write succeeded: a fill is never refused, and
 *   a failed line is retried with the next write.
 *
 * Rotation runs on the timer, off the order's path; a burst that never yields to the event loop rotates
 * inline once the file reaches twice the limit.
 *
 * Every failure is counted, kept in `lastError` and reported to the problem log. A file found gone from its
 * path (by `check`, or at a rotation) is reported, and the journal rewritten from memory into a new file;
 * until that works, intents are refused: they would go to a file no restart reads.
 *
 * @module
 */

import * as fs from "node:fs";
import { everyUnref, type TimerHandle } from "../_timers.ts";
import { crc32, crcHex } from "./_crc32.ts";
import { JournalFile } from "./_file.ts";
import type { RecentFills } from "./_fills.ts";
import { FsyncSchedule } from "./_fsync.ts";
import { ioProblem } from "./_health.ts";
import type { OpenOrders } from "./_open_orders.ts";
import { WarmScratch } from "./_warm_scratch.ts";
import type { WriterSetup, WriterStats } from "./options.ts";
import { frameLine } from "./records.ts";

/**
 * Writes one journal directory.
 *
 * @example
 * ```ts
 * import { RecentFills } from "./_fills.ts";
 * import { ProblemLog } from "./_health.ts";
 * import { OpenOrders } from "./_open_orders.ts";
 * import { intentJson } from "./records.ts";
 * const stats = { records: 0, bytes: 0, fsyncs: 0, rotations: 0, writeErrors: 0 };
 * const setup = { maxBytes: 64 << 20, fsyncMs: 20, problems: new ProblemLog() };
 * const state = { open: new OpenOrders(), fills: new RecentFills(10_000) };
 * const writer = new JournalWriter("./lightning-data", 1, state, setup, stats);
 * writer.start();
 * writer.intent("lr-1", intentJson(Date.now(), "lr-1", "order.place", { symbol: "BTCUSDT" }));
 * writer.close();
 * ```
 */
export class JournalWriter {
  readonly #dir: string;
  readonly #open: OpenOrders;
  readonly #fills: RecentFills;
  readonly #stats: WriterStats;
  readonly #setup: WriterSetup;
  readonly #sync: FsyncSchedule;
  #file: JournalFile;
  #seq: number;
  #timer: TimerHandle | undefined;
  /** Outcome lines not yet written, and how many records they hold. */
  #pending = "";
  #pendingRecords = 0;
  /** Bytes of the checkpoint at the start of the current file: rotation waits for at least as much new. */
  #checkpointBytes = 0;
  #lastError: Error | undefined;
  /** Why intents are refused: the file is gone from its path and the journal could not be rewritten. */
  #refusal: string | undefined;
  /** The warm-up's scratch file, opened at its first pass (tried once per file: not again after a failure). */
  #scratch: WarmScratch | undefined;
  #scratchTried = false;

  /** Creates file number `seq` in `dir` (throws if it cannot). Nothing is written until `start`. */
  constructor(
    dir: string,
    seq: number,
    state: { open: OpenOrders; fills: RecentFills },
    setup: WriterSetup,
    stats: WriterStats,
  ) {
    this.#dir = dir;
    this.#seq = seq;
    this.#open = state.open;
    this.#fills = state.fills;
    this.#stats = stats;
    this.#setup = setup;
    this.#sync = new FsyncSchedule(setup.fsyncMs);
    this.#file = JournalFile.create(dir, seq, setup.write, setup.mapped);
  }

  /** The current file. */
  get path(): string {
    return this.#file.path;
  }

  /** The last failed write, fsync or rotation. */
  get lastError(): Error | undefined {
    return this.#lastError;
  }

  /** Writes the first checkpoint (throws on failure, and then the file is closed) and starts the timer. */
  start(): void {
    try {
      this.#startFile(this.#file);
    } catch (e) {
      this.#file.close();
      throw e;
    }
    this.#timer = everyUnref(() => this.#quietly(() => this.#tick()), this.#sync.tickMs);
  }

  /**
   * Checks that the file is still the one at its path; if not (deleted, replaced, moved), reports it and
   * rewrites the journal from memory into a new file, as a rotation. Retried at each call until that works.
   * Never throws.
   */
  check(): void {
    if (this.#refusal !== undefined || this.#file.lost() !== undefined) this.#quietly(() => this.#rotate());
  }

  /**
   * The intent line of `json` checksummed and encoded, a write of none of its bytes to the journal's file and
   * of all of them to the scratch file beside it (`JournalFile.warm`, `_warm_scratch.ts`): the journal's part
   * of the order path's warm-up. Nothing is written to the journal, kept or counted.
   */
  warm(json: string): number {
    if (!this.#scratchTried && this.#setup.mapped !== true) {
      this.#scratchTried = true;
      this.#scratch = WarmScratch.open(this.#dir, this.#setup.write);
    }
    return this.#file.warm(json, crc32(json), this.#scratch);
  }

  /** Closes (and deletes) the warm-up's scratch file; the next warm-up opens it again. */
  #closeScratch(): void {
    this.#scratch?.close();
    this.#scratch = undefined;
    this.#scratchTried = false;
  }

  /** Writes an intent (with any buffered outcomes before it) to the OS. Throws on an I/O error or a refusal. */
  intent(cid: string, json: string): void {
    if (this.#refusal !== undefined) throw new Error(this.#refusal);
    this.#writeNow(json, crc32(json));
    this.#open.intent(cid, json);
    this.#rotateIfRunaway();
  }

  /**
   * Writes a fill (with any buffered outcomes before it) to the OS and keeps it for the checkpoints, unless
   * a fill with its `key` is kept already. Never throws: on an I/O error (counted, kept in `lastError`) the
   * line is buffered for the next write and false is returned.
   */
  fill(key: string, json: string, fill?: Parameters<RecentFills["add"]>[2]): boolean {
    if (this.#fills.has(key)) return true;
    const crc = crc32(json);
    const line = crcHex(crc) + " " + json + "\n";
    this.#fills.add(key, line, fill);
    try {
      this.#writeNow(json, crc);
    } catch {
      this.#pending += line;
      this.#pendingRecords++;
      return false;
    }
    this.#rotateIfRunaway();
    return true;
  }

  /** Buffers an outcome record until the next intent, tick or flush. */
  outcome(json: string): void {
    this.#pending += frameLine(json);
    this.#pendingRecords++;
  }

  /** Writes buffered records, rotates if due, fsyncs (if enabled). Throws on an I/O error (reported too). */
  flush(): void {
    this.#writePending();
    if (this.#rotateDue()) this.#rotate();
    try {
      if (this.#sync.now(this.#file)) this.#stats.fsyncs++;
    } catch (e) {
      this.#failed("fsync", e);
      throw e;
    }
  }

  /** Flushes (a failure is reported), stops the timer and closes the file. */
  close(): void {
    this.#quietly(() => this.flush());
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#file.close();
    this.#closeScratch();
  }

  #tick(): void {
    this.#writePending();
    if (this.#rotateDue()) this.#rotate();
    this.#file.prepare();
    // Timer fsyncs run off the event loop; rotation, flush and close still fsync synchronously.
    this.#sync.tick(this.#file, () => this.#file, (error) => {
      if (error) this.#failed("fsync", error);
      else this.#stats.fsyncs++;
    });
  }

  /** One write: the buffered outcomes, then the line of `json`. Throws on an I/O error, once reported. */
  #writeNow(json: string, crc: number): void {
    // Buffered outcomes ride along in the same write: one system call per order.
    this.#append(json, crc);
    this.#stats.records++;
  }

  #writePending(): void {
    if (this.#pending !== "") this.#append("", 0);
  }

  /** Appends the buffered outcomes and the line of `json` (if any); counts them, or reports the failure. */
  #append(json: string, crc: number): void {
    const file = this.#file;
    const before = file.bytes;
    try {
      file.append(this.#pending, json, crc);
    } catch (e) {
      this.#failed("write", e);
      throw e;
    } finally {
      this.#stats.bytes += file.bytes - before;
    }
    this.#stats.records += this.#pendingRecords;
    this.#pending = "";
    this.#pendingRecords = 0;
    this.#sync.wrote();
    this.#setup.problems.over("write");
  }

  /** A burst that never yields to the timer rotates inline, at twice the limit. */
  #rotateIfRunaway(): void {
    if (this.#file.bytes >= 2 * this.#rotateAt()) this.#quietly(() => this.#rotate());
  }

  /** Past the size limit, and with at least as much new data as checkpoint (else a big open set churns). */
  #rotateAt(): number {
    return Math.max(this.#setup.maxBytes, 2 * this.#checkpointBytes);
  }

  #rotateDue(): boolean {
    return this.#file.bytes >= this.#rotateAt() && this.#file.bytes > this.#checkpointBytes;
  }

  /**
   * Next file, starting with the checkpoint; then the old file carries nothing more and is deleted if it is
   * still the file at its path. An old file found gone from its path is reported, with the outcome.
   */
  #rotate(): void {
    const old = this.#file;
    const lost = old.lost();
    // A lost file gets nothing more: the checkpoint already reflects the buffered outcomes (and fills).
    if (lost === undefined) this.#writePending();
    // A directory put back by hand after a loss gets the mode a start gives it. Never created here: a missing
    // one may be an unmounted volume, and the journal must not go to the disk beneath it.
    else this.#quietly(() => fs.chmodSync(this.#dir, 0o700));
    let next: JournalFile;
    try {
      next = JournalFile.create(this.#dir, this.#seq + 1, this.#setup.write, this.#setup.mapped);
      try {
        this.#startFile(next);
      } catch (e) {
        next.close();
        if (!next.existed) next.removeIfSame();
        throw e;
      }
    } catch (e) {
      // A lost file's failed rewrite is one problem, the lost file: reported as such.
      this.#failed("rotation", e, lost === undefined);
      if (lost !== undefined) this.#reportLost(old.path, lost, { error: e });
      throw e;
    }
    this.#file = next;
    this.#seq++;
    this.#stats.rotations++;
    this.#pending = "";
    this.#pendingRecords = 0;
    this.#setup.problems.over("rotation", "write"); // the checkpoint was written
    old.close();
    this.#closeScratch(); // a directory rewritten after a loss gets a scratch file of its own
    // Left over if this fails: read again at the next open, it yields the same state.
    if (lost === undefined) old.removeIfSame();
    else this.#reportLost(old.path, lost, { rewritten: next.path });
  }

  #reportLost(path: string, how: string, outcome: { rewritten: string } | { error: unknown }): void {
    const gone = how === "deleted" && !fs.existsSync(this.#dir) ? "deleted with its directory" : how;
    this.#refusal = this.#setup.problems.lost(path, gone, outcome);
  }

  /** Writes the checkpoint to a new file and makes it (and its directory entry) durable. */
  #startFile(file: JournalFile): void {
    try {
      file.append(this.#open.checkpoint() + this.#fills.checkpoint(), "", 0);
    } finally {
      this.#stats.bytes += file.bytes;
    }
    if (this.#sync.fresh(file, this.#dir)) this.#stats.fsyncs++;
    this.#checkpointBytes = file.bytes;
    this.#stats.records += this.#open.checkpointRecords + this.#fills.checkpointRecords;
  }

  /** Runs file work nobody can be told about synchronously (timer, inline rotation, close): reported already. */
  #quietly(work: () => void): void {
    try {
      work();
    } catch {
      // Counted, kept and reported where it failed.
    }
  }

  #failed(what: "write" | "fsync" | "rotation", e: unknown, report = true): void {
    this.#stats.writeErrors++;
    this.#lastError = e instanceof Error ? e : new Error(String(e));
    if (!report) return;
    const { key, problem } = ioProblem(what, this.#file.path, e);
    this.#setup.problems.report(what, key, problem);
  }
}
