/**
 * The all-symbols mark price stream, `<stream-url>/market/ws/!markPrice@arr@1s` (ws-fapi.md §1: the `/market`
 * tier; a mark price stream asked for on another tier silently delivers nothing), apart from the order hot
 * path: one runtime-native WebSocket, reconnects with backoff and jitter, rotation before the 24 h cut. Each
 * frame is an array of `markPriceUpdate` events; each event's symbol and mark go to `onMark`. A frame that is
 * not such an array is ignored.
 *
 * @module
 */

import { type Clock, monotonicClock } from "../_clock.ts";
import { unrefTimer } from "../_timers.ts";
import { Backoff } from "../connection/backoff.ts";
import { Connection, type ConnectionHandler } from "../connection/connection.ts";

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
export type MarkPriceStreamState = "connecting" | "up" | "down" | "closed";

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
export class MarkPriceStream implements ConnectionHandler {
  readonly #o: MarkPriceStreamOptions;
  readonly #clock: Clock;
  readonly #backoff: Backoff;
  #state: MarkPriceStreamState = "connecting";
  #active: Connection | undefined;
  #generation = 0;
  #reconnects = 0;
  #frames = 0;
  #retry: unknown;
  #rotator: unknown;

  constructor(options: MarkPriceStreamOptions) {
    this.#o = options;
    this.#clock = options.clock ?? monotonicClock;
    this.#backoff = new Backoff({
      baseMs: options.backoffBaseMs ?? 250,
      maxMs: options.backoffMaxMs ?? 30_000,
    });
  }

  /** Connects; resolves once the first attempt ended, up or not (failures retry in the background). */
  start(): Promise<void> {
    return this.#connect();
  }

  /** The stream's state. */
  get state(): MarkPriceStreamState {
    return this.#state;
  }

  /** Reconnects after a drop, and frames received (for `/health`). */
  get counters(): { reconnects: number; frames: number } {
    return { reconnects: this.#reconnects, frames: this.#frames };
  }

  /** Stops everything; no reconnect follows. */
  close(): void {
    if (this.#state === "closed") return;
    this.#state = "closed";
    this.#clock.clearTimeout(this.#retry);
    this.#clock.clearTimeout(this.#rotator);
    this.#active?.close("mark price stream closed");
    this.#active = undefined;
  }

  /** ConnectionHandler: one frame. */
  onFrame(text: string, connection: Connection): void {
    if (connection !== this.#active) return;
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

  /** ConnectionHandler: a socket ended. */
  onClosed(connection: Connection, reason: string): void {
    if (connection !== this.#active || this.#state === "closed") return;
    this.#active = undefined;
    this.#down(reason);
  }

  async #connect(): Promise<void> {
    if (this.#state === "closed") return;
    try {
      const conn = await Connection.open({
        url: `${this.#o.streamUrl.replace(/\/+$/, "")}${MARK_PRICE_PATH}`,
        generation: ++this.#generation,
        timeoutMs: this.#o.connectTimeoutMs ?? 10_000,
        handler: this,
        clock: this.#clock,
      });
      if ((this.#state as MarkPriceStreamState) === "closed") return conn.close("mark price stream closed");
      const old = this.#active;
      this.#active = conn;
      old?.close("rotated");
      this.#backoff.reset();
      this.#state = "up";
      this.#o.onState?.("up", "connected");
      this.#clock.clearTimeout(this.#rotator);
      this.#rotator = unrefTimer(
        this.#clock.setTimeout(() => void this.#connect(), this.#o.maxAgeMs ?? 82_800_000),
      );
    } catch (e) {
      if (this.#active === undefined) this.#down((e as Error).message);
      else this.#rotator = unrefTimer(this.#clock.setTimeout(() => void this.#connect(), 60_000));
    }
  }

  #down(reason: string): void {
    if (this.#state === "closed") return;
    const before = this.#state;
    this.#state = before === "connecting" && this.#reconnects === 0 ? "connecting" : "down";
    // Reported on a change only: a host without the stream retries quietly (with backoff) after one notice.
    if (this.#state !== before || this.#reconnects === 0) this.#o.onState?.(this.#state, reason);
    this.#reconnects++;
    this.#clock.clearTimeout(this.#retry);
    this.#retry = unrefTimer(this.#clock.setTimeout(() => void this.#connect(), this.#backoff.next()));
  }
}
