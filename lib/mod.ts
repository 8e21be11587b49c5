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

export { Router } from "./orders/router.ts";
export type { RouterEvent, RouterOptions } from "./orders/router.ts";
export { RouterMetrics, RTT_BUCKETS_US } from "./orders/router_metrics.ts";
export type { OrderJournalHooks } from "./orders/journal_hooks.ts";
export { CLIENT_ORDER_ID_PATTERN, ClientOrderIds } from "./orders/client_order_ids.ts";
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
export type { HmacSigner } from "./signing/hmac_signer.ts";
export { HmacSha256 } from "./signing/hmac_sha256.ts";
export { Ed25519Signer } from "./signing/ed25519_signer.ts";
export { signaturePayload } from "./signing/payload.ts";
export { METHOD_NAMES, METHODS } from "./wire/methods.ts";
export { startSimulator } from "./sim/mod.ts";
export type { Simulator, SimulatorFaults, SimulatorOptions } from "./sim/mod.ts";
