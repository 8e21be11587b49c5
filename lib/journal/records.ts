/**
 * Journal records and their line format: `<crc32 hex> <json>\n`, one record per line, UTF-8. The CRC-32
 * covers the JSON's bytes, so a torn write (a truncated last line) and a garbled line are both detected, and
 * every other line still reads.
 *
 * The JSON is assembled from pieces, not by `JSON.stringify` of a fresh record object: the intent is built
 * once per order on the latency-critical path, and this skips the record object and (normally) any copy of
 * the params. `JSON.stringify` still quotes every string, so the output is plain JSON that `JSON.parse` reads
 * back to the record (a lone surrogate included: it is written as a `\u` escape).
 *
 * @module
 */

import { crc32, crcHex } from "./_crc32.ts";

/**
 * A parameter value as journalled.
 *
 * @example
 * ```ts
 * const v: JournalValue = "0.002";
 * ```
 */
export type JournalValue = string | number | boolean;

/**
 * One journal record. `intent` is written before the request leaves; the others record what came of it.
 *
 * Outcome records (ack, rejected, unknown, resolved) name the order's `symbol` and the `method` they answer,
 * so one still describes its order when the intent's line is unreadable. Lines written before they did (no
 * `symbol`, no `method`) still read.
 *
 * @example
 * ```ts
 * const r: JournalRecord = { t: "ack", ts: Date.now(), cid: "lr-1", symbol: "BTCUSDT", orderId: 42, status: "NEW" };
 * ```
 */
export type JournalRecord =
  | { t: "intent"; ts: number; cid: string; method: string; params: Record<string, JournalValue> }
  | { t: "ack"; ts: number; cid: string; orderId?: number; status?: string } & OutcomeAbout
  | { t: "rejected"; ts: number; cid: string; code: number; msg: string } & OutcomeAbout
  | { t: "unknown"; ts: number; cid: string; reason: string } & OutcomeAbout
  | { t: "resolved"; ts: number; cid: string; status: string; orderId?: number } & OutcomeAbout
  | FillRecord
  | OwedRecord
  | { t: "paid"; ts: number; cid: string }
  | DroppedFillsRecord
  | { t: "mapped"; ts: number };

/**
 * What the fills of one UTC day that a checkpoint no longer carries (past `fillsKept`) added to that day's PnL
 * (`FillTally`): written by every checkpoint for the days it has such fills of, and read back whole (a later
 * one replaces an earlier one), so that a restart's daily loss still counts them.
 *
 * @example
 * ```ts
 * const r: DroppedFillsRecord = { t: "dropped", ts: 1, day: 1_796_688_000_000, realized: -6.5,
 *   otherFees: { BNB: 0.001 } };
 * ```
 */
export interface DroppedFillsRecord {
  t: "dropped";
  ts: number;
  /** The day's start, UTC midnight in ms. */
  day: number;
  /** Realized profit less quote-asset commissions. */
  realized: number;
  /** Commissions in other assets, by asset. */
  otherFees: Record<string, number>;
}

/**
 * An order of this router that ended with an executed quantity its recorded fills do not add up to (the user
 * stream lost its trades): its fills are owed. Kept by recovery until a `paid` record for the client id, so a
 * restart before they are read back still reads them back.
 *
 * @example
 * ```ts
 * const r: OwedRecord = { t: "owed", ts: 1, cid: "lr-1", symbol: "ETHUSDT", side: "BUY", executedQty: "0.010" };
 * ```
 */
export interface OwedRecord {
  t: "owed";
  ts: number;
  cid: string;
  symbol: string;
  side: string;
  /** What the order executed, as the exchange last said. */
  executedQty: string;
}

/**
 * What an outcome record says about the request it answers: enough to reconcile its order without the intent.
 *
 * @example
 * ```ts
 * const about: OutcomeAbout = { method: "order.place", symbol: "BTCUSDT" };
 * ```
 */
export interface OutcomeAbout {
  /** The request answered (order.place, order.cancel…); absent for a reconciliation or an old line. */
  method?: string;
  /** The order's symbol; absent on lines written before outcomes carried it. */
  symbol?: string;
}

