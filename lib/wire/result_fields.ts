/**
 * Readers of the exchange's JSON text by position, without `JSON.parse`: a literal at an index, an integer,
 * and single values in the body of a flat object (an ack's `result`) — what the answer scanner, the rateLimits
 * reader and the lazy order result read. Each takes only the exact form the exchange writes and answers "not
 * here" otherwise, so its caller can leave the value to a parse. The index after the last value read is kept
 * in {@linkcode read}: no object per read.
 *
 * @module
 */

/**
 * Where the last successful read's value ended (the index after it).
 *
 * @example
 * ```ts
 * stringAt('"a":"xy","b":1', 4, 14); // "xy"
 * read.end; // 8
 * ```
 */
export const read: { end: number } = { end: 0 };

/** JSC (Bun) makes `slice` allocate and has a fast `startsWith`; V8 (Deno) the other way round. */
const JSC = (globalThis as { Bun?: unknown }).Bun !== undefined;

function sliceEquals(text: string, at: number, literal: string): boolean {
  return text.slice(at, at + literal.length) === literal;
}

function startsWithAt(text: string, at: number, literal: string): boolean {
  return text.startsWith(literal, at);
}

/**
 * Whether `text` holds `literal` at `at` — `startsWith`, done the way this runtime does fastest: on V8 a slice
 * compared with `===` costs a third of `startsWith` (not inlined there); on JSC `startsWith` is the faster.
 *
 * @example
 * ```ts
 * textAt('{"id":1}', 0, '{"id":'); // true
 * ```
 */
export const textAt: (text: string, at: number, literal: string) => boolean = JSC
  ? startsWithAt
  : sliceEquals;

/**
 * The non-negative JSON integer of at most 16 digits at `from` (its end goes to `read.end`), or -1 when the
 * text there is not one (no digit, a leading zero, beyond 2^53). The caller checks what follows the digits.
 *
 * @example
 * ```ts
 * digitsAt('{"id":42,', 6); // 42
 * read.end; // 8
 * ```
 */
export function digitsAt(text: string, from: number): number {
  let v = 0;
  let i = from;
  for (; i < text.length && i - from < 17; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) break;
    v = v * 10 + c;
  }
  const n = i - from;
  if (n === 0 || n > 16 || (n > 1 && text.charCodeAt(from) === 48) || v > Number.MAX_SAFE_INTEGER) return -1;
  read.end = i;
  return v;
}

/**
 * The string value at `v` (which must be one, ending before `end` at a `,` or at `end`), or undefined.
 * Escapes are not looked at: the caller knows there are none.
 *
 * @example
 * ```ts
 * stringAt('"a":"xy","b":1', 4, 14); // "xy"
 * ```
 */
export function stringAt(text: string, v: number, end: number): string | undefined {
  if (v < 0 || text.charCodeAt(v) !== 34) return undefined;
  const q = text.indexOf('"', v + 1);
  if (q < 0 || q >= end || (q + 1 !== end && text.charCodeAt(q + 1) !== 44)) return undefined;
  read.end = q + 1;
  return text.slice(v + 1, q);
}

/**
 * The non-negative integer at `v` (digits only, no leading zero, ≤ 2^53, ending at a `,` or at `end`), or -1.
 *
 * @example
 * ```ts
 * integerAt('"a":42,"b":1', 4, 12); // 42
 * ```
 */
export function integerAt(text: string, v: number, end: number): number {
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
  read.end = i;
  return n;
}

/**
 * Whether `text` has a backslash in `[from, to)`: then a string there may hold escapes, and only a parse
 * reads it.
 *
 * @example
 * ```ts
 * escapedIn('"a":"x\\"y"', 0, 10); // true
 * ```
 */
export function escapedIn(text: string, from: number, to: number): boolean {
  // Searched in a slice (no copy on either engine): the search would otherwise run on to the frame's end.
  return text.slice(from, to).indexOf("\\") >= 0;
}

/**
 * The index of the value of `"key":` (given as `pattern`) in the flat object body `[start, end)`, searching
 * from `from` first (fields usually come in the exchange's order), or -1 when the key is absent or twice there
 * (JSON.parse keeps the last of two; a scan would have to as well, so it does not try).
 *
 * @example
 * ```ts
 * valueAt('"a":1,"b":2', '"b":', 0, 0, 11); // 10
 * ```
 */
export function valueAt(text: string, pattern: string, from: number, start: number, end: number): number {
  let k = text.indexOf(pattern, from);
  if ((k < 0 || k >= end) && from > start) k = text.indexOf(pattern, start);
  if (k < 0 || k >= end) return -1;
  const v = k + pattern.length;
  const again = text.indexOf(pattern, v);
  return again >= 0 && again < end ? -1 : v;
}

/**
 * Where `literal` starts at or after `from` and before `to`, found by its character at `pivot` (a letter rare
 * in an ack: the `x` of executedQty, the `v` of avgPrice) with the one-char `indexOf`, a memchr; -1 if
 * nowhere. The many-char `indexOf` takes 130–340 ns over an ack's tail on V8, this about 25.
 *
 * @example
 * ```ts
 * literalAt('"a":1,"avgPrice":"2"', '"avgPrice"', 2, 4, 20); // 6
 * ```
 */
export function literalAt(text: string, literal: string, pivot: number, from: number, to: number): number {
  const letter = literal[pivot]!;
  for (
    let i = text.indexOf(letter, from + pivot);
    i >= 0 && i - pivot < to;
    i = text.indexOf(letter, i + 1)
  ) {
    if (textAt(text, i - pivot, literal)) return i - pivot;
  }
  return -1;
}
