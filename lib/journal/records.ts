/**
 * Journal records and their line format: `<crc32 hex> <json>\n`, one record per line, so a torn write (a
 * truncated last line) or a garbled line is detected by its checksum, and everything before it still reads.
 *
 * @module
 */

import { crc32Hex } from "./_crc32.ts";
import { jsonString } from "../wire/json_text.ts";

/** A parameter value as journalled. */
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
  // Optional fields may be undefined: JSON.stringify leaves them out.
  | { t: "ack"; ts: number; cid: string; orderId?: number | undefined; status?: string | undefined }
  | { t: "rejected"; ts: number; cid: string; code: number; msg: string }
  | { t: "unknown"; ts: number; cid: string; reason: string }
  | { t: "resolved"; ts: number; cid: string; status: string; orderId?: number | undefined };

/** The intent record type. */
export type IntentRecord = Extract<JournalRecord, { t: "intent" }>;

/** Keys never written, whatever the caller passes: the journal holds no secret. */
const SECRET_KEYS = new Set(["apiKey", "signature", "secretKey", "privateKey"]);

/**
 * The line for `record` (checksum, space, JSON, newline).
 *
 * @example
 * ```ts
 * encodeLine({ t: "unknown", ts: 1, cid: "a", reason: "timeout" });
 * ```
 */
export function encodeLine(record: JournalRecord): string {
  const json = JSON.stringify(record);
  return crc32Hex(json) + " " + json + "\n";
}

/**
 * The line of an intent, built by hand: this runs once per order before it is sent, and skipping the generic
 * `JSON.stringify` of a fresh record object (and the params copy) saves about a microsecond. Output is the same
 * JSON `encodeLine` would give, minus secret and undefined params.
 *
 * @example
 * ```ts
 * intentLine(Date.now(), "lr-1", "order.place", { symbol: "BTCUSDT" });
 * ```
 */
export function intentLine(
  ts: number,
  cid: string,
  method: string,
  params: Record<string, JournalValue | undefined>,
): string {
  let json = '{"t":"intent","ts":' + ts + ',"cid":' + jsonString(cid) + ',"method":' + jsonString(method) +
    ',"params":{';
  let first = true;
  for (const k in params) {
    const v = params[k];
    if (v === undefined || SECRET_KEYS.has(k)) continue;
    json += (first ? "" : ",") + jsonString(k) + ":" +
      (typeof v === "string"
        ? jsonString(v)
        : typeof v === "number"
        ? (Number.isFinite(v) ? "" + v : "null")
        : v);
    first = false;
  }
  json += "}}";
  return crc32Hex(json) + " " + json + "\n";
}

/**
 * Copies the parameters worth journalling: no secrets, no undefined values.
 *
 * @example
 * ```ts
 * journalParams({ symbol: "BTCUSDT", apiKey: "k", price: undefined }); // { symbol: "BTCUSDT" }
 * ```
 */
export function journalParams(
  params: Record<string, JournalValue | undefined>,
): Record<string, JournalValue> {
  const out: Record<string, JournalValue> = {};
  for (const k in params) {
    const v = params[k];
    if (v !== undefined && !SECRET_KEYS.has(k)) out[k] = v;
  }
  return out;
}

/**
 * Parses one line (without its newline). Returns the record, or the reason it cannot be trusted.
 *
 * @example
 * ```ts
 * decodeLine(encodeLine(r).trimEnd()); // r
 * decodeLine("garbage"); // "malformed line"
 * ```
 */
export function decodeLine(line: string): JournalRecord | string {
  const space = line.indexOf(" ");
  if (space !== 8) return "malformed line";
  const json = line.slice(9);
  if (crc32Hex(json) !== line.slice(0, 8)) return "checksum mismatch";
  try {
    const r = JSON.parse(json) as JournalRecord;
    if (typeof r !== "object" || r === null || typeof r.cid !== "string" || typeof r.t !== "string") {
      return "not a record";
    }
    return r;
  } catch {
    return "invalid JSON";
  }
}
