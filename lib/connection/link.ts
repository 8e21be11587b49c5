/**
 * Keeps one logged-on connection to the exchange: first connect, dead-link detection, reconnect with backoff,
 * and rotation (open and log on a new socket first, switch, then drain the old one) before the exchange's
 * 24 h limit or when it announces a shutdown.
 *
 * The link knows nothing about requests: its owner prepares each new socket (logon, clock sync), probes idle
 * ones, and fails what was in flight on a lost one.
 *
 * @module
 */

import { Backoff } from "./backoff.ts";
import { Connection, type ConnectionHandler } from "./connection.ts";
import { unrefTimer as unref } from "../_timers.ts";
import { type Clock, type ClockHandle, monotonicClock } from "../_clock.ts";

/** What a link reports, for logs and metrics. */
export type LinkEvent =
  | { type: "connected"; generation: number }
  | { type: "disconnected"; generation: number; reason: string }
  | { type: "reconnecting"; attempt: number; delayMs: number; error: string }
  | { type: "rotated"; generation: number; reason: string }
  | { type: "rotate-failed"; reason: string; error: string };

/** The link's owner (the router). */
export interface LinkOwner {
  /** Readies a fresh socket (clock sync, logon). Rejects to fail the attempt. */
  prepare(connection: Connection): Promise<void>;
  /** Sends a cheap request on an idle socket, so that continued silence means the link is dead. */
  probe(connection: Connection): void;
  /** A frame arrived on any of the link's sockets. */
  onFrame(text: string, connection: Connection): void;
  /** A socket is gone: fail whatever was in flight on it. */
  onLost(connection: Connection, reason: string): void;
  /** Requests still awaiting an answer on `connection` (rotation drains to zero before closing it). */
  inFlightOn(connection: Connection): number;
  /** Lifecycle notices. */
  onLinkEvent(event: LinkEvent): void;
  /**
   * Whether the link must ask the exchange nothing of its own now (an IP ban: asking lengthens it): no probes,
   * and silence is read against the exchange's own pings (every 3 minutes), not the dead-link time.
   */
  quiet?(): boolean;
}

/** Silence that means a dead socket while quiet: past the exchange's 3-minute server pings. */
const QUIET_DEAD_LINK_MS = 200_000;

/** Options for {@linkcode Link}. */
export interface LinkOptions {
  url: string;
  owner: LinkOwner;
  /** Connect (TCP + TLS + upgrade) plus prepare timeout. Default 10 s. */
  connectTimeoutMs?: number;
  /** No frame for this long → the link is dead → reconnect. A probe is sent after a third of it. Default 30 s. */
  deadLinkMs?: number;
  /** Rotate the socket after this age (the exchange cuts at 24 h). Default 23 h. */
  maxConnectionAgeMs?: number;
  /** Longest wait for in-flight requests on a rotated-out socket. Default 10 s. */
  drainTimeoutMs?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /**
   * Time and timers for the watchdog, backoff, timeouts and drain; also stamps each socket's frame times.
   * Default {@linkcode monotonicClock} (tests pass a manual clock).
   */
  clock?: Clock;
}

type State = "idle" | "ready" | "reconnecting" | "closed";

/**
 * One logical connection that survives socket failures.
 *
 * @example
 * ```ts
 * declare const owner: LinkOwner; // the router's session: readies each socket, fails what a lost one carried
 * const link = new Link({ url: "wss://ws-fapi.binance.com/ws-fapi/v1", owner });
 * await link.start();
 * link.active?.send('{"id":"1","method":"session.status"}');
 * ```
 */
export class Link implements ConnectionHandler {
  readonly #url: string;
  readonly #owner: LinkOwner;
  readonly #connectTimeoutMs: number;
  readonly #deadLinkMs: number;
  readonly #maxAgeMs: number;
  readonly #drainTimeoutMs: number;
  readonly #backoff: Backoff;
  readonly #clock: Clock;
  /** A request went unanswered on `conn` at `at` with no frame since: dead after `limitMs` of silence. */
  #suspected: { at: number; limitMs: number; conn: Connection } | undefined;
  /** Whether the owner was quiet at the last look, and when it last stopped being so. */
  #wasQuiet = false;
  #awakeAt = Number.NEGATIVE_INFINITY;
  #state: State = "idle";
  #active: Connection | undefined;
  #generation = 0;
  #rotating = false;
  #reconnects = 0;
  #lastProbeAt = 0;
  #watchdog: ClockHandle | undefined;
  #sleep: { timer: ClockHandle; wake: () => void } | undefined;
  readonly #draining = new Set<Connection>();
  readonly #preparing = new Set<Connection>();

