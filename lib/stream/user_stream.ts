/**
 * The user data stream client, apart from the order hot path: a listenKey from `userDataStream.start` over
 * the existing ws-fapi connection, a second runtime-native WebSocket to the private stream
 * (`<stream-url>/private/ws?listenKey=<k>&events=A/B/…`), a `userDataStream.ping` on schedule, a new key on
 * -1125 or `listenKeyExpired`, reconnects with backoff and jitter, and rotation before the 24 h limit.
 *
 * Events sent while nobody listened are lost, so every (re)connect and every failed ping is reported as a gap:
 * the owner reconciles orders, positions and balances then. A stream that is connected but whose key can no
 * longer be renewed is the silent failure other gateways suffer; here it is a gap and shows in `health`.
 *
 * @module
 */

import { type Clock, monotonicClock } from "../_clock.ts";
import { unrefTimer } from "../_timers.ts";
import { ExchangeError } from "../errors.ts";
import { parseUserEvent, USER_STREAM_EVENTS, type UserEvent } from "../account/user_events.ts";
import { StreamSocket, type StreamSocketState } from "./_stream_socket.ts";

/** How often a ping put off by a pause (an IP ban) looks again. */
const PAUSED_PING_RETRY_MS = 10_000;

/** Where listenKeys come from (the router). */
export interface ListenKeySource {
  /** `userDataStream.start`. */
  startUserDataStream(): Promise<string>;
  /** `userDataStream.ping`. */
  pingUserDataStream(): Promise<string>;
}

/** The stream's state: connecting (first time or again), up, or down (waiting to reconnect), or closed. */
export type UserStreamState = StreamSocketState;

/** What the stream reports to its owner (rare: never per event). */
export type UserStreamNotice =
  | { type: "stream-up"; reconnects: number }
  | { type: "stream-down"; reason: string }
  | { type: "listen-key-renewed"; reason: string }
  | { type: "listen-key-ping-failed"; error: string };

/** Options for {@linkcode UserStream}. */
export interface UserStreamOptions {
  /** Stream host base, e.g. `wss://fstream.binance.com`; the client appends `/private/ws?…`. */
  streamUrl: string;
  keys: ListenKeySource;
  /** Each parsed event, in arrival order. */
  onEvent(event: UserEvent): void;
  /** Events may have been missed (a (re)connect, a failed ping): reconcile. */
  onGap(reason: string): void;
  onNotice?(notice: UserStreamNotice): void;
  /** Event types to subscribe to. Default {@linkcode USER_STREAM_EVENTS}. */
  events?: readonly string[];
  /** listenKey ping interval. Default 25 min (a key lives 60 min). */
  pingIntervalMs?: number;
  /**
   * Whether the gateway asks nothing of its own for now (the router's `quiet`: an IP ban, or the request
   * weight used up): a ping due then waits for its end (asking lengthens a ban, and the router refuses it
   * locally anyway), looked at every 10 s.
   */
  paused?: () => boolean;
  /** Socket age that triggers a rotation. Default 23 h (the stream host cuts at 24 h). */
  maxAgeMs?: number;
  connectTimeoutMs?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  clock?: Clock;
}

/**
 * Keeps one user data stream connected.
 *
 * @example
 * ```ts
 * import { Router } from "../router/router.ts";
 * declare const router: Router;
 * const stream = new UserStream({ streamUrl: "wss://fstream.binance.com", keys: router,
 *   onEvent: (e) => console.log(e.type), onGap: (why) => console.log("reconcile:", why) });
 * await stream.start();
 * stream.close();
 * ```
 */
export class UserStream {
  readonly #o: UserStreamOptions;
  readonly #clock: Clock;
  readonly #socket: StreamSocket;
  readonly #events: string;
  #key: string | undefined;
  /**
   * A connect failed since the key was last confirmed: it may have expired while the socket was down (Binance
   * tells a connected socket, `listenKeyExpired`, and nobody else; the next ping may be 25 min away). The next
   * connect asks for the key again: the same key while it lives, a new one once it is gone.
   */
  #keyDoubted = false;
  #renewals = 0;
  #lastEventAt: number | undefined;
  #upSince: number | undefined;
  #pingOk = true;
  #pinger: unknown;
  /** A ping put off by a pause, looked at again in {@linkcode PAUSED_PING_RETRY_MS}. */
  #pingLater: unknown;

