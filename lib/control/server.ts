/**
 * Serving the control plane: one small interface, one adapter per runtime (`Deno.serve` or `Bun.serve`),
 * chosen once when this module loads. The rest of the code never asks which runtime it is on.
 *
 * @module
 */

import { serveDeno } from "./_serve_deno.ts";
import { serveBun } from "./_serve_bun.ts";

export { baseUrl } from "./_serve_shared.ts";

/** Options for {@linkcode serve}. */
export interface ServeOptions {
  /** Address to bind, e.g. "127.0.0.1" or "::1". */
  hostname: string;
  /** Port to bind; 0 picks a free one (read it back from {@linkcode ControlServer.port}). */
  port: number;
  /** The request handler (a Hono app's `fetch`). */
  fetch: (request: Request) => Response | Promise<Response>;
}

/** A listening control-plane server. */
export interface ControlServer {
  readonly hostname: string;
  /** The bound port (the real one when 0 was asked for). */
  readonly port: number;
  /** Base URL, e.g. `http://127.0.0.1:7777`. */
  readonly url: string;
  /** Stops accepting connections and resolves once requests in progress have been answered. */
  close(): Promise<void>;
}

/** A runtime's implementation of {@linkcode serve}. */
export type ServeFunction = (options: ServeOptions) => Promise<ControlServer>;

/**
 * Starts an HTTP server on the current runtime. Rejects when the address cannot be bound.
 *
 * @example
 * ```ts
 * import type { Hono } from "hono";
 * declare const app: Hono;
 * const server = await serve({ hostname: "127.0.0.1", port: 0, fetch: app.fetch });
 * console.log(server.url);
 * await server.close();
 * ```
 */
export const serve: ServeFunction =
  typeof (globalThis as { Deno?: { serve?: unknown } }).Deno?.serve === "function" ? serveDeno : serveBun;
