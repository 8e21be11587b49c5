/**
 * `/metrics` in the Prometheus text format (version 0.0.4): requests by method and outcome, the round-trip
 * histogram, connection counters, rate-limit usage as last reported by the exchange, and gauges for the
 * gateway's state. Rendered on demand from the router's plain counters; nothing is kept here.
 *
 * @module
 */

import type { Position } from "../account/positions.ts";
import { OUTCOMES, type PipelineMetrics, RTT_BUCKETS_US } from "../pipeline/pipeline_metrics.ts";
import type { RateLimit } from "../types.ts";
import { METHOD_NAMES } from "../wire/methods.ts";

/** Content type of the Prometheus text format. */
export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/** What the metrics are rendered from. */
export interface MetricsSnapshot {
  readonly metrics: PipelineMetrics;
  readonly rateLimits: readonly RateLimit[];
  readonly connected: boolean;
  readonly halted: boolean;
  readonly inFlight: number;
  readonly clockOffsetMs: number;
  readonly uptimeS: number;
  /** Tracked orders by state, and unknown outcomes resolved by reconciliation. */
  readonly orders?: { open: number; pending: number; unknown: number; reconciled: number };
  /** The live account: events by type, fills, gap reconciliations and `/events` readers. */
  readonly account?: LiveMetrics;
  /** The user data stream's counters; undefined when there is none (no user stream series then). */
  readonly userStream?: {
    up: boolean;
    reconnects: number;
    listenKeyRenewals: number;
    /** Since its last event, ms; null before the first. */
    lastEventAgeMs?: number | null;
  } | undefined;
  /** The dead-man's switch: symbols armed now and failed refreshes; undefined when it is off. */
  readonly deadMan?: { armed: readonly string[]; failures: number } | undefined;
  /** Whether the order journal can be written; undefined when the app was given no journal health. */
  readonly journalOk?: boolean | undefined;
  /** Pre-trade refusals by `kind:name` (e.g. `filter:PRICE_FILTER`) and whether the filters are loaded. */
  readonly risk?: { refusals: ReadonlyMap<string, number>; filtersOk: boolean } | undefined;
  /** Audits of the live view against the exchange, and the orders and position lines they corrected. */
  readonly audit?: { audits: number; drift: number } | undefined;
  /** The monitor port's `/events` readers (`--monitor-port`); undefined without one. */
  readonly monitorEvents?: { subscribers: number; subscribersDropped: number } | undefined;
}

/**
 * The live account's counters for `/metrics`.
 *
 * @example
 * ```ts
 * const live: LiveMetrics = { events: { order: 3, fill: 1 }, fills: 1, positions: [], gapReconciliations: 0,
 *   subscribers: 1, subscribersDropped: 0 };
 * ```
 */
export interface LiveMetrics {
  /** Account events logged, by type. */
  readonly events: Readonly<Record<string, number>>;
  /** Fills recorded since start. */
  readonly fills: number;
  /** The live positions (non-zero lines). */
  readonly positions?: readonly Pick<
    Position,
    "symbol" | "positionSide" | "positionAmt" | "unrealizedProfit"
  >[];
  /** Gap reconciliation passes (after a user stream or ws-fapi reconnect). */
  readonly gapReconciliations: number;
  /** `/events` readers connected now. */
  readonly subscribers: number;
  /** `/events` readers dropped for not keeping up. */
  readonly subscribersDropped: number;
}

/** Methods always listed, so dashboards see zeros instead of missing series. */
const ALWAYS = new Set([
  "order.place",
  "order.modify",
  "order.cancel",
  "order.status",
  "algoOrder.place",
  "algoOrder.cancel",
]);

const INTERVAL_UNIT: Readonly<Record<string, string>> = { SECOND: "s", MINUTE: "m", HOUR: "h", DAY: "d" };

/**
 * Renders the Prometheus text.
 *
 * @example
 * ```ts
 * import type { Router } from "../router/router.ts";
 * declare const router: Router;
 * const text = prometheusText({
 *   metrics: router.metrics, rateLimits: router.rateLimits, connected: router.connected,
 *   halted: router.halted !== undefined, inFlight: router.inFlight, clockOffsetMs: router.clockOffsetMs,
 *   uptimeS: 1,
 * });
 * ```
 */
