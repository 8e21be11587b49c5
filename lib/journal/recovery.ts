/**
 * Reading a journal directory back after a restart (or a crash): every file in order, every line checked,
 * bad lines reported and skipped, and every good line used, those after a bad one included. Nothing in a
 * file's contents can make it throw.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import * as fs from "node:fs";
import { basename } from "node:path";
import type { Fill } from "../account/fills.ts";
import type { FillTally } from "../account/fill_tally.ts";
import { type JournalDamage, lineRanges, looksTorn } from "./_damage.ts";
import { fillKey, type RecentFills } from "./_fills.ts";
import type { OpenOrders } from "./_open_orders.ts";
import {
  decodeLine,
  type IntentRecord,
  type JournalRecord,
  type OwedRecord,
  parseRecord,
} from "./records.ts";

export type { JournalDamage } from "./_damage.ts";

/**
 * What `OrderJournal.open` found in the existing files.
 *
 * @example
 * ```ts
 * import { OrderJournal } from "./order_journal.ts";
 * const { recovery } = OrderJournal.open({ dir: "./lightning-data" });
 * for (const i of recovery.unresolved) console.log("reconcile", i.cid, i.method);
 * console.log(`${recovery.fills.length} fills restored`);
 * ```
 */
export interface JournalRecovery {
  /**
   * Orders not known to be finished, one intent per client order id (the one that opened it), oldest first:
   * every intent with no ack, rejection or reconciliation after it (an `unknown` does not resolve), and also
   * orders acked with a live status (NEW, PARTIALLY_FILLED) that nothing later showed finished, because they
   * may still be open on the exchange. Reconcile every one (order.status by client id) before trading.
   */
  unresolved: IntentRecord[];
  /**
   * Orders known only from an outcome record (an ack, unknown or reconciliation that left them open) whose
   * intent could not be read: a damaged line. Oldest first, none of them in `unresolved`. Reconcile each by
   * `symbol` and client id; one without a `symbol` (a line from before outcomes carried it) must be checked
   * by hand.
   */
  orphans: OrphanOrder[];
  /**
   * Damaged files (see `_damage.ts`: anything unreadable but a torn last line). Non-empty means records may
   * be missing: trading must not simply resume.
   */
  damage: JournalDamage[];
  /**
   * The most recent fills journaled (at most `fillsKept`), oldest first, each execution once (by
   * `symbol:tradeId`). Give them to the account (`FillBook.restore`) so a replayed fill is not counted again.
   */
  fills: Fill[];
  /**
   * What the fills journaled but not in `fills` (past `fillsKept`) added to their UTC day's PnL, by day
   * (`day`: its start in ms): give them to the account (`FillBook.restoreDropped`) so that today's loss still
   * counts them.
   */
  droppedFills: { day: number; tally: FillTally }[];
  /**
   * Finished orders whose fills were owed (the user stream lost their trades, and the process stopped before
   * they were read back), oldest first: read their trades back (`FillBook` is short of their executed
   * quantity), then record `paid`.
   */
  owed: OwedRecord[];
  /** Records read (good lines). */
  records: number;
  /**
   * Unreadable lines: a torn last line after a crash (reason "truncated last line (…)"), or damage. Reported
   * and skipped. `line` is 1-based; `bytes` is the line's length in bytes. At most 1000 are listed.
   */
  corrupt: { file: string; line: number; bytes: number; reason: string }[];
}

/**
 * An order known only from an outcome record: what it says, enough to reconcile the order by client id.
 *
 * @example
 * ```ts
 * const o: OrphanOrder = { cid: "lr-7", symbol: "BTCUSDT", method: "order.place", orderId: 42, status: "NEW",
 *   ts: 1 };
 * ```
 */
export interface OrphanOrder {
  /** Client order id. */
  cid: string;
  /** The order's symbol; absent only on a line from before outcomes carried it. */
  symbol?: string;
  /** The request the record answered (order.place…), when it says. */
  method?: string;
  /** The exchange's order id, when known. */
  orderId?: number;
  /** The order's status as last seen (NEW, PARTIALLY_FILLED); absent after an unknown outcome. */
  status?: string;
  /** When the record was written (ms). */
  ts: number;
}

const MAX_LISTED = 1000;

/** What reading one file found, for deciding what to do with it afterwards. */
export type FileVerdict = "ok" | "damaged" | "unreadable";

