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
  /** Default Binance: 300 orders / 10 s, 1200 orders / min, 2400 weight / min. */
  limits?: { ordersPer10s?: number; ordersPerMinute?: number; weightPerMinute?: number };
  /** Default 180 000: the server pings with a payload this often. */
  pingIntervalMs?: number;
  /** Default 600 000: the socket is dropped when a ping is not answered in this time. */
  pongTimeoutMs?: number;
  /** Default 24 h: the connection is closed after this. */
  connectionLifetimeMs?: number;
  /** The simulator's clock is `Date.now() + clockOffsetMs` (to test client clock skew). */
  clockOffsetMs?: number;
  /** Faults active from the start (see `Simulator.setFaults`). */
  faults?: SimulatorFaults;
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
  /** Every Nth reply is preceded by a text frame that is not JSON. */
  malformedEveryNthReply?: number;
}

/**
 * An order as the simulator holds it (decimals at the symbol's precision).
 *
 * @example
 * ```ts
 * const view: SimOrderView = sim.orders()[0]!;
 * view.status; // "NEW" | "FILLED" | "CANCELED" | "EXPIRED"
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
 * A conditional (algo) order as the simulator holds it. Algo orders never trigger in the simulator.
 *
 * @example
 * ```ts
 * sim.algoOrders()[0]?.algoStatus; // "NEW" | "CANCELED"
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
 * const { pongsOk, ordersPlaced } = sim.stats();
 * ```
 */
export interface SimulatorStats {
  /** Open WebSocket connections now. */
  connections: number;
  /** WebSocket connections ever accepted. */
  connectionsTotal: number;
  /** Text frames received (every request, parsable or not). */
  requests: number;
  /** Pings sent by the server. */
  pingsSent: number;
  /** Pongs whose payload matched an outstanding ping. */
  pongsOk: number;
  /** Pongs that matched none (unsolicited or wrong payload). */
  pongsBad: number;
  /** order.place requests that created an order (including those answered -1007 by a fault). */
  ordersPlaced: number;
  /** order.place requests answered with an error (validation, auth, limits, injected rejects). */
  rejected: number;
}

/**
 * A running simulator.
 *
 * @example
 * ```ts
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
  /** Replaces the current faults and resets the request counters they use. */
  setFaults(faults: SimulatorFaults): void;
  /** Moves the mark price; resting LIMIT orders that now cross fill at their own price. */
  setMarkPrice(symbol: string, price: string): void;
  /** Sends `{"event":{"e":"serverShutdown","E":<ms>}}` to every open connection. */
  sendShutdownNotice(): void;
  /** Destroys every WebSocket connection now, with no close frame. */
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
