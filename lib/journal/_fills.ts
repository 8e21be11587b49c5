/**
 * Fills in the journal: the JSON of a fill record, and the recent fills every new file's checkpoint repeats.
 *
 * A fill is keyed as the account keys it, `symbol:tradeId`, so the same execution journaled twice (a
 * replayed event, or a leftover file read before the checkpoint that repeats it) is kept once, where it was
 * first seen.
 * Only the newest `capacity` are kept: a checkpoint costs at most that many lines. Each is kept as its framed
 * line, so a checkpoint is a concatenation, with no JSON or checksum work.
 *
 * @module
 */

import type { Fill } from "../account/fills.ts";
import { DayTallies, FillTally } from "../account/fill_tally.ts";
import {
  droppedFillsJson,
  type DroppedFillsRecord,
  type FillRecord,
  frameLine,
  parseRecord,
} from "./records.ts";

/** The fields of a fill its day's PnL needs. */
type TalliedFill = Pick<Fill, "symbol" | "realizedProfit" | "commission" | "commissionAsset" | "time">;

const q = JSON.stringify;
/** A string field as JSON; anything else smuggled in becomes its text, so the line still reads back. */
const str = (s: unknown): string => q(typeof s === "string" ? s : String(s ?? ""));
/** A number field as JSON (JSON has no NaN or Infinity: they become 0). */
const num = (n: unknown): string => typeof n === "number" && Number.isFinite(n) ? "" + n : "0";

/**
 * The JSON of a fill record: exactly the `Fill`'s fields (`clientOrderId` as `cid`), whatever else the object
 * carries, so nothing but the fill reaches the file.
 *
 * @example
 * ```ts
 * import type { Fill } from "../account/fills.ts";
 * declare const fill: Fill;
 * fillJson(Date.now(), fill); // '{"t":"fill","ts":…,"cid":"lr-1","symbol":"BTCUSDT",…}'
 * ```
 */
export function fillJson(ts: number, f: Fill): string {
  return '{"t":"fill","ts":' + ts + ',"cid":' + str(f.clientOrderId) + ',"symbol":' + str(f.symbol) +
    ',"orderId":' + num(f.orderId) + ',"tradeId":' + num(f.tradeId) + ',"side":' + str(f.side) +
    ',"price":' + str(f.price) + ',"qty":' + str(f.qty) + ',"commission":' + str(f.commission) +
    ',"commissionAsset":' + str(f.commissionAsset) + ',"realizedProfit":' + str(f.realizedProfit) +
    ',"maker":' + (f.maker === true ? "true" : "false") + ',"time":' + num(f.time) +
    (f.positionSide === undefined ? "" : ',"positionSide":' + str(f.positionSide)) + "}";
}

/**
 * The key a fill is de-duplicated by: `symbol:tradeId`, as the account's `FillBook` keys it.
 *
 * @example
 * ```ts
 * fillKey({ symbol: "BTCUSDT", tradeId: 7 }); // "BTCUSDT:7"
 * ```
 */
export function fillKey(f: { symbol: string; tradeId: number }): string {
  return f.symbol + ":" + f.tradeId;
}

/**
 * The `Fill` a fill record holds.
 *
 * @example
 * ```ts
 * import type { FillRecord } from "./records.ts";
 * declare const record: FillRecord;
 * fillOf(record).clientOrderId === record.cid; // true
 * ```
 */
export function fillOf(r: FillRecord): Fill {
  return {
    symbol: r.symbol,
    orderId: r.orderId,
    clientOrderId: r.cid,
    tradeId: r.tradeId,
    side: r.side,
    price: r.price,
    qty: r.qty,
    commission: r.commission,
    commissionAsset: r.commissionAsset,
    realizedProfit: r.realizedProfit,
    maker: r.maker,
    time: r.time,
    ...(r.positionSide === undefined ? {} : { positionSide: r.positionSide }),
  };
}

/**
 * The newest fills, by key, in the order first seen; the oldest is dropped past `capacity` (0 keeps none).
 *
 * @example
 * ```ts
 * import { frameLine } from "./records.ts";
 * const fills = new RecentFills(10_000);
 * const json = '{"t":"fill","ts":1,"cid":"lr-1","symbol":"BTCUSDT","orderId":42,"tradeId":7,"side":"BUY",' +
 *   '"price":"50000","qty":"0.002","commission":"0.04","commissionAsset":"USDT","realizedProfit":"0",' +
 *   '"maker":false,"time":1}';
 * fills.add("BTCUSDT:7", frameLine(json)); // true; a second time: false
 * fills.list(); // [{ symbol: "BTCUSDT", orderId: 42, clientOrderId: "lr-1", tradeId: 7, … }]
 * ```
 */
