/**
 * The control-plane server on Bun (`Bun.serve`). Loaded on every runtime but only called on Bun; the Bun
 * global is reached through `globalThis` so that Deno can type-check this file without Bun's types.
 *
 * @module
 */

import type { ControlServer, ServeOptions } from "./server.ts";
import { baseUrl, internalErrorResponse } from "./_serve_shared.ts";

/** Seconds a connection may stay idle on Bun: above the /events heartbeat, so a quiet stream stays open. */
export const BUN_IDLE_TIMEOUT_S = 30;

/** The slice of Bun's server API used here. */
interface BunServer {
  readonly port: number;
  stop(closeActiveConnections?: boolean): Promise<void>;
}

interface BunGlobal {
  serve(options: {
    hostname: string;
    port: number;
    development: boolean;
    reusePort: boolean;
    idleTimeout: number;
    fetch: (request: Request) => Response | Promise<Response>;
    error: (error: Error) => Response;
  }): BunServer;
}

/**
 * Serves `options.fetch` with `Bun.serve`.
 *
 * @example
 * ```ts
 * import type { Hono } from "hono";
 * declare const app: Hono;
 * const server = await serveBun({ hostname: "127.0.0.1", port: 0, fetch: app.fetch });
 * ```
 */
export function serveBun(options: ServeOptions): Promise<ControlServer> {
  const bun = (globalThis as unknown as { Bun?: BunGlobal }).Bun;
  if (bun === undefined) return Promise.reject(new Error("serveBun: not running on Bun"));
  // Bun.serve binds synchronously and throws (e.g. EADDRINUSE) right here.
  const server = bun.serve({
    hostname: options.hostname,
    port: options.port,
    development: false, // no HTML error pages with stack traces
    // Bun 1.4 turns SO_REUSEPORT on by default when development is false: a second gateway on the same port
    // would then bind silently and share the traffic instead of failing.
    reusePort: false,
    // Bun closes a connection idle for 10 s by default: an /events stream between two heartbeats would be cut.
    idleTimeout: BUN_IDLE_TIMEOUT_S,
    fetch: (request) => options.fetch(request),
    error: () => internalErrorResponse(),
  });
  let closing: Promise<void> | undefined;
  return Promise.resolve({
    hostname: options.hostname,
    port: server.port,
    url: baseUrl(options.hostname, server.port),
    // stop(false): stop listening, let requests in progress finish.
    close: () => closing ??= Promise.resolve(server.stop(false)).then(() => {}),
  });
}
