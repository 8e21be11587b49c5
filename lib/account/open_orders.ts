/**
 * The exchange's list of the account's resting orders, over REST: ws-fapi has no open-orders query (ws-fapi.md
 * §4, "REST only"), and the journal cannot know orders placed by another process, from the web UI, or by a run
 * whose journal was lost. The gateway adopts what this returns.
 *
 * - `GET /fapi/v1/openOrders` (USER_DATA): optional `symbol`; weight 1 with a symbol, 40 without. An array of
 *   order objects: `orderId, symbol, status, clientOrderId, price, avgPrice, origQty, executedQty, cumQuote,
 *   timeInForce, type, origType, side, positionSide, reduceOnly, closePosition, stopPrice, workingType,
 *   priceProtect, priceMatch, selfTradePreventionMode, goodTillDate, time, updateTime`.
 * - `GET /fapi/v1/openAlgoOrders` (USER_DATA): optional `algoType`, `symbol`, `algoId`; weight 1 with a symbol,
 *   40 without. An array of algo objects: `algoId, clientAlgoId, algoType, orderType, symbol, side,
 *   positionSide, timeInForce, quantity, algoStatus, triggerPrice, price, …, createTime, updateTime`.
 * - `GET /fapi/v1/algoOrder` (USER_DATA): `algoId` or `clientAlgoId`; weight 1. One algo object, whatever its
 *   status (ws-fapi cannot query algo orders at all).
 *
 * Both are signed as REST signs: the query string as sent (percent-encoded), `timestamp` on exchange time,
 * the key in the `X-MBX-APIKEY` header — as the dead-man's switch does. A refusal is an `ExchangeError` with
 * Binance's status, code and message.
 *
 * @module
 */

import { ExchangeError } from "../errors.ts";

/** One order or algo order as the exchange lists it (fields as in the module doc). */
export type ExchangeOrder = Readonly<Record<string, unknown>>;

/** Options for {@linkcode OpenOrdersClient}. */
export interface OpenOrdersClientOptions {
  /** REST base URL, e.g. https://fapi.binance.com (or the simulator's http URL). */
  restUrl: string;
  /** API key, sent in the X-MBX-APIKEY header. */
  apiKey: string;
  /** Signs the query string (HMAC hex, or Ed25519 base64): `restQuerySigner`. */
  sign: (query: string) => string | Promise<string>;
  /** Exchange time in ms (the request's `timestamp`). */
  now: () => number;
  /** recvWindow sent with each request; the exchange's default (5000) when unset. */
  recvWindow?: number;
  /** Longest wait for an answer. Default 10 s. */
  timeoutMs?: number;
  /** fetch implementation; default the global `fetch`. */
  fetch?: typeof fetch;
  /** Told every 429/418 answer's message (the router's rate-limit state learns a ban from it). */
  onRateLimited?: (status: number, msg: string) => void;
}

/**
 * Lists the account's open orders and open algo orders.
 *
 * @example
 * ```ts
 * import { restQuerySigner } from "../router/_credentials.ts";
 * const client = new OpenOrdersClient({ restUrl: "https://fapi.binance.com", apiKey: "key",
 *   sign: restQuerySigner({ apiKey: "key", secretKey: "secret" }), now: () => Date.now() });
 * const orders = await client.openOrders(); // every symbol: weight 40
 * const stops = await client.openAlgoOrders("BTCUSDT"); // one symbol: weight 1
 * ```
 */
export class OpenOrdersClient {
  readonly #o: OpenOrdersClientOptions;
  readonly #fetch: typeof fetch;

  /** Creates the client; nothing is sent until a listing is asked for. */
  constructor(options: OpenOrdersClientOptions) {
    this.#o = options;
    this.#fetch = options.fetch ?? fetch;
  }

  /** `GET /fapi/v1/openOrders`: the resting LIMIT/MARKET orders, of `symbol` or of every symbol. */
  openOrders(symbol?: string): Promise<ExchangeOrder[]> {
    return this.#get("/fapi/v1/openOrders", symbol === undefined ? [] : [["symbol", symbol]]);
  }

  /** `GET /fapi/v1/openAlgoOrders`: the conditional orders not yet triggered, of `symbol` or of every one. */
  openAlgoOrders(symbol?: string): Promise<ExchangeOrder[]> {
    return this.#get("/fapi/v1/openAlgoOrders", symbol === undefined ? [] : [["symbol", symbol]]);
  }

  /** `GET /fapi/v1/algoOrder` (weight 1): one algo order by client algo id, whatever its status. */
  async algoOrder(clientAlgoId: string): Promise<ExchangeOrder> {
    return (await this.#get("/fapi/v1/algoOrder", [["clientAlgoId", clientAlgoId]], false))[0]!;
  }

  /** `GET /fapi/v1/userTrades` (weight 5): the account's executions of one order, oldest first. */
  userTrades(symbol: string, orderId: number): Promise<ExchangeOrder[]> {
    return this.#get("/fapi/v1/userTrades", [["symbol", symbol], ["orderId", String(orderId)]]);
  }

  /** A signed GET; `list`: the answer is an array (else one object, returned as the only element). */
  async #get(path: string, params: [string, string][], list = true): Promise<ExchangeOrder[]> {
    const o = this.#o;
    const pairs = params.map(([k, v]) => `${k}=${encodeURIComponent(v)}`);
    if (o.recvWindow !== undefined) pairs.push(`recvWindow=${o.recvWindow}`);
    pairs.push(`timestamp=${o.now()}`);
    const query = pairs.join("&");
    const signature = encodeURIComponent(await o.sign(query));
    const method = `GET ${path}`;
    const res = await this.#fetch(`${o.restUrl}${path}?${query}&signature=${signature}`, {
      method: "GET",
      headers: { "X-MBX-APIKEY": o.apiKey },
      signal: AbortSignal.timeout(o.timeoutMs ?? 10_000),
    });
    const text = await res.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    const wrong = list
      ? !Array.isArray(body)
      : typeof body !== "object" || body === null || Array.isArray(body);
    if (!res.ok || wrong) {
      const error = (typeof body === "object" && body !== null ? body : {}) as {
        code?: unknown;
        msg?: unknown;
      };
      const msg = typeof error.msg === "string" ? error.msg : `unexpected answer: ${text.slice(0, 200)}`;
      if (res.status === 429 || res.status === 418) o.onRateLimited?.(res.status, msg);
      throw new ExchangeError({
        status: res.status,
        code: typeof error.code === "number" ? error.code : 0,
        msg,
        method,
      });
    }
    if (!list) return [body as ExchangeOrder];
    return (body as unknown[]).filter((x): x is ExchangeOrder => typeof x === "object" && x !== null);
  }
}
