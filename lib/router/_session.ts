/**
 * The router's private side of the exchange session: it owns the link (sockets, reconnects, rotation), the
 * request pipeline and the server clock, and answers the link's callbacks. Kept apart from the public
 * {@linkcode Router} so that nothing outside can feed it frames or fail its sockets.
 *
 * @module
 */

import { NotSentError } from "../errors.ts";
import type { Connection } from "../connection/connection.ts";
import { Link, type LinkEvent, type LinkOptions, type LinkOwner } from "../connection/link.ts";
import type { Ed25519Signer } from "../signing/ed25519_signer.ts";
import { signaturePayload } from "../signing/payload.ts";
import { ServerClock } from "../pipeline/server_clock.ts";
import { type PipelineNotice, RequestPipeline } from "../pipeline/request_pipeline.ts";
import type { Params } from "../types.ts";
import { METHODS, type MethodSpec, respec } from "../wire/methods.ts";
import { unrefTimer } from "../_timers.ts";
import type { PreparedCredentials } from "./_credentials.ts";
import type { CredentialsRefusal, RouterEvent, RouterOptions } from "./router_options.ts";

const SESSION_STATUS = METHODS["session.status"]!;
const NO_PARAMS: Params = Object.freeze({});
/** session.logon carries its own apiKey + Ed25519 signature, which the encoder passes through unsigned. */
const LOGON: MethodSpec = respec(METHODS["session.logon"]!, "none", [
  "apiKey",
  "recvWindow",
  "signature",
  "timestamp",
]);

/**
 * One router's exchange session.
 *
 * @example
 * ```ts
 * import { METHODS } from "../wire/methods.ts";
 * import { prepareCredentials } from "./_credentials.ts";
 * import type { RouterOptions } from "./router_options.ts";
 * declare const options: RouterOptions;
 * const haltReasons = new Set<string>();
 * const session = new RouterSession(options, await prepareCredentials(options), (reason) => haltReasons.add(reason));
 * await session.start();
 * await session.send(METHODS["order.status"]!, { symbol: "BTCUSDT", orderId: 1 }, "", "");
 * ```
 */
export class RouterSession implements LinkOwner {
  /** The hot path: encoder, pending ring, rate limits, counters. */
  readonly pipeline: RequestPipeline;
  /** Server − local clock offset. */
  readonly clock: ServerClock = new ServerClock();
  /** The exchange's latest refusal of the key or signature (-2015, -2014, -1022), local ms; none yet. */
  lastCredentialsRefusal: CredentialsRefusal | undefined;
  #refusalToldAt = Number.NEGATIVE_INFINITY;
  readonly #link: Link;
  readonly #apiKey: string;
  readonly #ed25519: Ed25519Signer | undefined;
  readonly #recvWindow: number | undefined;
  readonly #onEvent: ((event: RouterEvent) => void) | undefined;
  readonly #holdNewOrders: (reason: string) => void;
  readonly #sweeper: ReturnType<typeof setInterval>;
  #closed = false;
  #resyncing = false;

