/**
 * The HTTP control plane as a Hono app, built from explicit dependencies (the router, the live account and a
 * few facts about the process) so tests can serve it on any port. Routes translate JSON to router calls and
 * back; all validation happens in `schemas.ts` / `schemas_live.ts`, all error mapping in `errors.ts`. The
 * order and account routes are here; the live-state routes (`/fills`, `/positions`, `/events`,
 * `/sim/mark`) are in `routes_live.ts`, `/health` and `/metrics` in `routes_status.ts`.
 *
 * Nothing on the order hot path imports this module: Hono and zod stay on this side of the router's API.
 *
 * @module
 */

import { type Context, Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { CancelAllReport, Router } from "../router/router.ts";
import type { OrderTracker } from "../orders/order_tracker.ts";
import { DEFAULT_MAX_BODY_BYTES, readJsonObject, readQuery } from "./body.ts";
import { ControlError, type HttpError, LOCAL_CODES, toHttpError } from "./errors.ts";
import { type GuardOptions, RequestGuard } from "./guard.ts";
import { addDashboardRoutes, DASHBOARD_PATHS, newCsrfToken } from "./dashboard/routes.ts";
import { RouteTable } from "./route_table.ts";
import { ROUTE_DOCS } from "./route_docs.ts";
import { addOpenApiRoute } from "./openapi.ts";
import { type AccountView, addLiveRoutes, addSimulatorRoutes, type MarkSetter } from "./routes_live.ts";
import {
  addStatusRoutes,
  type AuditView,
  type DeadManView,
  type JournalHealthSource,
  type MonitorHealth,
  type UserStreamView,
} from "./routes_status.ts";
import { addRiskRoutes, type RiskView } from "./routes_risk.ts";
import { ThrottledNotice, type ThrottledNoticeOptions } from "./notice_throttle.ts";
import { EventHub, type EventStreamOptions } from "./sse.ts";
import { emptySchema, positionsSchema } from "./schemas.ts";
import { addControlRoutes } from "./routes_control.ts";
import { validate } from "./validation.ts";
import { orderOps } from "./order_ops.ts";
import { LOCAL_SOCKET_DOC, localSocketRoute } from "./local_socket.ts";
import { jsonArrayResponse } from "./_json_stream.ts";
import { jsonAnswer } from "./_http_bridge.ts";
import { OrderLane, setOrderLane } from "./order_lane.ts";

/**
 * The part of the router the control plane uses.
 *
 * @example
 * ```ts
 * import type { Router } from "../router/router.ts";
 * declare const router: Router;
 * const api: RouterApi = router;
 * ```
 */
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
  | "cancelAllOpenOrders"
  | "flatten"
  | "resume"
  | "halted"
  | "connected"
  | "auth"
  | "rateLimits"
  | "rateLimitBlock"
  | "lastCredentialsRefusal"
  | "clockOffsetMs"
  | "inFlight"
  | "metrics"
>;

/**
 * Options for {@linkcode createControlApp}.
 *
 * @example
 * ```ts
 * import type { Gateway } from "../gateway/gateway.ts";
 * declare const gateway: Gateway;
 * const options: ControlAppOptions = {
 *   router: gateway.router, account: gateway.account, userStream: gateway.userStream,
 *   mode: "production", endpoint: "wss://ws-fapi.binance.com/ws-fapi/v1", guard: { port: () => 7777 },
 * };
 * ```
 */
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
   * when the app runs over a `Gateway`). Ignored when `account` is given (its `orders` are used).
   */
  tracker?: OrderTracker;
  /**
   * The live account (a `Gateway`'s `account`): serves `GET /fills`, `GET /positions`, `GET /events` and the
   * order list of `GET /orders`, all from memory. Without it those three routes do not exist (404).
   */
  account?: AccountView | undefined;
  /** The user data stream (a `Gateway`'s `userStream`), for /health and /metrics; absent: reported "off". */
  userStream?: UserStreamView | undefined;
  /** The embedded simulator, in simulator mode: enables `POST /sim/mark` (otherwise that route is a 404). */
  simulator?: MarkSetter | undefined;
  /** `GET /events` tuning: subscriber limit, per-reader buffer, heartbeat interval and timers. */
  events?: EventStreamOptions;
  /**
   * The order journal's health (a `Gateway`'s, once it passes it): when not ok, `/health` reports
   * `"status": "degraded"` (unless disconnected) and the problem without any path; `/metrics` adds
   * `lightning_journal_ok`. Absent: neither is shown.
   */
  journalHealth?: JournalHealthSource | undefined;
  /** Rate limit of repeated warnings (request bodies cut off by clients): interval and clock. Default 60 s. */
  notices?: ThrottledNoticeOptions;
  /** Aborting it ends every `/events` stream and refuses new ones (so a server can close without waiting). */
  signal?: AbortSignal;
  /**
   * The pre-trade checks (a `Router`'s `preTrade`): `GET /risk`, `PUT /risk`, the `preTrade` block of
   * `/health` and the refusal counters of `/metrics`. Absent: those routes are a 404.
   */
  risk?: RiskView | undefined;
  /** The dead-man's switch (a `Gateway`'s `deadMan`): the `deadMan` block of `/health`. Absent: `"off"`. */
  deadMan?: DeadManView | undefined;
  /** The periodic audit (a `Gateway`'s `audit`): the `audit` block of `/health`. Absent: `"off"`. */
  audit?: AuditView | undefined;
  /** The monitor port's state (`--monitor-port`), read per `/health`; absent: no `monitor` block. */
  monitor?: () => MonitorHealth;
  /** The router's share of each rate limit kept free for cancels, marked on the dashboard. Default 0.05. */
  rateLimitHeadroom?: number;
  /**
   * Operator-relevant happenings: resumes, dropped `/events` readers, gateway bugs behind a 500, and at most
   * one warning a minute counting request bodies that clients cut off.
   */
  onNotice?: (level: "info" | "warn" | "error", msg: string, fields: Record<string, string>) => void;
}

