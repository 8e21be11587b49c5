/**
 * The order object of an ack, built from the fields the scan read (orderId, symbol, status, clientOrderId,
 * executedQty, updateTime, and — on the exchange's key order — price, origQty and whether avgPrice is there,
 * which the order tracker reads on every ack) with the rest parsed on first need. It behaves as the plain object `JSON.parse`
 * would give: reading any other field, `in`, `Object.keys`, spread, `JSON.stringify` and deep equality parse
 * the frame's `result` once and from then on see that parsed object, every field in the exchange's order.
 * `console.log` prints the full object. Two differences: `structuredClone` refuses it (a Proxy; clone a spread
 * copy), and it has a `toJSON` that hands `JSON.stringify` the parsed plain object (serializing that is faster
 * than serializing through the proxy). {@linkcode jsonText} gives an untouched result's JSON as the frame's
 * own `result` text, with no parse and no serialization.
 *
 * @module
 */

import type { OrderResult } from "../results.ts";
import { textAt } from "./answer_scanner.ts";

/** The frame the rest of the fields come from. */
const FRAME = Symbol("frame");
/** The frame's `result`, parsed, once something needed more than the eager fields. */
const FULL = Symbol("full");
/** The target itself, so a hook called with the proxy as `this` still finds it. */
const SELF = Symbol("self");
/** Where the `result` object's body lies in the frame: `[START, END)`, END at its closing brace. */
const START = Symbol("start");
const END = Symbol("end");
/** The value of an optional eager field the scan did not read: reading it parses. */
const UNSCANNED = Symbol("unscanned");

/** Deno's and Node's/Bun's console.log hooks: inspection reads the target itself, not through the traps. */
const DENO_INSPECT = Symbol.for("Deno.customInspect");
const NODE_INSPECT = Symbol.for("nodejs.util.inspect.custom");

/**
 * The proxied object: a plain object (deep equality looks at the prototype) with the eager fields, the frame,
 * and the inspection hooks. Once parsed, every trap forwards to the parsed object; the target's own keys are
 * never listed through the proxy.
 */
interface LazyTarget {
  [field: string]: unknown;
  [FRAME]: string;
  [FULL]?: Record<string, unknown>;
  [SELF]?: LazyTarget;
  [START]: number;
  [END]: number;
  [DENO_INSPECT]: (inspect: (value: unknown, options: unknown) => string, options: unknown) => string;
  [NODE_INSPECT]: (depth: number, options: unknown, inspect: (v: unknown, o: unknown) => string) => string;
}

/** Deno's console.log of a lazy result: the parsed object. */
function denoInspect(
  this: LazyTarget,
  inspect: (value: unknown, options: unknown) => string,
  options: unknown,
): string {
  return inspect(full(this), options);
}

/** Node's and Bun's console.log of a lazy result: the parsed object. */
function nodeInspect(
  this: LazyTarget,
  _depth: number,
  options: unknown,
  inspect: (value: unknown, options: unknown) => string,
): string {
  return inspect(full(this), options);
}

const EAGER = ["orderId", "symbol", "status", "clientOrderId", "executedQty", "updateTime"] as const;
/** Read when they stand before executedQty (as the exchange writes them); a string, undefined (absent) or UNSCANNED. */
const OPTIONAL = ["price", "origQty", "avgPrice"] as const;

/** The parsed result (parsed now if it was not yet); `of` is the target or its proxy. */
function full(of: LazyTarget): Record<string, unknown> {
  const t = of[SELF]!;
  let parsed = t[FULL];
  if (parsed !== undefined) return parsed;
  try {
    parsed = (JSON.parse(t[FRAME]) as { result: Record<string, unknown> }).result;
  } catch {
    // The scan accepted what a parse refuses: the fields it read are all there is.
    parsed = {};
    for (const k of EAGER) parsed[k] = t[k];
    for (const k of OPTIONAL) if (typeof t[k] === "string") parsed[k] = t[k];
  }
  t[FULL] = parsed;
  return parsed;
}

