/**
 * The simulator's public market-data REST endpoints (no key, no signature):
 * - `GET /fapi/v1/exchangeInfo`: the symbols of symbols.ts with the filters the simulator enforces, in the
 *   exchange's shape (ws-fapi.md §9) so that any exchangeInfo parser (the router's, ccxt's) reads it;
 * - `GET /fapi/v1/premiumIndex[?symbol=]`: the current mark prices.
 *
 * Simulator choice: these reads cost no request weight (the exchange charges 1, and 10 for premiumIndex
 * without a symbol) and are refused only during an IP ban. The router reads them at every connect and
 * while its mark stream is down; charging them would shift the ws-fapi weight counts that tests watch.
 *
 * One source of truth: every filter value comes from {@linkcode SYMBOLS}, every mark from the exchange's marks.
 * MAX_NUM_ORDERS and MAX_NUM_ALGO_ORDERS (Binance's usual 200 and 10) are enforced too (matching.ts, algo.ts).
 *
 * @module
 */

import type { SimCore } from "./core.ts";
import { formatUnits } from "./decimal.ts";
import { E, type Failure } from "./errors.ts";
import { formatPrice } from "./stream_events.ts";
import type { SymbolSpec } from "./symbols.ts";
import { CONDITIONAL_TYPES, ORDER_TYPES, TIME_IN_FORCE } from "./vocabulary.ts";
import type { HttpRequest, HttpResponse } from "./_ws_server.ts";

/** Funding every 8 h: the next funding time is the next multiple of this. */
const FUNDING_INTERVAL_MS = 8 * 60 * 60 * 1000;
const ONBOARD_DATE = 1_569_398_400_000;
const PERPETUAL_DELIVERY = 4_133_404_800_000;

/**
 * Answers the market-data requests this module serves, or undefined when the request is not one of them.
 *
 * @example
 * ```ts
 * import type { SimCore } from "./core.ts";
 * declare const core: SimCore;
 * const response = handleMarketRest(core, { method: "GET", path: "/fapi/v1/exchangeInfo", query: "",
 *   headers: {}, body: "" }); // { status: 200, body: '{"timezone":"UTC",…}' }
 * ```
 */
export function handleMarketRest(core: SimCore, req: HttpRequest): HttpResponse | undefined {
  if (req.method !== "GET") return undefined;
  if (req.path === "/fapi/v1/exchangeInfo") {
    const banned = core.limiter.banCheck(core.now());
    if (banned !== undefined) return failed(banned);
    return { status: 200, body: JSON.stringify(exchangeInfo(core)) };
  }
  if (req.path === "/fapi/v1/premiumIndex") {
    const symbol = new URLSearchParams(req.query).get("symbol");
    const banned = core.limiter.banCheck(core.now());
    if (banned !== undefined) return failed(banned);
    if (symbol === null) {
      const all = [...core.specs.values()].map((spec) => premiumIndex(core, spec));
      return { status: 200, body: JSON.stringify(all) };
    }
    const spec = core.specs.get(symbol);
    if (spec === undefined) return failed(E.badSymbol());
    return { status: 200, body: JSON.stringify(premiumIndex(core, spec)) };
  }
  return undefined;
}

/**
 * The exchangeInfo document of the simulator.
 *
 * @example
 * ```ts
 * import type { SimCore } from "./core.ts";
 * declare const core: SimCore;
 * const info = exchangeInfo(core);
 * (info.symbols as { symbol: string }[])[0]?.symbol; // "BTCUSDT"
 * ```
 */
export function exchangeInfo(core: SimCore): Record<string, unknown> {
  const limits = core.options.limits;
  return {
    timezone: "UTC",
    serverTime: core.now(),
    futuresType: "U_MARGINED",
    rateLimits: [
      { rateLimitType: "REQUEST_WEIGHT", interval: "MINUTE", intervalNum: 1, limit: limits.weightPerMinute },
      { rateLimitType: "ORDERS", interval: "MINUTE", intervalNum: 1, limit: limits.ordersPerMinute },
      { rateLimitType: "ORDERS", interval: "SECOND", intervalNum: 10, limit: limits.ordersPer10s },
    ],
    exchangeFilters: [],
    assets: [{ asset: "USDT", marginAvailable: true, autoAssetExchange: "-10000" }],
    symbols: [...core.specs.values()].map(symbolInfo),
  };
}

