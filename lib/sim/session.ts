/**
 * One WebSocket connection's life: parsing requests (one JSON.parse each), running them in arrival order
 * through the dispatcher, serialising replies (one JSON.stringify each, key order id, status, result|error,
 * rateLimits), the heartbeat (server pings with a payload, pong checking, pong timeout), the lifetime limit,
 * and the per-connection fault behaviours (reply delay, drop, silence, garbage frames).
 *
 * @module
 */

import type { Buffer } from "node:buffer";
import type { Params } from "./auth.ts";
import type { ConnState } from "./context.ts";
import type { SimCore } from "./core.ts";
import { dispatch, type Reply } from "./dispatch.ts";
import { E } from "./errors.ts";
import { everyUnref, laterUnref, type TimerHandle } from "../_timers.ts";
import type { WsConnection, WsHandlers } from "./_ws_connection.ts";

/** The text frame sent before every Nth reply by `malformedEveryNthReply`: deliberately not JSON. */
export const GARBAGE_FRAME = "<<simulator: malformed frame injected by fault>>";

/** Options of a {@linkcode Session}. */
export interface SessionOptions {
  /** False when the URL carried `?returnRateLimits=false`. */
  readonly returnRateLimits: boolean;
  /** Called once when the socket is gone. */
  readonly onClosed: (session: Session) => void;
}

interface OutstandingPing {
  readonly payload: string;
  readonly sentAt: number;
}

/**
 * The server side of one connection.
 *
 * @example
 * ```ts
 * const session = new Session(core, connection, { returnRateLimits: true, onClosed: () => {} });
 * connection.start(session.handlers(), 1 << 20, undefined);
 * ```
 */
export class Session implements ConnState {
  apiKey: string | undefined;
  authorizedSince: number | undefined;
  readonly connectedSince: number;
  readonly returnRateLimits: boolean;
  readonly #core: SimCore;
  readonly #conn: WsConnection;
  readonly #onClosed: (session: Session) => void;
  #silent = false;
  #closed = false;
  #busy = false;
  readonly #queue: string[] = [];
  readonly #pendingReplies = new Set<TimerHandle>();
  readonly #pings: OutstandingPing[] = [];
  #pingTimer: TimerHandle | undefined;
  #pongTimer: TimerHandle | undefined;
  #lifetimeTimer: TimerHandle | undefined;