const HANDLER: ProxyHandler<LazyTarget> = {
  get(t, key) {
    if (key === SELF) return t;
    const parsed = t[FULL];
    if (key === "toJSON" && (parsed === undefined || !("toJSON" in parsed))) return () => full(t);
    if (parsed !== undefined) return parsed[key as string];
    if (typeof key === "symbol") return undefined;
    if (key in t) {
      // An eager field (or Object.prototype's, as on any plain object); undefined: known to be absent.
      const value = t[key];
      if (value !== UNSCANNED) return value;
      return full(t)[key];
    }
    // `then` is read by every promise resolution: never a reason to parse (an order has no `then`).
    if (key === "then") return undefined;
    return full(t)[key];
  },
  has(t, key) {
    const parsed = t[FULL];
    if (parsed === undefined && typeof key === "string" && key in t) {
      const value = t[key];
      if (value !== undefined && value !== UNSCANNED) return true;
    }
    return key in full(t);
  },
  ownKeys: (t) => Reflect.ownKeys(full(t)),
  getOwnPropertyDescriptor: (t, key) => Reflect.getOwnPropertyDescriptor(full(t), key),
  getPrototypeOf: () => Object.prototype,
  set: (t, key, value) => Reflect.set(full(t), key, value),
  deleteProperty: (t, key) => Reflect.deleteProperty(full(t), key),
  defineProperty: (t, key, descriptor) => Reflect.defineProperty(full(t), key, descriptor),
};

/** Where the last successful read's value ended (the index after it). */
let valueEnd = 0;

/**
 * The index of the value of `"key":` (given as `pattern`) in the flat object body `[start, end)`, searching
 * from `from` first (fields usually come in the exchange's order), or -1 when the key is absent or twice there
 * (JSON.parse keeps the last of two; a scan would have to as well, so it does not try).
 */
function valueAt(text: string, pattern: string, from: number, start: number, end: number): number {
  let k = text.indexOf(pattern, from);
  if ((k < 0 || k >= end) && from > start) k = text.indexOf(pattern, start);
  if (k < 0 || k >= end) return -1;
  const v = k + pattern.length;
  const again = text.indexOf(pattern, v);
  return again >= 0 && again < end ? -1 : v;
}

/** The string value at `v` (which must be one, ending before `end` at a `,` or `}`), or undefined. */
function stringAt(text: string, v: number, end: number): string | undefined {
  if (v < 0 || text.charCodeAt(v) !== 34) return undefined;
  const q = text.indexOf('"', v + 1);
  if (q < 0 || q >= end || (q + 1 !== end && text.charCodeAt(q + 1) !== 44)) return undefined;
  valueEnd = q + 1;
  return text.slice(v + 1, q);
}

/** The non-negative integer at `v` (digits only, ≤ 2^53, ending at a `,` or `}`), or -1. */
function integerAt(text: string, v: number, end: number): number {
  if (v < 0) return -1;
  let n = 0;
  let i = v;
  for (; i < end && i - v < 17; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) break;
    n = n * 10 + c;
  }
  const digits = i - v;
  if (digits === 0 || digits > 16 || (digits > 1 && text.charCodeAt(v) === 48)) return -1;
  if (n > Number.MAX_SAFE_INTEGER || (i !== end && text.charCodeAt(i) !== 44)) return -1;
  valueEnd = i;
  return n;
}

/** Whether `text` has a backslash in `[from, to)`: then a string there may hold escapes, and only a parse reads it. */
function escapedIn(text: string, from: number, to: number): boolean {
  const b = text.indexOf("\\", from);
  return b >= 0 && b < to;
}

/**
 * The common fields in the exchange's own order — orderId, symbol, status, clientOrderId first, executedQty
 * a few keys on, updateTime last — read by walking forward from `start` and back from `end`; undefined when
 * the layout differs.
 */