/**
 * The premiumIndex entry for one symbol (funding fields are constants: the simulator has no funding).
 *
 * @example
 * ```ts
 * import type { SimCore } from "./core.ts";
 * declare const core: SimCore;
 * premiumIndex(core, core.specs.get("BTCUSDT")!).markPrice; // "51000.00000000"
 * ```
 */
export function premiumIndex(core: SimCore, spec: SymbolSpec): Record<string, string | number> {
  const now = core.now();
  const mark = formatUnits(core.exchange.marks.get(spec.symbol) ?? 0n, 8);
  return {
    symbol: spec.symbol,
    markPrice: mark,
    indexPrice: mark,
    estimatedSettlePrice: mark,
    lastFundingRate: "0.00010000",
    interestRate: "0.00010000",
    nextFundingTime: nextFundingTime(now),
    time: now,
  };
}

/**
 * The next funding time after `now` (every 8 h from midnight UTC).
 *
 * @example
 * ```ts
 * nextFundingTime(0); // 28800000
 * ```
 */
export function nextFundingTime(now: number): number {
  return (Math.floor(now / FUNDING_INTERVAL_MS) + 1) * FUNDING_INTERVAL_MS;
}

function symbolInfo(spec: SymbolSpec): Record<string, unknown> {
  const pp = spec.pricePrecision;
  const qp = spec.quantityPrecision;
  const price = (v: bigint) => formatPrice(v, pp);
  const qty = (v: bigint) => formatPrice(v, qp);
  const base = spec.symbol.endsWith("USDT") ? spec.symbol.slice(0, -4) : spec.symbol;
  return {
    symbol: spec.symbol,
    pair: spec.symbol,
    contractType: "PERPETUAL",
    deliveryDate: PERPETUAL_DELIVERY,
    onboardDate: ONBOARD_DATE,
    status: "TRADING",
    maintMarginPercent: "2.5000",
    requiredMarginPercent: "5.0000",
    baseAsset: base,
    quoteAsset: "USDT",
    marginAsset: "USDT",
    pricePrecision: pp,
    quantityPrecision: qp,
    baseAssetPrecision: 8,
    quotePrecision: 8,
    underlyingType: "COIN",
    underlyingSubType: [],
    triggerProtect: "0.0500",
    liquidationFee: "0.012500",
    marketTakeBound: "0.05",
    maxMoveOrderLimit: 10000,
    settlePlan: 0,
    filters: [
      {
        filterType: "PRICE_FILTER",
        minPrice: price(spec.minPrice),
        maxPrice: price(spec.maxPrice),
        tickSize: price(spec.tickSize),
      },
      {
        filterType: "LOT_SIZE",
        minQty: qty(spec.minQty),
        maxQty: qty(spec.maxQty),
        stepSize: qty(spec.stepSize),
      },
      {
        filterType: "MARKET_LOT_SIZE",
        minQty: qty(spec.marketMinQty),
        maxQty: qty(spec.marketMaxQty),
        stepSize: qty(spec.marketStepSize),
      },
      { filterType: "MAX_NUM_ORDERS", limit: spec.maxNumOrders },
      { filterType: "MAX_NUM_ALGO_ORDERS", limit: spec.maxNumAlgoOrders },
      { filterType: "MIN_NOTIONAL", notional: formatPrice(spec.minNotional, 0) },
      {
        filterType: "PERCENT_PRICE",
        multiplierUp: formatUnits(spec.multiplierUp, 4),
        multiplierDown: formatUnits(spec.multiplierDown, 4),
        multiplierDecimal: "4",
      },
    ],
    orderTypes: [...ORDER_TYPES, ...CONDITIONAL_TYPES],
    timeInForce: [...TIME_IN_FORCE],
  };
}

function failed(failure: Failure): HttpResponse {
  return { status: failure.status, body: JSON.stringify({ code: failure.code, msg: failure.msg }) };
}
