/**
 * Lightning Router for strategy authors: an order-execution gateway for Binance USDⓈ-M Futures over the
 * WebSocket API (ws-fapi).
 *
 * `Gateway.open` gives the full safety guarantees in one call: a write-ahead journal and data-dir lock,
 * reconciliation of unknown outcomes and of a crashed run's orders before new orders flow, order tracking,
 * the kill switch (`halt`: stop new orders, cancel every open one) and the exchange-side dead-man's switch.
 * `Router.connect` is the bare order API without them. Both check every new order before sending it: the
 * exchange's filters (exchangeInfo) and the trader's `risk` limits (`FilterRefusedError`, `RiskLimitError`;
 * `preTrade: false` turns the checks off). The simulator has its own entry, `./sim/mod.ts`.
 *
 * @example
 * ```ts
 * import { mkdtempSync } from "node:fs";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 * import { Gateway, UnknownOrderStateError } from "./mod.ts";
 * import { startSimulator } from "./sim/mod.ts";
 * const sim = await startSimulator({ hmacKeys: [{ apiKey: "key", secretKey: "secret" }] });
 * const gateway = await Gateway.open({ url: sim.url, apiKey: "key", secretKey: "secret",
 *   dataDir: mkdtempSync(join(tmpdir(), "lr-")), restUrl: sim.httpUrl, streamUrl: sim.streamUrl, deadManMs: 60_000 });
 * await gateway.reconciled;
 * const { router } = gateway;
 * const ack = await router.placeOrder({ symbol: "BTCUSDT", side: "BUY", type: "LIMIT",
 *   quantity: "0.002", price: "50000", timeInForce: "GTC" });
 * try {
 *   await router.cancelOrder({ symbol: "BTCUSDT", orderId: ack.orderId });
 * } catch (e) {
 *   if (!(e instanceof UnknownOrderStateError)) throw e; // the gateway reconciles it; never resend blindly
 * }
 * // The live account: orders, fills, positions, and an event for every change.
 * const off = gateway.account.subscribe((e) => console.log(e.id, e.type, e.data), ["fill", "order"]);
 * console.log(gateway.account.fills.list({ limit: 10 }), gateway.account.book.positions());
 * off();
 * await gateway.halt("end of session");
 * await gateway.close();
 * await sim.close();
 * ```
 *
 * @module
 */

export { Gateway } from "./gateway/gateway.ts";
export type { GatewayEvent, GatewayOptions } from "./gateway/gateway.ts";
export { OrderPathWarmer, type OrderPathWarmerOptions } from "./gateway/order_path_warmer.ts";
export { Router } from "./router/router.ts";
export type {
  CancelAllReport,
  FlattenReport,
  HaltReport,
  RouterEvent,
  RouterOptions,
} from "./router/router.ts";
// A bare Router's halt and cancelAllOpenOrders act on its observer's orders: an OrderTracker, reconciled.
export { OrderTracker, type OrderTrackerOptions } from "./orders/order_tracker.ts";
export type { TrackedOrder, TrackedState } from "./orders/tracked_order.ts";
export { Reconciler, type ReconcilerOptions } from "./orders/reconciler.ts";
export type { AdoptionReport } from "./account/adoption.ts";
export type { JournalHealth } from "./journal/mod.ts";
export type { Clock, Timers } from "./_clock.ts";
export type { AccountState } from "./account/account_state.ts";
export type { AccountEvent, AccountEventType, EventLog, SinceResult } from "./account/event_log.ts";
export type { Fill, FillBook } from "./account/fills.ts";
export type { Balance, Position, PositionBook } from "./account/positions.ts";
export type { UserStream, UserStreamState } from "./stream/user_stream.ts";
export type { OpenOrderRef, OrderObserver } from "./pipeline/order_observer.ts";
export type { PromptAnswer } from "./pipeline/pending_requests.ts";
export type { PipelineMetrics } from "./pipeline/pipeline_metrics.ts";
export type {
  PreTradeFilterOptions,
  PreTradeGuard,
  RiskNotice,
  RiskRefusal,
} from "./risk/pre_trade_guard.ts";
export type { RiskLimitsConfig, SymbolLimitsConfig } from "./risk/risk_limits.ts";
export { parseRiskLimits } from "./risk/risk_schema.ts";
export {
  ConnectError,
  CredentialsError,
  DataDirError,
  ExchangeError,
  FilterRefusedError,
  NotSentError,
  RequestFailedError,
  RiskLimitError,
  RouterError,
  UnknownOrderStateError,
} from "./errors.ts";
export type * from "./types.ts";
