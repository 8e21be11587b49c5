/**
 * What the server adapters (`_serve_node.ts`, `_http1_server.ts`) share, kept apart so `server.ts` can re-export it.
 *
 * @module
 */

import type { ServeOptions } from "./server.ts";

/**
 * The base URL of a server bound to `hostname:port` (IPv6 addresses get brackets).
 *
 * @example
 * ```ts
 * baseUrl("::1", 7777); // "http://[::1]:7777"
 * ```
 */
export function baseUrl(hostname: string, port: number): string {
  return `http://${hostname.includes(":") ? `[${hostname}]` : hostname}:${port}`;
}

/**
 * The 500 the adapter answers if the handler itself throws (Hono normally answers first).
 *
 * @example
 * ```ts
 * internalErrorResponse().status; // 500
 * ```
 */
export function internalErrorResponse(): Response {
  return new Response(JSON.stringify({ code: -99, msg: "internal error" }), {
    status: 500,
    headers: { "content-type": "application/json" },
  });
}

/**
 * The defaults of the limits in `ServeOptions`.
 *
 * @example
 * ```ts
 * SERVE_DEFAULTS.headerTimeoutMs; // 10000
 * ```
 */
export const SERVE_DEFAULTS = Object.freeze({
  headerTimeoutMs: 10_000,
  bodyTimeoutMs: 30_000,
  maxConnections: 256,
  keepAliveTimeoutMs: 30_000,
});

/** The limits of a server: {@linkcode SERVE_DEFAULTS}'s keys, each a positive integer. */
export type ServeLimits = { -readonly [K in keyof typeof SERVE_DEFAULTS]: number };

/**
 * `options`' limits over the defaults. Throws a RangeError naming the limit that is not a positive integer, or
 * when the body timeout is shorter than the header timeout (it bounds both).
 *
 * @example
 * ```ts
 * resolveLimits({ hostname: "127.0.0.1", port: 0, fetch: () => new Response(), maxConnections: 8 }).maxConnections; // 8
 * ```
 */
export function resolveLimits(options: ServeOptions): ServeLimits {
  const limits: ServeLimits = { ...SERVE_DEFAULTS };
  for (const key of Object.keys(SERVE_DEFAULTS) as (keyof ServeLimits)[]) {
    const value = options[key];
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw new RangeError(`serve: ${key} must be a positive integer (got ${value})`);
    }
    limits[key] = value;
  }
  if (limits.bodyTimeoutMs < limits.headerTimeoutMs) {
    throw new RangeError("serve: bodyTimeoutMs must be at least headerTimeoutMs");
  }
  return limits;
}
