/**
 * The control-plane server on Deno (`Deno.serve`). Loaded on every runtime but only called on Deno.
 *
 * @module
 */

import type { ControlServer, ServeOptions } from "./server.ts";
import { baseUrl, internalErrorResponse } from "./_serve_shared.ts";

/**
 * Serves `options.fetch` with `Deno.serve`.
 *
 * @example
 * ```ts
 * import type { Hono } from "hono";
 * declare const app: Hono;
 * const server = await serveDeno({ hostname: "127.0.0.1", port: 0, fetch: app.fetch });
 * ```
 */
export function serveDeno(options: ServeOptions): Promise<ControlServer> {
  // Deno.serve binds synchronously and throws (e.g. AddrInUse) right here.
  const server = Deno.serve({
    hostname: options.hostname,
    port: options.port,
    onListen: () => {}, // the banner reports the address, not Deno's default "Listening on" line
    onError: () => internalErrorResponse(),
    handler: (request) => options.fetch(request),
  });
  const addr = server.addr as Deno.NetAddr;
  let closing: Promise<void> | undefined;
  return Promise.resolve({
    hostname: options.hostname,
    port: addr.port,
    url: baseUrl(options.hostname, addr.port),
    close: () => closing ??= server.shutdown(),
  });
}
