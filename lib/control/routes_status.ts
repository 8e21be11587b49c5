/**
 * `GET /health` and `GET /metrics`: the gateway's state at a glance, read from plain counters (nothing is
 * asked of the exchange).
 *
 * @module
 */

import { ACCOUNT_EVENT_TYPES } from "../account/event_log.ts";
import type { AuditHealth, AuditReport } from "../account/account_audit.ts";
import type { OrderTracker } from "../orders/order_tracker.ts";
import type { UserStream } from "../stream/user_stream.ts";
import type { RouterApi } from "./app.ts";
import { type LiveMetrics, PROMETHEUS_CONTENT_TYPE, prometheusText } from "./metrics.ts";
import type { RouteTable } from "./route_table.ts";
import { ROUTE_DOCS } from "./route_docs.ts";
import type { AccountView } from "./routes_live.ts";
import type { RiskView } from "./routes_risk.ts";
import { atMark } from "../account/positions.ts";
import type { EventHub } from "./sse.ts";

/**
 * The user data stream as `/health` and `/metrics` read it (a `Gateway`'s `userStream`).
 *
 * @example
 * ```ts
 * import type { UserStream } from "../stream/user_stream.ts";
 * declare const stream: UserStream;
 * const view: UserStreamView = stream;
 * view.health().state; // "up"
 * ```
 */
export type UserStreamView = Pick<UserStream, "health">;

/**
 * What `/health` shows as `userStream` when there is no user data stream.
 *
 * @example
 * ```ts
 * USER_STREAM_OFF.state; // "off"
 * ```
 */
export const USER_STREAM_OFF = Object.freeze({ state: "off", reason: "no --stream-url" } as const);

/**
 * The order journal's health as `/health` and `/metrics` read it (`OrderJournal.health()` fits: `problem`
 * carries the file's path and `reason` is the same without it; only a path-free text is ever shown).
 *
 * @example
 * ```ts
 * const source: JournalHealthSource = () => ({ ok: false, reason: "journal write failed (ENOSPC)" });
 * ```
 */
export type JournalHealthSource = () => {
  ok: boolean;
  problem?: string | undefined;
  reason?: string | undefined;
};

/**
 * What the status routes read.
 *
 * @example
 * ```ts
 * import type { RouterApi } from "./app.ts";
 * declare const router: RouterApi;
 * const deps: StatusDeps = { router, mode: "simulator", endpoint: "ws://127.0.0.1:1/ws-fapi/v1",
 *   tracker: undefined, account: undefined, hub: undefined, userStream: undefined, uptimeS: () => 0 };
 * ```
 */
export interface StatusDeps {
  router: RouterApi;
  mode: string;
  endpoint: string;
  tracker: OrderTracker | undefined;
  account: AccountView | undefined;
  hub: EventHub | undefined;
  userStream: UserStreamView | undefined;
  /** The journal's health; undefined: not reported. */
  journalHealth?: JournalHealthSource | undefined;
  /** Seconds since the app started. */
  uptimeS: () => number;
  /** The pre-trade checks: `/health`'s `preTrade` block, `/metrics`' refusal counters; undefined: off. */
  risk?: RiskView | undefined;
  /** The dead-man's switch (a `Gateway`'s `deadMan`): `/health`'s `deadMan` block; undefined: off. */
  deadMan?: DeadManView | undefined;
  /** The periodic audit (a `Gateway`'s `audit`): `/health`'s `audit` block, `/metrics`' audit counters. */
  audit?: AuditView | undefined;
  /** The monitor port's state (`--monitor-port`): `/health`'s `monitor` block; undefined: no block. */
  monitor?: (() => MonitorHealth) | undefined;
}

/**
 * The monitor port as `/health` shows it (`lib/monitor/`).
 *
 * @example
 * ```ts
 * const up: MonitorHealth = { state: "up", url: "http://127.0.0.1:7778", nice: 10 };
 * ```
 */
export type MonitorHealth =
  /**
   * `nice`: the thread's CPU priority (Linux; 0 = the gateway's own); `events`: its `/events` readers now and
   * dropped (for not keeping up) since start.
   */
  | {
    state: "up";
    url: string;
    nice: number;
    events?: { subscribers: number; subscribersDropped: number };
  }
  | { state: "failed"; url: string; error: string }
  | { state: "off" };

