/**
 * Helpers of the server adapter (`_serve_node.ts`) kept apart so `server.ts` can re-export them.
 *
 * @module
 */

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