  constructor(core: SimCore, conn: WsConnection, options: SessionOptions) {
    this.#core = core;
    this.#conn = conn;
    this.#onClosed = options.onClosed;
    this.returnRateLimits = options.returnRateLimits;
    this.connectedSince = core.now();
    core.stats.connections++;
    core.stats.connectionsTotal++;
    core.limiter.addWeight(5, this.connectedSince); // the handshake costs 5 (ws-fapi.md §6)
    const { pingIntervalMs, connectionLifetimeMs } = core.options;
    if (pingIntervalMs > 0) this.#pingTimer = everyUnref(() => this.#ping(), pingIntervalMs);
    if (connectionLifetimeMs > 0) {
      this.#lifetimeTimer = laterUnref(
        () => this.#conn.close(1000, "connection lifetime reached"),
        connectionLifetimeMs,
      );
    }
  }

  /** The callbacks to give the WebSocket connection. */
  handlers(): WsHandlers {
    return {
      text: (data) => this.#text(data),
      pong: (payload) => this.#pong(payload),
      closed: () => this.#cleanup(),
    };
  }

  /** Sends an unsolicited frame (serverShutdown) unless the connection is silent. */
  sendEvent(text: string): void {
    if (!this.#silent && !this.#closed) this.#conn.sendText(text);
  }

  /** Destroys the socket abruptly (no close frame). */
  destroy(): void {
    this.#conn.destroy();
  }

  #text(data: string): void {
    this.#core.stats.requests++;
    if (this.#silent || this.#closed) return;
    if (this.#busy) this.#queue.push(data);
    else this.#process(data);
  }

  #process(data: string): void {
    const fault = this.#core.faults.onRequest();
    if (fault.drop && !fault.execute) return this.#conn.destroy();
    let message: unknown;
    try {
      message = JSON.parse(data);
    } catch {
      message = undefined;
    }
    if (typeof message !== "object" || message === null || Array.isArray(message)) {
      return this.#finish(
        null,
        { status: 400, error: errorOf(E.invalidJson()) },
        fault.drop,
        fault.silentAfter,
      );
    }
    const { id, method, params } = message as Record<string, unknown>;
    if (id !== undefined && id !== null && typeof id !== "string" && typeof id !== "number") {
      return this.#finish(
        null,
        { status: 400, error: errorOf(E.invalidJson()) },
        fault.drop,
        fault.silentAfter,
      );
    }
    const replyId = id ?? null;
    if (
      typeof method !== "string" || (params !== undefined && (typeof params !== "object" || params === null))
    ) {
      return this.#finish(
        replyId,
        { status: 400, error: errorOf(E.invalidJson()) },
        fault.drop,
        fault.silentAfter,
      );
    }
    const reply = dispatch(this.#core, this, method, (params ?? {}) as Params);
    if (!(reply instanceof Promise)) return this.#finish(replyId, reply, fault.drop, fault.silentAfter);
    this.#busy = true;
    reply.then((r) => {
      this.#busy = false;
      this.#finish(replyId, r, fault.drop, fault.silentAfter);
      while (!this.#busy && !this.#silent && !this.#closed && this.#queue.length > 0) {
        this.#process(this.#queue.shift()!);
      }
    });
  }

  #finish(id: string | number | null, reply: Reply, drop: boolean, silentAfter: boolean): void {
    if (drop) return this.#conn.destroy();
    if (this.#closed) return;
    const body = reply.error !== undefined
      ? { id, status: reply.status, error: reply.error, rateLimits: reply.rateLimits }
      : { id, status: reply.status, result: reply.result, rateLimits: reply.rateLimits };
    this.#send(JSON.stringify(body)); // an undefined rateLimits is left out by JSON.stringify
    if (silentAfter) this.#goSilent();
  }

  #send(text: string): void {
    const garbage = this.#core.faults.onReply();
    const delay = this.#core.faults.responseDelayMs;
    if (delay <= 0) return this.#write(text, garbage);
    const timer = laterUnref(() => {
      this.#pendingReplies.delete(timer);
      this.#write(text, garbage);
    }, delay);
    this.#pendingReplies.add(timer);
  }

  #write(text: string, garbage: boolean): void {
    if (garbage) this.#conn.sendText(GARBAGE_FRAME);
    this.#conn.sendText(text);
  }

  /** Stops everything that would show the connection is alive: replies, pings, pongs, the pong timeout. */
  #goSilent(): void {
    this.#silent = true;
    this.#queue.length = 0;
    this.#conn.mute();
    this.#clearHeartbeat();
  }

  #ping(): void {
    if (this.#silent || this.#closed) return;
    const payload = String(this.#core.now());
    this.#pings.push({ payload, sentAt: Date.now() });
    if (this.#pings.length > 1_000) this.#pings.shift();
    this.#core.stats.pingsSent++;
    this.#conn.ping(payload);
    this.#armPongTimer();
  }

  #pong(payload: Buffer): void {
    const text = payload.toString("utf8");
    const index = this.#pings.findIndex((p) => p.payload === text);
    if (index < 0) {
      this.#core.stats.pongsBad++; // unsolicited or wrong payload: allowed, but keeps nothing alive
      return;
    }
    this.#core.stats.pongsOk++;
    this.#pings.splice(0, index + 1);
  }

  /** One timer for the oldest unanswered ping; on expiry the socket is dropped if that ping is overdue. */
  #armPongTimer(): void {
    if (this.#pongTimer !== undefined || this.#pings.length === 0) return;
    const oldest = this.#pings[0]!;
    const wait = Math.max(0, oldest.sentAt + this.#core.options.pongTimeoutMs - Date.now());
    this.#pongTimer = laterUnref(() => {
      this.#pongTimer = undefined;
      if (this.#silent || this.#closed) return;
      const first = this.#pings[0];
      if (first !== undefined && Date.now() - first.sentAt >= this.#core.options.pongTimeoutMs) {
        return this.#conn.destroy();
      }
      this.#armPongTimer();
    }, wait);
  }

  #clearHeartbeat(): void {
    if (this.#pingTimer !== undefined) clearInterval(this.#pingTimer);
    if (this.#pongTimer !== undefined) clearTimeout(this.#pongTimer);
    this.#pingTimer = undefined;
    this.#pongTimer = undefined;
  }

  #cleanup(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#clearHeartbeat();
    if (this.#lifetimeTimer !== undefined) clearTimeout(this.#lifetimeTimer);
    for (const timer of this.#pendingReplies) clearTimeout(timer); // a drop loses the replies still pending
    this.#pendingReplies.clear();
    this.#queue.length = 0;
    this.#core.stats.connections--;
    this.#onClosed(this);
  }
}

function errorOf(failure: { code: number; msg: string }): { code: number; msg: string } {
  return { code: failure.code, msg: failure.msg };
}