/**
 * The periodic audit of the live view as `/health` and `/metrics` read it (a `Gateway`'s `audit`).
 *
 * @example
 * ```ts
 * const view: AuditView = {
 *   health: () => ({ intervalMs: 60_000, audits: 1, skipped: 0, drift: 0, lastAt: Date.now(), lastDrift: 0,
 *     lastError: null }),
 *   run: () => Promise.resolve(undefined),
 * };
 * ```
 */
export interface AuditView {
  /** Interval, audits and skipped turns so far, drift found in all and by the last one, the last error. */
  health(): AuditHealth;
  /** Audits now (joining one that runs); undefined when skipped (link down, a gap pass running). */
  run(): Promise<AuditReport | undefined>;
}

/**
 * The dead-man's switch as `/health` reads it (a `Gateway`'s `deadMan`).
 *
 * @example
 * ```ts
 * const view: DeadManView = {
 *   health: () => ({ countdownMs: 60_000, armed: ["BTCUSDT"], refreshes: 3, failures: 0 }),
 * };
 * ```
 */
export interface DeadManView {
  /** The countdown, the symbols armed now, refreshes and failures so far. */
  health(): { countdownMs: number; armed: string[]; refreshes: number; failures: number };
}

/** How long `/health` shows the exchange's refusal of the key (and reads "degraded") after the last one. */
const CREDENTIALS_REFUSAL_SHOWN_MS = 60_000;

/**
 * Adds `GET /health` and `GET /metrics`.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import type { RouterApi } from "./app.ts";
 * import { RouteTable } from "./route_table.ts";
 * declare const router: RouterApi;
 * addStatusRoutes(new RouteTable(new Hono()), {
 *   router, mode: "simulator", endpoint: "ws://127.0.0.1:1/ws-fapi/v1", tracker: undefined,
 *   account: undefined, hub: undefined, userStream: undefined, uptimeS: () => 0,
 * });
 * ```
 */