export function prometheusText(s: MetricsSnapshot): string {
  const out: string[] = [];
  const family = (name: string, type: string, help: string) =>
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);

  family(
    "lightning_requests_total",
    "counter",
    "Exchange requests by method and outcome (ok, rejected, unknown, failed).",
  );
  const m = s.metrics;
  METHOD_NAMES.forEach((method, i) => {
    let any = ALWAYS.has(method);
    for (let o = 0; o < OUTCOMES.length && !any; o++) any = m.byMethod[i * OUTCOMES.length + o]! > 0;
    if (!any) return;
    OUTCOMES.forEach((outcome, o) => {
      out.push(
        `lightning_requests_total{method="${method}",outcome="${outcome}"} ${
          m.byMethod[i * OUTCOMES.length + o]
        }`,
      );
    });
  });

  family("lightning_rtt_seconds", "histogram", "Round trip from send to answer, per exchange request.");
  let cumulative = 0;
  RTT_BUCKETS_US.forEach((us, b) => {
    cumulative += m.rttBuckets[b]!;
    out.push(`lightning_rtt_seconds_bucket{le="${us / 1e6}"} ${cumulative}`);
  });
  out.push(`lightning_rtt_seconds_bucket{le="+Inf"} ${m.rttCount}`);
  out.push(`lightning_rtt_seconds_sum ${m.rttSumUs / 1e6}`);
  out.push(`lightning_rtt_seconds_count ${m.rttCount}`);

  const counter = (name: string, help: string, value: number) => {
    family(name, "counter", help);
    out.push(`${name} ${value}`);
  };
  counter("lightning_reconnects_total", "Reconnects after a lost exchange connection.", m.reconnects);
  counter("lightning_rotations_total", "Planned switches to a fresh exchange connection.", m.rotations);
  counter(
    "lightning_malformed_frames_total",
    "Frames from the exchange that were not valid JSON.",
    m.malformedFrames,
  );
  counter(
    "lightning_late_answers_total",
    "Answers that arrived after their request timed out.",
    m.lateAnswers,
  );
  counter(
    "lightning_rate_limited_total",
    "Requests refused locally to stay within the exchange's rate limits.",
    m.rateLimited,
  );

  if (s.rateLimits.length > 0) {
    family(
      "lightning_rate_limit_count",
      "gauge",
      "Usage of each exchange rate limit, as last reported by the exchange.",
    );
    for (const l of s.rateLimits) out.push(`lightning_rate_limit_count{${limitLabels(l)}} ${l.count}`);
    family("lightning_rate_limit_limit", "gauge", "Size of each exchange rate limit.");
    for (const l of s.rateLimits) out.push(`lightning_rate_limit_limit{${limitLabels(l)}} ${l.limit}`);
  }

  const gauge = (name: string, help: string, value: number) => {
    family(name, "gauge", help);
    out.push(`${name} ${value}`);
  };
  gauge("lightning_connected", "1 when a logged-on exchange connection is up.", s.connected ? 1 : 0);
  gauge("lightning_halted", "1 while new orders are halted (kill switch).", s.halted ? 1 : 0);
  gauge("lightning_in_flight", "Exchange requests awaiting an answer.", s.inFlight);
  gauge("lightning_clock_offset_seconds", "Exchange clock minus local clock.", s.clockOffsetMs / 1000);
  gauge("lightning_uptime_seconds", "Seconds since the gateway started.", s.uptimeS);
  if (s.journalOk !== undefined) {
    gauge(
      "lightning_journal_ok",
      "1 while the order journal can be written (0: new orders are held; POST /resume once it is fixed).",
      s.journalOk ? 1 : 0,
    );
  }
  if (s.orders !== undefined) {
    family("lightning_orders", "gauge", "Orders this router tracks, by state (open, pending, unknown).");
    for (const state of ["open", "pending", "unknown"] as const) {
      out.push(`lightning_orders{state="${state}"} ${s.orders[state]}`);
    }
    counter(
      "lightning_orders_reconciled_total",
      "Orders whose unknown outcome was resolved by reconciliation.",
      s.orders.reconciled,
    );
  }
  if (s.account !== undefined || s.userStream !== undefined) liveMetrics(s, out, family, counter, gauge);
  if (s.deadMan !== undefined) {
    gauge(
      "lightning_dead_man_armed_symbols",
      "Symbols whose countdown cancel-all is armed now.",
      s.deadMan.armed.length,
    );
    counter(
      "lightning_dead_man_failures_total",
      "Dead-man's switch refreshes that failed.",
      s.deadMan.failures,
    );
  }
  if (s.audit !== undefined) {
    counter("lightning_audits_total", "Audits of the live view against the exchange.", s.audit.audits);
    counter(
      "lightning_audit_drift_total",
      "Orders and position lines an audit corrected or adopted: changes the user data stream missed.",
      s.audit.drift,
    );
  }
  if (s.monitorEvents !== undefined) {
    gauge(
      "lightning_monitor_event_subscribers",
      "Readers connected to the monitor port's /events.",
      s.monitorEvents.subscribers,
    );
    counter(
      "lightning_monitor_event_subscribers_dropped_total",
      "Readers of the monitor port's /events dropped for not keeping up.",
      s.monitorEvents.subscribersDropped,
    );
  }
  if (s.risk !== undefined) {
    family(
      "lightning_risk_refusals_total",
      "counter",
      "Orders refused by the pre-trade check before sending, by kind (filter, limit) and filter or limit.",
    );
    for (const [key, n] of s.risk.refusals) {
      const [kind, name] = key.split(":");
      out.push(`lightning_risk_refusals_total{kind="${kind}",name="${name}"} ${n}`);
    }
    gauge(
      "lightning_risk_filters_loaded",
      "1 while exchange filters are loaded (0: orders pass to the exchange unchecked by filters).",
      s.risk.filtersOk ? 1 : 0,
    );
  }
  return out.join("\n") + "\n";
}

