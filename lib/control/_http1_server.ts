/**
 * The runtime-neutral part of the HTTP/1.1 server that `_serve_deno.ts` and `_serve_bun.ts` put on their
 * runtime's TCP sockets: the limits of `ServeOptions` (header, body and idle timeouts checked by one sweep
 * over the connections, as `node:http` does; the connection limit), the operator notice of requests cut for
 * time, handing requests to the app (or first to a raw lane), WebSocket upgrades, and `close()`.
 *
 * @module
 */

import type { RawAnswer, RawLane, ServeOptions } from "./server.ts";
import { Http1Connection } from "./_http1_connection.ts";
import { DiscardTransport, type Http1Transport } from "./_http1_byte_socket.ts";
import { headerValue, type RequestHead } from "./_http1_parser.ts";
import { toFetchRequest } from "./_http1_request.ts";
import { answerHead, refusal, responseFields } from "./_http1_answer.ts";
import type { ByteSocket } from "./_http1_byte_socket.ts";
import { offerUpgrade } from "./_upgrade.ts";
import type { WsConnection } from "./_ws_connection.ts";
import { internalErrorResponse, resolveLimits, type ServeLimits } from "./_serve_shared.ts";
import { LOCAL_CODES } from "./errors.ts";
import { ThrottledNotice } from "./notice_throttle.ts";
import { type Clock, monotonicClock } from "../_clock.ts";
import { unrefTimer } from "../_timers.ts";

/**
 * Options of {@linkcode Http1Server}: those of `serve` (its `lane` answers requests whose body is read, through
 * `answerRead`), plus the clock of the timeouts.
 *
 * @example
 * ```ts
 * const options: Http1ServerOptions = { hostname: "127.0.0.1", port: 0, fetch: () => new Response("ok") };
 * ```
 */
export interface Http1ServerOptions extends ServeOptions {
  /** Time of the timeouts, and the timer of the sweep. Default: monotonic time, real unreferenced timers. */
  clock?: Clock;
}

/** What a connection asks of its server. */
export type Http1Context = Pick<
  Http1Server,
  "limits" | "now" | "closing" | "forget" | "timedOut" | "writeRefusal" | "answerRaw" | "handle" | "upgrade"
>;

/**
 * The connections of one listening socket and what they share.
 *
 * @example
 * ```ts
 * import type { Http1Transport } from "./_http1_byte_socket.ts";
 * declare const io: Http1Transport;
 * const server = new Http1Server({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("ok") });
 * const connection = server.accept(io); // undefined: over the limit, close the socket
 * ```
 */
export class Http1Server {
  readonly limits: ServeLimits;
  /** The server's own URL, set by the adapter once bound. */
  base = "";
  closing = false;
  readonly #options: Http1ServerOptions;
  readonly #lane: RawLane | undefined;
  readonly #clock: Clock;
  readonly #connections = new Set<Http1Connection>();
  readonly #timeouts: ThrottledNotice;
  readonly #sweep: unknown;
  #allClosed: (() => void) | undefined;
  /** A warm-up's canned answer while `warm` runs (the lane is not asked then), otherwise undefined. */
  #warmAnswer: RawAnswer | undefined;

