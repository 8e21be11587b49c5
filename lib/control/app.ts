/**
 * The HTTP control plane as a Hono app, built from explicit dependencies (the router and a few facts about
 * the process) so tests can serve it on any port. Routes translate JSON to router calls and back; all
 * validation happens in `schemas.ts`, all error mapping in `errors.ts`.
 *
 * Nothing on the order hot path imports this module: Hono and zod stay on this side of the router's API.
 *
 * @module
 */

import { Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { Router } from "../router/router.ts";
import type { OrderTracker } from "../orders/order_tracker.ts";
import { DEFAULT_MAX_BODY_BYTES, readJsonObject } from "./body.ts";
import { invalid, LOCAL_CODES, toHttpError } from "./errors.ts";
import { type GuardOptions, RequestGuard } from "./guard.ts";
import { PROMETHEUS_CONTENT_TYPE, prometheusText } from "./metrics.ts";
import {
  cancelSchema,
  emptySchema,
  haltSchema,
  modifySchema,
  orderRefSchema,
  placeSchema,
  positionsSchema,
  trackedOrdersSchema,
} from "./schemas.ts";
import { validate } from "./validation.ts";

/** The part of the router the control plane uses. */
export type RouterApi = Pick<
  Router,
  | "placeOrder"
  | "modifyOrder"
  | "cancelOrder"
  | "queryOrder"
  | "placeAlgoOrder"
  | "cancelAlgoOrder"
  | "accountBalance"
  | "accountPositions"
  | "accountStatus"
  | "halt"
  | "resume"
  | "halted"
  | "connected"
  | "auth"
  | "rateLimits"
  | "clockOffsetMs"
  | "inFlight"
  | "metrics"
>;

/** Options for {@linkcode createControlApp}. */
export interface ControlAppOptions {
  router: RouterApi;
  /** Shown by /health: "simulator", "production", "testnet" or "custom". */
  mode: string;
  /** ws-fapi URL the router talks to (shown by /health). */
  endpoint: string;
  /** Host, port and token checks. */
  guard: GuardOptions;
  /** Largest accepted request body. Default 16 KiB. */
  maxBodyBytes?: number;
  /** Milliseconds clock (for uptime); default `performance.now`. */
  now?: () => number;
  /**
   * The router's own order book (open, pending and unknown orders): listed by `GET /orders` without an id and
   * counted in /health and /metrics. `POST /halt` cancels what the router's observer lists (the same tracker
   * when the app runs over a `Gateway`).
   */
  tracker?: OrderTracker;
  /** Operator-relevant happenings: resumes, and gateway bugs behind a 500. Never per-order. */
  onNotice?: (level: "info" | "error", msg: string, fields: Record<string, string>) => void;
}

/** Routes and their methods, for 405 answers. */
const ROUTES: Readonly<Record<string, string>> = {
  "/orders": "GET, POST, PATCH, DELETE",
  "/account": "GET",
  "/account/balance": "GET",
  "/account/positions": "GET",
  "/health": "GET",
  "/metrics": "GET",
  "/halt": "POST",
  "/resume": "POST",
};

/**
 * Builds the control-plane app.
 *
 * @example
 * ```ts
 * const app = createControlApp({ router, mode: "simulator", endpoint: sim.url, guard: { port: () => 7777 } });
 * const server = await serve({ hostname: "127.0.0.1", port: 7777, fetch: app.fetch });
 * ```
 */
export function createControlApp(options: ControlAppOptions): Hono {
  const { router } = options;
  const guard = new RequestGuard(options.guard);
  const maxBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const now = options.now ?? (() => performance.now());
  const startedAt = now();
  const notice = options.onNotice ?? (() => {});
  const body = (request: Request, optional = false) => readJsonObject(request, { maxBytes, optional });

  const app = new Hono();

  app.onError((error, c) => {
    const { status, body, headers } = toHttpError(error, (e) => {
      notice("error", "control plane internal error", { path: c.req.path, error: describe(e) });
    });
    return c.json(body, status as ContentfulStatusCode, { "cache-control": "no-store", ...headers });
  });

  app.notFound((c) => {
    const allow = ROUTES[c.req.path];
    if (allow === undefined) {
      return c.json({ code: LOCAL_CODES.NOT_FOUND, msg: `no route ${c.req.method} ${c.req.path}` }, 404);
    }
    return c.json(
      {
        code: LOCAL_CODES.METHOD_NOT_ALLOWED,
        msg: `${c.req.method} not allowed on ${c.req.path} (allowed: ${allow})`,
      },
      405,
      { allow },
    );
  });

  app.use("*", async (c, next) => {
    guard.check(c.req.raw, c.req.path);
    await next();
    c.header("cache-control", "no-store");
  });

  app.post("/orders", async (c) => {
    const request = validate(placeSchema, await body(c.req.raw));
    const result = request.kind === "order"
      ? await router.placeOrder(request.params)
      : await router.placeAlgoOrder(request.params);
    return c.json(result);
  });

  app.get("/orders", async (c) => {
    const q = query(c.req.url);
    if (q.orderId === undefined && q.origClientOrderId === undefined) {
      // No id: the orders this router tracks (open, pending, unknown), optionally for one symbol.
      const { symbol, state } = validate(trackedOrdersSchema, q);
      const orders = (options.tracker?.list(state) ?? []).filter((o) =>
        symbol === undefined || o.symbol === symbol
      );
      return c.json(orders);
    }
    return c.json(await router.queryOrder(validate(orderRefSchema, q)));
  });

  app.patch("/orders", async (c) => {
    return c.json(await router.modifyOrder(validate(modifySchema, await body(c.req.raw))));
  });

  app.delete("/orders", async (c) => {
    const request = validate(cancelSchema, query(c.req.url));
    const result = request.kind === "order"
      ? await router.cancelOrder(request.params)
      : await router.cancelAlgoOrder(request.params);
    return c.json(result);
  });

  app.get("/account", async (c) => {
    validate(emptySchema, query(c.req.url));
    return c.json(await router.accountStatus());
  });

  app.get("/account/balance", async (c) => {
    validate(emptySchema, query(c.req.url));
    return c.json(await router.accountBalance());
  });

  app.get("/account/positions", async (c) => {
    const { symbol } = validate(positionsSchema, query(c.req.url));
    return c.json(await router.accountPositions(symbol));
  });

  app.get("/health", (c) => {
    const connected = router.connected;
    const halted = router.halted;
    const health = {
      status: !connected ? "disconnected" : halted !== undefined ? "halted" : "ok",
      mode: options.mode,
      endpoint: options.endpoint,
      connected,
      auth: router.auth,
      uptimeS: Math.floor((now() - startedAt) / 1000),
      halted: halted !== undefined,
      haltReason: halted ?? null,
      inFlight: router.inFlight,
      clockOffsetMs: router.clockOffsetMs,
      orders: orderCounts(options.tracker),
      rateLimits: router.rateLimits,
    };
    return c.json(health, connected ? 200 : 503);
  });

  app.get("/metrics", (c) => {
    const text = prometheusText({
      metrics: router.metrics,
      rateLimits: router.rateLimits,
      connected: router.connected,
      halted: router.halted !== undefined,
      inFlight: router.inFlight,
      clockOffsetMs: router.clockOffsetMs,
      uptimeS: Math.floor((now() - startedAt) / 1000),
      orders: orderCounts(options.tracker),
    });
    return c.body(text, 200, { "content-type": PROMETHEUS_CONTENT_TYPE });
  });

  app.post("/halt", async (c) => {
    const { reason } = validate(haltSchema, await body(c.req.raw, true));
    const why = reason ?? "halted via control plane";
    // The same kill switch as the library's: no new orders + cancel every order known to be open. The router
    // reports the halt itself (one log line via its onEvent).
    const report = await router.halt(why);
    if (report.failed.length > 0) {
      notice("error", "halt: some cancels failed", {
        failed: report.failed.map((f) => f.clientOrderId).join(","),
      });
    }
    return c.json(report);
  });

  app.post("/resume", async (c) => {
    validate(emptySchema, await body(c.req.raw, true));
    const was = router.halted;
    router.resume();
    if (was !== undefined) notice("info", "orders resumed", { was });
    return c.json({ halted: false });
  });

  return app;
}

/** Counts of tracked orders for /health and /metrics. */
function orderCounts(tracker: OrderTracker | undefined) {
  return {
    open: tracker?.count("open") ?? 0,
    pending: tracker?.count("pending") ?? 0,
    unknown: tracker?.count("unknown") ?? 0,
    reconciled: tracker?.resolvedTotal ?? 0,
  };
}

/** The query string as an object; a repeated parameter is refused rather than silently picking one. */
function query(url: string): Record<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of new URL(url).searchParams) {
    if (out.has(k)) throw invalid(`${k}: given more than once`);
    out.set(k, v);
  }
  // fromEntries defines own properties, so a "__proto__" parameter is just an unknown field.
  return Object.fromEntries(out);
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