type Emit = (name: string, help: string, value: number) => void;

function liveMetrics(
  s: MetricsSnapshot,
  out: string[],
  family: (name: string, type: string, help: string) => void,
  counter: Emit,
  gauge: Emit,
): void {
  const a = s.account;
  if (a !== undefined) {
    family(
      "lightning_account_events_total",
      "counter",
      "Account events logged (the /events stream), by type.",
    );
    for (const [type, n] of Object.entries(a.events)) {
      out.push(`lightning_account_events_total{type="${type}"} ${n}`);
    }
    counter("lightning_fills_total", "Fills recorded from the user data stream.", a.fills);
    if (a.positions !== undefined) {
      family(
        "lightning_position",
        "gauge",
        "Live position by symbol and side (negative: short; flat lines absent).",
      );
      for (const p of a.positions) {
        out.push(
          `lightning_position{symbol="${p.symbol}",side="${p.positionSide}"} ${Number(p.positionAmt)}`,
        );
      }
      family(
        "lightning_unrealized_pnl",
        "gauge",
        "Unrealized PnL of each live position, in its margin asset, at the fresh mark price (else as its last " +
          "position line reported it).",
      );
      for (const p of a.positions) {
        out.push(
          `lightning_unrealized_pnl{symbol="${p.symbol}",side="${p.positionSide}"} ${
            Number(p.unrealizedProfit)
          }`,
        );
      }
    }
    counter(
      "lightning_gap_reconciliations_total",
      "Reconciliation passes after a user stream or ws-fapi gap.",
      a.gapReconciliations,
    );
    gauge("lightning_event_subscribers", "Readers connected to /events.", a.subscribers);
    counter(
      "lightning_event_subscribers_dropped_total",
      "Readers of /events dropped for not keeping up.",
      a.subscribersDropped,
    );
  }
  // Without a user stream (a custom endpoint with no --stream-url) there is none to be down: no series, so an
  // alert on `lightning_user_stream_up == 0` stays quiet.
  const u = s.userStream;
  if (u === undefined) return;
  gauge("lightning_user_stream_up", "1 when the user data stream is connected.", u.up ? 1 : 0);
  counter("lightning_user_stream_reconnects_total", "User data stream reconnects.", u.reconnects);
  counter("lightning_listen_key_renewals_total", "New listenKeys after expiry.", u.listenKeyRenewals);
  if (u.lastEventAgeMs !== undefined && u.lastEventAgeMs !== null) {
    gauge(
      "lightning_user_stream_last_event_age_seconds",
      "Since the user data stream's last event. A quiet account has none for long stretches: no fault by " +
        "itself; events lost with the socket up are found by the audit (lightning_audit_drift_total).",
      u.lastEventAgeMs / 1000,
    );
  }
}

function limitLabels(l: RateLimit): string {
  const interval = `${l.intervalNum}${INTERVAL_UNIT[l.interval] ?? l.interval}`;
  return `type="${l.rateLimitType}",interval="${interval}"`;
}