/**
 * Builds the control-plane app.
 *
 * @example
 * ```ts
 * import type { Router } from "../router/router.ts";
 * import type { Simulator } from "../sim/mod.ts";
 * import { serve } from "./server.ts";
 * declare const router: Router;
 * declare const sim: Simulator;
 * const app = createControlApp({ router, mode: "simulator", endpoint: sim.url, guard: { port: () => 7777 },
 *   simulator: sim });
 * const server = await serve({ hostname: "127.0.0.1", port: 7777, fetch: app.fetch });
 * ```
 */
export function createControlApp(options: ControlAppOptions): Hono {
  const { router } = options;
  // One CSRF token per app (per process): the dashboard page embeds it, the guard asks browsers for it.
  const csrfToken = newCsrfToken();
  const guard = new RequestGuard({
    ...options.guard,
    csrfToken,
    openPaths: [...(options.guard.openPaths ?? ["/health"]), ...DASHBOARD_PATHS],
  });
  const maxBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const now = options.now ?? (() => performance.now());
  const startedAt = now();
  const notice = options.onNotice ?? (() => {});
  const body = (request: Request, optional = false) => readJsonObject(request, { maxBytes, optional });
  const query = (url: string) => readQuery(url);
  const { account } = options;
  const tracker = account?.orders ?? options.tracker;

  const app = new Hono();
  const routes = new RouteTable(app);
  // A body cut off by its client is the client's doing (and costs nothing): a counted warning, not an error.
  const cutOff = new ThrottledNotice((count, total) => {
    notice("warn", "control plane: request bodies cut off before their end", {
      count: String(count),
      total: String(total),
    });
  }, options.notices);
  options.signal?.addEventListener("abort", () => cutOff.close(), { once: true });

  // One error mapping for the routes and the raw order lane (`order_lane.ts`).
  const failure = (error: unknown, path: string): HttpError => {
    if (error instanceof ControlError && error.code === LOCAL_CODES.INCOMPLETE_BODY) cutOff.hit();
    return toHttpError(error, (e) => {
      notice("error", "control plane internal error", { path, error: describe(e) });
    });
  };
  app.onError((error, c) => {
    const { status, body, headers } = failure(error, c.req.path);
    return c.json(body, status as ContentfulStatusCode, { "cache-control": "no-store", ...headers });
  });

  app.notFound((c) => {
    const allow = routes.allowed(c.req.path);
    if (allow === undefined) {
      const hint = c.req.path.startsWith("/sim/") ? " (simulator mode only)" : "";
      return c.json(
        { code: LOCAL_CODES.NOT_FOUND, msg: `no route ${c.req.method} ${c.req.path}${hint}` },
        404,
      );
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
    if (!c.res.headers.has("cache-control")) noStore(c); // assets cache themselves
  });

  // The order routes and the local socket (`GET /ws`) run the same operations (validation, routing, errors).
  // Their answers are `jsonAnswer`s: the node:http server writes the JSON text without reading it back.
  const ops = orderOps(router, tracker);
  // The same three order routes straight from node:http, for `serve`'s `lane` (`orderLaneOf(app)`).
  setOrderLane(app, new OrderLane({ guard, ops, maxBytes, failure }));
  routes.add(
    "POST",
    "/orders",
    async (c) => jsonAnswer(await ops.place(await body(c.req.raw))),
    ROUTE_DOCS.placeOrder,
  );

  routes.add("GET", "/orders", async (c) => {
    const result = await ops.query(query(c.req.url));
    // A long order list is serialized and sent a slice at a time, so orders never wait behind it.
    // Each order's JSON comes from the tracker's cache: a poll serializes only the orders changed since.
    return Array.isArray(result)
      ? jsonArrayResponse(result, {}, tracker && ((o) => tracker.json(o)))
      : jsonAnswer(result);
  }, ROUTE_DOCS.queryOrder);

  routes.add(
    "PATCH",
    "/orders",
    async (c) => jsonAnswer(await ops.modify(await body(c.req.raw))),
    ROUTE_DOCS.modifyOrder,
  );

  routes.add(
    "DELETE",
    "/orders",
    async (c) => jsonAnswer(await ops.cancel(query(c.req.url))),
    ROUTE_DOCS.cancelOrder,
  );

  routes.add(
    "GET",
    "/ws",
    localSocketRoute({
      ops,
      maxMessageBytes: maxBytes + 1024,
      maxParamsBytes: maxBytes,
      onInternal: (e) => notice("error", "control plane internal error", { path: "/ws", error: describe(e) }),
    }),
    LOCAL_SOCKET_DOC,
  );

  routes.add("DELETE", "/orders/open", async (c) => {
    const report = await ops.cancelAll(query(c.req.url)) as CancelAllReport;
    if (report.failed.length > 0) {
      notice("error", "cancel all: some cancels failed", {
        symbol: report.symbol,
        failed: report.failed.map((f) => f.clientOrderId).join(","),
      });
    }
    return c.json(report);
  }, ROUTE_DOCS.cancelAll);

  routes.add("GET", "/account", async (c) => {
    validate(emptySchema, query(c.req.url));
    return c.json(await router.accountStatus());
  }, ROUTE_DOCS.account);

  routes.add("GET", "/account/balance", async (c) => {
    validate(emptySchema, query(c.req.url));
    return c.json(await router.accountBalance());
  }, ROUTE_DOCS.accountBalance);

  routes.add("GET", "/account/positions", async (c) => {
    const { symbol } = validate(positionsSchema, query(c.req.url));
    return c.json(await router.accountPositions(symbol));
  }, ROUTE_DOCS.accountPositions);

  const hub = account === undefined ? undefined : new EventHub(account.events, options.events ?? {}, {
    now,
    notice: (msg, fields) => notice("warn", msg, fields),
  });
  if (hub !== undefined) options.signal?.addEventListener("abort", () => hub.close(), { once: true });
  addStatusRoutes(routes, {
    router,
    mode: options.mode,
    endpoint: options.endpoint,
    tracker,
    account,
    hub,
    userStream: options.userStream,
    journalHealth: options.journalHealth,
    deadMan: options.deadMan,
    audit: options.audit,
    risk: options.risk,
    monitor: options.monitor,
    uptimeS: () => Math.floor((now() - startedAt) / 1000),
  });
  if (account !== undefined && hub !== undefined) {
    const risk = options.risk;
    addLiveRoutes(routes, { account, hub, marks: risk === undefined ? undefined : (s) => risk.freshMark(s) });
  }
  if (options.simulator !== undefined) addSimulatorRoutes(routes, options.simulator, (r) => body(r));

  if (options.risk !== undefined) {
    addRiskRoutes(routes, options.risk, (r) => body(r), (msg, fields) => notice("info", msg, fields));
  }
  // The kill switch and what goes with it: halt (and flatten), flatten one symbol, audit now, resume.
  addControlRoutes(routes, { router, audit: options.audit, notice, body });

  if (account !== undefined) {
    // The dashboard shows the live account, so it exists with it (a `Gateway`'s app always has one).
    addDashboardRoutes(routes, {
      csrfToken,
      mode: options.mode,
      tokenRequired: options.guard.token !== undefined,
      rateLimitHeadroom: options.rateLimitHeadroom ?? 0.05,
    });
  }

  addOpenApiRoute(routes); // serves the docs of every route above (and any added later)
  return app;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * `Cache-Control: no-store` on the answer, set on its own headers: Hono's `c.header` on a finished answer
 * builds a new Response around the old one's body stream, which then costs a stream read to write out
 * (about 20 µs an order on Deno). An answer with immutable headers (none of ours) takes Hono's way.
 */
function noStore(c: Context): void {
  try {
    c.res.headers.set("cache-control", "no-store");
  } catch {
    c.header("cache-control", "no-store");
  }
}
