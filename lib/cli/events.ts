/**
 * Turns the gateway's and router's lifecycle events into log lines: one line per event, with the fields an operator
 * needs to act on it.
 *
 * @module
 */

import type { GatewayEvent } from "../gateway/gateway.ts";
import type { Logger } from "./log.ts";

/**
 * Logs one gateway or router event.
 *
 * @example
 * ```ts
 * import { Gateway, type GatewayOptions } from "../gateway/gateway.ts";
 * import type { Logger } from "./log.ts";
 * declare const options: GatewayOptions;
 * declare const log: Logger;
 * const gateway = await Gateway.open({ ...options, onEvent: (e) => logGatewayEvent(log, e) });
 * ```
 */
export function logGatewayEvent(log: Logger, event: GatewayEvent): void {
  switch (event.type) {
    case "connected":
      return log.info("exchange connected", { generation: event.generation });
    case "disconnected":
      return log.warn("exchange disconnected", { generation: event.generation, reason: event.reason });
    case "reconnecting":
      return log.warn("exchange reconnecting", {
        attempt: event.attempt,
        delayMs: Math.round(event.delayMs),
        error: event.error,
      });
    case "rotated":
      return log.info("connection rotated", { generation: event.generation, reason: event.reason });
    case "rotate-failed":
      return log.warn("connection rotation failed", { reason: event.reason, error: event.error });
    case "malformed-frame":
      return log.warn("malformed frame from exchange", { sample: event.sample });
    case "late-answer":
      return log.warn("answer arrived after its request timed out", { id: event.id });
    case "exchange-notice":
      return log.warn("exchange notice", { status: event.status, code: event.code, msg: event.msg });
    case "server-shutdown":
      return log.warn("exchange announced a server shutdown; rotating");
    case "rate-limited":
      return log.warn("rate-limited by the exchange", {
        status: event.status,
        until: new Date(event.untilMs).toISOString(),
      });
    case "credentials-refused":
      return log.error("the exchange refuses the API key: check the key, its IP allow-list and permissions", {
        code: event.code,
        msg: event.msg,
        method: event.method,
      });
    case "stream-up":
      return log.info("user stream up", { reconnects: event.reconnects });
    case "stream-down":
      return log.warn("user stream down; reconnecting (the gap is reconciled once it is back)", {
        reason: event.reason,
      });
    case "listen-key-renewed":
      return log.warn("user stream listenKey renewed", { reason: event.reason });
    case "listen-key-ping-failed":
      return log.warn("user stream listenKey keep-alive failed", { error: event.error });
    case "gap-reconciled":
      return event.error === undefined
        ? log.info("gap reconciled: orders and positions asked from the exchange", {
          reason: event.reason,
          orders: event.orders,
        })
        : log.warn("gap reconciled in part: some queries failed (tried again at the next gap or audit)", {
          reason: event.reason,
          orders: event.orders,
          error: event.error,
        });
    case "clock-stepped":
      return log.warn("the host's clock stepped; the exchange clock offset followed it", {
        stepMs: event.stepMs,
        offsetMs: event.offsetMs,
      });
    case "clock":
      return log.info("clock synced", { offsetMs: event.offsetMs });
    case "risk-filters":
      return event.state === "ok"
        ? log.info("exchange filters loaded", {
          symbols: event.symbols,
          skipped: event.skipped,
          reason: event.reason,
        })
        : log.warn(
          event.state === "stale"
            ? "exchange filters refresh failed; the loaded ones stay in force"
            : "exchange filters unavailable; orders pass to the exchange unchecked by filters",
          { error: event.error, reason: event.reason },
        );
    case "risk-marks":
      return event.state === "up"
        ? log.info("mark price stream up")
        : log.warn("mark price stream down", { state: event.state, reason: event.reason });
    case "risk-limits":
      return log.info("risk limits in force", { limits: JSON.stringify(event.limits) });
    case "risk-breaker":
      return log.error("risk breaker tripped; router halted", { reason: event.reason }); // rejects or daily loss
    case "halted":
      return log.warn("orders halted", { reason: event.reason });
    case "resumed":
      return log.info(event.reasons.length === 0 ? "orders resumed" : "halt reason removed", {
        removed: event.removed.join("; "),
        ...(event.reasons.length === 0 ? {} : { stillHalted: event.reasons.join("; ") }),
      });
    case "account-reader-error":
      return log.error("an account event reader threw; it is still called", {
        error: event.error,
        count: event.count,
      });
    case "halt-restored":
      return log.error("halted when the last run stopped; new orders held until POST /resume", {
        reasons: event.reasons.join("; "),
      });
    case "halt-not-kept":
      return log.error("halt not written to the data directory; a restart would not be halted", {
        error: event.error,
      });
    case "journal-corrupt":
      return log.warn("journal: unreadable records skipped", { count: event.count, first: event.first });
    case "reconciling":
      return log.info("journal: reconciling orders from the last run", { orders: event.orders });
    case "reconciled":
      return log.info("journal: reconciled; orders resumed", { reconciled: event.orders });
    case "reconcile-incomplete":
      return log.error("journal: stopped before every restored order was known", { unknown: event.unknown });
    case "reconcile-slow":
      return log.error("journal: restored orders still unknown; new orders stay held until they are known", {
        unknown: event.unknown,
        elapsedMs: event.elapsedMs,
      });
    case "reconcile-waiting":
      return log.info("reconciliation paced: waiting for the request-weight window", {
        count: event.count,
        limit: event.limit,
        resumeAt: new Date(event.resumeAt).toISOString(),
      });
    case "orders-adopted":
      return log[event.recovered > 0 ? "warn" : "info"]("open orders adopted from the exchange", {
        reason: event.reason,
        listed: event.listed,
        recovered: event.recovered,
        external: event.external,
        resolved: event.resolved,
      });
    case "adopt-skipped":
      return log.warn("open orders not listed from the exchange", { reason: event.reason, why: event.why });
    case "journal-damaged":
      return log.error("journal damaged; new orders held", { reason: event.reason });
    case "journal-problem":
      return log.error("journal failed; new orders held", { problem: event.problem });
    case "fills-recovered":
      if (event.gaveUp !== undefined) {
        log.error("the exchange's trades do not add up to what these orders executed; /fills lacks some", {
          orders: event.gaveUp.join(","),
        });
      }
      if (event.fills === 0 && event.error === undefined) return;
      return event.error === undefined
        ? log.warn("fills the user stream missed, read from the exchange", {
          fills: event.fills,
          orders: event.orders.join(","),
          ...(event.left === undefined ? {} : { left: event.left }),
        })
        : log.warn("missed fills could not all be read; tried again shortly", {
          fills: event.fills,
          error: event.error,
          ...(event.left === undefined ? {} : { left: event.left }),
        });
    case "data-dir-lock":
      return event.held
        ? log.error("data directory taken by another router; new orders held", { problem: event.problem })
        : log.warn("data directory lock restored", { problem: event.problem });
    case "account-audited": {
      // Drift is what the user stream missed: worth a warning. A clean audit is only counted (/health).
      const { adopted, corrected, positions, error } = event;
      if (error !== undefined) log.warn("account audit incomplete", { error });
      if (adopted.length + corrected.length + positions.length === 0) return;
      return log.warn("account audit corrected the live view", {
        corrected: corrected.join(","),
        adopted: adopted.join(","),
        positions: positions.join(","),
      });
    }
    case "dead-man-error":
      return log.warn("dead-man's switch refresh failed", { symbol: event.symbol, error: event.error });
    default: {
      // A newer router may add events: still log them rather than drop them.
      const unknown = event as { type?: unknown };
      return log.info("router event", { type: String(unknown.type) });
    }
  }
}
