/**
 * What a gateway reports besides the router's own events: journal damage found at start, the reconciliation
 * of a crashed run's orders and its pacing, the adoption of open orders found on the exchange, the periodic
 * audit of the live view, and dead-man's switch refresh failures.
 *
 * @module
 */

import type { AuditReport } from "../account/account_audit.ts";
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
  /**
   * A periodic audit compared the live view with the exchange: what its answers `corrected` (orders),
   * `adopted` (open orders the tracker did not hold) and changed in `positions` is drift the stream missed.
   */
  | ({ type: "account-audited" } & AuditReport)
  /** Unreadable journal records were skipped at start. */
  | { type: "journal-corrupt"; count: number; first: string }
  /** Orders from the journal are being reconciled; new orders are held meanwhile. */
  | { type: "reconciling"; orders: number }
  /** Every restored order is known again; the hold is lifted. */
  | { type: "reconciled"; orders: number }
  /** Some restored orders are still unknown after the timeout; new orders stay held. */
  | { type: "reconcile-incomplete"; unknown: number }
  /**
   * The journal was found damaged at open, or missing open orders of this router that the exchange listed
   * (a lost journal): new orders are held with `reason` until the operator resumes.
   */
  | { type: "journal-damaged"; reason: string }
  /** The journal failed while running (write failure, file deleted): new orders are held. `problem` names the file. */
  | { type: "journal-problem"; problem: string; reason: string }
  /**
   * The data directory's lock file was found deleted and written again (`held` false), or holding another
   * live router's pid (`held` true: new orders are held). `problem` names the file.
   */
  | { type: "data-dir-lock"; problem: string; reason: string; held: boolean }
  /**
   * Fills the user stream missed, read from the exchange's trade list after a gap, drift or a restart, and
   * recorded (`orders`: their client ids); or the first error of a query that failed (tried again next time).
   * `left`: orders still short, read by the run that follows by itself; `gaveUp`: orders whose trades, read
   * three times, still do not add up to what they executed (left alone).
   */
  | {
    type: "fills-recovered";
    orders: string[];
    fills: number;
    error?: string;
    left?: number;
    gaveUp?: string[];
  }
  /**
   * The last run stopped (or crashed) halted: new orders are held again for the same `reasons` (kept in the data
   * directory's `halt.json`) until an operator resumes.
   */
  | { type: "halt-restored"; reasons: string[] }
  /** The halt reasons could not be written to the data directory: a restart would not find them. */
  | { type: "halt-not-kept"; error: string }
  /**
   * A reader of the account's events (`account.subscribe`) threw: its 1st, 10th, 100th… error (`count` so far).
   * It is still called with every later event.
   */
  | { type: "account-reader-error"; error: string; count: number }
  /** A dead-man's switch refresh failed (the next tick tries again). */
  | { type: "dead-man-error"; symbol: string; error: string }
  /** Restored orders are still being reconciled after `elapsedMs` (repeats; new orders stay held until done). */
  | { type: "reconcile-slow"; unknown: number; elapsedMs: number }
  /** Reconciliation reached its share of the request weight and waits for the window to roll. */
  | { type: "reconcile-waiting"; count: number; limit: number; allowed: number; resumeAt: number }
  /**
   * The exchange's open orders were listed and adopted: `recovered` ones carry this router's client ids (a
   * lost journal; halt cancels them), `external` ones do not; `resolved` restored orders were settled by it.
   */
  | {
    type: "orders-adopted";
    reason: string;
    listed: number;
    recovered: number;
    external: number;
    resolved: number;
  }
  /** Open orders could not be listed (`why`: no REST URL configured, or the request failed). */
  | { type: "adopt-skipped"; reason: string; why: string };
