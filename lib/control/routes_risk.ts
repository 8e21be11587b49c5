/**
 * `GET /risk` and `PUT /risk`: the trader's risk limits and their current usage, and replacing the limits at
 * run time. `PUT` takes the risk file's schema (lib/risk/risk_schema.ts: the same zod schema as
 * `--risk FILE`), swaps the limits at once (every check sees the old set or the new one, never a mix) and
 * logs the change; a bad body is a 400 naming the JSON path of the bad field, and changes nothing.
 *
 * @module
 */

import { z } from "zod";
import type { PreTradeGuard } from "../risk/pre_trade_guard.ts";
import { riskLimitsSchema } from "../risk/risk_schema.ts";
import { readQuery } from "./body.ts";
import type { RouteDoc, RouteTable } from "./route_table.ts";
import { emptySchema } from "./schemas.ts";
import { validate } from "./validation.ts";

/**
 * The part of the pre-trade guard the routes use (a `Router`'s `preTrade`).
 *
 * @example
 * ```ts
 * import type { Router } from "../router/router.ts";
 * declare const router: Router;
 * const view: RiskView | undefined = router.preTrade;
 * ```
 */
export type RiskView = Pick<PreTradeGuard, "health" | "usage" | "setLimits" | "refusalCounts" | "freshMark">;

/** `GET /risk`'s answer. */
const riskAnswer = z.looseObject({
  limits: riskLimitsSchema,
  filters: z.enum(["loading", "ok", "unavailable"]),
  rejectsLastMinute: z.int(),
  breakerTrips: z.int(),
  dailyLoss: z.looseObject({
    pnl: z.number(),
    realized: z.number(),
    unrealized: z.number(),
    maxDailyLoss: z.number().nullable(),
    flattenOnDailyLoss: z.boolean(),
    tripped: z.boolean(),
    day: z.string(),
    unpricedFees: z.record(z.string(), z.number()).meta({
      description: "today's commissions in an asset with no USDT mark yet (e.g. BNB), not counted yet",
    }),
  }).nullable().meta({
    description: "today's PnL against maxDailyLoss (a gateway's live account); null without one",
  }),
  symbols: z.record(
    z.string(),
    z.looseObject({
      position: z.number(),
      openBuyQty: z.number(),
      openSellQty: z.number(),
      hedge: z.object({
        longPosition: z.number(),
        shortPosition: z.number(),
        openLongQty: z.number(),
        openShortQty: z.number(),
      }).optional().meta({
        description: "hedge mode: each side's position (SHORT negative) and the open orders that add to it",
      }),
      openOrders: z.int(),
      openAlgoOrders: z.int(),
      ordersLastSecond: z.int(),
      markPrice: z.number().nullable(),
      markAgeMs: z.int().nullable(),
      limits: z.looseObject({}),
    }),
  ).meta({
    description: "symbols with their own limits, a position, open orders or orders in the last second",
  }),
}).meta({ id: "RiskUsage" });

/**
 * The docs of the two routes.
 *
 * @example
 * ```ts
 * RISK_ROUTE_DOCS.get.summary; // "Risk limits and their current usage"
 * ```
 */
export const RISK_ROUTE_DOCS: { readonly get: RouteDoc; readonly put: RouteDoc } = {
  get: {
    summary: "Risk limits and their current usage",
    tag: "Risk",
    query: emptySchema,
    answers: {
      200: { description: "the limits, the filters' state and the usage per symbol", schema: riskAnswer },
    },
    availability: "unless pre-trade checks are off",
  },
  put: {
    summary: "Replace the risk limits (the --risk file's schema); logged; swapped at once",
    tag: "Risk",
    body: riskLimitsSchema,
    answers: { 200: { description: "the limits now in force", schema: riskLimitsSchema } },
    availability: "unless pre-trade checks are off",
  },
};

/**
 * Adds `GET /risk` and `PUT /risk`.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { RouteTable } from "./route_table.ts";
 * import type { Router } from "../router/router.ts";
 * declare const router: Router;
 * declare function readBody(request: Request): Promise<Record<string, unknown>>;
 * if (router.preTrade !== undefined) {
 *   addRiskRoutes(new RouteTable(new Hono()), router.preTrade, readBody, (msg, fields) => console.log(msg, fields));
 * }
 * ```
 */
export function addRiskRoutes(
  routes: RouteTable,
  risk: RiskView,
  readBody: (request: Request) => Promise<Record<string, unknown>>,
  log: (msg: string, fields: Record<string, string>) => void,
): void {
  routes.add("GET", "/risk", (c) => {
    validate(emptySchema, readQuery(c.req.url));
    return c.json(risk.usage());
  }, RISK_ROUTE_DOCS.get);

  routes.add("PUT", "/risk", async (c) => {
    const limits = validate(riskLimitsSchema, await readBody(c.req.raw));
    const clean = JSON.parse(JSON.stringify(limits)); // drops fields zod left undefined
    risk.setLimits(clean);
    log("risk limits replaced via control plane", { limits: JSON.stringify(clean) });
    return c.json(clean);
  }, RISK_ROUTE_DOCS.put);
}
