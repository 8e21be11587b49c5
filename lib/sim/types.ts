/**
 * Public types of the embedded exchange simulator.
 *
 * @module
 */

/**
 * Options of `startSimulator`. Every field is optional; the defaults are Binance's.
 *
 * @example
 * ```ts
 * const options: SimulatorOptions = {
 *   hmacKeys: [{ apiKey: "key", secretKey: "secret" }],
 *   limits: { ordersPer10s: 5 },
 *   pingIntervalMs: 50,
 * };
 * ```
 */
export interface SimulatorOptions {
  /** Default 0 (an ephemeral port on 127.0.0.1). */
  port?: number;
  /** Accounts that sign with HMAC-SHA256. */
  hmacKeys?: { apiKey: string; secretKey: string }[];
  /** Ed25519 accounts (SPKI PEM public keys); only these may use session.logon. */
  ed25519Keys?: { apiKey: string; publicKeyPem: string }[];
  /** Default `{ BTCUSDT: "51000.00", ETHUSDT: "3000.00" }`; only known symbols are used. */
  markPrices?: Record<string, string>;
  /**
   * Default Binance: 300 orders / 10 s, 1200 orders / min, 2400 weight / min. `weightWindowSeconds` (default
   * 60, reported as 1 MINUTE) shortens the REQUEST_WEIGHT window for tests (reported as N SECOND);
   * `weightPerMinute` is then the limit per that window.
   */
  limits?: {
    ordersPer10s?: number;
    ordersPerMinute?: number;
    weightPerMinute?: number;
    weightWindowSeconds?: number;
  };
  /** Default 180 000: the server pings with a payload this often. */
  pingIntervalMs?: number;
  /** Default 600 000: the socket is dropped when a ping is not answered in this time. */
  pongTimeoutMs?: number;
  /** Default 24 h: the connection is closed after this. */
  connectionLifetimeMs?: number;
  /** The simulator's clock is `Date.now() + clockOffsetMs` (to test client clock skew). */
  clockOffsetMs?: number;
  /**
   * Default real time. The sim clock becomes `clock.now() + clockOffsetMs`, and listenKey expiry and the mark
   * walk are scheduled on `clock`, so a test moves time instead of waiting. Heartbeats, connection lifetimes
   * and reply delays stay on real timers.
   */
  clock?: SimulatorClock;
  /**
   * Default 1: the seed of the market model (book sizes, the mark walk, generated client ids). The same seed
   * and the same requests give the same fills.
   */
  seed?: number;
  /** Default off: a seeded random walk of the mark prices (`Simulator.setWalk` changes it at run time). */
  walk?: WalkOptions;
  /** Default `{ levelNotional: "50000" }`: the synthetic book's touch size in USDT (see `BookOptions`). */
  book?: BookOptions;
  /** Default VIP 0: maker "0.0002", taker "0.0005" (fractions of the notional). */
  fees?: { maker?: string; taker?: string };
  /** Default off: funding every `intervalHours` (8) of sim time at `rate` (default "0.0001"). */
  funding?: FundingOptions;
  /** Faults active from the start (see `Simulator.setFaults`). */
  faults?: SimulatorFaults;
  /**
   * Default false (one-way mode). True puts every account in hedge mode: orders name a side (positionSide
   * LONG or SHORT; BOTH is -4061, `reduceOnly` is -1106), a SELL on LONG or a BUY on SHORT closes that side
   * (-2022 when the side is flat or smaller), and the position and status methods and the user stream show
   * each side's line (LONG and SHORT, no BOTH).
   * Algo orders name a side the same way. `POST /fapi/v1/positionSide/dual` switches an account later.
   */
  dualSidePosition?: boolean;
}

/**
 * The time source `SimulatorOptions.clock` takes (a manual test clock fits it).
 *
 * @example
 * ```ts
 * let now = 1_767_225_600_000;
 * const clock: SimulatorClock = {
 *   now: () => now,
 *   setTimeout: (fn, ms) => setTimeout(fn, ms),
 *   clearTimeout: (handle) => clearTimeout(handle as number),
 * };
 * now += 1;
 * ```
 */
export interface SimulatorClock {
  /** Epoch milliseconds. */
  now(): number;
  /** Runs `fn` once after `ms` on this clock. */
  setTimeout(fn: () => void, ms: number): unknown;
  /** Cancels a timeout; an unknown or fired handle is ignored. */
  clearTimeout(handle: unknown): void;
}

/**
 * A seeded random walk of the mark: every `intervalMs` (on the sim clock) each symbol's mark moves by a normal
 * random fraction with standard deviation `volatility`, rounded to the tick, through the same path as
 * `setMarkPrice` (resting orders it passes fill, algo orders trigger). The simulator's `seed` drives it unless
 * `seed` is given, so the same seed gives the same sequence of marks.
 *
 * @example
 * ```ts
 * const walk: WalkOptions = { volatility: 0.0005, intervalMs: 100, fillQty: "0.001" };
 * ```
 */
