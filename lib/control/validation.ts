/**
 * Running a zod schema at the HTTP boundary: failures become one 400 whose message names every bad field
 * (`quantity: expected a decimal string…; unknown field: foo`), plus the small helpers the request schemas
 * share.
 *
 * @module
 */

import type { z } from "zod";
import { invalid } from "./errors.ts";

/**
 * Drops undefined fields (the router's param types use exact optional properties).
 *
 * @example
 * ```ts
 * compact<{ a?: number }>({ a: undefined }); // {}
 * ```
 */
export function compact<T>(record: Record<string, unknown>): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(record)) if (v !== undefined) out[k] = v;
  return out as T;
}

/**
 * The part of zod's refinement context the schemas use.
 *
 * @example
 * ```ts
 * const needsSymbol = (q: { symbol?: string }, ctx: Ctx) => { if (!q.symbol) fail(ctx, "symbol", "required"); };
 * ```
 */
export type Ctx = { issues: z.core.$ZodRawIssue[] };

/**
 * Reports a cross-field problem on field `path` from inside a schema's transform.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * z.strictObject({ a: z.string() }).transform((v, ctx) => { if (v.a === "") fail(ctx, "a", "required"); return v; });
 * ```
 */
export function fail(ctx: Ctx, path: string, message: string): void {
  ctx.issues.push({ code: "custom", message, path: [path], input: undefined });
}

/**
 * Validates `input` against `schema`; throws a 400 whose message names every bad field.
 *
 * @example
 * ```ts
 * import { orderRefSchema } from "./schemas.ts";
 * const ref = validate(orderRefSchema, { symbol: "BTCUSDT" }); // throws "orderId: orderId or origClientOrderId is required"
 * ```
 */
export function validate<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw invalid(describeIssues(result.error.issues));
}

function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  const parts: string[] = [];
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys") {
      // Named with its place (`symbols.BTCUSDT.foo`), as the risk file's check names it.
      const at = issue.path.map(String).join(".");
      const keys = issue.keys.slice(0, 10).map((k) => (at === "" ? k : `${at}.${k}`)).join(", ");
      parts.push(`unknown field${issue.keys.length > 1 ? "s" : ""}: ${keys}`);
    } else {
      const at = issue.path.map(String).join(".");
      parts.push(at === "" ? issue.message : `${at}: ${issue.message}`);
    }
  }
  return parts.slice(0, 8).join("; ");
}
