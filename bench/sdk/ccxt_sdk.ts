/**
 * CCXT (`ccxt.pro.binanceusdm`) turning one order into a ws-fapi frame, as its `createOrderWs` does before
 * `watch` sends it: `market()`, `createOrderRequest` (unified → Binance params, precision, broker client order
 * id), `signParams` (keysort, rawencode, HMAC with CCXT's pure-JS SHA-256), `JSON.stringify`. The market is
 * parsed with CCXT's own `parseMarket` from a BTCUSDT exchangeInfo entry, so no REST call is needed.
 * CCXT has no session logon for futures: every order is signed.
 */
import ccxt from "ccxt";
import { BTCUSDT_EXCHANGE_INFO } from "../_support/btcusdt_exchange_info.ts";

/** The unified symbol of BTCUSDT perpetual. */
export const CCXT_SYMBOL = "BTC/USDT:USDT";

/** An order as CCXT's unified methods return it (the fields used here). */
export interface CcxtOrder {
  id?: string;
  status?: string;
}

/**
 * The parts of CCXT's binanceusdm class used by the benchmarks and the SDK test (its typings mark some
 * protected).
 */
export interface CcxtBinanceUsdm {
  /** REST bases by name (strings), and the WebSocket bases under `ws`. */
  urls: { api: Record<string, unknown> & { ws: Record<string, Record<string, string>> } };
  loadMarkets(): Promise<unknown>;
  parseMarket(info: unknown): unknown;
  setMarkets(markets: unknown[]): unknown;
  market(symbol: string): unknown;
  requestId(url: string): number;
  extend(...objects: unknown[]): Record<string, unknown>;
  createOrderRequest(
    symbol: string,
    type: string,
    side: string,
    amount: number,
    price: number,
    params: Record<string, unknown>,
  ): Record<string, unknown>;
  signParams(params: Record<string, unknown>): Record<string, unknown>;
  loadHttpProxyAgent(): Promise<unknown>;
  createOrderWs(
    symbol: string,
    type: string,
    side: string,
    amount: number,
    price: number,
    params: Record<string, unknown>,
  ): Promise<CcxtOrder>;
  fetchOrderWs(id: string, symbol: string): Promise<CcxtOrder>;
  cancelOrderWs(id: string, symbol: string): Promise<CcxtOrder>;
  close(): Promise<unknown>;
}

/**
 * A new `ccxt.pro.binanceusdm` with `config` (apiKey, secret, options…), typed as the parts used here.
 *
 * @example
 * ```ts
 * const exchange = newCcxtBinanceUsdm({ apiKey: "key", secret: "secret" });
 * await exchange.close();
 * ```
 */
export function newCcxtBinanceUsdm(config: Record<string, unknown>): CcxtBinanceUsdm {
  const pro = (ccxt as unknown as { pro: Record<string, new (config: object) => CcxtBinanceUsdm> }).pro;
  return new pro.binanceusdm!(config);
}

/** A `ccxt.pro.binanceusdm` with BTCUSDT loaded and rate limiting off (as a latency-minded trader runs it). */
export function ccxtBinanceUsdm(apiKey: string, secret: string, wsApiUrl?: string): CcxtBinanceUsdm {
  const exchange = newCcxtBinanceUsdm({ apiKey, secret, enableRateLimit: false });
  exchange.setMarkets([exchange.parseMarket(BTCUSDT_EXCHANGE_INFO)]);
  if (wsApiUrl !== undefined) exchange.urls.api.ws["ws-api"]!.future = wsApiUrl;
  return exchange;
}

/** A function that builds one signed `order.place` frame for a LIMIT order with CCXT's code. */
export function ccxtFrameBuilder(
  apiKey: string,
  secret: string,
  order: { side: string; quantity: string; price: string; timeInForce: string },
): () => string {
  const exchange = ccxtBinanceUsdm(apiKey, secret);
  const url = exchange.urls.api.ws["ws-api"]!.future!;
  const amount = Number(order.quantity);
  const price = Number(order.price);
  const side = order.side.toLowerCase();
  return () => {
    exchange.market(CCXT_SYMBOL);
    const payload = exchange.createOrderRequest(CCXT_SYMBOL, "limit", side, amount, price, {
      timeInForce: order.timeInForce,
    });
    payload.returnRateLimits = false;
    const message = {
      id: String(exchange.requestId(url)),
      method: "order.place",
      params: exchange.signParams(exchange.extend(payload, {})),
    };
    return JSON.stringify(message);
  };
}
