/**
 * The kill switch and the routes that go with it: `POST /halt` (optionally flattening every position),
 * `POST /flatten`, `POST /audit` and `POST /resume`. Each does what the library call of the same name does;
 * what went wrong for the operator is one notice.
 *
 * @module
 */

import type { FlattenReport } from "../router/router.ts";
import type { RouterApi } from "./app.ts";
import { ControlError, LOCAL_CODES } from "./errors.ts";
import type { RouteTable } from "./route_table.ts";
import { ROUTE_DOCS } from "./route_docs.ts";
import type { AuditView } from "./routes_status.ts";
import { emptySchema, haltSchema, oneSymbolSchema } from "./schemas.ts";
import { validate } from "./validation.ts";

/** A notice for the operator (the app's `onNotice`). */
type Notice = (level: "info" | "warn" | "error", msg: string, fields: Record<string, string>) => void;

/**
 * What the control routes need.
 *
 * @example
 * ```ts
 * import type { RouterApi } from "./app.ts";
 * declare const router: RouterApi;
 * const deps: ControlRouteDeps = { router, audit: undefined, notice: () => {},
 *   body: () => Promise.resolve({}) };
 * ```
 */
export interface ControlRouteDeps {
  router: RouterApi;
  /** The periodic audit (a `Gateway`'s `audit`); undefined: no `POST /audit` route. */
  audit: AuditView | undefined;
  notice: Notice;
  /** Reads a JSON object body (`optional`: an empty body is `{}`). */
  body: (request: Request, optional?: boolean) => Promise<Record<string, unknown>>;
}

/**
 * Adds `POST /halt`, `POST /flatten`, `POST /audit` (with an audit) and `POST /resume`.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { RouteTable } from "./route_table.ts";
 * declare const deps: ControlRouteDeps;
 * addControlRoutes(new RouteTable(new Hono()), deps);
 * ```
 */
export function addControlRoutes(routes: RouteTable, deps: ControlRouteDeps): void {
  const { router, audit, notice, body } = deps;

  routes.add("POST", "/halt", async (c) => {
    const { reason, flatten } = validate(haltSchema, await body(c.req.raw, true));
    const why = reason ?? "halted via control plane";
    // The same kill switch as the library's: no new orders + cancel every order known to be open (and with
    // `flatten`, close every position). The router reports the halt itself (one log line via its onEvent).
    const report = await router.halt(why, { flatten: flatten === true });
    if (report.failed.length > 0) {
      notice("error", "halt: some cancels failed", {
        failed: report.failed.map((f) => f.clientOrderId).join(","),
      });
    }
    for (const f of report.flattened ?? []) noticeFlatten(notice, f);
    if (report.flattenError !== undefined) {
      notice("error", "halt: positions could not be listed; nothing closed", { error: report.flattenError });
    }
    return c.json(report);
  }, ROUTE_DOCS.halt);

  routes.add("POST", "/flatten", async (c) => {
    const { symbol } = validate(oneSymbolSchema, await body(c.req.raw));
    const report = await router.flatten(symbol);
    noticeFlatten(notice, report);
    return c.json(report);
  }, ROUTE_DOCS.flatten);

  if (audit !== undefined) {
    routes.add("POST", "/audit", async (c) => {
      validate(emptySchema, await body(c.req.raw, true));
      if (!router.connected) {
        throw new ControlError({
          status: 503,
          code: LOCAL_CODES.DISCONNECTED,
          msg: "audit not run: the ws-fapi link is down (a reconnect reconciles the account by itself)",
        });
      }
      const report = await audit.run();
      if (report === undefined) {
        throw new ControlError({
          status: 503,
          code: LOCAL_CODES.BUSY,
          msg: "audit not run: a gap reconciliation is running (it does what an audit does); try again",
        });
      }
      return c.json(report);
    }, ROUTE_DOCS.audit);
  }

  routes.add("POST", "/resume", async (c) => {
    validate(emptySchema, await body(c.req.raw, true));
    router.resume(); // the router reports it (one "orders resumed" log line via its onEvent)
    // A hold that lifts itself (reconciling a crashed run's orders, shutting down) stays: said so.
    const left = router.halted;
    return c.json(left === undefined ? { halted: false } : { halted: true, reason: left });
  }, ROUTE_DOCS.resume);
}

/**
 * A flatten that left a position is an operator's problem: one error notice. One that ended flat although a
 * closing order failed (its outcome unknown when asked: it filled after all) is worth a warning only.
 */
function noticeFlatten(notice: Notice, report: FlattenReport): void {
  if (report.remaining === "0" && report.failed.length === 0) return;
  if (report.remaining === "0") {
    notice("warn", "flatten: the position is flat, but a closing order failed or its outcome was unknown", {
      symbol: report.symbol,
      failed: report.failed.map((f) => `${f.side} ${f.quantity}: ${f.error}`).join("; "),
    });
    return;
  }
  notice("error", "flatten: a position is still open or a closing order failed", {
    symbol: report.symbol,
    remaining: report.remaining,
    failed: report.failed.map((f) => `${f.side} ${f.quantity}: ${f.error}`).join("; "),
  });
}
