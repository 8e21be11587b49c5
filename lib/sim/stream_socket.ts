/**
 * One user data stream socket (`/private/ws?listenKey=…`): bound to one listenKey and an optional allow list
 * of event types, with the ws-fapi heartbeat (heartbeat.ts) and connection lifetime, and the delivery faults
 * `duplicateEvents` and `reorderEvents`.
 *
 * Simulator choice: the stream takes no requests. Text frames from the client are ignored (Binance's stream
 * host answers SUBSCRIBE-style requests; a client of this stream has none to send). Client pings are answered
 * with their payload by the connection itself.
 *
 * @module
 */

import type { SimCore } from "./core.ts";
import { Heartbeat } from "./heartbeat.ts";
import { laterUnref, type TimerHandle } from "../_timers.ts";
import type { WsConnection, WsHandlers } from "./_ws_connection.ts";

/** With `reorderEvents`, an event left waiting for a partner goes out alone after this long (real time). */
export const REORDER_FLUSH_MS = 25;

/** The event type every socket gets whatever its allow list says: the client needs it to renew its key. */
const ALWAYS_SENT = "listenKeyExpired";

/**
 * The server side of one stream socket.
 *
 * @example
 * ```ts
 * import type { SimCore } from "./core.ts";
 * import type { WsConnection } from "./_ws_connection.ts";
 * declare const core: SimCore;
 * declare const connection: WsConnection; // just accepted
 * const socket = new StreamSocket(core, connection, "listenKey", new Set(["ORDER_TRADE_UPDATE"]), () => {});
 * connection.start(socket.handlers(), 1 << 20, undefined);
 * if (socket.wants("ORDER_TRADE_UPDATE")) socket.send('{"e":"ORDER_TRADE_UPDATE"}');
 * ```
 */
export class StreamSocket {
  /** The listenKey the socket was opened with. */
  readonly listenKey: string;
  readonly #core: SimCore;
  readonly #conn: WsConnection;
  readonly #events: ReadonlySet<string> | undefined;
  readonly #onClosed: (socket: StreamSocket) => void;
  readonly #heartbeat: Heartbeat;
  #lifetimeTimer: TimerHandle | undefined;
  #held: string | undefined;
  #flushTimer: TimerHandle | undefined;
  #closed = false;

  /** `events` undefined means every event type. */
  constructor(
    core: SimCore,
    conn: WsConnection,
    listenKey: string,
    events: ReadonlySet<string> | undefined,
    onClosed: (socket: StreamSocket) => void,
  ) {
    this.#core = core;
    this.#conn = conn;
    this.listenKey = listenKey;
    this.#events = events;
    this.#onClosed = onClosed;
    core.stats.streamConnections++;
    core.stats.streamConnectionsTotal++;
    this.#heartbeat = new Heartbeat(core, conn);
    const lifetime = core.options.connectionLifetimeMs;
    if (lifetime > 0) {
      this.#lifetimeTimer = laterUnref(() => conn.close(1000, "connection lifetime reached"), lifetime);
    }
  }

  /** The callbacks to give the WebSocket connection. */
  handlers(): WsHandlers {
    return {
      text: () => {}, // the stream takes no requests
      pong: (payload) => this.#heartbeat.pong(payload),
      closed: () => this.#cleanup(),
    };
  }

  /** True when the allow list lets `eventType` through (listenKeyExpired always passes). */
  wants(eventType: string): boolean {
    return this.#events === undefined || eventType === ALWAYS_SENT || this.#events.has(eventType);
  }

  /** Sends one event, twice under `duplicateEvents`, swapped with its neighbour under `reorderEvents`. */
  send(text: string): void {
    if (this.#closed) return;
    this.#route(text);
    if (this.#core.faults.duplicateEvents) this.#route(text);
  }

  /** Destroys the socket abruptly (no close frame); a held event is lost with it. */
  destroy(): void {
    this.#conn.destroy();
  }

  #route(text: string): void {
    if (!this.#core.faults.reorderEvents) {
      this.#flush(); // a held event keeps its place in front
      this.#write(text);
      return;
    }
    const first = this.#held;
    if (first === undefined) {
      this.#held = text;
      this.#flushTimer = laterUnref(() => this.#flush(), REORDER_FLUSH_MS);
      return;
    }
    this.#clearHeld();
    this.#write(text);
    this.#write(first);
  }

  #flush(): void {
    const held = this.#held;
    if (held === undefined) return;
    this.#clearHeld();
    this.#write(held);
  }

  #clearHeld(): void {
    if (this.#flushTimer !== undefined) clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    this.#held = undefined;
  }

  #write(text: string): void {
    if (this.#conn.sendText(text)) this.#core.stats.eventsSent++;
  }

  #cleanup(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#heartbeat.stop();
    if (this.#lifetimeTimer !== undefined) clearTimeout(this.#lifetimeTimer);
    this.#clearHeld();
    this.#core.stats.streamConnections--;
    this.#onClosed(this);
  }
}