export interface WalkOptions {
  /** Standard deviation of one step as a fraction of the mark (0.0005 = 5 bp), within 0..1. */
  volatility: number;
  /** Time between steps (ms, sim clock). */
  intervalMs: number;
  /** Default the simulator's `seed`. */
  seed?: number;
  /** Default every symbol. */
  symbols?: string[];
  /** As in `setMarkPrice`: fill at most this much of each passed order per step. */
  fillQty?: string;
}

/**
 * The synthetic book: one level per tick on each side of the mark; the touch holds about `levelNotional` USDT
 * (times a seeded factor in 0.5..1.5), each level further out a quarter more.
 *
 * @example
 * ```ts
 * const book: BookOptions = { levelNotional: "250000" };
 * ```
 */
export interface BookOptions {
  /** Default "50000" (USDT). */
  levelNotional?: string;
}

/**
 * Funding: every `intervalHours` of sim time (at multiples of it since the epoch: 00:00, 08:00, 16:00 UTC for
 * 8 h) each position pays `amount × mark × rate` (a long pays a positive rate, a short receives it).
 *
 * @example
 * ```ts
 * const funding: FundingOptions = { rate: "0.0001" };
 * ```
 */
export interface FundingOptions {
  /** Default "0.0001" (0.01 %), within -0.01..0.01. */
  rate?: string;
  /** Default 8. */
  intervalHours?: number;
}

/**
 * Options of `Simulator.setMarkPrice`.
 *
 * @example
 * ```ts
 * declare const sim: Simulator;
 * sim.setMarkPrice("BTCUSDT", "49999.90", { fillQty: "0.004" } satisfies MarkMoveOptions);
 * ```
 */
export interface MarkMoveOptions {
  /**
   * Fill at most this quantity of each crossing order (a partial fill; repeated calls keep filling). Default:
   * crossing orders fill completely.
   */
  fillQty?: string;
}

/**
 * Injected failures. Counters start when the faults are set.
 *
 * @example
 * ```ts
 * const faults: SimulatorFaults = { unknownEveryNthOrder: 3, responseDelayMs: 20 };
 * ```
 */
export interface SimulatorFaults {
  /** Delay every reply; the request is executed at once and a drop loses replies still pending. */
  responseDelayMs?: number;
  /**
   * Every `order.place` is executed (and answered) this many ms after it arrives, while the requests behind
   * it go ahead: a cancel sent right after a place reaches the engine first and gets -2011, as on Binance.
   */
  placeDelayMs?: number;
  /** When the Nth request arrives: (execute it if `dropExecutes`) then destroy the socket, no close frame. One-shot. */
  dropAfterRequests?: number;
  /** Default false. */
  dropExecutes?: boolean;
  /** After N answered requests the connection that hit it ignores everything (requests, pings). One-shot. */
  silentAfterRequests?: number;
  /** Every Nth order.place is rejected (not executed) with `rejectCode`. */
  rejectEveryNthOrder?: number;
  /** Default -1008 (status 400, "Request throttled by system-level protection…"). */
  rejectCode?: number;
  /** Every Nth order.place is executed but answered 503 / -1007 (execution status unknown). */
  unknownEveryNthOrder?: number;
  /** A burst: the next N order.place requests are rejected (not executed) with `rejectCode`. */
  rejectNextOrders?: number;
  /** A burst: the next N order.place requests are executed but answered 503 / -1007. */
  unknownNextOrders?: number;
  /** Every Nth reply is preceded by a text frame that is not JSON. */
  malformedEveryNthReply?: number;
  /**
   * User data stream: events produced while set are not delivered, ever (a gap, as while a client is
   * disconnected); the exchange state still changes.
   */
  streamPaused?: boolean;
  /** User data stream: every event frame is sent twice. */
  duplicateEvents?: boolean;
  /**
   * User data stream: each pair of consecutive events to a socket is swapped (the second goes out first); an
   * event left waiting for a partner goes out on its own after at most 25 ms.
   */
  reorderEvents?: boolean;
}

/**
 * An order as the simulator holds it (decimals at the symbol's precision).
 *
 * @example
 * ```ts
 * declare const sim: Simulator;
 * const view: SimOrderView = sim.orders()[0]!;
 * view.status; // "NEW" | "PARTIALLY_FILLED" | "FILLED" | "CANCELED" | "EXPIRED"
 * ```
 */
export interface SimOrderView {
  /** Exchange order id. */
  orderId: number;
  /** Trading pair, e.g. BTCUSDT. */
  symbol: string;
  /** Client order id. */
  clientOrderId: string;
  /** Order status. */
  status: string;
  /** BUY or SELL. */
  side: string;
  /** Order type, e.g. LIMIT or MARKET. */
  type: string;
  /** Limit price. */
  price: string;
  /** Original quantity. */
  origQty: string;
  /** Quantity filled so far. */
  executedQty: string;
  /** API key of the account that owns the order. */
  apiKey: string;
}

