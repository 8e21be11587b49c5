/**
 * The live-state routes, answered from the gateway's memory without any exchange request: `GET /fills`,
 * `GET /positions`, `GET /events` (Server-Sent Events), and in simulator mode `POST /sim/mark`.
 *
 * @module
 */

import type { AccountState } from "../account/account_state.ts";
import { atMark } from "../account/positions.ts";
import { readQuery } from "./body.ts";
import { invalid } from "./errors.ts";
import type { RouteTable } from "./route_table.ts";
import { ROUTE_DOCS } from "./route_docs.ts";
import { fillsSchema, livePositionsSchema, simMarkSchema } from "./schemas_live.ts";
import type { EventHub } from "./sse.ts";
import { eventStreamResponse } from "./event_stream.ts";
import { validate } from "./validation.ts";

/**
 * The part of the live account the control plane reads (a `Gateway`'s `account`).
 *
 * @example
 * ```ts
 * import { AccountState } from "../account/account_state.ts";
 * const account: AccountView = new AccountState();
 * ```
 */
export type AccountView = Pick<AccountState, "events" | "orders" | "fills" | "book">;

/**
 * The simulator's mark-price control (the embedded simulator has it).
 *
 * @example
 * ```ts
 * import type { Simulator } from "../sim/mod.ts";
 * declare const sim: Simulator;
 * const marks: MarkSetter = sim;
 * marks.setMarkPrice("BTCUSDT", "49990", { fillQty: "0.001" });
 * ```
 */
export interface MarkSetter {
  /** Sets the mark; resting orders it crosses fill (at most `fillQty` each when given). */
  setMarkPrice(symbol: string, price: string, options?: { fillQty?: string }): void;
}

/**
 * Adds `GET /fills`, `GET /positions` and `GET /events`.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { AccountState } from "../account/account_state.ts";
 * import { RouteTable } from "./route_table.ts";
 * import { EventHub } from "./sse.ts";
 * const account = new AccountState();
 * const hub = new EventHub(account.events, {}, { now: () => performance.now(), notice: () => {} });
 * addLiveRoutes(new RouteTable(new Hono()), { account, hub });
 * ```
 */
export function addLiveRoutes(
  routes: RouteTable,
  deps: { account: AccountView; hub: EventHub; marks?: ((symbol: string) => number | undefined) | undefined },
): void {
  const { account, hub, marks } = deps;

  routes.add("GET", "/fills", (c) => {
    const { symbol, limit } = validate(fillsSchema, readQuery(c.req.url));
    return c.json(account.fills.list({ symbol, limit }));
  }, ROUTE_DOCS.fills);

  routes.add("GET", "/positions", (c) => {
    const { symbol, all } = validate(livePositionsSchema, readQuery(c.req.url));
    const positions = account.book.positions({ symbol, all: all ?? false }).map((line) => {
      const p = atMark(line, marks?.(line.symbol));
      return {
        symbol: p.symbol,
        positionSide: p.positionSide,
        positionAmt: p.positionAmt,
        entryPrice: p.entryPrice,
        unrealizedProfit: p.unrealizedProfit,
        markPrice: p.markPrice,
        updateTime: p.updateTime,
      };
    });
    return c.json(positions);
  }, ROUTE_DOCS.positions);

  routes.add("GET", "/events", (c) => eventStreamResponse(hub, c.req.raw), ROUTE_DOCS.events);
}

/**
 * Adds `POST /sim/mark` (simulator mode only: without a simulator the route does not exist, 404).
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { RouteTable } from "./route_table.ts";
 * declare const simulator: MarkSetter;
 * addSimulatorRoutes(new RouteTable(new Hono()), simulator, async (request) => await request.json());
 * ```
 */
export function addSimulatorRoutes(
  routes: RouteTable,
  simulator: MarkSetter,
  body: (request: Request) => Promise<Record<string, unknown>>,
): void {
  routes.add("POST", "/sim/mark", async (c) => {
    const { symbol, price, fillQty } = validate(simMarkSchema, await body(c.req.raw));
    try {
      if (fillQty === undefined) simulator.setMarkPrice(symbol, price);
      else simulator.setMarkPrice(symbol, price, { fillQty });
    } catch (e) {
      // The simulator refuses unknown symbols and prices beyond its precision with a RangeError.
      if (e instanceof RangeError) throw invalid(`simulator refused: ${e.message}`);
      throw e;
    }
    return c.json({ symbol, price });
  }, ROUTE_DOCS.simMark);
}