/**
 * A fill from the user data stream (written by `appendFill`): the `Fill`'s fields, `clientOrderId` as `cid`.
 *
 * @example
 * ```ts
 * const f: FillRecord = {
 *   t: "fill", ts: 2, cid: "lr-1", symbol: "BTCUSDT", orderId: 42, tradeId: 7, side: "BUY", price: "50000",
 *   qty: "0.002", commission: "0.04", commissionAsset: "USDT", realizedProfit: "0", maker: false, time: 1,
 * };
 * ```
 */
export interface FillRecord {
  t: "fill";
  /** When it was journaled (ms). */
  ts: number;
  /** The fill's `clientOrderId`. */
  cid: string;
  symbol: string;
  orderId: number;
  tradeId: number;
  side: string;
  price: string;
  qty: string;
  commission: string;
  commissionAsset: string;
  realizedProfit: string;
  maker: boolean;
  /** Exchange ms of the trade. */
  time: number;
  /** LONG, SHORT or BOTH; absent on lines written before fills carried it. */
  positionSide?: string;
}

/**
 * The intent record.
 *
 * @example
 * ```ts
 * const i: IntentRecord = { t: "intent", ts: 1, cid: "lr-1", method: "order.place", params: {} };
 * ```
 */
export type IntentRecord = Extract<JournalRecord, { t: "intent" }>;

/** Parameter names never written, whatever the caller passes: the journal holds no secret. */
const SECRET_KEYS = new Set(["apiKey", "signature", "secretKey", "privateKey"]);
const q = JSON.stringify;

/**
 * A line for the file: the CRC-32 of the JSON's UTF-8 bytes as 8 hex digits, a space, the JSON, a newline.
 *
 * @example
 * ```ts
 * frameLine('{"t":"unknown","ts":1,"cid":"a","reason":"timeout"}');
 * ```
 */
export function frameLine(json: string): string {
  return crcHex(crc32(json)) + " " + json + "\n";
}

/**
 * The JSON of the first record of a file written through a mapping (`JournalOptions.mapped`): it tells
 * recovery that NUL bytes at the file's end are room left for records, not lost ones (in a file written with
 * `write` calls, a tail of zeros is damage, e.g. a power loss after the size was extended).
 *
 * @example
 * ```ts
 * mappedMarkerJson(1); // '{"t":"mapped","ts":1}'
 * ```
 */
export function mappedMarkerJson(ts: number): string {
  return '{"t":"mapped","ts":' + ts + "}";
}

/**
 * The JSON of an intent. Secret and undefined params are left out. When `cidKey` is given and
 * `params[cidKey]` is not, the client id is recorded under that name (the router fills it into the frame
 * itself, and the journal must show the request as sent, without a copy of `params` per order).
 *
 * Fast path: the native `JSON.stringify(params)`, which already drops undefined values. Params holding a
 * secret or a non-finite number (JSON has no form for it: it would read back as null) take the copying path.
 *
 * @example
 * ```ts
 * intentJson(Date.now(), "lr-1", "order.place", { symbol: "BTCUSDT" }, "newClientOrderId");
 * ```
 */
export function intentJson(
  ts: number,
  cid: string,
  method: string,
  params: Record<string, JournalValue | undefined>,
  cidKey = "",
): string {
  const plain = params.apiKey === undefined && params.signature === undefined &&
    params.secretKey === undefined && params.privateKey === undefined;
  let p = plain ? q(params) : "";
  if (p === "" || p.includes(":null")) p = q(cleanParams(params));
  if (cidKey !== "" && params[cidKey] === undefined && !SECRET_KEYS.has(cidKey)) {
    p = (p.length === 2 ? "{" : p.slice(0, -1) + ",") + q(cidKey) + ":" + q(cid) + "}";
  }
  return '{"t":"intent","ts":' + ts + ',"cid":' + q(cid) + ',"method":' + q(method) + ',"params":' + p + "}";
}

/** The params worth writing, as JSON can carry them: no secrets, no undefined, non-finite numbers as text. */
function cleanParams(params: Record<string, JournalValue | undefined>): Record<string, JournalValue> {
  const out: Record<string, JournalValue> = {};
  for (const k in params) {
    const v = params[k];
    if (v === undefined || SECRET_KEYS.has(k)) continue;
    out[k] = typeof v === "number" && !Number.isFinite(v) ? String(v) : v;
  }
  return out;
}

