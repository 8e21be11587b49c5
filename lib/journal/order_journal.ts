/**
 * Write-ahead journal of order intents and outcomes, so a router that crashes (even `kill -9`) can find on
 * restart every order whose outcome it never learned, and reconcile it before trading again.
 *
 * What it keeps: every order not known to be finished (no fill, cancel, expiry, rejection or "not found" seen),
 * so that after a restart all of them are reconciled with the exchange, not only the unanswered ones.
 *
 * Durability, exactly:
 * - An intent is handed to the OS (`write`) before `appendIntent` returns, so before the order leaves the
 *   process: it survives a crash of the router process, always.
 * - Outcome records (ack, rejected, unknown, resolved) are buffered and written with the next intent or on the
 *   next timer tick (every `fsyncIntervalMs`). Losing one in a crash only means that order is reconciled with
 *   the exchange on restart.
 * - `fsync` runs on that timer when something was written: a power loss or kernel crash can lose at most the
 *   last `fsyncIntervalMs` (default 20 ms) of records. With `fsyncIntervalMs: 0`, nothing is fsynced.
 *
 * @module
 */

import * as fs from "node:fs";
import { join } from "node:path";
import { unrefTimer } from "../_timers.ts";
import {
  decodeLine,
  encodeLine,
  intentLine,
  type IntentRecord,
  journalParams,
  type JournalValue,
} from "./records.ts";

/** Options for {@linkcode OrderJournal.open}. */
export interface JournalOptions {
  /** Directory of the journal files; created if missing. */
  dir: string;
  /** Start a new file past this size. Default 64 MiB. */
  maxFileBytes?: number;
  /** fsync period (the power-loss durability window). Default 20 ms; 0 = never fsync. */
  fsyncIntervalMs?: number;
}

/** What `open` found in the existing files. */
export interface JournalRecovery {
  /**
   * Orders that may still be open or whose outcome was never learned: intents with no final outcome after
   * them (no fill, cancel, expiry, rejection, or "not found"). Reconcile every one before trading.
   */
  unresolved: IntentRecord[];
  /** Records read. */
  records: number;
  /** Unreadable lines (a torn tail after a crash, or garbage): reported and skipped, never fatal. */
  corrupt: { file: string; line: number; bytes: number; reason: string }[];
}

const FILE_RE = /^journal-(\d{6})\.log$/;
/** Statuses after which an order can no longer change. */
const FINAL = new Set([
  "FILLED",
  "CANCELED",
  "EXPIRED",
  "EXPIRED_IN_MATCH",
  "REJECTED",
  "FINISHED",
  "NOT_FOUND",
]);
const PLACES = new Set(["order.place", "algoOrder.place"]);

/**
 * The bookkeeping shared by recovery and the live journal: which orders are not known to be finished.
 * An order is keyed by its client id; cancel/modify intents for it do not replace its place intent.
 */
class OpenOrders {
  readonly byCid = new Map<string, IntentRecord>();
  /** Method of the latest request per client id, to tell a rejected place (gone) from a rejected cancel. */
  readonly #latest = new Map<string, string>();

  intent(r: IntentRecord): void {
    this.#latest.set(r.cid, r.method);
    if (PLACES.has(r.method) || !this.byCid.has(r.cid)) this.byCid.set(r.cid, r);
  }

  outcome(cid: string, status: string | undefined): void {
    if (status !== undefined && FINAL.has(status)) this.#forget(cid);
  }

