/**
 * The all-symbols mark price stream on the `/market` tier (ws-fapi.md §1): `/market/ws/!markPrice@arr@1s`
 * sends a JSON array of `markPriceUpdate` events, one per symbol, every second on the sim clock and at once
 * after every mark move (`setMarkPrice`, the mark walk). `/market/stream?streams=!markPrice@arr@1s` sends the
 * same array wrapped as `{stream, data}`. The stream takes no requests: text frames are ignored. Its sockets
 * and frames are not counted in the simulator's stats (those count the user data stream).
 *
 * Simulator choice: the legacy root paths (`/ws/…`) are not served, like the exchange since 2026-04-23, so a
 * client that subscribes on the wrong tier gets a 404 here instead of silence.
 *
 * @module
 */

import type { SimCore } from "./core.ts";
import { formatUnits } from "./decimal.ts";
import { nextFundingTime } from "./rest_market.ts";
import type { WsConnection, WsHandlers } from "./_ws_connection.ts";

/** The one market stream the simulator serves. */
export const MARK_PRICE_STREAM = "!markPrice@arr@1s";
const RAW_PATH = `/market/ws/${MARK_PRICE_STREAM}`;
const COMBINED_PATH = "/market/stream";
const INTERVAL_MS = 1_000;

/**
 * How a market upgrade asked for the stream: raw (`/market/ws/…`) or combined (`/market/stream?streams=…`);
 * undefined when the path and query are not the mark price stream.
 *
 * @example
 * ```ts
 * parseMarketTarget("/market/ws/!markPrice@arr@1s", ""); // "raw"
 * parseMarketTarget("/ws/!markPrice@arr@1s", "");        // undefined: the legacy tier is retired
 * ```
 */
export function parseMarketTarget(path: string, query: string): "raw" | "combined" | undefined {
  const decoded = path.includes("%") ? safeDecode(path) : path;
  if (decoded === RAW_PATH) return "raw";
  if (decoded === COMBINED_PATH && new URLSearchParams(query).get("streams") === MARK_PRICE_STREAM) {
    return "combined";
  }
  return undefined;
}

/**
 * The mark price stream's subscribers and its 1 s timer (armed only while someone listens).
 *
 * @example
 * ```ts
 * import type { SimCore } from "./core.ts";
 * import type { WsConnection } from "./_ws_connection.ts";
 * declare const core: SimCore;
 * declare const connection: WsConnection; // just accepted on /market/ws/!markPrice@arr@1s
 * const market = new MarkPriceStreams(core);
 * connection.start(market.attach(connection, "raw"), 1 << 20, undefined);
 * market.publish(); // after a mark move
 * market.close();
 * ```
 */
export class MarkPriceStreams {
  readonly #core: SimCore;
  readonly #sockets = new Map<WsConnection, "raw" | "combined">();
  #timer: unknown;
  #closed = false;

  constructor(core: SimCore) {
    this.#core = core;
  }

  /** Adds an accepted socket; returns its handlers. */
  attach(conn: WsConnection, kind: "raw" | "combined"): WsHandlers {
    this.#sockets.set(conn, kind);
    this.#arm();
    return {
      text: () => {},
      pong: () => {},
      closed: () => {
        if (!this.#sockets.delete(conn)) return;
        if (this.#sockets.size === 0) this.#disarm();
      },
    };
  }

  /** Sends the current marks of every symbol to every subscriber. */
  publish(): void {
    if (this.#sockets.size === 0) return;
    const now = this.#core.now();
    const events = [...this.#core.specs.keys()].map((symbol) => {
      const mark = formatUnits(this.#core.exchange.marks.get(symbol) ?? 0n, 8);
      return {
        e: "markPriceUpdate",
        E: now,
        s: symbol,
        p: mark,
        P: mark,
        i: mark,
        r: "0.00010000",
        T: nextFundingTime(now),
      };
    });
    const raw = JSON.stringify(events);
    const combined = `{"stream":"${MARK_PRICE_STREAM}","data":${raw}}`;
    for (const [conn, kind] of this.#sockets) {
      conn.sendText(kind === "raw" ? raw : combined);
    }
  }

  /** Stops the timer and closes every socket. */
  close(): void {
    this.#closed = true;
    this.#disarm();
    for (const conn of [...this.#sockets.keys()]) conn.destroy();
  }

  #arm(): void {
    if (this.#timer !== undefined || this.#closed) return;
    const tick = () => {
      this.#timer = undefined;
      if (this.#sockets.size === 0 || this.#closed) return;
      this.publish();
      this.#arm();
    };
    this.#timer = this.#core.clock.setTimeout(tick, INTERVAL_MS);
  }

  #disarm(): void {
    if (this.#timer === undefined) return;
    this.#core.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
