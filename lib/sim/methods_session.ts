/**
 * session.logon / session.status / session.logout (ws-fapi.md §3.3). The dispatcher has already verified the
 * logon's Ed25519 signature; these only read and change the connection's session state.
 *
 * @module
 */

import { accountOf, type CallContext, type MethodSpec } from "./context.ts";

function sessionResult(ctx: CallContext): Record<string, unknown> {
  return {
    apiKey: ctx.conn.apiKey ?? null,
    authorizedSince: ctx.conn.authorizedSince ?? null,
    connectedSince: ctx.conn.connectedSince,
    returnRateLimits: ctx.conn.returnRateLimits,
    serverTime: ctx.now,
  };
}

/**
 * The session methods by name (weight 2 each).
 *
 * @example
 * ```ts
 * SESSION_METHODS["session.logon"]?.security; // "LOGON"
 * ```
 */
export const SESSION_METHODS: Readonly<Record<string, MethodSpec>> = {
  "session.logon": {
    security: "LOGON",
    weight: 2,
    orders: false,
    params: [],
    run: (ctx) => {
      ctx.conn.apiKey = accountOf(ctx).apiKey;
      ctx.conn.authorizedSince = ctx.now;
      return sessionResult(ctx);
    },
  },
  "session.status": { security: "SESSION", weight: 2, orders: false, params: [], run: sessionResult },
  "session.logout": {
    security: "SESSION",
    weight: 2,
    orders: false,
    params: [],
    run: (ctx) => {
      ctx.conn.apiKey = undefined;
      ctx.conn.authorizedSince = undefined;
      return sessionResult(ctx);
    },
  },
};
