/**
 * Field schemas for the control plane's input: decimals, ids, enums, booleans. Each rejects with a message
 * that says what was expected; the request schemas prefix it with the field's name.
 *
 * Decimals travel as strings end to end (never through a float). A JSON number is still accepted for
 * convenience and turned into the exact decimal text of that number (JavaScript's shortest round-trip form,
 * without exponent), so `0.1` becomes `"0.1"`; send strings to be sure of every digit.
 *
 * @module
 */

import { z } from "zod";
import { CLIENT_ORDER_ID_PATTERN } from "../vocabulary.ts";

/**
 * Decimal text: digits, optionally a dot and more digits.
 *
 * @example
 * ```ts
 * DECIMAL_RE.test("0.001"); // true
 * ```
 */
export const DECIMAL_RE = /^\d+(\.\d+)?$/;
/**
 * Symbols: upper-case ASCII letters, digits and "_" (delivery contracts), or non-ASCII letters/digits (Binance
 * lists Chinese-named symbols since 2025-10). Lower case is never a Binance symbol: refused rather than sent.
 *
 * @example
 * ```ts
 * SYMBOL_RE.test("BTCUSDT"); // true
 * ```
 */
export const SYMBOL_RE = /^(?:[A-Z0-9_]|(?!\p{ASCII})[\p{L}\p{N}]){1,40}$/u;

/**
 * A field that converts its input with `convert`, failing with "required" when absent and with
 * "expected `describe`" when `convert` returns undefined.
 *
 * @example
 * ```ts
 * const even = field("an even number", (v) => typeof v === "number" && v % 2 === 0 ? v : undefined);
 * ```
 */
export function field<T>(
  describe: string,
  convert: (input: unknown) => T | undefined,
  jsonSchema: Readonly<Record<string, unknown>> = {},
) {
  // The metadata is what `GET /openapi.json` shows for the field (zod cannot see through the transform).
  const meta = { description: describe, ...jsonSchema };
  return z.unknown().transform((input, ctx): T => {
    if (input === undefined || input === null) {
      ctx.issues.push({ code: "custom", message: "required", input });
      return z.NEVER;
    }
    const out = convert(input);
    if (out === undefined) {
      ctx.issues.push({ code: "custom", message: `expected ${describe}`, input });
      return z.NEVER;
    }
    return out;
  }).meta(meta);
}

/**
 * The decimal text of a finite non-negative number, without exponent notation.
 *
 * @example
 * ```ts
 * numberToDecimal(1e-7); // "0.0000001"
 * numberToDecimal(0.1); // "0.1"
 * ```
 */
export function numberToDecimal(n: number): string | undefined {
  if (!Number.isFinite(n) || n < 0) return undefined;
  const text = String(n);
  const m = /^(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (m === null) return text;
  const digits = m[1]! + (m[2] ?? "");
  const point = m[1]!.length + Number(m[3]);
  if (point <= 0) return `0.${"0".repeat(-point)}${digits}`;
  if (point >= digits.length) return digits + "0".repeat(point - digits.length);
  return `${digits.slice(0, point)}.${digits.slice(point)}`;
}

/**
 * A decimal: a string like `"0.001"` or a JSON number.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * z.strictObject({ price: decimal() }).parse({ price: 50000 }); // { price: "50000" }
 * ```
 */
export function decimal() {
  return field('a positive decimal string like "0.001"', (v) => {
    // A JSON number past 2^53 has already lost digits in JSON.parse: only a string can carry it exactly.
    if (typeof v === "number" && !(Math.abs(v) <= Number.MAX_SAFE_INTEGER)) return undefined;
    const text = typeof v === "number" ? numberToDecimal(v) : typeof v === "string" ? v : undefined;
    // Zero is never a valid price, quantity, trigger or rate.
    return text !== undefined && text.length <= 40 && DECIMAL_RE.test(text) && /[1-9]/.test(text)
      ? text
      : undefined;
  }, {
    anyOf: [{ type: "string", pattern: DECIMAL_RE.source, maxLength: 40 }, {
      type: "number",
      exclusiveMinimum: 0,
    }],
  });
}

/**
 * A positive integer id (orderId, algoId): a JSON integer or a string of digits (as in a query string).
 *
 * @example
 * ```ts
 * positiveInteger("a positive integer").parse("42"); // 42
 * ```
 */
export function positiveInteger(describe = "a positive integer") {
  return field(describe, (v) => {
    const n = typeof v === "number" ? v : typeof v === "string" && /^\d{1,16}$/.test(v) ? Number(v) : NaN;
    return Number.isSafeInteger(n) && n > 0 ? n : undefined;
  }, { anyOf: [{ type: "integer", minimum: 1 }, { type: "string", pattern: "^\\d{1,16}$" }] });
}

/**
 * A boolean: JSON `true`/`false` or the strings `"true"`/`"false"` (Binance's own spelling).
 *
 * @example
 * ```ts
 * flag().parse("true"); // true
 * ```
 */
export function flag() {
  return field(
    "true or false",
    (v) => v === true || v === "true" ? true : v === false || v === "false" ? false : undefined,
    { anyOf: [{ type: "boolean" }, { type: "string", enum: ["true", "false"] }] },
  );
}

/**
 * One of `values`, exactly as Binance spells it.
 *
 * @example
 * ```ts
 * oneOf(["BUY", "SELL"]).parse("BUY");
 * ```
 */
export function oneOf<const T extends readonly string[]>(values: T) {
  return field(
    `one of ${values.join(", ")}`,
    (v) => (values as readonly unknown[]).includes(v) ? v as T[number] : undefined,
    { type: "string", enum: [...values] },
  );
}

/**
 * A string matching `re`.
 *
 * @example
 * ```ts
 * text(/^[a-z]{1,8}$/, "1-8 lower-case letters").parse("grid");
 * ```
 */
export function text(re: RegExp, describe: string) {
  return field(describe, (v) => typeof v === "string" && re.test(v) ? v : undefined, {
    type: "string",
    pattern: re.source,
  });
}

/**
 * Symbol field.
 *
 * @example
 * ```ts
 * symbol().parse("BTCUSDT");
 * ```
 */
export const symbol = () => text(SYMBOL_RE, "a symbol like BTCUSDT");

/**
 * Client order id / client algo id field (Binance's pattern).
 *
 * @example
 * ```ts
 * clientId().parse("grid-42");
 * ```
 */
export const clientId = () => text(CLIENT_ORDER_ID_PATTERN, "1-36 characters of A-Z a-z 0-9 . : / _ -");
