/**
 * One runtime-native `WebSocket` (Deno's and Bun's built-in client; no `ws` package) to a ws-fapi endpoint.
 * The runtime answers server pings with pongs echoing the payload on its own; this wrapper adds a connect
 * timeout, the time of the last frame (for dead-link detection), and `abandon`, which treats a silent socket
 * as gone at once instead of waiting for a close handshake a dead peer will never complete.
 *
 * @module
 */

import { type Clock, monotonicClock } from "../_clock.ts";

/** Receives a connection's frames and its end. One object per link, not one closure per message. */
export interface ConnectionHandler {
  onFrame(text: string, connection: Connection): void;
  onClosed(connection: Connection, reason: string): void;
}

/** Options for {@linkcode Connection.open}. */
export interface ConnectionOptions {
  url: string;
  /** Generation number: tags the requests sent on this socket. */
  generation: number;
  timeoutMs: number;
  handler: ConnectionHandler;
  /** Times the connect timeout and stamps `openedAt`/`lastFrameAt`. Default {@linkcode monotonicClock}. */
  clock?: Clock;
}

/**
 * An open WebSocket.
 *
 * @example
 * ```ts
 * declare const handler: ConnectionHandler;
 * const conn = await Connection.open({ url: "wss://ws-fapi.binance.com/ws-fapi/v1", generation: 1,
 *   timeoutMs: 5000, handler });
 * conn.send('{"id":1,"method":"session.status"}');
 * ```
 */
export class Connection {
  /** Generation number given at open. */
  readonly generation: number;
  /** The clock's `now()` at open (`performance.now()` by default). */
  readonly openedAt: number;
  /** The clock's `now()` at the last frame received (or at open). */
  lastFrameAt: number;
  /** Set by the link once the socket is logged on and carries requests. */
  ready = false;
  readonly #ws: WebSocket;
  readonly #handler: ConnectionHandler;
  readonly #clock: Clock;
  #closed = false;

  private constructor(ws: WebSocket, generation: number, handler: ConnectionHandler, clock: Clock) {
    this.#ws = ws;
    this.generation = generation;
    this.#handler = handler;
    this.#clock = clock;
    this.openedAt = this.lastFrameAt = clock.now();
  }

  /** Opens a socket; rejects with a message naming the URL's host (never credentials) on failure or timeout. */
  static open(options: ConnectionOptions): Promise<Connection> {
    const clock = options.clock ?? monotonicClock;
    return new Promise((resolve, reject) => {
      let ws: WebSocket;
      try {
        ws = new WebSocket(options.url);
      } catch (e) {
        reject(new Error(`cannot open ${safeUrl(options.url)}: ${(e as Error).message}`));
        return;
      }
      let settled = false;
      const timer = clock.setTimeout(() => {
        if (settled) return;
        settled = true;
        try {
          ws.close();
        } catch { /* already failing */ }
        reject(new Error(`connect to ${safeUrl(options.url)} timed out after ${options.timeoutMs} ms`));
      }, options.timeoutMs);
      ws.onopen = () => {
        if (settled) return;
        settled = true;
        clock.clearTimeout(timer);
        const conn = new Connection(ws, options.generation, options.handler, clock);
        ws.onmessage = (ev: MessageEvent) => conn.#onMessage(ev);
        ws.onclose = (ev: CloseEvent) =>
          conn.#end(`closed by peer (${ev.code}${ev.reason ? " " + ev.reason : ""})`);
        ws.onerror = () => conn.#end("socket error");
        resolve(conn);
      };
      ws.onerror = () => {
        if (settled) return;
        settled = true;
        clock.clearTimeout(timer);
        reject(new Error(`cannot connect to ${safeUrl(options.url)}`));
      };
      ws.onclose = (ev: CloseEvent) => {
        if (settled) return;
        settled = true;
        clock.clearTimeout(timer);
        reject(new Error(`connection to ${safeUrl(options.url)} closed during handshake (${ev.code})`));
      };
    });
  }

  /** Whether the socket can still send. */
  get isOpen(): boolean {
    return !this.#closed && this.#ws.readyState === 1;
  }

  /** Sends one text frame. Returns false if the socket is no longer open (nothing was sent). */
  send(text: string): boolean {
    if (this.#closed || this.#ws.readyState !== 1) return false;
    this.#ws.send(text);
    return true;
  }

  /** Closes the socket gracefully; the handler's `onClosed` runs now. */
  close(reason = "closed by router"): void {
    this.#end(reason);
  }

  /** Drops a socket that went silent: detaches it, starts a close, reports it closed now. */
  abandon(reason: string): void {
    this.#end(reason);
  }

  #onMessage(ev: MessageEvent): void {
    this.lastFrameAt = this.#clock.now();
    if (this.#closed) return;
    const data = ev.data;
    if (typeof data === "string") this.#handler.onFrame(data, this);
    else this.#handler.onFrame("", this); // binary frames are not part of the protocol: reported as malformed
  }

  #end(reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#ws.onmessage = null;
    this.#ws.onclose = null;
    this.#ws.onerror = null;
    try {
      this.#ws.close(1000);
    } catch { /* the socket may already be gone */ }
    this.#handler.onClosed(this, reason);
  }
}

/** The URL without query string or credentials, for messages. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return "(invalid url)";
  }
}
