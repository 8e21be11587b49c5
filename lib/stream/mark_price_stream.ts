/**
 * The all-symbols mark price stream, `<stream-url>/market/ws/!markPrice@arr@1s` (ws-fapi.md §1: the `/market`
 * tier; a mark price stream asked for on another tier silently delivers nothing), apart from the order hot
 * path: one runtime-native WebSocket, reconnects with backoff and jitter, rotation before the 24 h cut. Each
 * frame is an array of `markPriceUpdate` events; each event's symbol and mark go to `onMark`. A frame that is
 * not such an array is ignored.
 *
 * @module
 */

import type { Clock } from "../_clock.ts";
import { StreamSocket, type StreamSocketState } from "./_stream_socket.ts";

/**
 * The path of the stream under the stream host.
 *
 * @example
 * ```ts
 * `wss://fstream.binance.com${MARK_PRICE_PATH}`;
 * ```
 */
export const MARK_PRICE_PATH = "/market/ws/!markPrice@arr@1s";

/** The stream's state. */
export type MarkPriceStreamState = StreamSocketState;

/**
 * Options for {@linkcode MarkPriceStream}.
 *
 * @example
 * ```ts
 * const options: MarkPriceStreamOptions = { streamUrl: "wss://fstream.binance.com",
 *   onMark: (symbol, mark, eventTime) => console.log(symbol, mark, eventTime) };
 * ```
 */
export interface MarkPriceStreamOptions {
  /** Stream host base, e.g. `wss://fstream.binance.com`; the client appends {@linkcode MARK_PRICE_PATH}. */
  streamUrl: string;
  /** One symbol's mark (decimal text as sent) and the event time (exchange ms). */
  onMark(symbol: string, markPrice: string, eventTime: number): void;
  /** Connection changes (rare). */
  onState?(state: MarkPriceStreamState, reason: string): void;
  connectTimeoutMs?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Socket age that triggers a rotation. Default 23 h. */
  maxAgeMs?: number;
  clock?: Clock;
}

/**
 * Keeps the mark price stream connected.
 *
 * @example
 * ```ts
 * const stream = new MarkPriceStream({ streamUrl: "wss://fstream.binance.com",
 *   onMark: (symbol, mark) => console.log(symbol, mark) });
 * await stream.start();
 * stream.close();
 * ```
 */
export class MarkPriceStream {
  readonly #o: MarkPriceStreamOptions;
  readonly #socket: StreamSocket;
  #frames = 0;

  constructor(options: MarkPriceStreamOptions) {
    this.#o = options;
    this.#socket = new StreamSocket({
      url: () => `${options.streamUrl.replace(/\/+$/, "")}${MARK_PRICE_PATH}`,
      closedReason: "mark price stream closed",
      onFrame: (text) => this.#onFrame(text),
      onUp: () => options.onState?.("up", "connected"),
      // Reported on a change only: a host without the stream retries quietly (with backoff) after one notice.
      onDown: (reason, previous) => {
        const state = this.#socket.state;
        if (state !== previous || this.#socket.reconnects === 0) options.onState?.(state, reason);
      },
      connectTimeoutMs: options.connectTimeoutMs,
      backoffBaseMs: options.backoffBaseMs,
      backoffMaxMs: options.backoffMaxMs,
      maxAgeMs: options.maxAgeMs,
      clock: options.clock,
    });
  }

  /** Connects; resolves once the first attempt ended, up or not (failures retry in the background). */
  start(): Promise<void> {
    return this.#socket.start();
  }

  /** The stream's state. */
  get state(): MarkPriceStreamState {
    return this.#socket.state;
  }

  /** Reconnects after a drop, and frames received (for `/health`). */
  get counters(): { reconnects: number; frames: number } {
    return { reconnects: this.#socket.reconnects, frames: this.#frames };
  }

  /** Stops everything; no reconnect follows. */
  close(): void {
    this.#socket.close();
  }

  #onFrame(text: string): void {
    let events: unknown;
    try {
      events = JSON.parse(text);
    } catch {
      return;
    }
    // The combined-stream form wraps the array as {stream, data}.
    if (!Array.isArray(events)) events = (events as { data?: unknown } | null)?.data;
    if (!Array.isArray(events)) return;
    this.#frames++;
    for (const e of events as Record<string, unknown>[]) {
      if (e === null || typeof e !== "object" || e.e !== "markPriceUpdate") continue;
      const { s, p, E } = e;
      if (typeof s === "string" && typeof p === "string") this.#o.onMark(s, p, typeof E === "number" ? E : 0);
    }
  }
}
