/**
 * The journal's write side: the current file, the outcome buffer, the fsync timer and rotation.
 *
 * Ordering rules that keep nothing lost:
 * - an intent is tracked in the open-order set only after its write returned, so a checkpoint never names an
 *   intent that is not on disk, and every intent on disk is in the next checkpoint;
 * - buffered outcomes go to the old file before a rotation (the checkpoint already reflects them);
 * - the old file is deleted only after the checkpoint is written (and, with fsync on, durable with its
 *   directory entry). A leftover old file is harmless: read before the checkpoint, it yields the same state.
 *
 * Rotation runs on the timer, off the order's path; a burst that never yields to the event loop rotates
 * inline once the file reaches twice the limit.
 *
 * @module
 */

import * as fs from "node:fs";
import { crc32 } from "./_crc32.ts";
import { fsyncDir, JournalFile } from "./_file.ts";
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
 * const writer = new JournalWriter(dir, 1, open, { maxBytes: 64 << 20, fsyncMs: 20 }, stats);
 * writer.start();
 * writer.intent("lr-1", json);
 * writer.close();
 * ```
 */
export class JournalWriter {
  readonly #dir: string;
  readonly #maxBytes: number;
  readonly #fsyncMs: number;
  readonly #tickMs: number;
  readonly #open: OpenOrders;
  readonly #stats: WriterStats;
  #file: JournalFile;
  #seq: number;
  #timer: ReturnType<typeof setInterval> | undefined;
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
    open: OpenOrders,
    limits: { maxBytes: number; fsyncMs: number },
    stats: WriterStats,
  ) {
    this.#dir = dir;
    this.#seq = seq;
    this.#open = open;
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
    this.#timer = setInterval(() => this.#background(() => this.#tick()), this.#tickMs);
    unref(this.#timer);
  }

  /** Writes an intent (with any buffered outcomes before it) to the OS. Throws on an I/O error. */
  intent(cid: string, json: string): void {
    const file = this.#file;
    const before = file.bytes;
    try {
      // Buffered outcomes ride along in the same write: one system call per order.
      file.append(this.#pending, json, crc32(json));
    } catch (e) {
      this.#stats.bytes += file.bytes - before;
      this.#failed(e);
      throw e;
    }
    this.#stats.bytes += file.bytes - before;
    this.#stats.records += this.#pendingRecords + 1;
    this.#pending = "";
    this.#pendingRecords = 0;
    this.#dirty = true;
    this.#open.intent(cid, json);
    if (file.bytes >= 2 * this.#rotateAt()) this.#background(() => this.#rotate());
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
      file.append(this.#open.checkpoint(), "", 0);
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
    this.#stats.records += this.#open.checkpointRecords;
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

/** Lets the timer not keep the process alive: Deno 2.9+, Bun and Node timers have `unref()`, older Deno ids. */
function unref(timer: unknown): void {
  if (typeof timer === "object" && timer !== null && "unref" in timer && typeof timer.unref === "function") {
    timer.unref();
  } else if (typeof timer === "number") {
    (globalThis as { Deno?: { unrefTimer?: (id: number) => void } }).Deno?.unrefTimer?.(timer);
  }
}
