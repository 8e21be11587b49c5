/**
 * The common fields of an order result — orderId, symbol, status, clientOrderId, executedQty, updateTime — read
 * from the ack frame's text where they stand, and where the keys between them lie (for `lazy_order.ts`, which
 * reads price, origQty and avgPrice from there on first need). On the exchange's own key order the fields are
 * read in one pass; any other order is looked up key by key. A field missing, not of the type the exchange
 * sends, or holding an escape gives undefined: then only a parse can say what the object holds.
 *
 * @module
 */

import { escapedIn, integerAt, literalAt, read, stringAt, textAt, valueAt } from "./result_fields.ts";

/**
 * The fields the read found, and where the keys between them lie in the frame.
 *
 * @example
 * ```ts
 * const fields: ScannedOrder | undefined = readOrderFields('{"orderId":1}', 1, 12); // undefined: fields missing
 * ```
 */
export interface ScannedOrder {
  orderId: number;
  symbol: string;
  status: string;
  clientOrderId: string;
  executedQty: string;
  updateTime: number;
  /**
   * The keys between clientOrderId and executedQty (price, origQty, maybe avgPrice) lie in
   * `[middleFrom, middleTo)`, from the `,` after clientOrderId's value to the `,` before `"executedQty"`;
   * -1: read them with a parse. Nothing up to executedQty's value is escaped.
   */
  middleFrom: number;
  middleTo: number;
  /** After executedQty's value: the keys from there to `end` may hold an avgPrice. */
  tailFrom: number;
}

const EXECUTED_QTY = ',"executedQty":';

/**
 * The common fields in the exchange's own order — orderId, symbol, status, clientOrderId first, executedQty
 * a few keys on, updateTime last — read where they stand; undefined when the layout differs.
 */
function fieldsInOrder(frame: string, start: number, end: number): ScannedOrder | undefined {
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
  return {
    orderId,
    symbol,
    status,
    clientOrderId,
    executedQty,
    updateTime,
    middleFrom,
    middleTo,
    tailFrom,
  };
}

/**
 * The common fields of the result object whose body lies in `[start, end)` of `frame` (`end` at its closing
 * brace), or undefined when one is missing, not of the type the exchange sends, or holds an escape. On the
 * exchange's own key order they are read where they stand; a key repeated further on (JSON.parse would keep
 * the later one) is looked for only when the order differs.
 *
 * @example
 * ```ts
 * const frame = '{"orderId":5,"symbol":"BTCUSDT","status":"NEW","clientOrderId":"a","executedQty":"0",' +
 *   '"updateTime":9}';
 * readOrderFields(frame, 1, frame.length - 1)?.status; // "NEW"
 * ```
 */
export function readOrderFields(frame: string, start: number, end: number): ScannedOrder | undefined {
  const inOrder = fieldsInOrder(frame, start, end);
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
  return {
    orderId,
    symbol,
    status,
    clientOrderId,
    executedQty,
    updateTime,
    middleFrom: -1,
    middleTo: -1,
    tailFrom: -1,
  };
}
