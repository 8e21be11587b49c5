/**
 * What `Router.connect` takes, and what the router reports while it runs.
 *
 * @module
 */

import type { LinkEvent } from "../connection/link.ts";
import type { OrderObserver } from "../pipeline/order_observer.ts";
import type { PipelineNotice } from "../pipeline/request_pipeline.ts";
import type { PreTradeFilterOptions } from "../risk/pre_trade_guard.ts";
import type { RiskNotice } from "../risk/pre_trade_guard.ts";
import type { RiskLimitsConfig } from "../risk/risk_limits.ts";

/**
 * Options for `Router.connect`. Credentials are held privately and never logged.
 *
 * @example
 * ```ts
 * import { readFileSync } from "node:fs";
 * const privateKeyPem = readFileSync("./ed25519-private.pem", "utf8");
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
  /**
   * Pre-trade checks (lib/risk): on unless `false`. Every place, modify and algo place is checked against the
   * exchange's filters (exchangeInfo) and the trader's `risk` limits before anything is sent; a refusal
   * rejects with a `FilterRefusedError` (the exchange's code, `local: true`) or a `RiskLimitError`, and takes
   * no socket write and no rate-limit slot. `false` sends every order unchecked, as before.
   */
  preTrade?: boolean;
  /** The trader's risk limits (the risk file's schema; validated at connect, a bad value rejects connect). */
  risk?: RiskLimitsConfig;
  /** Where the exchange filters and mark prices come from; default derived from `url`. */
  filters?: PreTradeFilterOptions;
}

/**
 * The exchange's refusal of the key or signature (-2015 "Invalid API-key, IP, or permissions for action.",
 * -2014, -1022) on a request of the running router: a key revoked, an IP no longer allowed, a permission taken.
 *
 * @example
 * ```ts
 * const refused: CredentialsRefusal = { code: -2015, msg: "Invalid API-key, IP, or permissions for action.",
 *   method: "order.place", at: Date.now() };
 * ```
 */
export interface CredentialsRefusal {
  code: number;
  msg: string;
  /** The request refused, e.g. order.place. */
  method: string;
  /** When (local ms). */
  at: number;
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
  /** The host's clock stepped by `stepMs` (an NTP step, a hand-set date): the offset followed it at once. */
  | { type: "clock-stepped"; stepMs: number; offsetMs: number }
  /** Pre-trade checks: filters loaded or unavailable, mark stream state, limits changed, breaker tripped. */
  | RiskNotice
  /** A halt reason was added (`reasons`: all of them now). */
  | { type: "halted"; reason: string; reasons: string[] }
  /** Halt reasons were removed; orders flow again when `reasons` is empty. */
  | { type: "resumed"; removed: string[]; reasons: string[] };
