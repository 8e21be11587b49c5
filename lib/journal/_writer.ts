/**
 * The journal's write side: the current file, the outcome buffer, the fsync timer and rotation.
 *
 * Ordering rules that keep nothing lost:
 * - an intent is tracked in the open-order set only after its write returned, so a checkpoint never names an
 *   intent that is not on disk, and every intent on disk is in the next checkpoint;
 * - buffered outcomes go to the old file before a rotation (the checkpoint already reflects them);
 * - the old file is deleted only after the checkpoint is written (and, with fsync on, durable with its
 *   directory entry). A leftover old file is harmless: read before the checkpoint, it yields the same state;
 * - a fill is kept for the checkpoints whether or not its own write succeeded: a fill is never refused, and
 *   a failed line is retried with the next write.
 *
 * Rotation runs on the timer, off the order's path; a burst that never yields to the event loop rotates
 * inline once the file reaches twice the limit.
 *
 * @module
 */

import * as fs from "node:fs";
import { everyUnref, type TimerHandle } from "../_timers.ts";
import { crc32, crcHex } from "./_crc32.ts";
import { fsyncDir, JournalFile } from "./_file.ts";
import type { RecentFills } from "./_fills.ts";
import type { OpenOrders } from "./_open_orders.ts";
import { frameLine } from "./records.ts";

/** Longest time buffered outcomes wait for the timer. */
const MAX_TICK_MS = 20;

/** The counters the writer keeps (the journal's `stats`). */
export interface WriterStats {
  records: number;
  bytes: number;
  fsyncs: number;
  rotations: number;
  writeErrors: number;
}

/**
 * Writes one journal directory.
 *
 * @example
 * ```ts
 * import { RecentFills } from "./_fills.ts";
 * import { OpenOrders } from "./_open_orders.ts";
 * import { intentJson } from "./records.ts";
 * const stats = { records: 0, bytes: 0, fsyncs: 0, rotations: 0, writeErrors: 0 };
 * const limits = { maxBytes: 64 << 20, fsyncMs: 20 };
 * const state = { open: new OpenOrders(), fills: new RecentFills(10_000) };
 * const writer = new JournalWriter("./lightning-data", 1, state, limits, stats);
 * writer.start();
 * writer.intent("lr-1", intentJson(Date.now(), "lr-1", "order.place", { symbol: "BTCUSDT" }));
 * writer.close();
 * ```
 */
export class JournalWriter {
  readonly #dir: string;
  readonly #maxBytes: number;
  readonly #fsyncMs: number;
  readonly #tickMs: number;
  readonly #open: OpenOrders;
  readonly #fills: RecentFills;
  readonly #stats: WriterStats;
  #file: JournalFile;
  #seq: number;
  #timer: TimerHandle | undefined;
  /** Outcome lines not yet written, and how many records they hold. */
  #pending = "";
  #pendingRecords = 0;
  /** Bytes of the checkpoint at the start of the current file: rotation waits for at least as much new. */
  #checkpointBytes = 0;
  #dirty = false;
  #lastFsync = 0;
  #fsyncing = false;
  #lastError: Error | undefined;

  /** Creates file number `seq` in `dir` (throws if it cannot). Nothing is written until `start`. */
  constructor(
    dir: string,
    seq: number,
    state: { open: OpenOrders; fills: RecentFills },
    limits: { maxBytes: number; fsyncMs: number },
    stats: WriterStats,
  ) {
    this.#dir = dir;
    this.#seq = seq;
    this.#open = state.open;
    this.#fills = state.fills;
    this.#stats = stats;
    this.#maxBytes = limits.maxBytes;
    this.#fsyncMs = limits.fsyncMs;
    this.#tickMs = this.#fsyncMs > 0 ? Math.min(this.#fsyncMs, MAX_TICK_MS) : MAX_TICK_MS;
    this.#file = JournalFile.create(dir, seq);
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
    this.#timer = everyUnref(() => this.#background(() => this.#tick()), this.#tickMs);
  }

  /** Writes an intent (with any buffered outcomes before it) to the OS. Throws on an I/O error. */
  intent(cid: string, json: string): void {
    this.#writeNow(json, crc32(json));
    this.#open.intent(cid, json);
    this.#rotateIfRunaway();
  }