export function addStatusRoutes(routes: RouteTable, deps: StatusDeps): void {
  const { router } = deps;

  routes.add("GET", "/health", (c) => {
    const connected = router.connected;
    const halted = router.halted;
    const journal = journalStatus(deps.journalHealth);
    // The exchange refusing the key (revoked, IP not allowed) within the last minute: nothing signed works.
    const block = router.rateLimitBlock;
    const refusal = router.lastCredentialsRefusal;
    const refused = refusal !== undefined && Date.now() - refusal.at < CREDENTIALS_REFUSAL_SHOWN_MS
      ? refusal
      : undefined;
    // A broken journal outranks a halt (it usually caused it, and resuming will not fix it).
    const status = !connected
      ? "disconnected"
      : journal?.ok === false || refused !== undefined
      ? "degraded"
      : halted !== undefined
      ? "halted"
      : block !== undefined // the exchange's 429/418: every new order is refused locally until it ends
      ? "degraded"
      : "ok";
    const health: Record<string, unknown> = {
      status,
      mode: deps.mode,
      endpoint: deps.endpoint,
      connected,
      auth: router.auth,
      ...(refused === undefined ? {} : {
        credentialsRefused: { code: refused.code, msg: refused.msg, method: refused.method, at: refused.at },
      }),
      uptimeS: deps.uptimeS(),
      halted: halted !== undefined,
      haltReason: halted ?? null,
      inFlight: router.inFlight,
      clockOffsetMs: router.clockOffsetMs,
      orders: orderCounts(deps.tracker),
      userStream: deps.userStream?.health() ?? USER_STREAM_OFF,
      rateLimits: router.rateLimits,
      // After an exchange 429/418: new requests refused locally (-13) until then; cancels still go out.
      ...(block === undefined
        ? {}
        : { rateLimitBlock: { until: new Date(block.until).toISOString(), reason: block.reason } }),
    };
    if (deps.account !== undefined) {
      health.events = {
        lastId: deps.account.events.lastId,
        subscribers: deps.hub?.subscribers ?? 0,
        subscribersDropped: deps.hub?.dropped ?? 0,
      };
      health.fills = { total: deps.account.fills.total };
    }
    if (journal !== undefined) health.journal = journal;
    // `preTrade.filters` is "unavailable" when exchangeInfo could not be loaded: orders pass to the exchange.
    health.preTrade = deps.risk === undefined ? { filters: "off" } : deps.risk.health();
    health.deadMan = deps.deadMan === undefined
      ? { state: "off" }
      : { state: "on", ...deps.deadMan.health() };
    health.audit = deps.audit === undefined ? { state: "off" } : { state: "on", ...deps.audit.health() };
    if (deps.monitor !== undefined) health.monitor = deps.monitor();
    return c.json(health, connected ? 200 : 503);
  }, ROUTE_DOCS.health);

  routes.add("GET", "/metrics", (c) => {
    const stream = deps.userStream?.health();
    const audit = deps.audit?.health();
    const monitor = deps.monitor?.();
    const monitorEvents = monitor?.state === "up" ? monitor.events : undefined;
    const text = prometheusText({
      metrics: router.metrics,
      rateLimits: router.rateLimits,
      connected: router.connected,
      halted: router.halted !== undefined,
      inFlight: router.inFlight,
      clockOffsetMs: router.clockOffsetMs,
      uptimeS: deps.uptimeS(),
      orders: orderCounts(deps.tracker),
      ...(deps.account === undefined ? {} : { account: liveMetrics(deps.account, deps.hub, deps.risk) }),
      userStream: stream === undefined ? undefined : {
        up: stream.state === "up",
        reconnects: stream.reconnects,
        listenKeyRenewals: stream.listenKeyRenewals,
        lastEventAgeMs: stream.lastEventAgeMs ?? null,
      },
      ...(deps.deadMan === undefined ? {} : { deadMan: deps.deadMan.health() }),
      journalOk: journalStatus(deps.journalHealth)?.ok,
      ...(deps.risk === undefined ? {} : {
        risk: { refusals: deps.risk.refusalCounts(), filtersOk: deps.risk.health().filters === "ok" },
      }),
      ...(audit === undefined ? {} : { audit: { audits: audit.audits, drift: audit.drift } }),
      ...(monitorEvents === undefined ? {} : { monitorEvents }),
    });
    return c.body(text, 200, { "content-type": PROMETHEUS_CONTENT_TYPE });
  }, ROUTE_DOCS.metrics);
}

function liveMetrics(
  account: AccountView,
  hub: EventHub | undefined,
  risk: RiskView | undefined,
): LiveMetrics {
  const events: Record<string, number> = {};
  for (const type of ACCOUNT_EVENT_TYPES) events[type] = account.events.count(type);
  return {
    events,
    fills: account.fills.total,
    // Unrealized PnL at the fresh mark, as GET /positions answers it.
    positions: account.book.positions().map((p) => atMark(p, risk?.freshMark(p.symbol))),
    gapReconciliations: hub?.gapReconciliations ?? 0,
    subscribers: hub?.subscribers ?? 0,
    subscribersDropped: hub?.dropped ?? 0,
  };
}

/** The journal as /health shows it: `{ok: true}` or `{ok: false, problem}` with no path in `problem`. */
function journalStatus(
  source: JournalHealthSource | undefined,
): { ok: boolean; problem?: string } | undefined {
  if (source === undefined) return undefined;
  let h: ReturnType<JournalHealthSource>;
  try {
    h = source();
  } catch {
    return { ok: false, problem: "journal health unavailable" };
  }
  if (h.ok) return { ok: true };
  return { ok: false, problem: h.reason ?? withoutPaths(h.problem ?? "the journal cannot be written") };
}

/**
 * `text` with every token that contains a slash or backslash (a file path) replaced by `<path>`.
 *
 * @example
 * ```ts
 * withoutPaths("write failed on /srv/lr/journal-000003.log: ENOSPC"); // "write failed on <path>: ENOSPC"
 * ```
 */
export function withoutPaths(text: string): string {
  return text.replace(/[^\s"'(),;]*[\\/][^\s"'(),;:]*/g, "<path>");
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
