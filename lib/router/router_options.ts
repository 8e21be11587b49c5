/**
 * What `Router.connect` takes, and what the router reports while it runs.
 *
 * @module
 */

import type { LinkEvent } from "../connection/link.ts";
import type { OrderObserver } from "../pipeline/order_observer.ts";
import type { PipelineNotice } from "../pipeline/request_pipeline.ts";

/**
 * Options for `Router.connect`. Credentials are held privately and never logged.
 *
 * @example
 * ```ts
 * const privateKeyPem = await Deno.readTextFile("./ed25519-private.pem");
 * const options: RouterOptions = { url: "wss://ws-fapi.binance.com/ws-fapi/v1", apiKey: "key", privateKeyPem,
 *   requestTimeoutMs: 5000 };
 * ```
 */
export interface RouterOptions {
  /** ws-fapi endpoint, e.g. `wss://ws-fapi.binance.com/ws-fapi/v1`. */
  url: string;
  /** Binance API key. */
  apiKey: string;
  /** HMAC secret: every signed request is HMAC-signed. */
  secretKey?: string;
  /** Ed25519 PKCS#8 PEM: the connection logs on once (`session.logon`) and orders go unsigned. */
  privateKeyPem?: string;
  /** Per-request timeout. Default 5000 ms. */
  requestTimeoutMs?: number;
  /** Connect + logon timeout. Default 10_000 ms. */
  connectTimeoutMs?: number;
  /** recvWindow sent on signed requests (exchange default 5000 when unset). */
  recvWindow?: number;
  /** Silence after which the link is declared dead and reconnected. Default 30_000 ms. */
  deadLinkMs?: number;
  /** Socket age that triggers a rotation. Default 23 h. */
  maxConnectionAgeMs?: number;
  /** Reconnect backoff: first delay. Default 100 ms. */
  backoffBaseMs?: number;
  /** Largest reconnect backoff delay. Default 10_000 ms. */
  backoffMaxMs?: number;
  /** Most requests in flight (power of two). Default 4096. */
  maxInFlight?: number;
  /** Prefix of generated client order ids. Default "lr". */
  clientOrderIdPrefix?: string;
  /** Share of each rate limit kept free for cancels. Default 0.05. */
  rateLimitHeadroom?: number;
  /** Lifecycle and anomaly notices (connects, drops, malformed frames…). */
  onEvent?: (event: RouterEvent) => void;
  /** Write-ahead journal of order intents and outcomes. */
  observer?: OrderObserver;
}

/**
 * Something the router wants its operator to know (never one per order).
 *
 * @example
 * ```ts
 * const onEvent = (e: RouterEvent) => { if (e.type === "disconnected") console.warn(e.reason); };
 * ```
 */
export type RouterEvent =
  | LinkEvent
  | Exclude<PipelineNotice, { type: "clock-rejected" }>
  | { type: "clock"; offsetMs: number }
  /** A halt reason was added (`reasons`: all of them now). */
  | { type: "halted"; reason: string; reasons: string[] }
  /** Halt reasons were removed; orders flow again when `reasons` is empty. */
  | { type: "resumed"; removed: string[]; reasons: string[] };
