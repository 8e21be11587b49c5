/**
 * Reading a journal directory back after a restart (or a crash): every file in order, every line checked,
 * bad lines reported and skipped. Nothing in a file's contents can make it throw.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import * as fs from "node:fs";
import type { Fill } from "../account/fills.ts";
import { fillKey, type RecentFills } from "./_fills.ts";
import type { OpenOrders } from "./_open_orders.ts";
import { decodeLine, type IntentRecord, parseRecord } from "./records.ts";

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
   * The most recent fills journaled (at most `fillsKept`), oldest first, each execution once (by
   * `symbol:tradeId`). Give them to the account (`FillBook.restore`) so a replayed fill is not counted again.
   */
  fills: Fill[];
  /** Records read (good lines). */
  records: number;
  /**
   * Unreadable lines: a torn last line after a crash, or a garbled one. Reported and skipped, never fatal.
   * `line` is 1-based; `bytes` is the line's length in bytes. At most 1000 are listed.
   */
  corrupt: { file: string; line: number; bytes: number; reason: string }[];
}

const MAX_LISTED = 1000;

/** What reading one file found, for deciding what to do with it afterwards. */
export type FileVerdict = "ok" | "garbled" | "unreadable";

/**
 * Reads journal file `path` into `state` (open orders, recent fills) and `recovery`. Returns "garbled" if a
 * line other than a torn last line was bad (the file is worth keeping for inspection) and "unreadable" if it
 * could not be read at all (it must not be deleted). `countCorrupt` is told about every bad line, listed or
 * not.
 *
 * @example
 * ```ts
 * import { RecentFills } from "./_fills.ts";
 * import { OpenOrders } from "./_open_orders.ts";
 * const state = { open: new OpenOrders(), fills: new RecentFills(10_000) };
 * const recovery: JournalRecovery = { unresolved: [], fills: [], records: 0, corrupt: [] };
 * readJournalFile("./data/journal-000001.log", state, recovery, () => {}); // "ok", "garbled" or "unreadable"
 * ```
 */
export function readJournalFile(
  path: string,
  state: { open: OpenOrders; fills: RecentFills },
  recovery: JournalRecovery,
  countCorrupt: () => void,
): FileVerdict {
  const { open, fills } = state;
  let text: string;
  try {
    // A byte sequence that is not UTF-8 decodes to U+FFFD, which no longer matches the line's checksum.
    text = fs.readFileSync(path, "utf8");
  } catch (e) {
    report(recovery, countCorrupt, path, 0, 0, `unreadable: ${(e as Error).message}`);
    return "unreadable";
  }
  let verdict: FileVerdict = "ok";
  let start = 0;
  let lineNo = 0;
  while (start < text.length) {
    let end = text.indexOf("\n", start);
    const tail = end < 0;
    if (tail) end = text.length;
    lineNo++;
    if (end > start) {
      const line = text.slice(start, end);
      const r = decodeLine(line);
      if (typeof r === "string") {
        // A last line without its newline is where a crash cut a write short. A complete record that only
        // lacks the newline passes its checksum and is kept above.
        const bytes = Buffer.byteLength(line);
        report(recovery, countCorrupt, path, lineNo, bytes, tail ? `truncated last line (${r})` : r);
        if (!tail) verdict = "garbled";
      } else {
        recovery.records++;
        switch (r.t) {
          case "intent":
            open.intent(r.cid, line.slice(9));
            break;
          case "ack":
          case "resolved":
            open.outcome(r.cid, r.status);
            break;
          case "rejected":
            open.rejected(r.cid, r.code);
            break;
          case "unknown":
            break;
          case "fill":
            fills.add(fillKey(r), line + "\n");
            break;
        }
      }
    }
    start = end + 1;
  }
  return verdict;
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
 * const { recovery, verdicts, corrupt } = readJournalFiles(["./data/journal-000001.log"], state);
 * ```
 */
export function readJournalFiles(
  paths: string[],
  state: { open: OpenOrders; fills: RecentFills },
): { recovery: JournalRecovery; verdicts: FileVerdict[]; corrupt: number } {
  const recovery: JournalRecovery = { unresolved: [], fills: [], records: 0, corrupt: [] };
  let corrupt = 0;
  const verdicts = paths.map((path) => readJournalFile(path, state, recovery, () => corrupt++));
  recovery.unresolved = unresolvedIntents(state.open);
  recovery.fills = state.fills.list();
  return { recovery, verdicts, corrupt };
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
  const out: IntentRecord[] = [];
  for (const json of open.intents()) {
    const r = parseRecord(json);
    if (typeof r !== "string" && r.t === "intent") out.push(r);
  }
  return out;
}

/**
 * Once a new file holds the checkpoint: deletes the files read, keeps a garbled one as `<name>.corrupt` for
 * inspection (a name never read again), and leaves an unreadable one alone. Errors are ignored: a leftover
 * file is read again at the next open and yields the same state.
 *
 * @example
 * ```ts
 * retireFiles([{ path: "./data/journal-000001.log", verdict: "ok" }]);
 * ```
 */
export function retireFiles(files: { path: string; verdict: FileVerdict }[]): void {
  for (const { path, verdict } of files) {
    try {
      if (verdict === "ok") fs.rmSync(path);
      else if (verdict === "garbled") fs.renameSync(path, path + ".corrupt");
    } catch {
      // Left over: harmless, see above.
    }
  }
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
