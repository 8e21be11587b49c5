/**
 * The gateway's live-state wiring: the user data stream feeding the account, gap reconciliation behind it,
 * the periodic audit against the exchange, the daily loss limit, and the account events that router and stream
 * notices become.
 *
 * @module
 */

import { AccountAudit, type AuditReport } from "../account/account_audit.ts";
import type { AccountState } from "../account/account_state.ts";
import type { OrderAdopter } from "../account/adoption.ts";
import { GapReconciler } from "../account/gap_reconciler.ts";
import { LossBreaker } from "../risk/loss_breaker.ts";
import type { PreTradeGuard } from "../risk/pre_trade_guard.ts";
import type { Router } from "../router/router.ts";
import type { HaltKeeper } from "./_halt_file.ts";
import { UserStream } from "../stream/user_stream.ts";
import type { GatewayEvent } from "./gateway_events.ts";
import type { GatewayOptions } from "./gateway.ts";

/**
 * Builds the gap reconciler (into `late.gaps`) and, with a `streamUrl`, the user stream (not started).
 *
 * @example
 * ```ts
 * import type { GapReconciler } from "../account/gap_reconciler.ts";
 * declare const args: Parameters<typeof startUserStream>;
 * const stream = startUserStream(...args);
 * await stream?.start();
 * ```
 */
export function startUserStream(
  options: GatewayOptions,
  router: Router,
  account: AccountState,
  onEvent: (event: GatewayEvent) => void,
  late: { gaps?: GapReconciler },
): UserStream | undefined {
  const gaps = new GapReconciler({
    router,
    account,
    onPass: (pass) => onEvent({ type: "gap-reconciled", ...pass }),
    ...(options.reconcileWeightShare === undefined ? {} : { weightShare: options.reconcileWeightShare }),
    onWait: (wait) => onEvent({ type: "reconcile-waiting", ...wait }),
  });
  late.gaps = gaps;
  // Without a stream (or when it loses the event), the order reconciler's ack follow-up tells how an
  // acked-NEW MARKET/IOC/FOK order ended (lib/orders/ack_follow_up.ts), so none stays "open" for ever.
  if (options.streamUrl === undefined) return undefined;
  const stream = new UserStream({
    streamUrl: options.streamUrl,
    keys: router,
    onEvent: (event) => account.apply(event),
    onGap: (reason) => void gaps.reconcile(reason),
    onNotice: onEvent,
    paused: () => router.quiet,
  });
  return stream;
}

/**
 * Time between two audits of the live view when `auditIntervalMs` is unset: 60 s. One audit weighs about 90
 * (two listings of every symbol at 40, the position and balance snapshots at 5), under 4 % of the default
 * 2,400-per-minute request weight.
 *
 * @example
 * ```ts
 * DEFAULT_AUDIT_INTERVAL_MS; // 60000
 * ```
 */
export const DEFAULT_AUDIT_INTERVAL_MS = 60_000;

/**
 * Starts the periodic audit of the live view against the exchange, or returns undefined without an adopter
 * (no `restUrl`: the listing is REST only) or with `auditIntervalMs: 0`.
 *
 * @example
 * ```ts
 * declare const args: Parameters<typeof startAccountAudit>;
 * const audit = startAccountAudit(...args);
 * audit?.stop();
 * ```
 */
export function startAccountAudit(
  options: GatewayOptions,
  router: Router,
  account: AccountState,
  adopter: OrderAdopter | undefined,
  busy: () => boolean,
  onEvent: (event: GatewayEvent) => void,
): AccountAudit | undefined {
  const intervalMs = options.auditIntervalMs ?? DEFAULT_AUDIT_INTERVAL_MS;
  if (adopter === undefined || intervalMs === 0) return undefined;
  const { clock } = options;
  const audit = new AccountAudit({
    router,
    account,
    adopter,
    intervalMs,
    busy,
    onAudit: (report: AuditReport) => onEvent({ type: "account-audited", ...report }),
    ...(options.auditSettleMs === undefined ? {} : { settleMs: options.auditSettleMs }),
    ...(clock === undefined ? {} : { clock, serverNow: () => clock.now() }),
    ...(options.reconcileWeightShare === undefined ? {} : { weightShare: options.reconcileWeightShare }),
    onWait: (wait) => onEvent({ type: "reconcile-waiting", ...wait }),
  });
  audit.start();
  return audit;
}

/**
 * Starts the daily loss limit on the live account (`maxDailyLoss` in the guard's limits, read at every look):
 * a trip is a `risk-breaker` event and a halt, with flatten when `flattenOnDailyLoss`. `GET /risk` shows it.
 * With `kept` (the gateway's halt file), a trip is kept across a restart.
 *
 * @example
 * ```ts
 * declare const args: Parameters<typeof watchDailyLoss>;
 * const loss = watchDailyLoss(...args);
 * loss.close();
 * ```
 */
export function watchDailyLoss(
  options: GatewayOptions,
  router: Router,
  guard: PreTradeGuard,
  account: AccountState,
  emit: (event: GatewayEvent) => void,
  kept?: Pick<HaltKeeper, "dailyLossTripped">,
): LossBreaker {
  const loss = new LossBreaker({
    account,
    limits: () => guard.check.limits,
    mark: (symbol) => {
      const s = guard.check.state(symbol);
      return s === undefined || s.mark8 === 0n ? undefined : { price: Number(s.mark8) / 1e8, at: s.markAt };
    },
    trip: (reason, flatten) => {
      emit({ type: "risk-breaker", reason });
      void router.halt(reason, { flatten }).catch(() => {});
    },
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(kept?.dailyLossTripped === undefined ? {} : { trippedFor: kept.dailyLossTripped }),
    ...(kept === undefined ? {} : { onTripChange: (key: string | undefined) => kept.dailyLossTripped = key }),
  });
  guard.dailyLoss = loss;
  return loss;
}

/**
 * The account's event log records connection changes and halts besides order and account changes.
 *
 * @example
 * ```ts
 * import { AccountState } from "../account/account_state.ts";
 * recordAccountEvent(new AccountState(), { type: "halted", reason: "news", reasons: ["news"] });
 * ```
 */
export function recordAccountEvent(account: AccountState, event: GatewayEvent): void {
  switch (event.type) {
    case "halted":
      account.events.append("halt", { reason: event.reason, reasons: event.reasons });
      return;
    case "resumed":
      account.events.append("resume", { removed: event.removed, reasons: event.reasons });
      return;
    case "connected":
    case "disconnected":
    case "reconnecting":
    case "rotated":
      account.events.append("connection", { link: "ws-fapi", ...event });
      return;
    case "stream-up":
    case "stream-down":
    case "listen-key-renewed":
    case "listen-key-ping-failed":
    case "gap-reconciled":
      account.events.append("connection", { link: "user-stream", ...event });
      return;
    case "account-audited": {
      // Only an audit that found something is news on the account's stream; /health counts every one.
      const { type: _type, ...report } = event;
      const drift = report.adopted.length + report.corrected.length + report.positions.length;
      if (drift > 0 || report.error !== undefined) account.events.append("audit", { ...report, drift });
      return;
    }
    default:
      return;
  }
}