function orderResultInOrder(frame: string, start: number, end: number): OrderResult | undefined {
  if (!textAt(frame, start, '"orderId":')) return undefined;
  const orderId = integerAt(frame, start + 10, end);
  if (orderId < 0 || !textAt(frame, valueEnd, ',"symbol":')) return undefined;
  const symbol = stringAt(frame, valueEnd + 10, end);
  if (symbol === undefined || !textAt(frame, valueEnd, ',"status":')) return undefined;
  const status = stringAt(frame, valueEnd + 10, end);
  if (status === undefined || !textAt(frame, valueEnd, ',"clientOrderId":')) return undefined;
  const clientOrderId = stringAt(frame, valueEnd + 17, end);
  if (clientOrderId === undefined) return undefined;
  // Walk key by key (price, avgPrice, origQty…) to executedQty, keeping the three the tracker reads.
  let executedQty: string | undefined;
  let price: string | undefined | typeof UNSCANNED = UNSCANNED;
  let origQty: string | undefined | typeof UNSCANNED = UNSCANNED;
  let avgPrice: string | undefined | typeof UNSCANNED = UNSCANNED;
  let p = valueEnd;
  while (executedQty === undefined) {
    if (p >= end || frame.charCodeAt(p + 1) !== 34) return undefined;
    const keyEnd = frame.indexOf('"', p + 2);
    if (keyEnd < 0 || keyEnd >= end || frame.charCodeAt(keyEnd + 1) !== 58) return undefined;
    const v = keyEnd + 2;
    const keyLength = keyEnd - p - 2;
    if (keyLength === 11 && textAt(frame, p + 2, "executedQty")) {
      executedQty = stringAt(frame, v, end);
      if (executedQty === undefined) return undefined;
      p = valueEnd;
    } else if (frame.charCodeAt(v) === 34) {
      const q = frame.indexOf('"', v + 1);
      if (q < 0 || q >= end) return undefined;
      // A key seen twice is left to a parse (it keeps the later value).
      if (keyLength === 5 && textAt(frame, p + 2, "price")) {
        price = price === UNSCANNED ? frame.slice(v + 1, q) : UNSCANNED;
      } else if (keyLength === 7 && textAt(frame, p + 2, "origQty")) {
        origQty = origQty === UNSCANNED ? frame.slice(v + 1, q) : UNSCANNED;
      } else if (keyLength === 8 && textAt(frame, p + 2, "avgPrice")) {
        avgPrice = avgPrice === UNSCANNED ? frame.slice(v + 1, q) : UNSCANNED;
      }
      p = q + 1;
    } else {
      p = frame.indexOf(",", v);
      if (p < 0 || p >= end) return undefined;
    }
  }
  // Every string read so far lies before `p`: none may hold an escape.
  if (escapedIn(frame, start, p)) return undefined;
  // `,"updateTime":<digits>` ends the object.
  let d = end;
  while (d > p) {
    const c = frame.charCodeAt(d - 1) - 48;
    if (c < 0 || c > 9) break;
    d--;
  }
  if (!textAt(frame, d - 14, ',"updateTime":')) return undefined;
  const updateTime = integerAt(frame, d, end);
  // The last key, so the value JSON.parse keeps even if the key came twice.
  if (updateTime < 0) return undefined;
  // Current acks have no avgPrice: absent for sure when no `"avgPrice"` follows and nothing there is escaped
  // (a key written with escapes would parse to it).
  if (avgPrice === UNSCANNED) {
    const a = frame.indexOf('"avgPrice"', p);
    if ((a < 0 || a >= end) && !escapedIn(frame, p, end)) avgPrice = undefined;
  }
  const t = lazyTarget(frame, start, end, orderId, symbol, status, clientOrderId, executedQty, updateTime);
  t.price = price;
  t.origQty = origQty;
  t.avgPrice = avgPrice;
  return lazyProxy(t);
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
  const symbol = stringAt(frame, valueAt(frame, '"symbol":', valueEnd, start, end), end);
  if (symbol === undefined) return undefined;
  const status = stringAt(frame, valueAt(frame, '"status":', valueEnd, start, end), end);
  if (status === undefined) return undefined;
  const clientOrderId = stringAt(frame, valueAt(frame, '"clientOrderId":', valueEnd, start, end), end);
  if (clientOrderId === undefined) return undefined;
  const executedQty = stringAt(frame, valueAt(frame, '"executedQty":', valueEnd, start, end), end);
  if (executedQty === undefined) return undefined;
  const updateTime = integerAt(frame, valueAt(frame, '"updateTime":', valueEnd, start, end), end);
  if (updateTime < 0) return undefined;
  return lazyProxy(
    lazyTarget(frame, start, end, orderId, symbol, status, clientOrderId, executedQty, updateTime),
  );
}

/**
 * The target of an order result from the fields a scan read (price, origQty and avgPrice unscanned until
 * set); the others come from `frame` when first needed.
 */
function lazyTarget(
  frame: string,
  start: number,
  end: number,
  orderId: number,
  symbol: string,
  status: string,
  clientOrderId: string,
  executedQty: string,
  updateTime: number,
): LazyTarget {
  // One shape for every target: all fields set here, in this order.
  const t: LazyTarget = {
    orderId,
    symbol,
    status,
    clientOrderId,
    executedQty,
    updateTime,
    price: UNSCANNED,
    origQty: UNSCANNED,
    avgPrice: UNSCANNED,
    [FRAME]: frame,
    [START]: start,
    [END]: end,
    [DENO_INSPECT]: denoInspect,
    [NODE_INSPECT]: nodeInspect,
  };
  t[SELF] = t;
  return t;
}

function lazyProxy(t: LazyTarget): OrderResult {
  return new Proxy(t, HANDLER) as unknown as OrderResult;
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
    const t = (value as { [SELF]?: LazyTarget })[SELF];
    if (t !== undefined && t[FULL] === undefined) return t[FRAME].slice(t[START] - 1, t[END] + 1);
  }
  return JSON.stringify(value ?? null);
}
