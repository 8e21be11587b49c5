/**
 * One stream-host WebSocket kept connected, the part the user data stream and the mark price stream share:
 * reconnects with backoff and jitter after a drop, and a rotation before the host's 24 h cut, in which the new
 * socket is open before the old one closes. What the socket carries, and what a change means to its owner,
 * stays with the owner (`onFrame`, `onUp`, `onDown`).
 *
 * @module
 */

import { type Clock, monotonicClock } from "../_clock.ts";
import { unrefTimer } from "../_timers.ts";
import { Backoff } from "../connection/backoff.ts";
import { Connection, type ConnectionHandler } from "../connection/connection.ts";

/** Connecting (first time, until the first drop), up, down (waiting to reconnect), or closed. */
export type StreamSocketState = "connecting" | "up" | "down" | "closed";

/**
 * Options for {@linkcode StreamSocket}.
 *
 * @example
 * ```ts
 * const options: StreamSocketOptions = {
 *   url: () => "wss://fstream.binance.com/market/ws/!markPrice@arr@1s",
 *   closedReason: "stream closed",
 *   onFrame: (text) => console.log(text.length),
 *   onUp: (rotated) => console.log(rotated ? "rotated" : "up"),
 *   onDown: (reason) => console.log("down:", reason),
 * };
 * ```
 */
export interface StreamSocketOptions {
  /** The URL of the next socket, asked for on every (re)connect; a rejection counts as a failed attempt. */
  url(): string | Promise<string>;
  /** The reason a socket is closed with by {@linkcode StreamSocket.close}. */
  closedReason: string;
  /** A frame of the current socket. */
  onFrame(text: string): void;
  /** A socket is up: `rotated` when it replaced a live one (nothing missed), else after a gap or at start. */
  onUp(rotated: boolean): void;
  /** The socket was lost or could not be opened (the state says which); a reconnect is scheduled. */
  onDown(reason: string, previous: StreamSocketState): void;
  connectTimeoutMs?: number | undefined;
  backoffBaseMs?: number | undefined;
  backoffMaxMs?: number | undefined;
  /** Socket age that triggers a rotation. Default 23 h (the stream host cuts at 24 h). */
  maxAgeMs?: number | undefined;
  clock?: Clock | undefined;
}

/**
 * Keeps one stream socket connected.
 *
 * @example
 * ```ts
 * const socket = new StreamSocket({ url: () => "wss://fstream.binance.com/market/ws/!markPrice@arr@1s",
 *   closedReason: "stream closed", onFrame: (text) => console.log(text), onUp() {}, onDown() {} });
 * await socket.start();
 * socket.close();
 * ```
 */
export class StreamSocket implements ConnectionHandler {
  readonly #o: StreamSocketOptions;
  readonly #clock: Clock;
  readonly #backoff: Backoff;
  #state: StreamSocketState = "connecting";
  #active: Connection | undefined;
  #generation = 0;
  #reconnects = 0;
  #retry: unknown;
  #rotator: unknown;

  constructor(options: StreamSocketOptions) {
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

  /** The socket's state. */
  get state(): StreamSocketState {
    return this.#state;
  }

  /** Reconnects after a drop so far. */
  get reconnects(): number {
    return this.#reconnects;
  }

  /** Stops everything; no reconnect follows. */
  close(): void {
    if (this.#state === "closed") return;
    this.#state = "closed";
    this.#clock.clearTimeout(this.#retry);
    this.#clock.clearTimeout(this.#rotator);
    this.#active?.close(this.#o.closedReason);
    this.#active = undefined;
  }

  /** Closes the current socket with `reason` and connects again at once (not a drop: no backoff, no `onDown`). */
  replace(reason: string): void {
    this.#reconnects++; // a new socket, as after a drop: `health` counts it
    const conn = this.#active;
    this.#active = undefined;
    conn?.close(reason);
    this.#clock.clearTimeout(this.#retry);
    void this.#connect();
  }

  /** ConnectionHandler: one frame. */
  onFrame(text: string, connection: Connection): void {
    if (connection !== this.#active) return; // a rotated-out socket's leftovers: the new one has them too
    this.#o.onFrame(text);
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
        url: await this.#o.url(),
        generation: ++this.#generation,
        timeoutMs: this.#o.connectTimeoutMs ?? 10_000,
        handler: this,
        clock: this.#clock,
      });
      // close() may have run while this connect was awaited (the compiler cannot see that).
      if ((this.#state as StreamSocketState) === "closed") return conn.close(this.#o.closedReason);
      const old = this.#active;
      this.#active = conn;
      old?.close("rotated");
      this.#backoff.reset();
      this.#state = "up";
      this.#clock.clearTimeout(this.#rotator);
      this.#rotator = unrefTimer(
        this.#clock.setTimeout(() => void this.#connect(), this.#o.maxAgeMs ?? 82_800_000),
      );
      this.#o.onUp(old !== undefined);
    } catch (e) {
      if (this.#active === undefined) this.#down((e as Error).message);
      // A failed rotation keeps the old socket; try again in a minute, well before the 24 h cut.
      else this.#rotator = unrefTimer(this.#clock.setTimeout(() => void this.#connect(), 60_000));
    }
  }

  #down(reason: string): void {
    if (this.#state === "closed") return;
    const previous = this.#state;
    this.#state = previous === "connecting" && this.#reconnects === 0 ? "connecting" : "down";
    this.#o.onDown(reason, previous);
    this.#reconnects++;
    this.#clock.clearTimeout(this.#retry);
    this.#retry = unrefTimer(this.#clock.setTimeout(() => void this.#connect(), this.#backoff.next()));
  }
}
