/**
 * The gateway's start-up steps: the exchange must accept the credentials before the gateway counts as
 * started (so the CLI exits 1 and `/health` never says ok with a refused key), and a reconciliation of a
 * crashed run's orders that takes long is reported loudly, again and again, until it is done.
 *
 * It also builds the adoption of the exchange's open orders (REST, so only with a `restUrl`) and runs it with
 * its events.
 *
 * Where a bad key shows: with Ed25519 the session logon (inside `Router.connect`) is the first signed request
 * and fails; with HMAC nothing on connect is signed (session.status is not, userDataStream.start needs the key
 * only), so the gateway sends `v2/account.balance` (weight 5), whose answer also seeds the balances.
 *
 * @module
 */

import type { AccountState } from "../account/account_state.ts";
import { type AdoptionReport, OrderAdopter, ownClientOrderIds } from "../account/adoption.ts";
import { OpenOrdersClient } from "../account/open_orders.ts";
import { FillRecovery } from "../account/fill_recovery.ts";
import type { Clock } from "../_clock.ts";
import { unrefTimer } from "../_timers.ts";
import { ConnectError } from "../errors.ts";
import type { OrderTracker } from "../orders/order_tracker.ts";
import { refusedCredentials, restQuerySigner } from "../router/_credentials.ts";
import type { Router } from "../router/router.ts";
import type { GatewayEvent } from "./gateway_events.ts";
import type { GatewayOptions } from "./gateway.ts";

/**
 * The first signed request of an HMAC start (Ed25519 logged on already): rejects with a `ConnectError` when it
 * fails, naming the code and what to check when the exchange refused the credentials.
 *
 * @example
 * ```ts
 * import { AccountState } from "../account/account_state.ts";
 * import type { Router } from "../router/router.ts";
 * declare const router: Router;
 * await checkCredentials(router, new AccountState());
 * ```
 */
export async function checkCredentials(router: Router, account: AccountState): Promise<void> {
  try {
    const asOf = Date.now() + router.clockOffsetMs;
    account.applyBalanceSnapshot(await router.accountBalance(), asOf);
  } catch (e) {
    throw refusedCredentials(e) ??
      new ConnectError(`the first signed request (v2/account.balance) failed: ${(e as Error).message}`);
  }
}

/**
 * While `done` is pending, emits `reconcile-slow` every `everyMs` on `clock` with the orders still unknown.
 * Returns the function that stops it (it also stops once `done` settles).
 *
 * @example
 * ```ts
 * import { OrderTracker } from "../orders/order_tracker.ts";
 * import { systemClock } from "../_clock.ts";
 * declare const reconciled: Promise<number>;
 * const stop = warnWhileSlow(reconciled, new OrderTracker(), systemClock, 60_000, console.warn);
 * ```
 */
export function warnWhileSlow(
  done: Promise<unknown>,
  tracker: OrderTracker,
  clock: Clock,
  everyMs: number,
  emit: (event: GatewayEvent) => void,
): () => void {
  const started = clock.now();
  const timer = unrefTimer(clock.setInterval(() => {
    emit({ type: "reconcile-slow", unknown: tracker.count("unknown"), elapsedMs: clock.now() - started });
  }, Math.max(1, everyMs)));
  const stop = () => clock.clearInterval(timer);
  done.then(stop, stop);
  return stop;
}

/**
 * The recovery of fills the user stream missed (`GET /fapi/v1/userTrades`), or undefined without a `restUrl`;
 * each run that recorded fills (or failed) is reported as `fills-recovered`.
 *
 * @example
 * ```ts
 * import { AccountState } from "../account/account_state.ts";
 * import type { Router } from "../router/router.ts";
 * declare const router: Router;
 * const recovery = fillRecovery({ url: "", apiKey: "k", secretKey: "s", dataDir: "d",
 *   restUrl: "https://fapi.binance.com" }, router, new AccountState(), () => {});
 * await recovery?.run();
 * ```
 */