/**
 * Reads journal file `path` into `state` (open orders, recent fills) and `recovery`. Returns "damaged" if a
 * line other than a torn tail was bad (the file is kept for inspection, and an entry goes to
 * `recovery.damage`) and "unreadable" if it could not be read at all (it must not be deleted; damage too).
 * `countCorrupt` is told about every bad line, listed or not.
 *
 * @example
 * ```ts
 * import { RecentFills } from "./_fills.ts";
 * import { OpenOrders } from "./_open_orders.ts";
 * const state = { open: new OpenOrders(), fills: new RecentFills(10_000) };
 * const recovery: JournalRecovery = { unresolved: [], orphans: [], damage: [], fills: [], droppedFills: [], owed: [], records: 0,
 *   corrupt: [] };
 * readJournalFile("./data/journal-000001.log", state, recovery, () => {}); // "ok", "damaged" or "unreadable"
 * ```
 */
export function readJournalFile(
  path: string,
  state: { open: OpenOrders; fills: RecentFills },
  recovery: JournalRecovery,
  countCorrupt: () => void,
): FileVerdict {
  const { open, fills } = state;
  const name = basename(path);
  let text: string;
  try {
    // A byte sequence that is not UTF-8 decodes to U+FFFD, which no longer matches the line's checksum.
    text = fs.readFileSync(path, "utf8");
  } catch (e) {
    report(recovery, countCorrupt, path, 0, 0, `unreadable: ${(e as Error).message}`);
    const code = (e as { code?: string }).code ?? "error";
    recovery.damage.push({ file: name, what: `unreadable (${code})`, keptAs: name, recordsAfter: 0 });
    return "unreadable";
  }
  // A file written through a mapping (its first record says so) that was never closed ends in NUL bytes
  // ahead of where its next line would have gone: room, not data. Anywhere else a tail of zeros is damage.
  if (text.charCodeAt(text.length - 1) === 0 && startsMapped(text)) {
    let dataEnd = text.length;
    while (dataEnd > 0 && text.charCodeAt(dataEnd - 1) === 0) dataEnd--;
    text = text.slice(0, dataEnd);
  }
  const bad: number[] = [];
  let good = 0;
  let after = 0;
  let start = 0;
  let lineNo = 0;
  while (start < text.length) {
    let end = text.indexOf("\n", start);
    const last = end < 0;
    if (last) end = text.length;
    lineNo++;
    if (end > start) {
      const line = text.slice(start, end);
      const r = decodeLine(line);
      if (typeof r === "string") {
        // Where a crash cut the last write short. (A complete last record that only lacks its newline passes
        // its checksum and is used below.)
        const torn = last && bad.length === 0 && good > 0 && looksTorn(line);
        const bytes = Buffer.byteLength(line);
        report(recovery, countCorrupt, path, lineNo, bytes, torn ? `truncated last line (${r})` : r);
        if (!torn) bad.push(lineNo);
      } else {
        good++;
        recovery.records++;
        if (bad.length > 0) after++;
        apply(r, line, open, fills);
      }
    }
    start = end + 1;
  }
  if (bad.length === 0) return "ok";
  const what = `${lineRanges(bad)} unreadable`;
  recovery.damage.push({ file: name, what, keptAs: name + ".corrupt", recordsAfter: after });
  return "damaged";
}

/** Whether the file's first line is the marker of a file written through a mapping. */
function startsMapped(text: string): boolean {
  const end = text.indexOf("\n");
  if (end < 0) return false;
  const first = decodeLine(text.slice(0, end));
  return typeof first !== "string" && first.t === "mapped";
}

/** Applies one good record (`line`: its text, without the newline) to the open orders and fills. */
function apply(r: JournalRecord, line: string, open: OpenOrders, fills: RecentFills): void {
  switch (r.t) {
    case "intent":
      return open.intent(r.cid, line.slice(9));
    case "ack":
    case "resolved":
      return open.outcome(r.cid, r.status, line.slice(9));
    case "unknown":
      return open.outcome(r.cid, undefined, line.slice(9));
    case "rejected":
      return open.rejected(r.cid, r.code);
    case "fill":
      fills.add(fillKey(r), line + "\n", r);
      return;
    case "owed":
      return open.owe(r.cid, line.slice(9));
    case "paid":
      return open.pay(r.cid);
    case "dropped":
      return fills.setDropped(r);
    case "mapped":
      return;
  }
}

/**
 * Reads the journal files `paths`, oldest first, into `state` and a fresh recovery. Returns it with each
 * file's verdict (for `retireFiles`) and how many bad lines there were (listed or not).
 *
 * @example
 * ```ts
 * import { RecentFills } from "./_fills.ts";
 * import { OpenOrders } from "./_open_orders.ts";
 * const state = { open: new OpenOrders(), fills: new RecentFills(10_000) };
 * const { recovery, files, corrupt } = readJournalFiles(["./data/journal-000001.log"], state);
 * ```
 */
