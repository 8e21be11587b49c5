/**
 * What a gateway reports besides the router's own events: journal damage found at start, the reconciliation
 * of a crashed run's orders, and dead-man's switch refresh failures.
 *
 * @module
 */

import type { RouterEvent } from "../router/router_options.ts";
import type { UserStreamNotice } from "../stream/user_stream.ts";

/**
 * A router event, or one of the gateway's own.
 *
 * @example
 * ```ts
 * const onEvent = (e: GatewayEvent) => { if (e.type === "reconcile-incomplete") console.error(e.unknown); };
 * ```
 */
export type GatewayEvent =
  | RouterEvent
  /** The user data stream's connection and listenKey. */
  | UserStreamNotice
  /** A gap reconciliation pass ended (after a stream or ws-fapi reconnect, or a failed listenKey ping). */
  | { type: "gap-reconciled"; reason: string; orders: number; error?: string }
  /** Unreadable journal records were skipped at start. */
  | { type: "journal-corrupt"; count: number; first: string }
  /** Orders from the journal are being reconciled; new orders are held meanwhile. */
  | { type: "reconciling"; orders: number }
  /** Every restored order is known again; the hold is lifted. */
  | { type: "reconciled"; orders: number }
  /** Some restored orders are still unknown after the timeout; new orders stay held. */
  | { type: "reconcile-incomplete"; unknown: number }
  /** A dead-man's switch refresh failed (the next tick tries again). */
  | { type: "dead-man-error"; symbol: string; error: string };