  rejected(cid: string, code: number): void {
    // A rejected place never existed; -2011/-2013 say the exchange does not hold the order open.
    if (PLACES.has(this.#latest.get(cid) ?? "") || code === -2011 || code === -2013) this.#forget(cid);
  }

  #forget(cid: string): void {
    this.byCid.delete(cid);
    this.#latest.delete(cid);
  }
}

/**
 * The journal.
 *
 * @example
 * ```ts
 * const { journal, recovery } = OrderJournal.open({ dir: "./lightning-data" });
 * for (const intent of recovery.unresolved) tracker.restore(intent.cid, intent.method, intent.params, intent.ts);
 * journal.appendIntent("lr-1", "order.place", { symbol: "BTCUSDT", side: "BUY" });
 * journal.appendAck("lr-1", 42, "NEW");
 * journal.close();
 * ```
 */
export class OrderJournal {
  readonly #dir: string;
  readonly #maxBytes: number;
  readonly #timer: ReturnType<typeof setInterval> | undefined;
  readonly #fsyncEvery: number;
  /** Orders not known to be finished: carried into every new file as a checkpoint. */
  readonly #open = new OpenOrders();
  #fd: number;
  #seq: number;
  #bytes = 0;
  #pending = "";
  #dirty = false;
  #closed = false;
  /** Counters since open: file writes, bytes written, fsyncs, rotations, corrupt entries found on open. */
  readonly stats = { records: 0, bytes: 0, fsyncs: 0, rotations: 0, corruptTails: 0 };