  /**
   * `holdNewOrders` is called when the exchange bans the IP (418): no new order may go out until then;
   * `onRejected` hears the exchange's rejects of order-mutating requests.
   */
  constructor(
    options: RouterOptions,
    credentials: PreparedCredentials,
    holdNewOrders: (reason: string) => void,
    onRejected?: (code: number, method: string) => void,
  ) {
    this.#apiKey = options.apiKey;
    this.#ed25519 = credentials.ed25519;
    this.#recvWindow = options.recvWindow;
    this.#onEvent = options.onEvent;
    this.#holdNewOrders = holdNewOrders;
    const timeoutMs = options.requestTimeoutMs ?? 5000;
    this.pipeline = new RequestPipeline({
      encoder: credentials.encoder,
      clock: this.clock,
      timeoutMs,
      capacity: options.maxInFlight ?? 4096,
      rateLimitHeadroom: options.rateLimitHeadroom ?? 0.05,
      observer: options.observer,
      onRejected,
      notify: (notice) => this.#onNotice(notice),
    });
    const linkOptions: LinkOptions = { url: options.url, owner: this, drainTimeoutMs: timeoutMs + 1000 };
    if (options.connectTimeoutMs !== undefined) linkOptions.connectTimeoutMs = options.connectTimeoutMs;
    if (options.deadLinkMs !== undefined) linkOptions.deadLinkMs = options.deadLinkMs;
    if (options.maxConnectionAgeMs !== undefined) linkOptions.maxConnectionAgeMs = options.maxConnectionAgeMs;
    if (options.backoffBaseMs !== undefined) linkOptions.backoffBaseMs = options.backoffBaseMs;
    if (options.backoffMaxMs !== undefined) linkOptions.backoffMaxMs = options.backoffMaxMs;
    this.#link = new Link(linkOptions);
    // A request timed out: if the socket then stays silent (a probe unanswered) for twice the request timeout
    // (5 s at least) since its last frame, it is dead, whatever its state says: dropped, not at the 30 s
    // dead-link time. A slow exchange still sends something in that time.
    const silentMs = Math.max(2 * timeoutMs, 5000);
    this.#sweeper = setInterval(() => {
      if (this.pipeline.sweep() > 0) this.#link.suspectSilence(silentMs);
      // The host's clock stepped: the offset follows at once (the next order's timestamp is right), then a
      // resync measures it afresh.
      const step = this.clock.followStep();
      if (step !== 0) {
        this.emit({ type: "clock-stepped", stepMs: step, offsetMs: this.clock.offsetMs });
        void this.#resync();
      }
    }, Math.max(5, Math.min(100, timeoutMs / 10)));
    unrefTimer(this.#sweeper);
  }

  /** Connects, syncs the clock and (Ed25519) logs on. */
  start(): Promise<void> {
    return this.#link.start();
  }

  /** "hmac" (signed requests) or "ed25519" (session logon). */
  get auth(): "hmac" | "ed25519" {
    return this.#ed25519 ? "ed25519" : "hmac";
  }

  /** Whether a logged-on socket is up. */
  get connected(): boolean {
    return this.#link.active !== undefined;
  }

  /** Sends on the active socket, or refuses at once when there is none. `at`: see `RequestPipeline.send`. */
  send(spec: MethodSpec, params: Params, cidKey: string, cid: string, at?: number): Promise<unknown> {
    const conn = this.#link.active;
    if (conn === undefined) {
      return Promise.reject(
        new NotSentError(this.#closed ? "closed" : "disconnected", `${spec.name} not sent`),
      );
    }
    return this.pipeline.send(conn, spec, params, cidKey, cid, at);
  }

  /** Reports an event to the router's observer; an observer's bug never breaks the router. */
  emit(event: RouterEvent): void {
    if (this.#onEvent === undefined) return;
    try {
      this.#onEvent(event);
    } catch { /* ignored on purpose */ }
  }

  /** Closes the sockets; what is in flight fails now (orders as unknown). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#sweeper);
    this.#link.close();
    this.pipeline.failAll();
  }

  // ---- LinkOwner ---------------------------------------------------------------------------------------

  /** Clock sync, then (Ed25519) session.logon, on a fresh socket before it carries orders. */
  async prepare(conn: Connection): Promise<void> {
    await this.#syncClock(conn);
    if (this.#ed25519 === undefined) return;
    const params: Record<string, string | number> = { apiKey: this.#apiKey, timestamp: this.clock.now() };
    if (this.#recvWindow !== undefined) params.recvWindow = this.#recvWindow;
    params.signature = await this.#ed25519.sign(signaturePayload(params));
    const sentAt = Date.now();
    const r = await this.#upkeep(conn, LOGON, params) as { serverTime?: number };
    if (typeof r?.serverTime === "number") this.clock.observe(r.serverTime, sentAt, Date.now());
  }

  /**
   * Whether the exchange has banned this IP (418) or its request weight is used up (-1003) for now: nothing of
   * the session's own goes out (asking lengthens a ban, and turns a used-up weight into one).
   */
  quiet(): boolean {
    return this.pipeline.limits.quietUntil > this.clock.now();
  }

  /** Keep-alive probe on a quiet socket; its `serverTime` is a clock sample (the exchange's clock may move). */
  probe(conn: Connection): void {
    const sentAt = Date.now();
    this.#upkeep(conn, SESSION_STATUS, NO_PARAMS).then((r) => {
      const serverTime = (r as { serverTime?: unknown } | undefined)?.serverTime;
      if (typeof serverTime === "number") this.clock.observe(serverTime, sentAt, Date.now(), true);
    }, () => {});
  }

  /**
   * Every frame from every socket of the link, with the connection's receive stamp: the link runs on
   * `monotonicClock` (it is given no other), so the stamp is the `performance.now()` the round trip needs.
   */
  onFrame(text: string, connection: Connection): void {
    this.pipeline.onFrame(text, connection.lastFrameAt);
  }

  /** A socket is gone: what was in flight on it has an unknown (orders) or failed outcome. */
  onLost(conn: Connection, _reason: string): void {
    this.pipeline.failSink(conn.generation);
  }

  /** Requests in flight on `conn`. */
  inFlightOn(conn: Connection): number {
    return this.pipeline.inFlightOn(conn);
  }

  /** Lifecycle notices. */
  onLinkEvent(event: LinkEvent): void {
    const metrics = this.pipeline.metrics;
    if (event.type === "connected") metrics.reconnects = this.#link.reconnects;
    if (event.type === "rotated") metrics.rotations++;
    this.emit(event);
  }

  // ---- helpers -----------------------------------------------------------------------------------------

  /** The link's own requests (clock sync, logon, probes): counted, but never refused by the local rate guard. */
  #upkeep(conn: Connection, spec: MethodSpec, params: Params): Promise<unknown> {
    return this.pipeline.limits.exempt(() => this.pipeline.send(conn, spec, params, "", ""));
  }

  #onNotice(notice: PipelineNotice): void {
    if (notice.type === "clock-rejected") {
      void this.#resync();
      return;
    }
    if (notice.type === "server-shutdown") void this.#link.rotate("server shutdown notice");
    if (notice.type === "credentials-refused") {
      const at = Date.now();
      this.lastCredentialsRefusal = { code: notice.code, msg: notice.msg, method: notice.method, at };
      // Every request fails alike: told once per 10 s, not once per order.
      if (at - this.#refusalToldAt < 10_000) return;
      this.#refusalToldAt = at;
    }
    if (notice.type === "rate-limited" && notice.status === 418) {
      this.#holdNewOrders(`IP banned by the exchange until ${new Date(notice.untilMs).toISOString()}`);
    }
    this.emit(notice);
  }

  async #syncClock(conn: Connection): Promise<void> {
    const sentAt = Date.now();
    const r = await this.#upkeep(conn, SESSION_STATUS, NO_PARAMS) as { serverTime?: number };
    if (typeof r?.serverTime === "number") {
      this.clock.observe(r.serverTime, sentAt, Date.now());
      this.emit({ type: "clock", offsetMs: this.clock.offsetMs });
    }
  }

  async #resync(): Promise<void> {
    const conn = this.#link.active;
    if (this.#resyncing || !conn) return;
    this.#resyncing = true;
    try {
      await this.#syncClock(conn);
    } catch { /* the next -1021 tries again */ }
    this.#resyncing = false;
  }
}
