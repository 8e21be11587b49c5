/**
 * The router: places, modifies, cancels and queries orders over one persistent ws-fapi connection, matching
 * each answer to its caller's promise in O(1).
 *
 * Hot path (per order): pick the client order id → read the server clock → check rate limits → build and
 * sign the frame in one pass → send → (later) scan the answer's id → settle the promise. No validation
 * happens here: callers pass well-typed data (the control plane validates its HTTP input with zod first).
 *
 * @module
 */

import { ConnectError, NotSentError } from "../errors.ts";
import type { Connection } from "../connection/connection.ts";
import { Link, type LinkEvent, type LinkOwner } from "../connection/link.ts";
import { ServerClock } from "../pipeline/server_clock.ts";
import { createHmacSigner, verifyHmacSigner } from "../signing/hmac_signer.ts";
import { Ed25519Signer } from "../signing/ed25519_signer.ts";
import { signaturePayload } from "../signing/payload.ts";
import type {
  AlgoOrderRef,
  AlgoOrderResult,
  ModifyOrderParams,
  OrderRef,
  OrderResult,
  Params,
  PlaceAlgoOrderParams,
  PlaceOrderParams,
  RateLimit,
} from "../types.ts";
import { FrameEncoder } from "../wire/frame_encoder.ts";
import { adHocMethod, METHODS, type MethodSpec, respec, type Security } from "../wire/methods.ts";
import { ClientOrderIds } from "./client_order_ids.ts";
import type { PipelineMetrics } from "../pipeline/pipeline_metrics.ts";
import type { OrderObserver } from "../pipeline/order_observer.ts";
import { type PipelineNotice, RequestPipeline } from "../pipeline/request_pipeline.ts";
import { unrefTimer } from "../_timers.ts";
import type { RouterEvent, RouterOptions } from "./router_options.ts";

export type { RouterEvent, RouterOptions } from "./router_options.ts";

const PLACE = METHODS["order.place"]!;
const MODIFY = METHODS["order.modify"]!;
const CANCEL = METHODS["order.cancel"]!;
const STATUS = METHODS["order.status"]!;
const ALGO_PLACE = METHODS["algoOrder.place"]!;
const ALGO_CANCEL = METHODS["algoOrder.cancel"]!;
const SESSION_STATUS = METHODS["session.status"]!;
const SESSION_LOGON = METHODS["session.logon"]!;
const NO_PARAMS: Params = Object.freeze({});

/**
 * An order router connected to ws-fapi (or the embedded simulator).
 *
 * @example
 * ```ts
 * const router = await Router.connect({ url, apiKey, secretKey, requestTimeoutMs: 5000 });
 * const ack = await router.placeOrder({ symbol: "BTCUSDT", side: "BUY", type: "LIMIT",
 *   quantity: "0.002", price: "50000", timeInForce: "GTC" });
 * await router.queryOrder({ symbol: "BTCUSDT", orderId: ack.orderId });
 * await router.modifyOrder({ symbol: "BTCUSDT", orderId: ack.orderId, side: "BUY", quantity: "0.002", price: "49990" });
 * await router.cancelOrder({ symbol: "BTCUSDT", origClientOrderId: ack.clientOrderId });
 * await router.close();
 * ```
 */
export class Router implements LinkOwner {
  readonly #link: Link;
  readonly #pipeline: RequestPipeline;
  readonly #clock = new ServerClock();
  readonly #ids: ClientOrderIds;
  readonly #apiKey: string;
  readonly #ed25519: Ed25519Signer | undefined;
  readonly #recvWindow: number | undefined;
  readonly #onEvent: ((event: RouterEvent) => void) | undefined;
  readonly #observer: OrderObserver | undefined;
  readonly #sweeper: ReturnType<typeof setInterval>;
  #halted: string | undefined;
  #closed = false;
  #resyncing = false;

