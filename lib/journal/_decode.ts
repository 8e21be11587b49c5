/**
 * Reading a journal line back: the checksum, the JSON, and the shape of the record (a line with a good
 * checksum was written by a journal, but maybe by another version: outcome records without `symbol` and
 * `method`, from before they carried them, still read).
 *
 * @module
 */

import { crc32, crcHex } from "./_crc32.ts";
import type { JournalRecord, JournalValue } from "./records.ts";

/**
 * Parses one line (without its newline). Returns the record, or why the line cannot be trusted. Never throws.
 *
 * @example
 * ```ts
 * import { ackJson, frameLine } from "./records.ts";
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
const isOpt = (v: unknown, is: (v: unknown) => boolean): boolean => v === undefined || is(v);

/** The shape check: a line with a good checksum was written by a journal, but maybe by another version. */
function isRecord(r: unknown): r is JournalRecord {
  if (typeof r !== "object" || r === null) return false;
  const o = r as Record<string, unknown>;
  if (o.t === "mapped") return isNum(o.ts);
  if (o.t === "dropped") {
    return isNum(o.ts) && isNum(o.day) && isNum(o.realized) && typeof o.otherFees === "object" &&
      o.otherFees !== null && !Array.isArray(o.otherFees) && Object.values(o.otherFees).every(isNum);
  }
  if (!isNum(o.ts) || !isStr(o.cid)) return false;
  if (o.t === "intent") return isStr(o.method) && isParams(o.params);
  if (o.t !== "fill" && !(isOpt(o.method, isStr) && isOpt(o.symbol, isStr))) return false;
  switch (o.t) {
    case "ack":
      return isOpt(o.orderId, isNum) && isOpt(o.status, isStr);
    case "rejected":
      return isNum(o.code) && isStr(o.msg);
    case "unknown":
      return isStr(o.reason);
    case "resolved":
      return isStr(o.status) && isOpt(o.orderId, isNum);
    case "owed":
      return isStr(o.symbol) && isStr(o.side) && isStr(o.executedQty);
    case "paid":
      return true;
    case "fill":
      return isStr(o.symbol) && isNum(o.orderId) && isNum(o.tradeId) && isStr(o.side) && isStr(o.price) &&
        isStr(o.qty) && isStr(o.commission) && isStr(o.commissionAsset) && isStr(o.realizedProfit) &&
        typeof o.maker === "boolean" && isNum(o.time) && isOpt(o.positionSide, isStr);
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
