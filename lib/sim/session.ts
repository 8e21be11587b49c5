/**
 * One WebSocket connection's life: parsing requests (one JSON.parse each), running them in arrival order
 * through the dispatcher, serialising replies (one JSON.stringify each, key order id, status, result|error,
 * rateLimits), the heartbeat (heartbeat.ts: server pings with a payload, pong checking, pong timeout), the
 * lifetime limit, and the per-connection fault behaviours (reply delay, drop, silence, garbage frames).
 *
 * @module
 */

import type { Params } from "./auth.ts";
import type { ConnState } from "./context.ts";
import type { SimCore } from "./core.ts";
import { dispatch, type Reply } from "./dispatch.ts";
import { E } from "./errors.ts";
import { Heartbeat } from "./heartbeat.ts";
import { laterUnref, type TimerHandle } from "../_timers.ts";
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

/**
 * The server side of one connection.
 *
 * @example
 * ```ts
 * import type { WsConnection } from "./_ws_connection.ts";
 * import type { SimCore } from "./core.ts";
 * declare const core: SimCore;
 * declare const connection: WsConnection; // just accepted
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
  readonly #heartbeat: Heartbeat;
  #lifetimeTimer: TimerHandle | undefined;

  constructor(core: SimCore, conn: WsConnection, options: SessionOptions) {
    this.#core = core;
    this.#conn = conn;
    this.#onClosed = options.onClosed;
    this.returnRateLimits = options.returnRateLimits;
    this.connectedSince = core.now();
    core.stats.connections++;
    core.stats.connectionsTotal++;
    // The handshake costs 5 (ws-fapi.md §6); not during a ban, which would only lengthen it (every request of
    // the banned session is answered 418 anyway).
    if (core.limiter.banCheck(this.connectedSince) === undefined) {
      core.limiter.addWeight(5, this.connectedSince);
    }
    const { connectionLifetimeMs } = core.options;
    this.#heartbeat = new Heartbeat(core, conn);
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
      // Requests are JSON in text frames; a binary frame is answered like text that is not JSON (-1135, id
      // null) and the socket stays open (_choice_: the exchange's answer is UNCONFIRMED).
      binary: () => this.#text(""),
      pong: (payload) => this.#heartbeat.pong(payload),
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
    const placeDelay = this.#core.faults.placeDelayMs;
    if (placeDelay > 0 && method === "order.place") {
      // The engine takes this place later; the requests behind it go ahead meanwhile.
      const timer = laterUnref(() => {
        this.#pendingReplies.delete(timer);
        if (this.#closed) return;
        void Promise.resolve(dispatch(this.#core, this, method, (params ?? {}) as Params)).then((r) =>
          this.#finish(replyId, r, fault.drop, fault.silentAfter)
        );
      }, placeDelay);
      this.#pendingReplies.add(timer);
      return;
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
    this.#heartbeat.stop();
  }

  #cleanup(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#heartbeat.stop();
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
