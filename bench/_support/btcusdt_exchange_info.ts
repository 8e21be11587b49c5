/** One symbol's exchangeInfo entry, for the benchmarks that need filters without asking an exchange. */

/**
 * BTCUSDT as Binance's /fapi/v1/exchangeInfo lists it (the filter values are also the simulator's).
 *
 * @example
 * ```ts
 * const exchangeInfo = { symbols: [BTCUSDT_EXCHANGE_INFO] };
 * ```
 */
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