export class RecentFills {
  /** key → the fill's framed line (checksum, JSON, newline). */
  readonly #lines = new Map<string, string>();
  /**
   * The keys in arrival order, as a ring: once full, the oldest is at `#head`. Finding the oldest through the
   * Map's own order instead (`keys().next()`) walks past every deleted entry: ~10 µs a fill once full.
   */
  readonly #order: string[] = [];
  /** Each kept fill's PnL fields, at its key's place in `#order`: a fill that leaves is tallied without a parse. */
  readonly #pnl: (TalliedFill | undefined)[] = [];
  #head = 0;
  readonly #capacity: number;
  /** What the fills no longer kept added to their day's PnL: the checkpoint carries that instead of them. */
  readonly #dropped = new DayTallies();

  /** Keeps at most `capacity` fills. */
  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** Fills kept: the lines `checkpoint()` writes. */
  get size(): number {
    return this.#lines.size;
  }

  /** Whether the fill with this key is kept. */
  has(key: string): boolean {
    return this.#lines.has(key);
  }

  /** Lines a checkpoint writes: the kept fills and a tally per day of those no longer kept. */
  get checkpointRecords(): number {
    return this.#lines.size + this.#dropped.entries().length;
  }

  /**
   * Keeps the fill's framed `line` under `key` unless that key is kept already; true if it was new. `fill`: the
   * fill the line holds (its PnL fields), when the caller has it; otherwise the line is read if it leaves.
   */
  add(key: string, line: string, fill?: TalliedFill): boolean {
    if (this.#lines.has(key)) return false;
    if (this.#capacity === 0) {
      this.#tally(line, fill);
      return false;
    }
    if (this.#order.length < this.#capacity) {
      this.#order.push(key);
      this.#pnl.push(fill);
    } else {
      const at = this.#head;
      const oldest = this.#order[at]!;
      this.#tally(this.#lines.get(oldest)!, this.#pnl[at]);
      this.#lines.delete(oldest);
      this.#order[at] = key;
      this.#pnl[at] = fill;
      this.#head = (at + 1) % this.#capacity;
    }
    this.#lines.set(key, line);
    return true;
  }

  /** Takes a checkpoint's tally of the fills it no longer carried (it states the day whole). */
  setDropped(r: DroppedFillsRecord): void {
    const tally = new FillTally();
    tally.addTally({ realized: r.realized, otherFees: new Map(Object.entries(r.otherFees)) });
    this.#dropped.set(r.day, tally);
  }

  /** The tallies of the fills no longer kept, by day, oldest first. */
  droppedFills(): { day: number; tally: FillTally }[] {
    return this.#dropped.entries().map(([day, tally]) => ({ day, tally }));
  }

  /** The kept fills' lines, oldest first, then the tallies of those no longer kept: read back, they rebuild this. */
  checkpoint(ts = Date.now()): string {
    let text = "";
    for (const [day, tally] of this.#dropped.entries()) text += frameLine(droppedFillsJson(ts, day, tally));
    for (const line of this.#oldestFirst()) text += line;
    return text;
  }

  /** A fill leaves: what it added to its day's PnL stays, in the day's tally. */
  #tally(line: string, fill: TalliedFill | undefined): void {
    if (fill !== undefined) return this.#dropped.add(fill);
    // The line passed its checksum (or was framed here): checksum, space, JSON, newline.
    const r = parseRecord(line.slice(9, -1));
    if (typeof r !== "string" && r.t === "fill") this.#dropped.add(r);
  }

  /** The kept fills, oldest first. */
  list(): Fill[] {
    const out: Fill[] = [];
    for (const line of this.#oldestFirst()) {
      // The line passed its checksum (or was framed here): checksum, space, JSON, newline.
      const r = parseRecord(line.slice(9, -1));
      if (typeof r !== "string" && r.t === "fill") out.push(fillOf(r));
    }
    return out;
  }

  *#oldestFirst(): Generator<string> {
    const n = this.#order.length;
    for (let i = 0; i < n; i++) yield this.#lines.get(this.#order[(this.#head + i) % n]!)!;
  }
}
