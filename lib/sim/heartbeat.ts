/**
 * The server side of the heartbeat (ws-fapi.md §6), shared by ws-fapi sessions and user data stream sockets:
 * a ping carrying a payload (the sim clock's time) every `pingIntervalMs`, pongs matched against the
 * outstanding pings (`pongsOk` / `pongsBad`), and the socket destroyed, with no close frame, when the oldest
 * ping has gone unanswered for `pongTimeoutMs`. Pings and the pong timeout run on real timers.
 *
 * @module
 */

import type { Buffer } from "node:buffer";
import type { SimCore } from "./core.ts";
import { everyUnref, laterUnref, type TimerHandle } from "../_timers.ts";
import type { WsConnection } from "./_ws_connection.ts";

const MAX_OUTSTANDING = 1_000;

interface OutstandingPing {
  readonly payload: string;
  readonly sentAt: number;
}

/**
 * One connection's heartbeat; it starts pinging when constructed.
 *
 * @example
 * ```ts
 * import type { SimCore } from "./core.ts";
 * import type { WsConnection } from "./_ws_connection.ts";
 * declare const core: SimCore;
 * declare const connection: WsConnection;
 * const heartbeat = new Heartbeat(core, connection);
 * // wire the connection's pong handler to heartbeat.pong(payload); on close:
 * heartbeat.stop();
 * ```
 */
export class Heartbeat {
  readonly #core: SimCore;
  readonly #conn: WsConnection;
  readonly #pings: OutstandingPing[] = [];
  #pingTimer: TimerHandle | undefined;
  #pongTimer: TimerHandle | undefined;

  constructor(core: SimCore, conn: WsConnection) {
    this.#core = core;
    this.#conn = conn;
    const { pingIntervalMs } = core.options;
    if (pingIntervalMs > 0) this.#pingTimer = everyUnref(() => this.#ping(), pingIntervalMs);
  }

  /** A pong frame arrived: it answers the outstanding ping with the same payload, or it counts as bad. */
  pong(payload: Buffer): void {
    const text = payload.toString("utf8");
    const index = this.#pings.findIndex((p) => p.payload === text);
    if (index < 0) {
      this.#core.stats.pongsBad++; // unsolicited or wrong payload: allowed, but keeps nothing alive
      return;
    }
    this.#core.stats.pongsOk++;
    this.#pings.splice(0, index + 1);
  }

  /** Stops pinging and checking (the connection is closed or went silent); pongs are still counted. */
  stop(): void {
    if (this.#pingTimer !== undefined) clearInterval(this.#pingTimer);
    if (this.#pongTimer !== undefined) clearTimeout(this.#pongTimer);
    this.#pingTimer = undefined;
    this.#pongTimer = undefined;
  }

  #ping(): void {
    const payload = String(this.#core.now());
    this.#pings.push({ payload, sentAt: Date.now() });
    if (this.#pings.length > MAX_OUTSTANDING) this.#pings.shift();
    this.#core.stats.pingsSent++;
    this.#conn.ping(payload);
    this.#armPongTimer();
  }

  /** One timer for the oldest unanswered ping; on expiry the socket is dropped if that ping is overdue. */
  #armPongTimer(): void {
    if (this.#pongTimer !== undefined || this.#pings.length === 0) return;
    const oldest = this.#pings[0]!;
    const timeout = this.#core.options.pongTimeoutMs;
    this.#pongTimer = laterUnref(() => {
      this.#pongTimer = undefined;
      const first = this.#pings[0];
      if (first !== undefined && Date.now() - first.sentAt >= timeout) return this.#conn.destroy();
      this.#armPongTimer();
    }, Math.max(0, oldest.sentAt + timeout - Date.now()));
  }
}