export function readJournalFiles(
  paths: string[],
  state: { open: OpenOrders; fills: RecentFills },
): { recovery: JournalRecovery; files: ReadFile[]; corrupt: number } {
  const recovery: JournalRecovery = {
    unresolved: [],
    orphans: [],
    damage: [],
    fills: [],
    droppedFills: [],
    owed: [],
    records: 0,
    corrupt: [],
  };
  let corrupt = 0;
  const files = paths.map((path): ReadFile => {
    const before = recovery.damage.length;
    const verdict = readJournalFile(path, state, recovery, () => corrupt++);
    const damage = recovery.damage[before];
    return damage === undefined ? { path, verdict } : { path, verdict, damage };
  });
  recovery.unresolved = unresolvedIntents(state.open);
  recovery.orphans = orphanOrders(state.open);
  recovery.owed = owedFills(state.open);
  recovery.fills = state.fills.list();
  recovery.droppedFills = state.fills.droppedFills();
  return { recovery, files, corrupt };
}

/** A file read, what it was found to be, and its damage entry (whose `keptAs` `retireFiles` corrects). */
export interface ReadFile {
  path: string;
  verdict: FileVerdict;
  damage?: JournalDamage;
}

/**
 * The intents of the orders left open, as records.
 *
 * @example
 * ```ts
 * import { OpenOrders } from "./_open_orders.ts";
 * const open = new OpenOrders();
 * open.intent("lr-1", '{"t":"intent","ts":1,"cid":"lr-1","method":"order.place","params":{}}');
 * unresolvedIntents(open); // [{ t: "intent", ts: 1, cid: "lr-1", method: "order.place", params: {} }]
 * ```
 */
export function unresolvedIntents(open: OpenOrders): IntentRecord[] {
  return recordsOf(open.intents(), "intent");
}

/**
 * The orphans left open, as orders.
 *
 * @example
 * ```ts
 * import { OpenOrders } from "./_open_orders.ts";
 * const open = new OpenOrders();
 * open.outcome("lr-1", "NEW", '{"t":"ack","ts":1,"cid":"lr-1","symbol":"BTCUSDT","orderId":42,"status":"NEW"}');
 * orphanOrders(open); // [{ cid: "lr-1", symbol: "BTCUSDT", orderId: 42, status: "NEW", ts: 1 }]
 * ```
 */
export function orphanOrders(open: OpenOrders): OrphanOrder[] {
  const out: OrphanOrder[] = [];
  for (const json of open.orphans()) {
    const r = parseRecord(json);
    if (typeof r === "string" || (r.t !== "ack" && r.t !== "resolved" && r.t !== "unknown")) continue;
    const o: OrphanOrder = { cid: r.cid, ts: r.ts };
    if (r.symbol !== undefined) o.symbol = r.symbol;
    if (r.method !== undefined) o.method = r.method;
    if (r.t !== "unknown" && r.orderId !== undefined) o.orderId = r.orderId;
    if (r.t !== "unknown" && r.status !== undefined) o.status = r.status;
    out.push(o);
  }
  return out;
}

/**
 * The orders whose fills are owed, as records.
 *
 * @example
 * ```ts
 * import { OpenOrders } from "./_open_orders.ts";
 * const open = new OpenOrders();
 * open.owe("lr-1", '{"t":"owed","ts":1,"cid":"lr-1","symbol":"ETHUSDT","side":"BUY","executedQty":"0.010"}');
 * owedFills(open); // [{ t: "owed", ts: 1, cid: "lr-1", symbol: "ETHUSDT", side: "BUY", executedQty: "0.010" }]
 * ```
 */
export function owedFills(open: OpenOrders): OwedRecord[] {
  return recordsOf(open.owed(), "owed");
}

/** The records of type `t` among stored record JSONs (read back once already: nothing else is expected). */
function recordsOf<T extends JournalRecord["t"]>(
  jsons: Iterable<string>,
  t: T,
): Extract<JournalRecord, { t: T }>[] {
  const out: Extract<JournalRecord, { t: T }>[] = [];
  for (const json of jsons) {
    const r = parseRecord(json);
    if (typeof r !== "string" && r.t === t) out.push(r as Extract<JournalRecord, { t: T }>);
  }
  return out;
}

function report(
  recovery: JournalRecovery,
  countCorrupt: () => void,
  file: string,
  line: number,
  bytes: number,
  reason: string,
): void {
  countCorrupt();
  if (recovery.corrupt.length < MAX_LISTED) recovery.corrupt.push({ file, line, bytes, reason });
}