  constructor(options: LinkOptions) {
    this.#url = options.url;
    this.#owner = options.owner;
    this.#connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
    this.#deadLinkMs = options.deadLinkMs ?? 30_000;
    this.#maxAgeMs = options.maxConnectionAgeMs ?? 23 * 3_600_000;
    this.#drainTimeoutMs = options.drainTimeoutMs ?? 10_000;
    this.#clock = options.clock ?? monotonicClock;
    this.#backoff = new Backoff({
      baseMs: options.backoffBaseMs ?? 100,
      maxMs: options.backoffMaxMs ?? 10_000,
    });
  }

  /** The socket requests go out on, when the link is ready. */
  get active(): Connection | undefined {
    return this.#active;
  }

  /** Reconnects since start (not counting rotations). */
  get reconnects(): number {
    return this.#reconnects;
  }

  /** Connects and prepares the first socket; rejects if that fails (no retry: the caller decides). */
  async start(): Promise<void> {
    if (this.#state !== "idle") throw new Error("link already started");
    const conn = await this.#openPrepared();
    if (this.#state !== "idle") {
      conn.close();
      throw new Error("link closed while connecting");
    }
    this.#setActive(conn);
    this.#state = "ready";
    const tick = Math.max(
      5,
      Math.min(1000, Math.floor(this.#deadLinkMs / 6), Math.floor(this.#maxAgeMs / 4)),
    );
    this.#watchdog = this.#clock.setInterval(() => this.#check(), tick);
    unref(this.#watchdog);
  }

  /**
   * Replaces the active socket without failing a request: opens and prepares a new one, switches to it, then
   * closes the old one once its in-flight requests are answered (or the drain timeout passes).
   */
  async rotate(reason: string): Promise<void> {
    if (this.#state !== "ready" || this.#rotating) return;
    this.#rotating = true;
    try {
      const fresh = await this.#openPrepared();
      const old = this.#active;
      if (this.#state !== "ready") {
        fresh.close();
        return;
      }
      this.#setActive(fresh);
      this.#owner.onLinkEvent({ type: "rotated", generation: fresh.generation, reason });
      if (old) this.#drain(old);
    } catch (e) {
      this.#owner.onLinkEvent({ type: "rotate-failed", reason, error: (e as Error).message });
    } finally {
      this.#rotating = false;
    }
  }

  /** Closes every socket and stops reconnecting. */
  close(): void {
    if (this.#state === "closed") return;
    this.#state = "closed";
    if (this.#watchdog !== undefined) this.#clock.clearInterval(this.#watchdog);
    if (this.#sleep) {
      this.#clock.clearTimeout(this.#sleep.timer);
      this.#sleep.wake();
    }
    const conns = [...this.#draining, ...this.#preparing];
    if (this.#active) conns.push(this.#active);
    this.#active = undefined;
    for (const c of conns) c.close("router closed");
  }

  // ConnectionHandler
  onFrame(text: string, connection: Connection): void {
    this.#owner.onFrame(text, connection);
  }

  onClosed(connection: Connection, reason: string): void {
    this.#draining.delete(connection);
    this.#preparing.delete(connection);
    this.#owner.onLost(connection, reason);
    if (connection !== this.#active) return;
    this.#active = undefined;
    this.#owner.onLinkEvent({ type: "disconnected", generation: connection.generation, reason });
    if (this.#state === "ready") void this.#reconnect();
  }

  async #reconnect(): Promise<void> {
    this.#state = "reconnecting";
    this.#backoff.reset();
    while (this.#state === "reconnecting") {
      try {
        const conn = await this.#openPrepared();
        if (this.#state !== "reconnecting") {
          conn.close();
          return;
        }
        this.#reconnects++;
        this.#setActive(conn);
        this.#state = "ready";
        return;
      } catch (e) {
        if (this.#state !== "reconnecting") return;
        const delayMs = this.#backoff.next();
        this.#owner.onLinkEvent({
          type: "reconnecting",
          attempt: this.#backoff.attempt,
          delayMs,
          error: (e as Error).message,
        });
        await new Promise<void>((wake) => {
          this.#sleep = { timer: this.#clock.setTimeout(wake, delayMs), wake };
        });
        this.#sleep = undefined;
      }
    }
  }

  async #openPrepared(): Promise<Connection> {
    const generation = ++this.#generation;
    const conn = await Connection.open({
      url: this.#url,
      generation,
      timeoutMs: this.#connectTimeoutMs,
      handler: this,
      clock: this.#clock,
    });
    this.#preparing.add(conn);
    let timer: ClockHandle | undefined;
    try {
      await Promise.race([
        this.#owner.prepare(conn),
        new Promise<never>((_, reject) => {
          timer = this.#clock.setTimeout(() => reject(new Error("logon timed out")), this.#connectTimeoutMs);
        }),
      ]);
    } catch (e) {
      this.#preparing.delete(conn);
      conn.close("prepare failed");
      throw e;
    } finally {
      this.#clock.clearTimeout(timer);
    }
    this.#preparing.delete(conn);
    if (!conn.isOpen) throw new Error("socket closed during logon");
    return conn;
  }

  #setActive(conn: Connection): void {
    conn.ready = true;
    this.#active = conn;
    this.#lastProbeAt = this.#clock.now();
    this.#owner.onLinkEvent({ type: "connected", generation: conn.generation });
  }

  #drain(old: Connection): void {
    old.ready = false;
    this.#draining.add(old);
    const deadline = this.#clock.now() + this.#drainTimeoutMs;
    const poll = this.#clock.setInterval(() => {
      if (!this.#draining.has(old)) return this.#clock.clearInterval(poll);
      if (this.#owner.inFlightOn(old) === 0 || this.#clock.now() >= deadline) {
        this.#clock.clearInterval(poll);
        old.close("rotated out");
      }
    }, 10);
    unref(poll);
  }

  /**
   * A request went unanswered on the active socket: if nothing at all comes on it within `limitMs` of its
   * last frame (a probe is sent now), it is dead — a socket can stay open and say nothing — and is abandoned
   * then, rather than at the dead-link time. Any frame clears the suspicion (a slow exchange still talks).
   */
  suspectSilence(limitMs: number): void {
    const conn = this.#active;
    if (!conn || this.#state !== "ready" || this.#suspected !== undefined) return;
    if (this.#owner.quiet?.() === true) return; // a ban's refusals are no silence, and no probe may go out
    const now = this.#clock.now();
    this.#suspected = { at: now, limitMs, conn };
    this.#lastProbeAt = now;
    this.#owner.probe(conn);
  }

  #check(): void {
    const conn = this.#active;
    if (!conn || this.#state !== "ready") return;
    const now = this.#clock.now();
    const quiet = this.#owner.quiet?.() === true;
    // The end of a quiet time starts the silence count afresh (the socket said nothing because nothing was
    // asked), with a probe at once: silence from then on is the socket's.
    if (quiet) this.#wasQuiet = true;
    else if (this.#wasQuiet) {
      this.#wasQuiet = false;
      this.#awakeAt = now;
      this.#lastProbeAt = now;
      this.#owner.probe(conn);
    }
    const idle = now - Math.max(conn.lastFrameAt, this.#awakeAt);
    const suspected = this.#suspected;
    if (suspected !== undefined && (suspected.conn !== conn || conn.lastFrameAt > suspected.at)) {
      this.#suspected = undefined; // it spoke (or was replaced) since
    }
    const limit = quiet
      ? Math.max(this.#deadLinkMs, QUIET_DEAD_LINK_MS)
      : this.#suspected === undefined
      ? this.#deadLinkMs
      : Math.min(this.#deadLinkMs, this.#suspected.limitMs);
    if (idle >= limit) {
      this.#suspected = undefined;
      conn.abandon(
        `no frame for ${Math.round(idle)} ms${limit < this.#deadLinkMs ? " with a request unanswered" : ""}`,
      );
      return;
    }
    if (!quiet && idle >= this.#deadLinkMs / 3 && now - this.#lastProbeAt >= this.#deadLinkMs / 3) {
      this.#lastProbeAt = now;
      this.#owner.probe(conn);
    }
    if (now - conn.openedAt >= this.#maxAgeMs) void this.rotate("connection age limit");
  }
}