const num = (n: number | undefined): string => n !== undefined && Number.isFinite(n) ? "" + n : "";
/** The start of an outcome's JSON: type, time, client id, and what it is about. */
const head = (t: string, ts: number, cid: string, a: OutcomeAbout): string =>
  '{"t":"' + t + '","ts":' + ts + ',"cid":' + q(cid) +
  (a.method === undefined ? "" : ',"method":' + q(a.method)) +
  (a.symbol === undefined ? "" : ',"symbol":' + q(a.symbol));

/**
 * The JSON of an ack: the exchange accepted the request (`status` is the order's status after it).
 *
 * @example
 * ```ts
 * ackJson(Date.now(), "lr-1", 42, "NEW", { method: "order.place", symbol: "BTCUSDT" });
 * ```
 */
export function ackJson(
  ts: number,
  cid: string,
  orderId: number | undefined,
  status: string | undefined,
  about: OutcomeAbout = {},
): string {
  const id = num(orderId);
  return head("ack", ts, cid, about) + (id === "" ? "" : ',"orderId":' + id) +
    (status === undefined ? "" : ',"status":' + q(status)) + "}";
}

/**
 * The JSON of a rejection: final, nothing was placed or changed.
 *
 * @example
 * ```ts
 * rejectedJson(Date.now(), "lr-1", -2019, "Margin is insufficient.", { method: "order.place" });
 * ```
 */
export function rejectedJson(
  ts: number,
  cid: string,
  code: number,
  msg: string,
  about: OutcomeAbout = {},
): string {
  return head("rejected", ts, cid, about) + ',"code":' + (num(code) || "0") + ',"msg":' + q(msg) + "}";
}

/**
 * The JSON of an unknown outcome (timeout, disconnect): the order must be reconciled.
 *
 * @example
 * ```ts
 * unknownJson(Date.now(), "lr-1", "timeout", { method: "order.place", symbol: "BTCUSDT" });
 * ```
 */
export function unknownJson(ts: number, cid: string, reason: string, about: OutcomeAbout = {}): string {
  return head("unknown", ts, cid, about) + ',"reason":' + q(reason) + "}";
}

/**
 * The JSON of a reconciliation result (`NOT_FOUND`: the order never reached the exchange).
 *
 * @example
 * ```ts
 * resolvedJson(Date.now(), "lr-1", "FILLED", 42, { symbol: "BTCUSDT" });
 * ```
 */
export function resolvedJson(
  ts: number,
  cid: string,
  status: string,
  orderId: number | undefined,
  about: OutcomeAbout = {},
): string {
  const id = num(orderId);
  return head("resolved", ts, cid, about) + ',"status":' + q(status) + (id === "" ? "" : ',"orderId":' + id) +
    "}";
}

/**
 * The JSON of an order whose fills are owed (see {@linkcode OwedRecord}).
 *
 * @example
 * ```ts
 * owedJson(Date.now(), "lr-1", "ETHUSDT", "BUY", "0.010");
 * ```
 */
export function owedJson(ts: number, cid: string, symbol: string, side: string, executedQty: string): string {
  return head("owed", ts, cid, { symbol }) + ',"side":' + q(side) + ',"executedQty":' + q(executedQty) + "}";
}

/**
 * The JSON of a {@linkcode DroppedFillsRecord}.
 *
 * @example
 * ```ts
 * droppedFillsJson(1, 0, { realized: -1.5, otherFees: new Map([["BNB", 0.01]]) });
 * // '{"t":"dropped","ts":1,"day":0,"realized":-1.5,"otherFees":{"BNB":0.01}}'
 * ```
 */
export function droppedFillsJson(
  ts: number,
  day: number,
  tally: { realized: number; otherFees: ReadonlyMap<string, number> },
): string {
  const finite = (n: number) => (Number.isFinite(n) ? n : 0);
  const fees: Record<string, number> = {};
  for (const [asset, amount] of tally.otherFees) fees[asset] = finite(amount);
  return JSON.stringify({ t: "dropped", ts, day, realized: finite(tally.realized), otherFees: fees });
}

/**
 * The JSON saying an order's owed fills are recorded (or given up on).
 *
 * @example
 * ```ts
 * paidJson(Date.now(), "lr-1");
 * ```
 */
export function paidJson(ts: number, cid: string): string {
  return head("paid", ts, cid, {}) + "}";
}

export { decodeLine, parseRecord } from "./_decode.ts";
