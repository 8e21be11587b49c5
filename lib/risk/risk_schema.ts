/**
 * The risk file's schema (zod), shared by `--risk FILE`, `PUT /risk` and `Router.connect({ risk })`, and the
 * one function that validates a value against it with an error naming the JSON path of the first bad field.
 * Used at load and on change only, never per order.
 *
 * @module
 */

import { z } from "zod";
import type { RiskLimitsConfig } from "./risk_limits.ts";
import { MAX_RATE_RING } from "./symbol_state.ts";

const amount = z.number().positive().finite();
const count = z.number().int().nonnegative();

/**
 * One symbol's limits (or the `"*"` default).
 *
 * @example
 * ```ts
 * symbolLimitsSchema.parse({ maxOrderQty: 0.5, priceBandPct: 2 });
 * ```
 */
export const symbolLimitsSchema = z.strictObject({
  maxOrderQty: amount.optional().describe("largest quantity of one order (base asset)"),
  maxOrderNotional: amount.optional().describe("largest price × quantity of one order (quote asset)"),
  maxPositionQty: amount.optional().describe(
    "largest worst-case position: position + same-side open orders + order",
  ),
  maxPositionNotional: amount.optional().describe("largest worst-case position at the mark (quote asset)"),
  maxOpenOrders: count.optional().describe("most open orders (normal and algo) on the symbol"),
  priceBandPct: z.number().positive().max(1000).optional().describe("limit price within ±this % of the mark"),
  // At most 4096: the check keeps one slot per order of the last second (exact, preallocated); the exchange's
  // own ORDERS limit (300 per 10 s) is far below that anyway.
  maxOrdersPerSecond: count.max(MAX_RATE_RING).optional().describe(
    "most new orders in any 1 s window (≤ 4096)",
  ),
});

/**
 * The risk file.
 *
 * @example
 * ```ts
 * riskLimitsSchema.parse({ symbols: { "*": { maxOrderNotional: 10000 } }, maxRejectsPerMinute: 30 });
 * ```
 */
export const riskLimitsSchema = z.strictObject({
  symbols: z.record(
    z.string().regex(/^(\*|[A-Z0-9_]{1,32})$/, "a symbol such as BTCUSDT, or *"),
    symbolLimitsSchema,
  )
    .optional().describe('limits per symbol; "*" is the default for symbols without an entry'),
  allowedSymbols: z.array(z.string().regex(/^[A-Z0-9_]{1,32}$/, "a symbol such as BTCUSDT")).optional()
    .describe("only these symbols may be traded"),
  reduceOnlyMode: z.boolean().optional().describe("only orders that reduce a position pass"),
  maxRejectsPerMinute: count.optional().describe("that many exchange rejects in a minute halt the router"),
  maxDailyLoss: amount.optional().describe(
    "a loss today (UTC: today's realized PnL less quote-asset fees, plus unrealized PnL at the mark) this large " +
      "halts the router",
  ),
  flattenOnDailyLoss: z.boolean().optional().describe(
    "when maxDailyLoss halts the router, also flatten every position",
  ),
});

/**
 * Validates a risk config; throws a TypeError whose message starts with the JSON path of the first bad field
 * (e.g. `symbols.BTCUSDT.maxOrderQty: …`).
 *
 * @example
 * ```ts
 * parseRiskLimits({ symbols: { BTCUSDT: { maxOrderQty: -1 } } });
 * // throws TypeError("symbols.BTCUSDT.maxOrderQty: Too small: expected number to be >0")
 * ```
 */
export function parseRiskLimits(value: unknown): RiskLimitsConfig {
  // zod drops a `__proto__` key of a record without a word: `{"symbols":{"__proto__":…}}` would pass as
  // `{"symbols":{}}` and lift every per-symbol limit. JSON.parse makes it an own key: refuse it by name.
  const proto = protoKeyPath(value, "");
  if (proto !== undefined) throw new TypeError(`${proto}: not an accepted key`);
  const result = riskLimitsSchema.safeParse(value);
  if (result.success) return stripUndefined(result.data) as RiskLimitsConfig;
  throw new TypeError(describeRiskIssues(result.error.issues));
}

/**
 * The zod issues as one line: `path: message` for each (at most 5).
 *
 * @example
 * ```ts
 * const r = riskLimitsSchema.safeParse({ reduceOnlyMode: "yes" });
 * if (!r.success) describeRiskIssues(r.error.issues); // "reduceOnlyMode: Invalid input: expected boolean, received string"
 * ```
 */
export function describeRiskIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues.slice(0, 5).map((issue) => {
    const path = issue.path.map(String).join(".");
    const message = issue.code === "unrecognized_keys"
      ? `unknown field ${issue.keys.join(", ")}`
      : issue.message;
    return path === "" ? message : `${path}: ${message}`;
  }).join("; ");
}

/** The path of the first own `__proto__` key in a JSON value, or undefined. */
function protoKeyPath(value: unknown, path: string): string | undefined {
  if (value === null || typeof value !== "object") return undefined;
  for (const [k, v] of Object.entries(value)) {
    const at = path === "" ? k : `${path}.${k}`;
    if (k === "__proto__") return at;
    const inner = protoKeyPath(v, at);
    if (inner !== undefined) return inner;
  }
  return undefined;
}

function stripUndefined(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripUndefined);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = stripUndefined(v);
  return out;
}
