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
 * @example
 * ```ts
 * const r: JournalRecord = { t: "ack", ts: Date.now(), cid: "lr-1", orderId: 42, status: "NEW" };
 * ```
 */
export type JournalRecord =
  | { t: "intent"; ts: number; cid: string; method: string; params: Record<string, JournalValue> }
  | { t: "ack"; ts: number; cid: string; orderId?: number; status?: string }
  | { t: "rejected"; ts: number; cid: string; code: number; msg: string }
  | { t: "unknown"; ts: number; cid: string; reason: string }
  | { t: "resolved"; ts: number; cid: string; status: string; orderId?: number }
  | FillRecord;

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

/**
 * The JSON of an ack: the exchange accepted the request (`status` is the order's status after it).
 *
 * @example
 * ```ts
 * ackJson(Date.now(), "lr-1", 42, "NEW");
 * ```
 */
export function ackJson(
  ts: number,
  cid: string,
  orderId: number | undefined,
  status: string | undefined,
): string {
  const id = num(orderId);
  return '{"t":"ack","ts":' + ts + ',"cid":' + q(cid) + (id === "" ? "" : ',"orderId":' + id) +
    (status === undefined ? "" : ',"status":' + q(status)) + "}";
}

/**
 * The JSON of a rejection: final, nothing was placed or changed.
 *
 * @example
 * ```ts
 * rejectedJson(Date.now(), "lr-1", -2019, "Margin is insufficient.");
 * ```
 */
export function rejectedJson(ts: number, cid: string, code: number, msg: string): string {
  return '{"t":"rejected","ts":' + ts + ',"cid":' + q(cid) + ',"code":' + (num(code) || "0") + ',"msg":' +
    q(msg) + "}";
}

/**
 * The JSON of an unknown outcome (timeout, disconnect): the order must be reconciled.
 *
 * @example
 * ```ts
 * unknownJson(Date.now(), "lr-1", "timeout");
 * ```
 */
export function unknownJson(ts: number, cid: string, reason: string): string {
  return '{"t":"unknown","ts":' + ts + ',"cid":' + q(cid) + ',"reason":' + q(reason) + "}";
}

/**
 * The JSON of a reconciliation result (`NOT_FOUND`: the order never reached the exchange).
 *
 * @example
 * ```ts
 * resolvedJson(Date.now(), "lr-1", "FILLED", 42);
 * ```
 */
export function resolvedJson(ts: number, cid: string, status: string, orderId: number | undefined): string {
  const id = num(orderId);
  return '{"t":"resolved","ts":' + ts + ',"cid":' + q(cid) + ',"status":' + q(status) +
    (id === "" ? "" : ',"orderId":' + id) + "}";
}

/**
 * Parses one line (without its newline). Returns the record, or why the line cannot be trusted. Never throws.
 *
 * @example
 * ```ts
 * decodeLine(frameLine(ackJson(1, "a", 2, "NEW")).trimEnd()); // { t: "ack", ts: 1, cid: "a", orderId: 2, status: "NEW" }
 * decodeLine("garbage"); // "malformed line"
 * ```
 */
export function decodeLine(text: string): JournalRecord | string {
  if (text.length < 11 || text.charCodeAt(8) !== 0x20) return "malformed line";
  const json = text.slice(9);
  if (crcHex(crc32(json)) !== text.slice(0, 8)) return "checksum mismatch";
  return parseRecord(json);
}

/**
 * Parses a record's JSON (already checksummed). Returns the record, or why it is not one. Never throws.
 *
 * @example
 * ```ts
 * parseRecord('{"t":"unknown","ts":1,"cid":"a","reason":"timeout"}');
 * ```
 */
export function parseRecord(json: string): JournalRecord | string {
  let r: unknown;
  try {
    r = JSON.parse(json);
  } catch {
    return "invalid JSON";
  }
  return isRecord(r) ? r : "not a journal record";
}

const isNum = (v: unknown): v is number => typeof v === "number";
const isStr = (v: unknown): v is string => typeof v === "string";

/** The shape check: a line with a good checksum was written by a journal, but maybe by another version. */
function isRecord(r: unknown): r is JournalRecord {
  if (typeof r !== "object" || r === null) return false;
  const o = r as Record<string, unknown>;
  if (!isNum(o.ts) || !isStr(o.cid)) return false;
  switch (o.t) {
    case "intent":
      return isStr(o.method) && isParams(o.params);
    case "ack":
      return (o.orderId === undefined || isNum(o.orderId)) && (o.status === undefined || isStr(o.status));
    case "rejected":
      return isNum(o.code) && isStr(o.msg);
    case "unknown":
      return isStr(o.reason);
    case "resolved":
      return isStr(o.status) && (o.orderId === undefined || isNum(o.orderId));
    case "fill":
      return isStr(o.symbol) && isNum(o.orderId) && isNum(o.tradeId) && isStr(o.side) && isStr(o.price) &&
        isStr(o.qty) && isStr(o.commission) && isStr(o.commissionAsset) && isStr(o.realizedProfit) &&
        typeof o.maker === "boolean" && isNum(o.time);
    default:
      return false;
  }
}

function isParams(p: unknown): p is Record<string, JournalValue> {
  if (typeof p !== "object" || p === null || Array.isArray(p)) return false;
  for (const v of Object.values(p)) {
    if (typeof v !== "string" && typeof v !== "number" && typeof v !== "boolean") return false;
  }
  return true;
}