  private constructor(options: RouterOptions, encoder: FrameEncoder, ed25519: Ed25519Signer | undefined) {
    this.#ed25519 = ed25519;
    this.#apiKey = options.apiKey;
    this.#recvWindow = options.recvWindow;
    this.#onEvent = options.onEvent;
    this.#observer = options.observer;
    const timeoutMs = options.requestTimeoutMs ?? 5000;
    this.#pipeline = new RequestPipeline({
      encoder,
      clock: this.#clock,
      timeoutMs,
      capacity: options.maxInFlight ?? 4096,
      rateLimitHeadroom: options.rateLimitHeadroom ?? 0.05,
      observer: options.observer,
      notify: (notice) => this.#onNotice(notice),
    });
    this.#ids = new ClientOrderIds(
      options.clientOrderIdPrefix === undefined ? {} : { prefix: options.clientOrderIdPrefix },
    );
    const linkOptions: ConstructorParameters<typeof Link>[0] = { url: options.url, owner: this };
    if (options.connectTimeoutMs !== undefined) linkOptions.connectTimeoutMs = options.connectTimeoutMs;
    if (options.deadLinkMs !== undefined) linkOptions.deadLinkMs = options.deadLinkMs;
    if (options.maxConnectionAgeMs !== undefined) linkOptions.maxConnectionAgeMs = options.maxConnectionAgeMs;
    if (options.backoffBaseMs !== undefined) linkOptions.backoffBaseMs = options.backoffBaseMs;
    if (options.backoffMaxMs !== undefined) linkOptions.backoffMaxMs = options.backoffMaxMs;
    linkOptions.drainTimeoutMs = timeoutMs + 1000;
    this.#link = new Link(linkOptions);
    this.#sweeper = setInterval(() => this.#pipeline.sweep(), Math.max(5, Math.min(100, timeoutMs / 10)));
    unrefTimer(this.#sweeper);
  }

  /**
   * Checks the credentials, connects, syncs the clock and (Ed25519) logs on. Rejects with a
   * {@linkcode ConnectError} that names what failed.
   *
   * @example
   * ```ts
   * const router = await Router.connect({ url: sim.url, apiKey: "key", secretKey: "secret" });
   * ```
   */
  static async connect(options: RouterOptions): Promise<Router> {
    if (!options.apiKey) throw new ConnectError("apiKey is empty");
    if ((options.secretKey === undefined) === (options.privateKeyPem === undefined)) {
      throw new ConnectError("give exactly one of secretKey (HMAC) or privateKeyPem (Ed25519)");
    }
    let encoder: FrameEncoder;
    let ed25519: Ed25519Signer | undefined;
    const recv = options.recvWindow === undefined ? {} : { recvWindow: options.recvWindow };
    if (options.secretKey !== undefined) {
      const signer = createHmacSigner(options.secretKey);
      if (!(await verifyHmacSigner(signer, options.secretKey))) {
        throw new ConnectError(
          `HMAC self-check failed: the ${signer.implementation} signer disagrees with Web Crypto`,
        );
      }
      encoder = new FrameEncoder({ auth: { kind: "hmac", apiKey: options.apiKey, signer }, ...recv });
    } else {
      try {
        ed25519 = await Ed25519Signer.fromPem(options.privateKeyPem!);
      } catch (e) {
        throw new ConnectError((e as Error).message);
      }
      encoder = new FrameEncoder({ auth: { kind: "session", apiKey: options.apiKey }, ...recv });
    }
    const router = new Router(options, encoder, ed25519);
    try {
      await router.#link.start();
    } catch (e) {
      router.#shutdown();
      throw new ConnectError((e as Error).message);
    }
    return router;
  }

  // ---- public API --------------------------------------------------------------------------------------

  /** `order.place` (LIMIT or MARKET). A `newClientOrderId` is generated when absent. */
  placeOrder(params: PlaceOrderParams): Promise<OrderResult> {
    if (this.#halted !== undefined) return Promise.reject(new NotSentError("halted", this.#halted));
    const cid = params.newClientOrderId ?? this.#ids.next();
    return this.#send(PLACE, params as unknown as Params, "newClientOrderId", cid) as Promise<OrderResult>;
  }

  /** `order.modify` (LIMIT orders: new quantity and price). */
  modifyOrder(params: ModifyOrderParams): Promise<OrderResult> {
    if (this.#halted !== undefined) return Promise.reject(new NotSentError("halted", this.#halted));
    return this.#send(MODIFY, params as unknown as Params, "", this.#cidOf(params)) as Promise<
      OrderResult
    >;
  }

  /** `order.cancel` by orderId or origClientOrderId. Allowed while halted. */
  cancelOrder(params: OrderRef): Promise<OrderResult> {
    return this.#send(CANCEL, params as unknown as Params, "", this.#cidOf(params)) as Promise<
      OrderResult
    >;
  }

  /** `order.status` by orderId or origClientOrderId. */
  queryOrder(params: OrderRef): Promise<OrderResult> {
    return this.#send(STATUS, params as unknown as Params, "", params.origClientOrderId ?? "") as Promise<
      OrderResult
    >;
  }

  /** `algoOrder.place`: stop, take-profit and trailing orders (`algoType=CONDITIONAL`). */
  placeAlgoOrder(params: PlaceAlgoOrderParams): Promise<AlgoOrderResult> {
    if (this.#halted !== undefined) return Promise.reject(new NotSentError("halted", this.#halted));
    const cid = params.clientAlgoId ?? this.#ids.next();
    const full = { ...params, algoType: "CONDITIONAL" } as unknown as Params;
    return this.#send(ALGO_PLACE, full, "clientAlgoId", cid) as Promise<AlgoOrderResult>;
  }

  /** `algoOrder.cancel` by algoId or clientAlgoId. Allowed while halted. */
  cancelAlgoOrder(params: AlgoOrderRef): Promise<Record<string, unknown>> {
    return this.#send(ALGO_CANCEL, params as unknown as Params, "", params.clientAlgoId ?? "") as Promise<
      Record<string, unknown>
    >;
  }

  /** `v2/account.balance`. */
  accountBalance(): Promise<Record<string, unknown>[]> {
    return this.#send(METHODS["v2/account.balance"]!, NO_PARAMS, "", "") as Promise<
      Record<string, unknown>[]
    >;
  }

  /** `v2/account.position`, optionally for one symbol. */
  accountPositions(symbol?: string): Promise<Record<string, unknown>[]> {
    const params = symbol === undefined ? NO_PARAMS : { symbol };
    return this.#send(METHODS["v2/account.position"]!, params, "", "") as Promise<Record<string, unknown>[]>;
  }

  /** `v2/account.status`. */
  accountStatus(): Promise<Record<string, unknown>> {
    return this.#send(METHODS["v2/account.status"]!, NO_PARAMS, "", "") as Promise<Record<string, unknown>>;
  }

  /** `userDataStream.start`: returns the listenKey. */
  async startUserDataStream(): Promise<string> {
    const r = await this.#send(METHODS["userDataStream.start"]!, NO_PARAMS, "", "") as { listenKey: string };
    return r.listenKey;
  }

  /** `userDataStream.ping`: extends the listenKey by 60 min. */
  async pingUserDataStream(): Promise<string> {
    const r = await this.#send(METHODS["userDataStream.ping"]!, NO_PARAMS, "", "") as { listenKey: string };
    return r.listenKey;
  }

  /** `userDataStream.stop`. */
  async stopUserDataStream(): Promise<void> {
    await this.#send(METHODS["userDataStream.stop"]!, NO_PARAMS, "", "");
  }

  /** `session.status` of the active connection. */
  sessionStatus(): Promise<Record<string, unknown>> {
    return this.#send(SESSION_STATUS, NO_PARAMS, "", "") as Promise<Record<string, unknown>>;
  }

  /** `session.logout` of the active connection (orders then need per-request signatures). */
  sessionLogout(): Promise<Record<string, unknown>> {
    return this.#send(METHODS["session.logout"]!, NO_PARAMS, "", "") as Promise<Record<string, unknown>>;
  }

  /**
   * Any other ws-fapi method: `security` says how to authenticate it. Known methods use their own table
   * entry (so `order.place` through here is still treated as order-mutating).
   *
   * @example
   * ```ts
   * await router.request("ticker.book", { symbol: "BTCUSDT" }, "none");
   * ```
   */
  request(method: string, params: Params = NO_PARAMS, security: Security = "signed"): Promise<unknown> {
    const spec = METHODS[method] ?? adHocMethod(method, params, security);
    const cid = String(params.newClientOrderId ?? params.origClientOrderId ?? params.clientAlgoId ?? "");
    return this.#send(spec, params, "", cid);
  }

  /** Stops new orders (place, modify, algo place) until `resume()`; cancels still go out. */
  halt(reason = "halted by operator"): void {
    if (this.#halted === undefined) this.#emit({ type: "halted", reason });
    this.#halted = reason;
  }

  /** Lifts a `halt`. */
  resume(): void {
    this.#halted = undefined;
  }

  /** The halt reason, or undefined when orders flow. */
  get halted(): string | undefined {
    return this.#halted;
  }

  /** Whether a logged-on socket is up. */
  get connected(): boolean {
    return this.#link.active !== undefined;
  }

  /** "hmac" (signed requests) or "ed25519" (session logon). */
  get auth(): "hmac" | "ed25519" {
    return this.#ed25519 ? "ed25519" : "hmac";
  }

  /** The latest rate-limit counters from the exchange. */
  get rateLimits(): readonly RateLimit[] {
    return this.#pipeline.limits.current;
  }

  /** Server clock offset (ms, server − local). */
  get clockOffsetMs(): number {
    return this.#clock.offsetMs;
  }

  /** Requests awaiting an answer. */
  get inFlight(): number {
    return this.#pipeline.inFlight;
  }

  /** Counters for metrics. */
  get metrics(): PipelineMetrics {
    return this.#pipeline.metrics;
  }

  /**
   * Closes the connection. In-flight requests fail now (order requests with
   * {@linkcode UnknownOrderStateError}); later calls reject with {@linkcode NotSentError}.
   */
  close(): Promise<void> {
    this.#shutdown();
    return Promise.resolve();
  }

  // ---- hot path: see request_pipeline.ts -------------------------------------------------------------

  #send(spec: MethodSpec, params: Params, cidKey: string, cid: string): Promise<unknown> {
    const conn = this.#link.active;
    if (conn === undefined) {
      return Promise.reject(
        new NotSentError(this.#closed ? "closed" : "disconnected", `${spec.name} not sent`),
      );
    }
    return this.#pipeline.send(conn, spec, params, cidKey, cid);
  }

  /** LinkOwner: every frame from every socket of the link. */
  onFrame(text: string, _connection: Connection): void {
    this.#pipeline.onFrame(text);
  }

  #onNotice(notice: PipelineNotice): void {
    if (notice.type === "clock-rejected") {
      void this.#resync();
      return;
    }
    if (notice.type === "server-shutdown") void this.#link.rotate("server shutdown notice");
    if (notice.type === "rate-limited" && notice.status === 418) {
      this.halt(`IP banned by the exchange until ${new Date(notice.untilMs).toISOString()}`);
    }
    this.#emit(notice);
  }

  // ---- link owner ----------------------------------------------------------------------------------------

  /** LinkOwner: clock sync, then (Ed25519) session.logon, on a fresh socket before it carries orders. */
  async prepare(conn: Connection): Promise<void> {
    await this.#syncClock(conn);
    if (this.#ed25519) {
      const params = { apiKey: this.#apiKey, timestamp: this.#clock.now() } as Record<
        string,
        string | number
      >;
      if (this.#recvWindow !== undefined) params.recvWindow = this.#recvWindow;
      params.signature = await this.#ed25519.sign(signaturePayload(params));
      const sentAt = Date.now();
      const r = await this.#pipeline.send(conn, adHocLogon, params, "", "") as { serverTime?: number };
      if (typeof r?.serverTime === "number") this.#clock.observe(r.serverTime, sentAt, Date.now());
    }
  }

  /** LinkOwner: keep-alive probe on a quiet socket. */
  probe(conn: Connection): void {
    this.#pipeline.send(conn, SESSION_STATUS, NO_PARAMS, "", "").catch(() => {});
  }

  /** LinkOwner: a socket is gone; what was in flight on it has an unknown (orders) or failed outcome. */
  onLost(conn: Connection, _reason: string): void {
    this.#pipeline.failSink(conn.generation);
  }

  /** LinkOwner: requests in flight on `conn`. */
  inFlightOn(conn: Connection): number {
    return this.#pipeline.inFlightOn(conn);
  }

  /** LinkOwner: lifecycle notices. */
  onLinkEvent(event: LinkEvent): void {
    const metrics = this.#pipeline.metrics;
    if (event.type === "connected") metrics.reconnects = this.#link.reconnects;
    if (event.type === "rotated") metrics.rotations++;
    this.#emit(event);
  }

  // ---- helpers -------------------------------------------------------------------------------------------

  async #syncClock(conn: Connection): Promise<void> {
    const sentAt = Date.now();
    const r = await this.#pipeline.send(conn, SESSION_STATUS, NO_PARAMS, "", "") as { serverTime?: number };
    if (typeof r?.serverTime === "number") {
      this.#clock.observe(r.serverTime, sentAt, Date.now());
      this.#emit({ type: "clock", offsetMs: this.#clock.offsetMs });
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

  /** The client id an order request refers to (looked up by orderId when only that was given). */
  #cidOf(ref: OrderRef): string {
    if (ref.origClientOrderId !== undefined) return ref.origClientOrderId;
    if (ref.orderId === undefined) return "";
    return this.#observer?.clientOrderIdOf?.(ref.symbol, ref.orderId) ?? "";
  }

  #emit(event: RouterEvent): void {
    if (this.#onEvent === undefined) return;
    try {
      this.#onEvent(event);
    } catch { /* an observer's bug must not break the router */ }
  }

  #shutdown(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#sweeper);
    this.#link.close();
    this.#pipeline.failAll();
  }
}

/** session.logon carries its own apiKey + Ed25519 signature, which the encoder passes through unsigned. */
const adHocLogon: MethodSpec = respec(SESSION_LOGON, "none", [
  "apiKey",
  "recvWindow",
  "signature",
  "timestamp",
]);
