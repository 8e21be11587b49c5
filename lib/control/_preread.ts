/**
 * Small request bodies read whole by the server before the app runs, kept aside by request: the `Request`
 * is made without a body (on Deno a `Request` with a body costs ~20 µs more to make and ~7 µs to read, cold,
 * as every order is). Both servers (`_http_bridge.ts` for `node:http`, `_http1_request.ts`) keep them here and
 * the body reader (`body.ts`) asks here first. Also the one size below which a declared body is read ahead.
 *
 * @module
 */

/**
 * Declared bodies up to this many bytes are read whole before the app runs.
 *
 * @example
 * ```ts
 * PREREAD_BYTES; // 16384
 * ```
 */
export const PREREAD_BYTES = 16 * 1024;

const PREREAD = new WeakMap<Request, Uint8Array>();

/**
 * Keeps `body` aside as `request`'s body (the request itself carries none).
 *
 * @example
 * ```ts
 * const request = new Request("http://127.0.0.1:7777/orders", { method: "POST" });
 * keepPrereadBody(request, new TextEncoder().encode("{}"));
 * ```
 */
export function keepPrereadBody(request: Request, body: Uint8Array): void {
  PREREAD.set(request, body);
}

/**
 * The body the server read ahead for `request`, or undefined (the request's own body, if any, is the one).
 *
 * @example
 * ```ts
 * declare const request: Request;
 * const bytes = prereadBody(request) ?? new Uint8Array(await request.arrayBuffer());
 * ```
 */
export function prereadBody(request: Request): Uint8Array | undefined {
  return PREREAD.get(request);
}
