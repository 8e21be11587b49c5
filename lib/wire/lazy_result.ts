/**
 * The order object of an ack, built from the fields the scan read (orderId, symbol, status, clientOrderId,
 * executedQty, updateTime) with the rest read on first need (see `lazy_order.ts`: price, origQty and avgPrice
 * from the frame where they stand, anything else by parsing the frame's `result` once). It behaves as the
 * plain object `JSON.parse` would give: reading any field, `in`, `Object.keys`, spread, `JSON.stringify` and
 * deep equality see the exchange's fields and values, in its order. `console.log` prints the full object.
 * Two differences: `structuredClone` refuses it (a Proxy; clone a spread copy), and it has a `toJSON` that
 * hands `JSON.stringify` the parsed plain object (serializing that is faster than serializing through the
 * proxy). {@linkcode jsonText} gives an untouched result's JSON as the frame's own `result` text, with no
 * parse and no serialization.
 *
 * @module
 */

import type { OrderResult } from "../results.ts";
import { lazyOrder, untouchedResultText } from "./lazy_order.ts";
import { escapedIn, integerAt, literalAt, read, stringAt, textAt, valueAt } from "./result_fields.ts";

const EXECUTED_QTY = ',"executedQty":';

/**
 * The common fields in the exchange's own order — orderId, symbol, status, clientOrderId first, executedQty
 * a few keys on, updateTime last — read where they stand; undefined when the layout differs.
 */
function orderResultInOrder(frame: string, start: number, end: number): OrderResult | undefined {
  if (!textAt(frame, start, '"orderId":')) return undefined;
  const orderId = integerAt(frame, start + 10, end);
  if (orderId < 0 || !textAt(frame, read.end, ',"symbol":')) return undefined;
  const symbol = stringAt(frame, read.end + 10, end);
  if (symbol === undefined || !textAt(frame, read.end, ',"status":')) return undefined;
  const status = stringAt(frame, read.end + 10, end);
  if (status === undefined || !textAt(frame, read.end, ',"clientOrderId":')) return undefined;
  const clientOrderId = stringAt(frame, read.end + 17, end);
  if (clientOrderId === undefined) return undefined;
  const middleFrom = read.end;
  // executedQty, a few keys on (price and origQty first), found by its `x`: none of those keys has one, and
  // their values are numbers as text. The keys passed over are read on first need.
  const middleTo = literalAt(frame, EXECUTED_QTY, 3, middleFrom, end);
  if (middleTo < 0) return undefined;
  const executedQty = stringAt(frame, middleTo + EXECUTED_QTY.length, end);
  if (executedQty === undefined) return undefined;
  const tailFrom = read.end;
  // Up to executedQty there may be no escape (acks have none): every value read so far lies there, and
  // without escapes the `,"executedQty":` found is a key, not text inside a string.
  if (escapedIn(frame, start, tailFrom)) return undefined;
  // `,"updateTime":<digits>` ends the object: the last key, so the value JSON.parse keeps even if the key
  // came twice. Its digits are read backwards, once (exact: partial sums stay below 2^53 when the whole does).
  let d = end;
  let updateTime = 0;
  for (let scale = 1; d > tailFrom; d--, scale *= 10) {
    const c = frame.charCodeAt(d - 1) - 48;
    if (c < 0 || c > 9) break;
    updateTime += c * scale;
  }
  const digits = end - d;
  if (digits === 0 || digits > 16 || (digits > 1 && frame.charCodeAt(d) === 48)) return undefined;
  if (updateTime > Number.MAX_SAFE_INTEGER || !textAt(frame, d - 14, ',"updateTime":')) return undefined;
  return lazyOrder({
    frame,
    start,
    end,
    orderId,
    symbol,
    status,
    clientOrderId,
    executedQty,
    updateTime,
    middleFrom,
    middleTo,
    tailFrom,
  }) as OrderResult;
}

/**
 * The order result of an ack frame whose result object body lies in `[start, end)` (`end` at its closing
 * brace, as {@linkcode AnswerScanner} reports), or undefined when a common field is missing or not of the type
 * the exchange sends, or a string it reads holds an escape: then parse the frame. On the exchange's own key
 * order the fields are read where they stand; a key repeated further on (JSON.parse would keep the later
 * one) is looked for only when the order differs.
 *
 * @example
 * ```ts
 * import { AnswerScanner } from "./answer_scanner.ts";
 * const frame = '{"id":1,"status":200,"result":{"orderId":5,"symbol":"BTCUSDT","status":"NEW",' +
 *   '"clientOrderId":"a","executedQty":"0","updateTime":9}}';
 * const scanner = new AnswerScanner();
 * if (scanner.scan(frame)) {
 *   const order = scanOrderResult(frame, scanner.answer.resultStart, scanner.answer.resultEnd);
 *   order?.status; // "NEW"
 * }
 * ```
 */
export function scanOrderResult(frame: string, start: number, end: number): OrderResult | undefined {
  const inOrder = orderResultInOrder(frame, start, end);
  if (inOrder !== undefined) return inOrder;
  // Another key order: look each key up (slower, still no parse).
  if (escapedIn(frame, start, end)) return undefined;
  const orderId = integerAt(frame, valueAt(frame, '"orderId":', start, start, end), end);
  if (orderId < 0) return undefined;
  const symbol = stringAt(frame, valueAt(frame, '"symbol":', read.end, start, end), end);
  if (symbol === undefined) return undefined;
  const status = stringAt(frame, valueAt(frame, '"status":', read.end, start, end), end);
  if (status === undefined) return undefined;
  const clientOrderId = stringAt(frame, valueAt(frame, '"clientOrderId":', read.end, start, end), end);
  if (clientOrderId === undefined) return undefined;
  const executedQty = stringAt(frame, valueAt(frame, '"executedQty":', read.end, start, end), end);
  if (executedQty === undefined) return undefined;
  const updateTime = integerAt(frame, valueAt(frame, '"updateTime":', read.end, start, end), end);
  if (updateTime < 0) return undefined;
  return lazyOrder({
    frame,
    start,
    end,
    orderId,
    symbol,
    status,
    clientOrderId,
    executedQty,
    updateTime,
    middleFrom: -1,
    middleTo: -1,
    tailFrom: -1,
  }) as OrderResult;
}

/**
 * The JSON text of `value`: for a lazy order result nothing has parsed or changed yet, the frame's own
 * `result` text as the exchange wrote it (no parse, no serialization: the same fields and values in the
 * exchange's order); otherwise `JSON.stringify(value ?? null)`. The control plane answers with it.
 *
 * The exchange's text is passed on as it came: the scan checked the fields it read, not that every byte of
 * the object is JSON (the exchange writes JSON; a frame broken elsewhere would be passed on broken).
 *
 * @example
 * ```ts
 * import { AnswerScanner } from "./answer_scanner.ts";
 * const frame = '{"id":1,"status":200,"result":{"orderId":5,"symbol":"BTCUSDT","status":"NEW",' +
 *   '"clientOrderId":"a","executedQty":"0","updateTime":9}}';
 * const scanner = new AnswerScanner();
 * if (scanner.scan(frame)) {
 *   const order = scanOrderResult(frame, scanner.answer.resultStart, scanner.answer.resultEnd);
 *   jsonText(order); // the frame's text from `{"orderId":5` to the result's `}`
 * }
 * jsonText({ a: 1 }); // '{"a":1}'
 * ```
 */
export function jsonText(value: unknown): string {
  if (typeof value === "object" && value !== null) {
    const text = untouchedResultText(value);
    if (text !== undefined) return text;
  }
  return JSON.stringify(value ?? null);
}