  constructor(options: UserStreamOptions) {
    this.#o = options;
    this.#clock = options.clock ?? monotonicClock;
    this.#events = (options.events ?? USER_STREAM_EVENTS).join("/");
    this.#socket = new StreamSocket({
      url: () => this.#url(),
      closedReason: "stream closed by router",
      onFrame: (text) => this.#onFrame(text),
      onUp: (rotated) => this.#onUp(rotated),
      onDown: (reason, previous) => {
        if (previous !== "up") this.#keyDoubted = true; // a connect that failed, not a drop
        options.onNotice?.({ type: "stream-down", reason });
      },
      connectTimeoutMs: options.connectTimeoutMs,
      backoffBaseMs: options.backoffBaseMs,
      backoffMaxMs: options.backoffMaxMs,
      maxAgeMs: options.maxAgeMs,
      clock: this.#clock,
    });
  }

  /**
   * Connects; resolves once the first attempt ended, up or not (a failure retries in the background with
   * backoff; the state says how it goes), so a caller can report the stream's state truthfully at start.
   */
  start(): Promise<void> {
    this.#pinger = unrefTimer(
      this.#clock.setInterval(() => void this.#ping(), this.#o.pingIntervalMs ?? 1_500_000),
    );
    return this.#socket.start();
  }

  /** The stream's state. */
  get state(): UserStreamState {
    return this.#socket.state;
  }

  /**
   * For `/health`: state, age of the last event (or of the connection when none came yet), reconnects and
   * listenKey renewals, and whether the last ping succeeded.
   */
  health(): {
    state: UserStreamState;
    lastEventAgeMs: number | null;
    reconnects: number;
    listenKeyRenewals: number;
    listenKeyPingOk: boolean;
  } {
    const since = this.#lastEventAt ?? this.#upSince;
    return {
      state: this.#socket.state,
      lastEventAgeMs: since === undefined ? null : Math.round(this.#clock.now() - since),
      reconnects: this.#socket.reconnects,
      listenKeyRenewals: this.#renewals,
      listenKeyPingOk: this.#pingOk,
    };
  }

  /**
   * Replaces the socket at once (a new connect, then a gap pass), told as a `stream-down` with `reason`: for a
   * socket that looks up but has lost events for good (half-open: the exchange's end is gone and nothing says
   * so), as an audit that found changes it never delivered shows.
   */
  reconnect(reason: string): void {
    if (this.#socket.state !== "up") return; // down or connecting: a connect is on its way already
    this.#o.onNotice?.({ type: "stream-down", reason });
    this.#socket.replace(reason);
  }

  /** Stops everything; no reconnect follows. */
  close(): void {
    if (this.#socket.state === "closed") return;
    this.#clock.clearInterval(this.#pinger);
    this.#clock.clearTimeout(this.#pingLater);
    this.#socket.close();
  }

  /** The private stream's URL, with a listenKey (a new one when the last is gone). */
  async #url(): Promise<string> {
    if (this.#keyDoubted && this.#key !== undefined) {
      const old = this.#key;
      this.#key = await this.#o.keys.startUserDataStream();
      this.#keyDoubted = false;
      if (this.#key !== old) {
        this.#renewals++;
        this.#o.onNotice?.({
          type: "listen-key-renewed",
          reason: "the stream could not connect with the old key",
        });
      }
    }
    this.#key ??= await this.#o.keys.startUserDataStream();
    return `${this.#o.streamUrl.replace(/\/+$/, "")}/private/ws?listenKey=${
      encodeURIComponent(this.#key)
    }&events=${this.#events}`;
  }

  #onFrame(text: string): void {
    this.#lastEventAt = this.#clock.now();
    const event = parseUserEvent(text);
    if (event === undefined) return;
    if (event.type === "listen-key-expired") {
      this.#renew("listenKeyExpired event");
      return;
    }
    this.#o.onEvent(event);
  }

  #onUp(rotated: boolean): void {
    this.#upSince = this.#clock.now();
    const reconnects = this.#socket.reconnects;
    this.#o.onNotice?.({ type: "stream-up", reconnects });
    // Rotation overlaps the two sockets, so nothing is missed then; every other connect may follow a gap.
    if (!rotated) this.#o.onGap(reconnects === 0 ? "user stream connected" : "user stream reconnected");
  }

  /** A new key: the old one is gone (-1125 or listenKeyExpired). Reconnects with it. */
  #renew(reason: string): void {
    this.#key = undefined;
    this.#renewals++;
    this.#o.onNotice?.({ type: "listen-key-renewed", reason });
    this.#socket.replace("listenKey renewed");
  }

  async #ping(): Promise<void> {
    if (this.#key === undefined || this.#socket.state === "closed") return;
    if (this.#o.paused?.() === true) {
      // Not a failure and no gap: the key lives 60 min, so a ping late by a short ban is still in time, and
      // a key that expired meanwhile is renewed (listenKeyExpired, -1125).
      this.#pingLater ??= unrefTimer(this.#clock.setTimeout(() => {
        this.#pingLater = undefined;
        void this.#ping();
      }, PAUSED_PING_RETRY_MS));
      return;
    }
    try {
      await this.#o.keys.pingUserDataStream();
      this.#pingOk = true;
    } catch (e) {
      this.#pingOk = false;
      this.#o.onNotice?.({ type: "listen-key-ping-failed", error: (e as Error).message });
      if (e instanceof ExchangeError && e.code === -1125) this.#renew("listenKey does not exist (-1125)");
      else this.#o.onGap("listenKey ping failed"); // events may stop without the socket closing
    }
  }
}