  /**
   * Writes a fill (with any buffered outcomes before it) to the OS and keeps it for the checkpoints, unless
   * a fill with its `key` is kept already. Never throws: on an I/O error (counted, kept in `lastError`) the
   * line is buffered for the next write and false is returned.
   */
  fill(key: string, json: string): boolean {
    if (this.#fills.has(key)) return true;
    const crc = crc32(json);
    const line = crcHex(crc) + " " + json + "\n";
    this.#fills.add(key, line);
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

  /** Writes buffered records, rotates if due, fsyncs (if enabled). Throws on an I/O error. */
  flush(): void {
    this.#writePending();
    if (this.#rotateDue()) this.#rotate();
    if (this.#dirty && this.#fsyncMs > 0) this.#fsync();
  }

  /** Flushes (a failure goes to `lastError`), stops the timer and closes the file. */
  close(): void {
    this.#background(() => this.flush());
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#file.close();
  }

  #tick(): void {
    this.#writePending();
    if (this.#rotateDue()) this.#rotate();
    // Ticks come every min(fsyncIntervalMs, 20) ms; a longer interval fsyncs on the tick that reaches it.
    const due = performance.now() - this.#lastFsync >= this.#fsyncMs - this.#tickMs;
    if (this.#dirty && this.#fsyncMs > 0 && due && !this.#fsyncing) {
      // Timer fsyncs run off the event loop; rotation, flush and close still fsync synchronously.
      this.#fsyncing = true;
      this.#dirty = false;
      this.#lastFsync = performance.now();
      const file = this.#file;
      file.fsyncInBackground((error) => {
        this.#fsyncing = false;
        // A file rotated out meanwhile was fsynced synchronously by the rotation: its error is moot.
        if (error && file === this.#file) {
          this.#dirty = true;
          this.#lastError = error;
        } else this.#stats.fsyncs++;
      });
    }
  }

  /** One write: the buffered outcomes, then the line of `json`. Throws on an I/O error, once counted. */
  #writeNow(json: string, crc: number): void {
    const file = this.#file;
    const before = file.bytes;
    try {
      // Buffered outcomes ride along in the same write: one system call per order.
      file.append(this.#pending, json, crc);
    } catch (e) {
      this.#failed(e);
      throw e;
    } finally {
      this.#stats.bytes += file.bytes - before;
    }
    this.#stats.records += this.#pendingRecords + 1;
    this.#pending = "";
    this.#pendingRecords = 0;
    this.#dirty = true;
  }

  /** A burst that never yields to the timer rotates inline, at twice the limit. */
  #rotateIfRunaway(): void {
    if (this.#file.bytes >= 2 * this.#rotateAt()) this.#background(() => this.#rotate());
  }

  #writePending(): void {
    if (this.#pending === "") return;
    const file = this.#file;
    const before = file.bytes;
    try {
      file.append(this.#pending, "", 0);
    } finally {
      this.#stats.bytes += file.bytes - before;
    }
    this.#stats.records += this.#pendingRecords;
    this.#pending = "";
    this.#pendingRecords = 0;
    this.#dirty = true;
  }

  #fsync(): void {
    this.#file.fsync();
    this.#dirty = false;
    this.#lastFsync = performance.now();
    this.#stats.fsyncs++;
  }

  /** Past the size limit, and with at least as much new data as checkpoint (else a big open set churns). */
  #rotateAt(): number {
    return Math.max(this.#maxBytes, 2 * this.#checkpointBytes);
  }

  #rotateDue(): boolean {
    return this.#file.bytes >= this.#rotateAt() && this.#file.bytes > this.#checkpointBytes;
  }

  /** Next file, starting with the checkpoint; then the old file carries nothing more and is deleted. */
  #rotate(): void {
    this.#writePending();
    const old = this.#file;
    const next = JournalFile.create(this.#dir, this.#seq + 1);
    try {
      this.#startFile(next);
    } catch (e) {
      next.close();
      fs.rmSync(next.path, { force: true });
      throw e;
    }
    this.#file = next;
    this.#seq++;
    this.#stats.rotations++;
    old.close();
    try {
      fs.rmSync(old.path);
    } catch {
      // Left over: read again at the next open, it yields the same state.
    }
  }

  /** Writes the checkpoint to a new file and makes it (and its directory entry) durable. */
  #startFile(file: JournalFile): void {
    try {
      file.append(this.#open.checkpoint() + this.#fills.checkpoint(), "", 0);
    } finally {
      this.#stats.bytes += file.bytes;
    }
    if (this.#fsyncMs > 0) {
      file.fsync();
      fsyncDir(this.#dir);
      this.#stats.fsyncs++;
      this.#lastFsync = performance.now();
    }
    this.#checkpointBytes = file.bytes;
    this.#stats.records += this.#open.checkpointRecords + this.#fills.size;
    // Whatever the old file had unsynced is superseded by the checkpoint.
    this.#dirty = false;
  }

  /** Runs file work nobody can be told about synchronously (timer, inline rotation, close). */
  #background(work: () => void): void {
    try {
      work();
    } catch (e) {
      this.#failed(e);
    }
  }

  #failed(e: unknown): void {
    this.#stats.writeErrors++;
    this.#lastError = e instanceof Error ? e : new Error(String(e));
  }
}
