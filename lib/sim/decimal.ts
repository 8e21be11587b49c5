/**
 * Fixed-point decimals for prices, quantities and money. Every amount is a `bigint` of units at 8 decimal
 * places, so filter checks (tick and step multiples, bounds, notional) are exact integer arithmetic: float
 * modulo gives wrong answers for values like 0.3 % 0.1.
 *
 * @module
 */

/** Decimal places of every internal amount. */
export const SCALE = 8;
/** 1.0 in internal units. */
export const ONE = 100_000_000n;

const POW10: readonly bigint[] = Array.from({ length: SCALE + 1 }, (_, i) => 10n ** BigInt(i));
const DECIMAL_RE = /^(-?)(\d{1,20})(?:\.(\d{1,30}))?$/;

/** A parsed decimal: `units` at {@linkcode SCALE} places and the significant decimal places of the input. */
export interface ParsedDecimal {
  /** Value in units of 1e-8; 0n when `decimals` exceeds {@linkcode SCALE} (the caller rejects it anyway). */
  readonly units: bigint;
  /** Decimal places after trailing zeros are removed ("0.100" has 1). */
  readonly decimals: number;
}

/**
 * Parses a decimal string (or a finite JSON number) such as `"42088.10"`. Exponents, `"1."`, `".5"` and
 * anything else are malformed (`undefined`). Trailing zeros do not count as precision: `"0.1000"` has 1 place.
 *
 * @example
 * ```ts
 * parseDecimal("0.100"); // { units: 10000000n, decimals: 1 }
 * parseDecimal("abc");   // undefined
 * ```
 */
export function parseDecimal(value: unknown): ParsedDecimal | undefined {
  const text = typeof value === "string"
    ? value
    : typeof value === "number" && Number.isFinite(value)
    ? String(value)
    : undefined;
  if (text === undefined) return undefined;
  const m = DECIMAL_RE.exec(text);
  if (m === null) return undefined;
  let frac = m[3] ?? "";
  let end = frac.length;
  while (end > 0 && frac.charCodeAt(end - 1) === 48) end--;
  frac = frac.slice(0, end);
  if (frac.length > SCALE) return { units: 0n, decimals: frac.length };
  const units = BigInt((m[2] ?? "0") + frac.padEnd(SCALE, "0"));
  return { units: m[1] === "-" ? -units : units, decimals: frac.length };
}

/**
 * Parses a decimal that is known to be well formed (configuration constants); throws otherwise.
 *
 * @example
 * ```ts
 * units("0.10"); // 10000000n
 * ```
 */
export function units(text: string): bigint {
  const d = parseDecimal(text);
  if (d === undefined || d.decimals > SCALE) throw new Error(`bad decimal constant: ${text}`);
  return d.units;
}

/**
 * Formats units with exactly `decimals` places, truncating any finer digits (amounts on a tick never have any).
 *
 * @example
 * ```ts
 * formatUnits(5_100_000_000_000n, 2); // "51000.00"
 * formatUnits(-10_000_000n, 3);       // "-0.100"
 * ```
 */
export function formatUnits(value: bigint, decimals: number): string {
  const negative = value < 0n;
  const q = (negative ? -value : value) / (POW10[SCALE - decimals] ?? 1n);
  let text = q.toString();
  if (decimals > 0) {
    text = text.padStart(decimals + 1, "0");
    text = `${text.slice(0, -decimals)}.${text.slice(-decimals)}`;
  }
  return negative && q !== 0n ? `-${text}` : text;
}

/**
 * Product of two unit amounts (price × quantity = notional), truncated to units.
 *
 * @example
 * ```ts
 * mul(units("51000"), units("0.002")); // units("102")
 * ```
 */
export function mul(a: bigint, b: bigint): bigint {
  return (a * b) / ONE;
}

/**
 * Absolute value of a bigint.
 *
 * @example
 * ```ts
 * abs(-3n); // 3n
 * ```
 */
export function abs(a: bigint): bigint {
  return a < 0n ? -a : a;
}
