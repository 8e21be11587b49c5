/**
 * Decimal strings as integers scaled by a power of ten, held in plain numbers (no BigInt, no floats on the
 * digits): `"50000.1"` at scale 2 is `5000010`. Exact while the scaled value is at most 2^53 − 1
 * (`Number.MAX_SAFE_INTEGER`, about 9.007e15): at scale 8 that is 90 million, at scale 2 about 9e13, far above
 * any exchange maxPrice or maxQty. A value above the bound parses to `Infinity` (it can only be "too large"),
 * so a bound check still refuses it and a multiple-of-step check is skipped (in doubt, pass).
 *
 * Products of two exact scaled integers (price × quantity) may pass 2^53 and round; rounding to the nearest
 * double is monotonic, so comparing such a product with a threshold that is itself exactly representable gives
 * the same answer as the exact product would. The checks only ever compare in that way.
 *
 * @module
 */

/** Returned by {@linkcode parseScaled} for text that is not a plain non-negative decimal. */
export const MALFORMED = -1;
/** Returned by {@linkcode parseScaled} when the text has more significant decimals than the scale. */
export const TOO_PRECISE = -2;

/**
 * Powers of ten up to 10^22 (all exact doubles).
 *
 * @example
 * ```ts
 * POW10[3]; // 1000
 * ```
 */
export const POW10: readonly number[] = Array.from({ length: 23 }, (_, i) => 10 ** i);

/**
 * Parses a non-negative decimal string (`"42088.10"`, `"0.001"`, `"7"`) into an integer scaled by 10^`scale`.
 * Trailing zeros do not count as decimals (`"0.1000"` has one), as on the exchange. Returns
 * {@linkcode MALFORMED} (-1) for anything else (sign, exponent, `".5"`, `"1."`, empty), {@linkcode TOO_PRECISE}
 * (-2) when a non-zero digit lies beyond `scale`, and `Infinity` above 2^53. Allocates nothing.
 *
 * @example
 * ```ts
 * parseScaled("50000.10", 2); // 5000010
 * parseScaled("0.0015", 3);   // -2 (TOO_PRECISE)
 * parseScaled("1e5", 2);      // -1 (MALFORMED)
 * ```
 */
export function parseScaled(text: string, scale: number): number {
  // One pass over the characters: every digit (trailing zeros included) into `value`, the dot's position.
  const n = text.length;
  let value = 0;
  let dot = -1;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) value = value * 10 + (c - 48);
    else if (c === 46 && dot < 0) dot = i; // "."
    else return MALFORMED;
  }
  if (n === 0 || dot === 0 || dot === n - 1) return MALFORMED; // "", ".5", "1."
  if (value > Number.MAX_SAFE_INTEGER) return parseLong(text, scale);
  const decimals = dot < 0 ? 0 : n - dot - 1;
  if (decimals <= scale) {
    const scaled = value * POW10[scale - decimals]!;
    return scaled > Number.MAX_SAFE_INTEGER ? Number.POSITIVE_INFINITY : scaled;
  }
  // More decimals than the scale: only zeros may stand beyond it (exact: value is below 2^53).
  const cut = POW10[decimals - scale]!;
  return value % cut === 0 ? value / cut : TOO_PRECISE;
}

/** {@linkcode parseScaled} for well-formed text whose digits pass 2^53: trailing zeros dropped first. */
function parseLong(text: string, scale: number): number {
  const n = text.length;
  let value = 0;
  let i = 0;
  for (; i < n && text.charCodeAt(i) !== 46; i++) value = value * 10 + (text.charCodeAt(i) - 48);
  let decimals = 0;
  if (i < n) {
    let end = n;
    while (end > i + 1 && text.charCodeAt(end - 1) === 48) end--; // trailing zeros
    decimals = end - i - 1;
    if (decimals > scale) return TOO_PRECISE;
    for (let j = i + 1; j < end; j++) value = value * 10 + (text.charCodeAt(j) - 48);
  }
  const scaled = value * POW10[scale - decimals]!;
  return scaled > Number.MAX_SAFE_INTEGER ? Number.POSITIVE_INFINITY : scaled;
}

/**
 * The significant decimal places of a decimal string (trailing zeros removed); -1 when malformed.
 *
 * @example
 * ```ts
 * decimalPlaces("0.0100"); // 2
 * decimalPlaces("100");    // 0
 * ```
 */
export function decimalPlaces(text: string): number {
  if (!/^\d+(?:\.\d+)?$/.test(text)) return -1;
  const dot = text.indexOf(".");
  if (dot < 0) return 0;
  let end = text.length;
  while (end > dot + 1 && text.charCodeAt(end - 1) === 48) end--;
  return end - dot - 1;
}

/**
 * Parses a decimal string at `scale` for configuration data (exchangeInfo); throws a RangeError naming `what`
 * when it is malformed, too precise or too large to be exact.
 *
 * @example
 * ```ts
 * scaledOrThrow("0.10", 2, "BTCUSDT tickSize"); // 10
 * ```
 */
export function scaledOrThrow(text: unknown, scale: number, what: string): number {
  const value = typeof text === "string"
    ? parseScaled(text, scale)
    : typeof text === "number"
    ? parseScaled(numberText(text), scale)
    : MALFORMED;
  if (value < 0 || !Number.isFinite(value)) {
    throw new RangeError(`${what}: not a decimal usable at scale ${scale}: ${String(text)}`);
  }
  return value;
}

/**
 * A finite non-negative number as plain decimal text (no exponent), e.g. for limits read from JSON.
 *
 * @example
 * ```ts
 * numberText(1e-7); // "0.0000001"
 * numberText(0.29); // "0.29"
 * ```
 */
export function numberText(value: number): string {
  const text = String(value);
  if (!text.includes("e")) return text;
  // Exponent form: 17 significant digits cover every double; trailing zeros are harmless.
  return value < 1
    ? value.toFixed(20).replace(/0+$/, "").replace(/\.$/, "")
    : BigInt(Math.round(value)).toString();
}

/**
 * Formats a scaled integer back as decimal text (for messages; not on the check path).
 *
 * @example
 * ```ts
 * formatScaled(5000010, 2); // "50000.10"
 * ```
 */
export function formatScaled(value: number, scale: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (scale === 0) return String(value);
  const digits = String(Math.abs(value)).padStart(scale + 1, "0");
  const text = `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return value < 0 ? `-${text}` : text;
}
