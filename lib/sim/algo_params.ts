/**
 * Validation of algoOrder.place (ws-fapi.md §5.4): presence and format, the filters, and whether the order would
 * trigger at once (-2021: a stop on the wrong side of the mark, a trailing stop whose activation price is
 * already passed). The duplicate client id check (-4116) needs the book and is done there.
 *
 * @module
 */

import { activatesNow } from "./algo_trigger.ts";
import type { Params } from "./auth.ts";
import { parseDecimal } from "./decimal.ts";
import { E, Failure } from "./errors.ts";
import { boolParam, positionSideParam, sideParam, symbolParam, textParam } from "./params.ts";
import { checkLotSize, checkPriceFilter, type SymbolSpec } from "./symbols.ts";
import { ALGO_TIME_IN_FORCE, ALGO_TYPES, CLIENT_ID_RE, CONDITIONAL_TYPES, memberOf } from "./vocabulary.ts";

const isAlgoType = memberOf(ALGO_TYPES);
const isConditional = memberOf(CONDITIONAL_TYPES);
const isAlgoTimeInForce = memberOf(ALGO_TIME_IN_FORCE);

/**
 * A validated algoOrder.place (prices and quantities in units).
 *
 * @example
 * ```ts
 * import { Failure } from "./errors.ts";
 * import type { SimCore } from "./core.ts";
 * declare const core: SimCore;
 * const req = parseAlgoPlace({ algoType: "CONDITIONAL", symbol: "BTCUSDT", side: "SELL", type: "STOP_MARKET",
 *   quantity: "0.010", triggerPrice: "45000" }, core.specs, core.exchange.marks);
 * if (!(req instanceof Failure)) req.triggerPrice; // 4_500_000_000_000n
 * ```
 */
export interface AlgoRequest {
  readonly algoType: typeof ALGO_TYPES[number];
  readonly spec: SymbolSpec;
  readonly side: string;
  readonly type: string;
  readonly timeInForce: string;
  readonly quantity: bigint;
  readonly price: bigint;
  readonly triggerPrice: bigint;
  readonly activatePrice: bigint;
  readonly callbackRate: bigint;
  readonly workingType: string;
  readonly priceMatch: string;
  readonly closePosition: boolean;
  readonly priceProtect: boolean;
  readonly reduceOnly: boolean;
  /** BOTH in one-way mode; LONG or SHORT in hedge mode. */
  readonly positionSide: string;
  readonly selfTradePreventionMode: string;
  readonly clientAlgoId: string | undefined;
}

/**
 * Validates algoOrder.place parameters against the symbol's filters and the current mark.
 *
 * @example
 * ```ts
 * import type { SimCore } from "./core.ts";
 * declare const core: SimCore;
 * parseAlgoPlace({ algoType: "CONDITIONAL" }, core.specs, core.exchange.marks); // Failure -1121/-1102
 * ```
 */
export function parseAlgoPlace(
  params: Params,
  specs: ReadonlyMap<string, SymbolSpec>,
  marks: ReadonlyMap<string, bigint>,
  dualSidePosition = false,
): AlgoRequest | Failure {
  const algoType = textParam(params, "algoType");
  if (algoType === undefined || !isAlgoType(algoType)) return E.mandatory("algoType");
  const spec = symbolParam(params, specs);
  if (spec instanceof Failure) return spec;
  const side = sideParam(params);
  if (side instanceof Failure) return side;
  const type = textParam(params, "type");
  if (type === undefined) return E.mandatory("type");
  if (!isConditional(type)) return E.badType();
  // As on order.place: the side the account's mode takes; hedge mode refuses reduceOnly.
  const positionSide = positionSideParam(params, dualSidePosition);
  if (positionSide instanceof Failure) return positionSide;
  if (dualSidePosition && params["reduceOnly"] !== undefined) return E.notRequired("reduceOnly");
  const timeInForce = textParam(params, "timeInForce") ?? "GTC";
  if (!isAlgoTimeInForce(timeInForce)) return E.badTif();
  const closePosition = boolParam(params, "closePosition", false);
  if (closePosition instanceof Failure) return closePosition;
  const priceProtect = boolParam(params, "priceProtect", false);
  if (priceProtect instanceof Failure) return priceProtect;
  const reduceOnly = boolParam(params, "reduceOnly", false);
  if (reduceOnly instanceof Failure) return reduceOnly;
  const clientAlgoId = params["clientAlgoId"];
  if (
    clientAlgoId !== undefined && (typeof clientAlgoId !== "string" || !CLIENT_ID_RE.test(clientAlgoId))
  ) {
    return E.badClientId();
  }

  let quantity = 0n;
  if (closePosition) {
    if (params["quantity"] !== undefined) return E.notRequired("quantity");
    if (params["reduceOnly"] !== undefined) return E.notRequired("reduceOnly");
  } else {
    const q = decimal(params, "quantity", spec.quantityPrecision);
    if (q instanceof Failure) return q;
    const lot = checkLotSize(spec, q, type.endsWith("MARKET"));
    if (lot !== undefined) return lot;
    quantity = q;
  }
  let price = 0n;
  if (type === "STOP" || type === "TAKE_PROFIT") {
    const p = decimal(params, "price", spec.pricePrecision);
    if (p instanceof Failure) return p;
    const filter = checkPriceFilter(spec, p);
    if (filter !== undefined) return filter;
    price = p;
  }
  let triggerPrice = 0n;
  let activatePrice = 0n;
  let callbackRate = 0n;
  const mark = marks.get(spec.symbol) ?? 0n;
  if (type === "TRAILING_STOP_MARKET") {
    const rate = parseDecimal(params["callbackRate"]);
    if (rate === undefined || rate.units < 10_000_000n || rate.units > 1_000_000_000n) {
      return E.mandatory("callbackRate");
    }
    callbackRate = rate.units;
    if (params["activatePrice"] !== undefined) {
      const a = decimal(params, "activatePrice", spec.pricePrecision);
      if (a instanceof Failure) return a;
      const filter = checkPriceFilter(spec, a);
      if (filter !== undefined) return filter;
      if (activatesNow(side, a, mark)) return E.wouldTrigger();
      activatePrice = a;
    }
  } else {
    const t = decimal(params, "triggerPrice", spec.pricePrecision);
    if (t instanceof Failure) return t;
    const filter = checkPriceFilter(spec, t);
    if (filter !== undefined) return filter;
    // STOP* triggers when the price moves against the side (BUY above the mark); TAKE_PROFIT* the other way.
    const above = (type.startsWith("STOP")) === (side === "BUY");
    if (above ? t <= mark : t >= mark) return E.wouldTrigger();
    triggerPrice = t;
  }

  return {
    algoType,
    spec,
    side,
    type,
    timeInForce,
    quantity,
    price,
    triggerPrice,
    activatePrice,
    callbackRate,
    workingType: textParam(params, "workingType") ?? "CONTRACT_PRICE",
    priceMatch: textParam(params, "priceMatch") ?? "NONE",
    closePosition,
    priceProtect,
    reduceOnly,
    positionSide,
    selfTradePreventionMode: textParam(params, "selfTradePreventionMode") ?? "NONE",
    clientAlgoId: typeof clientAlgoId === "string" ? clientAlgoId : undefined,
  };
}

function decimal(params: Params, name: string, precision: number): bigint | Failure {
  const parsed = parseDecimal(params[name]);
  if (parsed === undefined) return E.mandatory(name);
  if (parsed.decimals > precision) return E.precision();
  return parsed.units;
}