  /** Throws a `RangeError` for a limit that is not a positive integer. */
  constructor(options: Http1ServerOptions) {
    this.limits = resolveLimits(options);
    this.#options = options;
    this.#lane = options.lane;
    this.#clock = options.clock ?? monotonicClock;
    this.#timeouts = new ThrottledNotice((count, total) => {
      options.onNotice?.("control plane: requests not received in time (answered 408, connection closed)", {
        count: String(count),
        total: String(total),
      });
    }, options.notices);
    const shortest = Math.min(this.limits.headerTimeoutMs, this.limits.keepAliveTimeoutMs);
    const every = Math.min(1000, Math.max(10, Math.floor(shortest / 10)));
    this.#sweep = this.#clock.setInterval(() => this.sweep(), every);
    if (options.clock === undefined) unrefTimer(this.#sweep);
  }

  /** A new connection, or undefined when `maxConnections` are open (the adapter closes it unanswered). */
  accept(io: Http1Transport): Http1Connection | undefined {
    if (this.closing || this.#connections.size >= this.limits.maxConnections) return undefined;
    const connection = new Http1Connection(this, io);
    this.#connections.add(connection);
    return connection;
  }

  /**
   * Runs `request` (the bytes of one whole request) through a connection of its own, as if a socket had
   * delivered them, and answers it with `answer` instead of asking the lane or the app: the head's parse, the
   * body's read, the dispatch and the answer's bytes, all on a transport that takes nothing. The control
   * plane's part of the order path's warm-up (`lib/gateway/order_path_warmer.ts`): its own code, between the
   * runtime's read and the lane, was 16–20 µs of a gateway's request back to back and 36–54 µs at one order
   * every 5 ms (bench/README.md, twelfth round). Returns the bytes the answer would have had (0: not
   * answered).
   */
  warm(request: Uint8Array, answer: RawAnswer): number {
    const sink = new DiscardTransport();
    this.#warmAnswer = answer;
    try {
      new Http1Connection(this, sink).receive(request);
    } finally {
      this.#warmAnswer = undefined;
    }
    return sink.taken;
  }

  /** Checks every connection's deadlines (run by the server's interval; tests may call it). */
  sweep(): void {
    const now = this.#clock.now();
    for (const connection of this.#connections) connection.sweep(now);
  }

  now(): number {
    return this.#clock.now();
  }

  forget(connection: Http1Connection): void {
    this.#connections.delete(connection);
    if (this.#connections.size === 0) this.#allClosed?.();
  }

  timedOut(): void {
    this.#timeouts.hit();
  }

  writeRefusal(io: Http1Transport, status: 400 | 408 | 431 | 501): void {
    io.write(refusal(status));
    io.end();
  }

  /**
   * Offers a request whose body is read to the raw lane: true when the lane took it and calls `reply` once
   * (perhaps before this returns; a fault of the lane's own answers 500), false for `handle`.
   */
  answerRaw(
    head: RequestHead,
    body: Uint8Array | undefined,
    reply: (answer: Response | RawAnswer) => void,
  ): boolean {
    if (this.#warmAnswer !== undefined) {
      reply(this.#warmAnswer);
      return true;
    }
    const lane = this.#lane;
    if (lane === undefined) return false;
    try {
      return lane.answerRead(
        head.method,
        head.target,
        (name) => headerValue(head.headers, name),
        body,
        reply,
      );
    } catch {
      reply(internalErrorResponse());
      return true;
    }
  }

  /** The app's answer to one request (a 500 if it throws). Never rejects. */
  async handle(
    head: RequestHead,
    body: Uint8Array | ReadableStream<Uint8Array> | undefined,
  ): Promise<Response | RawAnswer> {
    try {
      let request: Request;
      try {
        request = toFetchRequest(head, this.base, body);
      } catch {
        // The parser let it through, the fetch API does not (a target or header value it cannot represent).
        return new Response(
          JSON.stringify({ code: LOCAL_CODES.INVALID_REQUEST, msg: "malformed request target or header" }),
          { status: 400, headers: { "content-type": "application/json" } },
        );
      }
      return await this.#options.fetch(request);
    } catch {
      return internalErrorResponse();
    }
  }

  /**
   * Runs an upgrade request through the app with its socket on offer; true when a route took it over,
   * otherwise its answer is written (the connection is then closed).
   */
  async upgrade(
    head: RequestHead,
    leftover: Uint8Array,
    socket: ByteSocket,
    onAccept: (ws: WsConnection) => void,
  ): Promise<boolean> {
    let request: Request;
    try {
      request = toFetchRequest(head, this.base, undefined);
    } catch {
      socket.write(refusal(400));
      return false;
    }
    const offer = offerUpgrade(request, socket, leftover, onAccept);
    let response: Response;
    try {
      response = await this.#options.fetch(request);
    } catch {
      response = internalErrorResponse();
    }
    if (offer.accepted) return true;
    let text = "";
    try {
      text = await response.text();
    } catch { /* an answer without its body still says no */ }
    socket.write(
      answerHead(response.status, responseFields(response), new TextEncoder().encode(text).length, 0) + text,
    );
    return false;
  }

  /** Stops taking connections, closes the idle ones and the WebSockets; resolves once all are closed. */
  close(): Promise<void> {
    this.closing = true;
    this.#timeouts.close();
    this.#clock.clearInterval(this.#sweep);
    for (const connection of this.#connections) connection.shutdown();
    if (this.#connections.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#allClosed = resolve);
  }
}
