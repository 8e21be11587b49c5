/**
 * Serving the control plane, the same way on Deno and Bun: an HTTP/1.1 server of our own on the runtime's TCP
 * sockets (`_http1_server.ts`, with `_serve_deno.ts` on `Deno.listen` and `_serve_bun.ts` on `Bun.listen`),
 * because neither runtime's own server bounds what a client may do: `Deno.serve` has no header or body read
 * timeout at all (a connection that sends half a header stays open for ever) and `Bun.serve` has no
 * connection limit. `node:http` has all three (`_serve_node.ts`, kept for any other runtime) but costs more.
 *
 * - Headers must be complete within `headerTimeoutMs` (10 s) of a request's first byte (of the connection, for
 *   its first request); the whole request, body included, within `bodyTimeoutMs` (30 s). Past either, the
 *   server answers 408 (code -18) and closes the connection. These bound reading the request only: a response
 *   (a `GET /events` stream) is never cut by them.
 * - At most `maxConnections` (256) connections at once; one more is closed as soon as it is accepted.
 * - A kept-alive connection may wait `keepAliveTimeoutMs` (30 s) for its next request.
 * - Malformed HTTP gets a 400 (code -1) and headers over 16 KiB a 431, as JSON like every other error.
 * - A WebSocket upgrade goes through `fetch` like any request (so the guard runs on it); the route that
 *   accepts it (`GET /ws`, `local_socket.ts`) takes the socket over. Any other answer is sent, then closed.
 *
 * - `lane` (optional) serves some requests without a `Request`, a `Response` or the fetch handler: the raw
 *   order lane (`order_lane.ts`) answers `POST/PATCH/DELETE /orders` as the app does. `node:http` offers it
 *   each request before reading its body (`take`); the HTTP/1.1 server calls `answerRead` once it has read
 *   the body.
 *
 * Measured (`bench/README.md`, 2026-12-06, `bench/control_layers.ts`): per order the app on the HTTP/1.1 server
 * costs about 35 µs less than on `node:http` on Deno and about 25 µs less on Bun, within 25 µs (Deno) and
 * 12 µs (Bun) of the runtime's own server; with the raw order lane it is faster than the runtime's own server.
 * Request bodies up to 16 KiB are read before the app runs and answers go out in one write.
 *
 * @module
 */

import type { IncomingMessage } from "node:http";
import { serveDeno } from "./_serve_deno.ts";
import { serveBun } from "./_serve_bun.ts";
import type { ThrottledNoticeOptions } from "./notice_throttle.ts";

export { baseUrl, SERVE_DEFAULTS } from "./_serve_shared.ts";

/**
 * Options for {@linkcode serve}.
 *
 * @example
 * ```ts
 * import type { Hono } from "hono";
 * declare const app: Hono;
 * const options: ServeOptions = { hostname: "127.0.0.1", port: 0, fetch: app.fetch, maxConnections: 64 };
 * ```
 */
export interface ServeOptions {
  /** Address to bind, e.g. "127.0.0.1" or "::1". */
  hostname: string;
  /** Port to bind; 0 picks a free one (read it back from {@linkcode ControlServer.port}). */
  port: number;
  /** The request handler (a Hono app's `fetch`). */
  fetch: (request: Request) => Response | Promise<Response>;
  /** Milliseconds from a request's first byte until its headers are complete; then 408 and close. Default 10 s. */
  headerTimeoutMs?: number;
  /**
   * Milliseconds from a request's first byte until its body is complete (so it bounds headers and body
   * together; at least `headerTimeoutMs`); then 408 and close. Never applies to sending a response.
   * Default 30 s.
   */
  bodyTimeoutMs?: number;
  /** Connections open at once; one more is closed at once, unanswered. Default 256. */
  maxConnections?: number;
  /** Milliseconds a kept-alive connection may stay idle between two requests. Default 30 s. */
  keepAliveTimeoutMs?: number;
  /**
   * Operator warnings: requests cut because they did not arrive in time, counted and told at most once per
   * interval (`notices`).
   */
  onNotice?: (msg: string, fields: Record<string, string>) => void;
  /** Rate limit of `onNotice`: interval (default 60 s) and clock. */
  notices?: ThrottledNoticeOptions;
  /** Requests answered without going through `fetch` (the app's raw order lane: `orderLaneOf(app)`). */
  lane?: RawLane | undefined;
}

/**
 * An answer made without the fetch API: status, header name/value pairs (without Content-Length, which the
 * server adds: the array is the server's to append to) and the body's text.
 *
 * @example
 * ```ts
 * const answer: RawAnswer = { status: 200, headers: ["content-type", "application/json"], text: "{}" };
 * ```
 */
export interface RawAnswer {
  readonly status: number;
  readonly headers: string[];
  readonly text: string;
}

/**
 * Requests a server answers itself, before (and instead of) the fetch handler: two entry points to the same
 * lane, one per kind of server.
 *
 * @example
 * ```ts
 * const none: RawLane = { take: () => false, answerRead: () => false };
 * ```
 */
export interface RawLane {
  /**
   * Takes `req` (true) and later calls `reply` once with its answer — the lane then reads the body itself,
   * whole when its declared length is at most `prereadBytes` — or returns false, with nothing read or
   * listened to, for `fetch` to serve. A callback, not a promise: each promise hop costs on every order.
   */
  take(req: IncomingMessage, prereadBytes: number, reply: (answer: RawAnswer) => void): boolean;
  /**
   * For a server that reads a body (of declared length) before offering the request: takes it (true) and
   * calls `reply` once with its answer — possibly before returning, or in the turn the exchange's answer
   * arrives, before the router's bookkeeping — or returns false for `fetch` to serve. `header` looks a header
   * up by lower-case name (a repeated one's values joined by ", ", as `Headers.get` does); `body` is the
   * whole body, undefined when there is none.
   */
  answerRead(
    method: string,
    target: string,
    header: (name: string) => string | undefined,
    body: Uint8Array | undefined,
    reply: (answer: RawAnswer) => void,
  ): boolean;
}

/** A listening control-plane server. */
export interface ControlServer {
  readonly hostname: string;
  /** The bound port (the real one when 0 was asked for). */
  readonly port: number;
  /** Base URL, e.g. `http://127.0.0.1:7777`. */
  readonly url: string;
  /**
   * Stops accepting connections, closes the idle ones, and resolves once the requests in progress have been
   * answered (each answer then closes its connection).
   */
  close(): Promise<void>;
  /**
   * Runs the bytes of one whole request through this server's own code as a connection would, answers it
   * with `answer` without asking the lane or the app, and sends nothing; returns the answer's bytes. For the
   * order path's warm-up while idle (`Http1Server.warm`). Absent where the runtime's server parses requests
   * (the `node:http` adapter).
   */
  warm?(request: Uint8Array, answer: RawAnswer): number;
}

/** A runtime's implementation of {@linkcode serve}. */
export type ServeFunction = (options: ServeOptions) => Promise<ControlServer>;

/**
 * Starts the HTTP server. Rejects when the address cannot be bound (or a limit is not a positive integer).
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
export const serve: ServeFunction = "Deno" in globalThis ? serveDeno : "Bun" in globalThis
  ? serveBun
  // Elsewhere (Node) the `node:http` adapter, loaded only there: on Bun `node:http` alone is 6 MB of RSS.
  : async (options) => (await import("./_serve_node.ts")).serveNode(options);