/**
 * A conditional (algo) order as the simulator holds it.
 *
 * @example
 * ```ts
 * declare const sim: Simulator;
 * sim.algoOrders()[0]?.algoStatus; // "NEW", "TRIGGERED", "FINISHED", …
 * ```
 */
export interface SimAlgoOrderView {
  /** Exchange algo order id. */
  algoId: number;
  /** Client algo id. */
  clientAlgoId: string;
  /** Trading pair, e.g. BTCUSDT. */
  symbol: string;
  /** BUY or SELL. */
  side: string;
  /** Conditional order type, e.g. STOP_MARKET. */
  type: string;
  /** Algo status. */
  algoStatus: string;
  /** Trigger price. */
  triggerPrice: string;
  /** Limit price once triggered. */
  price: string;
  /** Order quantity. */
  quantity: string;
  /** API key of the account that owns the order. */
  apiKey: string;
}

/**
 * Counters since start.
 *
 * @example
 * ```ts
 * declare const sim: Simulator;
 * const { pongsOk, ordersPlaced } = sim.stats();
 * ```
 */
export interface SimulatorStats {
  /** Open ws-fapi connections now (stream sockets are counted apart). */
  connections: number;
  /** ws-fapi connections ever accepted. */
  connectionsTotal: number;
  /** Text frames received (every request, parsable or not). */
  requests: number;
  /** Pings sent by the server (ws-fapi and stream sockets; so are the pong counts). */
  pingsSent: number;
  /** Pongs whose payload matched an outstanding ping. */
  pongsOk: number;
  /** Pongs that matched none (unsolicited or wrong payload). */
  pongsBad: number;
  /** order.place requests that created an order (including those answered -1007 by a fault). */
  ordersPlaced: number;
  /** order.place requests answered with an error (validation, auth, limits, injected rejects). */
  rejected: number;
  /** Open user data stream sockets now (not counted in `connections`). */
  streamConnections: number;
  /** User data stream sockets ever accepted. */
  streamConnectionsTotal: number;
  /** Event frames written to stream sockets (duplicates included). */
  eventsSent: number;
  /** Events not delivered because of `streamPaused` (counted once per listening socket). */
  eventsLost: number;
}

/**
 * A running simulator.
 *
 * @example
 * ```ts
 * import { startSimulator } from "./simulator.ts";
 * const sim = await startSimulator({ hmacKeys: [{ apiKey: "k", secretKey: "s" }] });
 * const ws = new WebSocket(sim.url);
 * // …
 * await sim.close();
 * ```
 */
export interface Simulator {
  /** `ws://127.0.0.1:PORT/ws-fapi/v1` */
  readonly url: string;
  /** `http://127.0.0.1:PORT` (REST endpoints) */
  readonly httpUrl: string;
  /** TCP port the server listens on (127.0.0.1). */
  readonly port: number;
  /** `ws://127.0.0.1:PORT`: the stream host base; the user data stream is `/private/ws?listenKey=…`. */
  readonly streamUrl: string;
  /** Replaces the current faults and resets the request counters they use. */
  setFaults(faults: SimulatorFaults): void;
  /** The faults in force now (a one-shot fault that fired, or a spent burst, is no longer listed). */
  faults(): SimulatorFaults;
  /** Starts the mark walk with `walk` (replacing a running one), or stops it with undefined; TypeError on bad options. */
  setWalk(walk: WalkOptions | undefined): void;
  /**
   * Moves the mark price (and the book with it); resting LIMIT orders the mark passes fill at their own price,
   * completely or by at most `options.fillQty` each, and algo orders it triggers place their orders. Throws
   * RangeError for an unknown symbol or a bad price or quantity.
   */
  setMarkPrice(symbol: string, price: string, options?: MarkMoveOptions): void;
  /** The current mark of `symbol` (at least the symbol's price precision); RangeError when unknown. */
  markPrice(symbol: string): string;
  /** Every symbol's current mark. */
  marks(): Record<string, string>;
  /** Destroys every user data stream socket now, with no close frame. */
  dropStreams(): void;
  /** Expires every listenKey now; their sockets get `listenKeyExpired` and nothing after it. */
  expireListenKeys(): void;
  /** Sends `{"event":{"e":"serverShutdown","E":<ms>}}` to every open ws-fapi connection. */
  sendShutdownNotice(): void;
  /** Destroys every ws-fapi connection now, with no close frame (stream sockets: `dropStreams`). */
  dropConnections(): void;
  /** Every order ever accepted, all accounts, in acceptance order. */
  orders(): SimOrderView[];
  /** Every algo order ever accepted. */
  algoOrders(): SimAlgoOrderView[];
  /** Counters since start. */
  stats(): SimulatorStats;
  /** Closes the server and every socket, clears every timer; resolves when done. */
  close(): Promise<void>;
}