  private constructor(dir: string, seq: number, options: JournalOptions) {
    this.#dir = dir;
    this.#seq = seq;
    this.#maxBytes = options.maxFileBytes ?? 64 * 1024 * 1024;
    this.#fsyncEvery = options.fsyncIntervalMs ?? 20;
    this.#fd = fs.openSync(this.#path(seq), "a");
    this.#timer = setInterval(() => this.#tick(), this.#fsyncEvery > 0 ? this.#fsyncEvery : 20);
    unrefTimer(this.#timer);
  }

  /**
   * Reads every journal file in `dir`, then starts a fresh file that begins with the unresolved intents and
   * deletes the old files (so the journal stays bounded across restarts). Throws only if the directory cannot
   * be used, naming it; file contents never make it throw.
   */
  static open(options: JournalOptions): { journal: OrderJournal; recovery: JournalRecovery } {
    const dir = options.dir;
    try {
      fs.mkdirSync(dir, { recursive: true });
    } catch (e) {
      throw new Error(`journal directory ${dir}: ${(e as Error).message}`);
    }
    const files = fs.readdirSync(dir).filter((f) => FILE_RE.test(f)).sort();
    const recovery: JournalRecovery = { unresolved: [], records: 0, corrupt: [] };
    const open = new OpenOrders();
    for (const file of files) readFile(join(dir, file), open, recovery);
    recovery.unresolved = [...open.byCid.values()];
    const last = files.length > 0 ? Number(FILE_RE.exec(files[files.length - 1]!)![1]) : 0;
    let journal: OrderJournal;
    try {
      journal = new OrderJournal(dir, last + 1, options);
    } catch (e) {
      throw new Error(`journal directory ${dir}: ${(e as Error).message}`);
    }
    journal.stats.corruptTails = recovery.corrupt.length;
    journal.#checkpoint(recovery.unresolved);
    for (const file of files) fs.rmSync(join(dir, file), { force: true });
    return { journal, recovery };
  }

  /** Orders not known to be finished. */
  get unresolved(): number {
    return this.#open.byCid.size;
  }

  /** Records an order request about to be sent. Written to the OS before it returns. */
  appendIntent(cid: string, method: string, params: Record<string, JournalValue | undefined>): void {
    const ts = Date.now();
    this.#pending += intentLine(ts, cid, method, params);
    this.#writePending();
    // The in-memory copy (for checkpoints) is made after the write: the write is what the order waits for.
    this.#open.intent({ t: "intent", ts, cid, method, params: journalParams(params) });
  }

  /** The exchange accepted the request. */
  appendAck(cid: string, orderId: number | undefined, status: string | undefined): void {
    this.#open.outcome(cid, status);
    this.#buffer(encodeLine({ t: "ack", ts: Date.now(), cid, orderId, status }));
  }

  /** The exchange rejected it (or it was never sent): final. */
  appendRejected(cid: string, code: number, msg: string): void {
    this.#open.rejected(cid, code);
    this.#buffer(encodeLine({ t: "rejected", ts: Date.now(), cid, code, msg }));
  }

  /** Its outcome is unknown: it stays unresolved until `appendResolved`. */
  appendUnknown(cid: string, reason: string): void {
    this.#buffer(encodeLine({ t: "unknown", ts: Date.now(), cid, reason }));
  }

  /** Reconciliation found the truth (`NOT_FOUND`: it never reached the exchange). */
  appendResolved(cid: string, status: string, orderId?: number): void {
    this.#open.outcome(cid, status);
    this.#buffer(encodeLine({ t: "resolved", ts: Date.now(), cid, status, orderId }));
  }

  /** Writes buffered records and fsyncs now. */
  flush(): void {
    if (this.#closed) return;
    this.#writePending();
    if (this.#dirty) this.#fsync();
  }

  /** Flushes and closes the file. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.flush();
    this.#closed = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    fs.closeSync(this.#fd);
  }

  #buffer(line: string): void {
    if (this.#closed) return;
    this.#pending += line;
  }

  #writePending(): void {
    if (this.#closed || this.#pending === "") return;
    const text = this.#pending;
    this.#pending = "";
    const n = fs.writeSync(this.#fd, text);
    this.#bytes += n;
    this.stats.bytes += n;
    this.stats.records++;
    this.#dirty = true;
    if (this.#bytes >= this.#maxBytes) this.#rotate();
  }

  #tick(): void {
    if (this.#closed) return;
    this.#writePending();
    if (this.#dirty && this.#fsyncEvery > 0) this.#fsync();
  }

  #fsync(): void {
    fs.fsyncSync(this.#fd);
    this.#dirty = false;
    this.stats.fsyncs++;
  }

  /** Next file: the unresolved intents first (a checkpoint), then the old file can go. */
  #rotate(): void {
    const old = this.#path(this.#seq);
    this.#fsync();
    fs.closeSync(this.#fd);
    this.#seq++;
    this.#fd = fs.openSync(this.#path(this.#seq), "a");
    this.#bytes = 0;
    this.stats.rotations++;
    this.#checkpoint([...this.#open.byCid.values()]);
    fs.rmSync(old, { force: true });
  }

  #checkpoint(intents: IntentRecord[]): void {
    let text = "";
    for (const r of intents) {
      this.#open.intent(r);
      text += encodeLine(r);
    }
    if (text !== "") {
      const n = fs.writeSync(this.#fd, text);
      this.#bytes += n;
      this.stats.bytes += n;
    }
    this.#fsync();
  }

  #path(seq: number): string {
    return join(this.#dir, `journal-${String(seq).padStart(6, "0")}.log`);
  }
}

function readFile(path: string, open: OpenOrders, recovery: JournalRecovery): void {
  let text: string;
  try {
    text = fs.readFileSync(path, "utf8");
  } catch (e) {
    recovery.corrupt.push({ file: path, line: 0, bytes: 0, reason: `unreadable: ${(e as Error).message}` });
    return;
  }
  const lines = text.split("\n");
  // A file that does not end in a newline has a torn last line: the crash hit mid-write.
  const torn = lines.pop() ?? "";
  lines.forEach((line, i) => {
    if (line === "") return;
    const r = decodeLine(line);
    if (typeof r === "string") {
      recovery.corrupt.push({ file: path, line: i + 1, bytes: line.length, reason: r });
      return;
    }
    recovery.records++;
    if (r.t === "intent") open.intent(r);
    else if (r.t === "ack" || r.t === "resolved") open.outcome(r.cid, r.status);
    else if (r.t === "rejected") open.rejected(r.cid, r.code);
  });
  if (torn !== "") {
    recovery.corrupt.push({
      file: path,
      line: lines.length + 1,
      bytes: torn.length,
      reason: "truncated last line",
    });
  }
}
