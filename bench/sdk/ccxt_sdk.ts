/**
 * CCXT (`ccxt.pro.binanceusdm`) turning one order into a ws-fapi frame, as its `createOrderWs` does before
 * `watch` sends it: `market()`, `createOrderRequest` (unified → Binance params, precision, broker client order
 * id), `signParams` (keysort, rawencode, HMAC with CCXT's pure-JS SHA-256), `JSON.stringify`. The market is
 * parsed with CCXT's own `parseMarket` from a BTCUSDT exchangeInfo entry, so no REST call is needed.
 * CCXT has no session logon for futures: every order is signed.
 */
import ccxt from "ccxt";

/** BTCUSDT as Binance's /fapi/v1/exchangeInfo lists it. */
export const BTCUSDT_EXCHANGE_INFO = {
  symbol: "BTCUSDT",
  pair: "BTCUSDT",
  contractType: "PERPETUAL",
  deliveryDate: 4133404800000,
  onboardDate: 1569398400000,
  status: "TRADING",
  maintMarginPercent: "2.5000",
  requiredMarginPercent: "5.0000",
  baseAsset: "BTC",
  quoteAsset: "USDT",
  marginAsset: "USDT",
  pricePrecision: 2,
  quantityPrecision: 3,
  baseAssetPrecision: 8,
  quotePrecision: 8,
  underlyingType: "COIN",
  underlyingSubType: ["PoW"],
  triggerProtect: "0.0500",
  liquidationFee: "0.012500",
  marketTakeBound: "0.05",
  maxMoveOrderLimit: 10000,
  filters: [
    { filterType: "PRICE_FILTER", minPrice: "261.10", maxPrice: "809484", tickSize: "0.10" },
    { filterType: "LOT_SIZE", stepSize: "0.001", maxQty: "1000", minQty: "0.001" },
    { filterType: "MARKET_LOT_SIZE", stepSize: "0.001", maxQty: "120", minQty: "0.001" },
    { filterType: "MAX_NUM_ORDERS", limit: 200 },
    { filterType: "MAX_NUM_ALGO_ORDERS", limit: 10 },
    { filterType: "MIN_NOTIONAL", notional: "100" },
    { filterType: "PERCENT_PRICE", multiplierUp: "1.0500", multiplierDown: "0.9500", multiplierDecimal: "4" },
  ],
  orderTypes: [
    "LIMIT",
    "MARKET",
    "STOP",
    "STOP_MARKET",
    "TAKE_PROFIT",
    "TAKE_PROFIT_MARKET",
    "TRAILING_STOP_MARKET",
  ],
  timeInForce: ["GTC", "IOC", "FOK", "GTX", "GTD"],
};

/** The unified symbol of BTCUSDT perpetual. */
export const CCXT_SYMBOL = "BTC/USDT:USDT";

/** The parts of CCXT's binance class used here (its typings mark some protected). */
export interface CcxtBinanceUsdm {
  urls: { api: { ws: Record<string, Record<string, string>> } };
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
  ): Promise<{ id?: string; status?: string }>;
  close(): Promise<unknown>;
}

/** A `ccxt.pro.binanceusdm` with BTCUSDT loaded and rate limiting off (as a latency-minded trader runs it). */
export function ccxtBinanceUsdm(apiKey: string, secret: string, wsApiUrl?: string): CcxtBinanceUsdm {
  const pro = (ccxt as unknown as { pro: Record<string, new (config: object) => CcxtBinanceUsdm> }).pro;
  const exchange = new pro.binanceusdm!({ apiKey, secret, enableRateLimit: false });
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