export function fillRecovery(
  options: GatewayOptions,
  router: Router,
  account: AccountState,
  emit: (event: GatewayEvent) => void,
): FillRecovery | undefined {
  const source = restClient(options, router);
  if (source === undefined) return undefined;
  return new FillRecovery({
    account,
    source,
    onRecovered: (run) => emit({ type: "fills-recovered", ...run }),
    ...(options.fillReadBackPauseMs === undefined ? {} : { pauseMs: options.fillReadBackPauseMs }),
    paused: () => router.quiet,
  });
}

/** The signed REST client of `options.restUrl` (undefined without one), in exchange time. */
function restClient(options: GatewayOptions, router: Router): OpenOrdersClient | undefined {
  if (options.restUrl === undefined) return undefined;
  return new OpenOrdersClient({
    restUrl: options.restUrl,
    apiKey: options.apiKey,
    sign: restQuerySigner(options),
    now: () => Date.now() + router.clockOffsetMs,
    ...(options.recvWindow === undefined ? {} : { recvWindow: options.recvWindow }),
    onRateLimited: (_status, msg) => void router.noteRateLimit(msg),
  });
}

/**
 * The adopter of the exchange's open orders, or undefined without a `restUrl` (the listing is REST only).
 *
 * @example
 * ```ts
 * import { OrderTracker } from "../orders/order_tracker.ts";
 * import type { Router } from "../router/router.ts";
 * declare const router: Router;
 * const adopter = openOrderAdopter({ url: "", apiKey: "k", secretKey: "s", dataDir: "d",
 *   restUrl: "https://fapi.binance.com" }, router, new OrderTracker());
 * ```
 */
export function openOrderAdopter(
  options: GatewayOptions,
  router: Router,
  tracker: OrderTracker,
  onResolved?: (clientOrderId: string, status: string, orderId: number | undefined) => void,
): OrderAdopter | undefined {
  const client = restClient(options, router);
  if (client === undefined) return undefined;
  const own = ownClientOrderIds(options.clientOrderIdPrefix ?? "lr");
  return new OrderAdopter({ tracker, client, own, ...(onResolved === undefined ? {} : { onResolved }) });
}

/**
 * Runs one adoption and reports it: `orders-adopted`, or `adopt-skipped` when there is no adopter (resolves
 * undefined) or the listing fails (rejects with its error).
 *
 * @example
 * ```ts
 * import type { OrderAdopter } from "../account/adoption.ts";
 * declare const adopter: OrderAdopter | undefined;
 * const report = await adoptOpenOrders(adopter, "journal damaged", console.log);
 * ```
 */
export async function adoptOpenOrders(
  adopter: OrderAdopter | undefined,
  reason: string,
  emit: (event: GatewayEvent) => void,
): Promise<AdoptionReport | undefined> {
  if (adopter === undefined) {
    emit({ type: "adopt-skipped", reason, why: "no restUrl: the exchange lists open orders over REST only" });
    return undefined;
  }
  try {
    const r = await adopter.adopt(reason);
    const { listed, resolved } = r;
    emit({
      type: "orders-adopted",
      reason,
      listed,
      recovered: r.recovered.length,
      external: r.external.length,
      resolved,
    });
    return r;
  } catch (e) {
    emit({ type: "adopt-skipped", reason, why: `listing open orders failed: ${(e as Error).message}` });
    throw e;
  }
}

/**
 * The hold reason for orders an adoption `recovered` (open on the exchange with this router's client ids, yet
 * unknown to the journal: it lost records, or was lost altogether), or undefined when there were none. Names
 * up to three of them.
 *
 * @example
 * ```ts
 * lostOrdersReason({ reason: "start", listed: 2, recovered: ["lr-k3j9x2ab-m1q2-1"], external: [], resolved: 0 });
 * // "journal lost orders: 1 open order of this router was not in the journal (lr-k3j9x2ab-m1q2-1); …"
 * ```
 */
export function lostOrdersReason(report: AdoptionReport | undefined): string | undefined {
  const lost = report?.recovered ?? [];
  if (lost.length === 0) return undefined;
  const named = lost.slice(0, 3).join(", ") + (lost.length > 3 ? `, and ${lost.length - 3} more` : "");
  const what = lost.length === 1
    ? "1 open order of this router was"
    : `${lost.length} open orders of this router were`;
  return `journal lost orders: ${what} not in the journal (${named}); adopted from the exchange; ` +
    "POST /resume once checked";
}
