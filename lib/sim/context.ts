/**
 * Types shared by the method handlers and the dispatcher.
 *
 * @module
 */

import type { Account } from "./accounts.ts";
import type { Params } from "./auth.ts";
import type { SimCore } from "./core.ts";
import type { Failure } from "./errors.ts";

/** Per-connection state the session.* methods read and change. */
export interface ConnState {
  /** The logged-on key (session.logon), if any. */
  apiKey: string | undefined;
  authorizedSince: number | undefined;
  readonly connectedSince: number;
  /** From `?returnRateLimits=` on the URL (default true). */
  readonly returnRateLimits: boolean;
}

/**
 * How a method authenticates:
 * - NONE: public;
 * - SESSION: session.status / session.logout (no parameters needed);
 * - LOGON: session.logon (Ed25519 signature, sets the session key);
 * - USER_STREAM: API key only (param or session);
 * - SIGNED: timestamp plus a signature, or a logged-on session.
 */
export type Security = "NONE" | "SESSION" | "LOGON" | "USER_STREAM" | "SIGNED";

/** What a handler gets. `account` is set for LOGON, USER_STREAM and SIGNED methods. */
export interface CallContext {
  readonly core: SimCore;
  readonly conn: ConnState;
  readonly params: Params;
  readonly account: Account | undefined;
  readonly now: number;
}

/** A result object or array, or a failure. */
export type Outcome = unknown;

/** One ws-fapi method. */
export interface MethodSpec {
  readonly security: Security;
  /** REQUEST_WEIGHT cost. */
  readonly weight: number | ((params: Params) => number);
  /** Counts against ORDERS and lists the ORDERS windows in `rateLimits` (order.place, order.modify). */
  readonly orders: boolean;
  /** Accepted parameters besides apiKey, signature, timestamp, recvWindow and returnRateLimits. */
  readonly params: readonly string[];
  /**
   * A check the exchange makes before it looks at the parameter list: order.place refuses a conditional type
   * with -4120 even when it carries the retired `stopPrice` (which would otherwise be -1103).
   */
  readonly vet?: (params: Params) => Failure | undefined;
  run(ctx: CallContext): Outcome | Failure;
}

/**
 * The handler's account, for methods whose security guarantees one.
 *
 * @example
 * ```ts
 * declare const ctx: CallContext; // what a SIGNED method's `run` gets
 * const account = accountOf(ctx);
 * ```
 */
export function accountOf(ctx: CallContext): Account {
  if (ctx.account === undefined) throw new Error("method requires an authenticated account");
  return ctx.account;
}
