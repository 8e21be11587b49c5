/**
 * The order object of an ack, from the fields the read takes (orderId, symbol, status, clientOrderId,
 * executedQty, updateTime: `_order_fields.ts`) with the rest read on first need (see `lazy_order.ts`: price,
 * origQty and avgPrice from the frame where they stand, anything else by parsing the frame's `result` once).
 * It behaves as the plain object `JSON.parse` would give: reading any field, `in`, `Object.keys`, spread,
 * `JSON.stringify` and deep equality see the exchange's fields and values, in its order. `console.log` prints
 * the full object.
 * Two differences: `structuredClone` refuses it (a Proxy; clone a spread copy), and it has a `toJSON` that
 * hands `JSON.stringify` the parsed plain object (serializing that is faster than serializing through the
 * proxy). {@linkcode jsonText} gives an untouched result's JSON as the frame's own `result` text, with no
 * parse and no serialization.
 *
 * @module
 */

import type { OrderResult } from "../results.ts";
import { LazyOrder, untouchedResultText } from "./lazy_order.ts";

/**
 * The order result of an ack frame whose result object body lies in `[start, end)` (`end` at its closing
 * brace, as {@linkcode AnswerScanner} reports), its common fields read now; undefined when one is missing or
 * not of the type the exchange sends, or a string it reads holds an escape: then parse the frame. On the
 * exchange's own key order the fields are read where they stand; a key repeated further on (JSON.parse would
 * keep the later one) is looked for only when the order differs. (`LazyOrder.of` makes the same result with
 * nothing read yet: the request pipeline reads the fields only after a gateway's answer is on its way.)
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
  return LazyOrder.read(frame, start, end)?.proxy as OrderResult | undefined;
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
