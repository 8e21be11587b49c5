/**
 * Lightning Router: an order-execution gateway for Binance USDⓈ-M Futures over the WebSocket API (ws-fapi).
 *
 * @example
 * ```ts
 * import { Router, startSimulator } from "./lib/mod.ts";
 * const sim = await startSimulator({ hmacKeys: [{ apiKey: "key", secretKey: "secret" }] });
 * const router = await Router.connect({ url: sim.url, apiKey: "key", secretKey: "secret" });
 * const ack = await router.placeOrder({ symbol: "BTCUSDT", side: "BUY", type: "LIMIT",
 *   quantity: "0.002", price: "50000", timeInForce: "GTC" });
 * await router.cancelOrder({ symbol: "BTCUSDT", orderId: ack.orderId });
 * await router.close();
 * await sim.close();
 * ```
 *
 * @module
 */

export { Router } from "./router/router.ts";
export type { RouterEvent, RouterOptions } from "./router/router.ts";
export { PipelineMetrics, RTT_BUCKETS_US } from "./pipeline/pipeline_metrics.ts";
export type { OrderObserver } from "./pipeline/order_observer.ts";
export { combineObservers } from "./pipeline/order_observer.ts";
export { OrderTracker } from "./orders/order_tracker.ts";
export type { TrackedOrder, TrackedState } from "./orders/order_tracker.ts";
export { Reconciler } from "./orders/reconciler.ts";
export type { OrderQuery, ReconcilerOptions, ResolutionSink } from "./orders/reconciler.ts";
export { cancelAllTracked } from "./orders/cancel_all.ts";
export type { CancelAllReport } from "./orders/cancel_all.ts";
export { DeadManSwitch } from "./gateway/dead_man_switch.ts";
export type { DeadManSwitchOptions } from "./gateway/dead_man_switch.ts";
export { journalObserver, OrderJournal } from "./journal/mod.ts";
export type {
  IntentRecord,
  JournalOptions,
  JournalRecord,
  JournalRecovery,
  JournalStats,
  JournalValue,
} from "./journal/mod.ts";
export { CLIENT_ORDER_ID_PATTERN, ClientOrderIds } from "./router/client_order_ids.ts";
export {
  ConnectError,
  ExchangeError,
  NotSentError,
  RequestFailedError,
  RouterError,
  UnknownOrderStateError,
} from "./errors.ts";
export type * from "./types.ts";
export { createHmacSigner, verifyHmacSigner } from "./signing/hmac_signer.ts";
export type { HmacSigner, HmacSignerOptions, PrefixedHmacSigner } from "./signing/hmac_signer.ts";
export { HmacSha256 } from "./signing/hmac_sha256.ts";
export { Ed25519Signer } from "./signing/ed25519_signer.ts";
export { signaturePayload } from "./signing/payload.ts";
export { METHOD_NAMES, METHODS } from "./wire/methods.ts";
export type { MethodSpec, Security } from "./wire/methods.ts";
export type { Connection } from "./connection/connection.ts";
export type { LinkEvent, LinkOwner } from "./connection/link.ts";
export type { PipelineNotice } from "./pipeline/request_pipeline.ts";
export { startSimulator } from "./sim/mod.ts";
export type {
  SimAlgoOrderView,
  SimOrderView,
  Simulator,
  SimulatorFaults,
  SimulatorOptions,
  SimulatorStats,
} from "./sim/mod.ts";
