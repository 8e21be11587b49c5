/**
 * Parameter validation for order.place, order.modify and the order look-ups, with Binance's codes. Order of
 * checks (a simulator assumption, ws-fapi.md §9): presence and format (-11xx, -4015, …), then PRICE_FILTER,
 * LOT_SIZE, PERCENT_PRICE, MIN_NOTIONAL. Account checks (duplicate id, margin, GTX/FOK) follow in matching.ts.
 *
 * @module
 */

import { intParam, type Params } from "./auth.ts";
import { closesSide } from "./accounts.ts";
import {
  boolParam,
  type OrderRef,
  orderRefParam,
  positionSideParam,
  sideParam,
  symbolParam,
  textParam,
} from "./params.ts";
import { levelPrice } from "./book.ts";
import { parseDecimal } from "./decimal.ts";
import { E, Failure } from "./errors.ts";
import {
  checkLotSize,
  checkMinNotional,
  checkPercentPrice,
  checkPriceFilter,
  type SymbolSpec,
} from "./symbols.ts";
import {
  CLIENT_ID_RE,
  CONDITIONAL_TYPES,
  memberOf,
  ORDER_TYPES,
  PRICE_MATCH,
  RESPONSE_TYPES,
  STP_MODES,
  TIME_IN_FORCE,
} from "./vocabulary.ts";

const isOrderType = memberOf(ORDER_TYPES);
const isConditional = memberOf(CONDITIONAL_TYPES);
const isTimeInForce = memberOf(TIME_IN_FORCE);
const isPriceMatch = memberOf(PRICE_MATCH);
const isStpMode = memberOf(STP_MODES);
const isRespType = memberOf(RESPONSE_TYPES);
/** goodTillDate must be before 9999-12-31T23:59:59Z. */
const MAX_GTD = 253_402_300_799_000;

/**
 * A validated order.place.
 *
 * @example
 * ```ts
 * import { Failure } from "./errors.ts";
 * import type { SimCore } from "./core.ts";
 * declare const core: SimCore;
 * const params = { symbol: "BTCUSDT", side: "BUY", type: "MARKET", quantity: "0.002" };
 * const req = parsePlace(params, core.specs, core.exchange.marks, core.now());
 * if (!(req instanceof Failure)) req.qty; // 200_000n: bigint units of 1e-8
 * ```
 */
export interface PlaceRequest {
  readonly spec: SymbolSpec;
  readonly side: "BUY" | "SELL";
  readonly type: "LIMIT" | "MARKET";
  readonly timeInForce: string;
  readonly qty: bigint;
  /** Limit price in units (derived from the mark for priceMatch); 0n for MARKET. */
  readonly price: bigint;
  readonly priceMatch: string;
  /**
   * The order can only reduce its position line: `reduceOnly` in one-way mode, or in hedge mode a close of a
   * side (SELL on LONG, BUY on SHORT), which carries no `reduceOnly` there.
   */
  readonly reduceOnly: boolean;
  /** BOTH in one-way mode; LONG or SHORT in hedge mode. */
  readonly positionSide: string;
  readonly clientOrderId: string | undefined;
  readonly respType: "ACK" | "RESULT";
  readonly selfTradePreventionMode: string;
  readonly goodTillDate: number;
}

/**
 * A validated order.modify.
 *
 * @example
 * ```ts
 * import { Failure } from "./errors.ts";
 * import type { SimCore } from "./core.ts";
 * declare const core: SimCore;
 * const params = { symbol: "BTCUSDT", orderId: 4000000001, side: "BUY", quantity: "0.002", price: "50000" };
 * const req = parseModify(params, core.specs, core.exchange.marks);
 * if (!(req instanceof Failure)) req.ref.orderId; // 4000000001
 * ```
 */
export interface ModifyRequest {
  readonly spec: SymbolSpec;
  readonly side: "BUY" | "SELL";
  readonly qty: bigint;
  readonly price: bigint;
  readonly ref: OrderRef;
  readonly modifyId: number | undefined;
}

function decimalParam(params: Params, name: string, precision: number): bigint | Failure {
  const parsed = parseDecimal(params[name]);
  if (parsed === undefined) return E.mandatory(name);
  if (parsed.decimals > precision) return E.precision();
  return parsed.units;
}

/**
 * Validates order.place parameters up to and including MIN_NOTIONAL.
 *
 * @example
 * ```ts
 * import { Failure } from "./errors.ts";
 * import type { SimCore } from "./core.ts";
 * declare const core: SimCore;
 * declare function reply(failure: Failure): void;
 * const params = { symbol: "BTCUSDT", side: "BUY", type: "LIMIT", timeInForce: "GTC", quantity: "0.002" }; // no price
 * const req = parsePlace(params, core.specs, core.exchange.marks, core.now());
 * if (req instanceof Failure) reply(req); // -1102, price is mandatory for LIMIT
 * ```
 */
export function parsePlace(
  params: Params,
  specs: ReadonlyMap<string, SymbolSpec>,
  marks: ReadonlyMap<string, bigint>,
  now: number,
  dualSidePosition = false,
): PlaceRequest | Failure {
  const spec = symbolParam(params, specs);
  if (spec instanceof Failure) return spec;
  const side = sideParam(params);
  if (side instanceof Failure) return side;
  const type = textParam(params, "type");
  if (type === undefined) return E.mandatory("type");
  if (isConditional(type)) return E.useAlgo();
  if (!isOrderType(type)) return E.badType();
  const positionSide = positionSideParam(params, dualSidePosition);
  if (positionSide instanceof Failure) return positionSide;
  const clientOrderId = params["newClientOrderId"];
  if (
    clientOrderId !== undefined && (typeof clientOrderId !== "string" || !CLIENT_ID_RE.test(clientOrderId))
  ) {
    return E.badClientId();
  }
  const respType = textParam(params, "newOrderRespType") ?? "ACK";
  if (!isRespType(respType)) return E.badRespType();
  const stp = textParam(params, "selfTradePreventionMode") ?? "NONE";
  if (!isStpMode(stp)) return E.badStp();
  // Hedge mode refuses reduceOnly (a close is the side's opposite order instead): ws-fapi.md §4.
  if (dualSidePosition && params["reduceOnly"] !== undefined) return E.notRequired("reduceOnly");
  const asked = boolParam(params, "reduceOnly", false);
  if (asked instanceof Failure) return asked;
  const reduceOnly = asked || closesSide(positionSide, side);
  const rawMatch = textParam(params, "priceMatch");
  const priceMatch = rawMatch === undefined || rawMatch === "NONE" ? "NONE" : rawMatch;
  const mark = marks.get(spec.symbol) ?? 0n;

  let timeInForce = "GTC";
  let goodTillDate = 0;
  if (type === "LIMIT") {
    const tif = textParam(params, "timeInForce");
    if (tif === undefined) return E.mandatory("timeInForce");
    if (!isTimeInForce(tif)) return E.badTif();
    timeInForce = tif;
    if (priceMatch !== "NONE" && !isPriceMatch(priceMatch)) return E.badPriceMatch();
    if (tif === "GTD") {
      const gtd = intParam(params["goodTillDate"]);
      if (gtd === undefined) return E.mandatory("goodTillDate");
      if (gtd <= now + 600_000 || gtd >= MAX_GTD) return E.badGoodTillDate();
      goodTillDate = Math.floor(gtd / 1000) * 1000;
    }
  } else {
    if (params["price"] !== undefined) return E.notRequired("price");
    if (priceMatch !== "NONE") return E.priceMatchType();
  }
  const qty = decimalParam(params, "quantity", spec.quantityPrecision);
  if (qty instanceof Failure) return qty;
  let price = 0n;
  if (type === "LIMIT") {
    if (priceMatch !== "NONE") {
      if (params["price"] !== undefined) return E.notRequired("price");
      price = matchPrice(spec, side, priceMatch, mark);
    } else {
      const p = decimalParam(params, "price", spec.pricePrecision);
      if (p instanceof Failure) return p;
      price = p;
    }
    const priceFailure = checkPriceFilter(spec, price);
    if (priceFailure !== undefined) return priceFailure;
  }
  const lotFailure = checkLotSize(spec, qty, type === "MARKET");
  if (lotFailure !== undefined) return lotFailure;
  if (type === "LIMIT") {
    const percentFailure = checkPercentPrice(spec, side, price, mark);
    if (percentFailure !== undefined) return percentFailure;
  }
  if (!reduceOnly) {
    const notionalFailure = checkMinNotional(spec, type === "MARKET" ? mark : price, qty);
    if (notionalFailure !== undefined) return notionalFailure;
  }
  return {
    spec,
    side,
    type,
    timeInForce,
    qty,
    price,
    priceMatch,
    reduceOnly,
    positionSide,
    clientOrderId,
    respType,
    selfTradePreventionMode: stp,
    goodTillDate,
  };
}

/**
 * Validates order.modify: presence and format, PRICE_FILTER, LOT_SIZE and PERCENT_PRICE (not MIN_NOTIONAL).
 *
 * @example
 * ```ts
 * import type { SimCore } from "./core.ts";
 * declare const core: SimCore;
 * const req = parseModify({ symbol: "BTCUSDT", orderId: 1, side: "BUY", quantity: "0.002" }, core.specs,
 *   core.exchange.marks); // Failure -1102: price is mandatory
 * ```
 */
export function parseModify(
  params: Params,
  specs: ReadonlyMap<string, SymbolSpec>,
  marks: ReadonlyMap<string, bigint>,
): ModifyRequest | Failure {
  const spec = symbolParam(params, specs);
  if (spec instanceof Failure) return spec;
  const ref = orderRefParam(params);
  if (ref instanceof Failure) return ref;
  const side = sideParam(params);
  if (side instanceof Failure) return side;
  const qty = decimalParam(params, "quantity", spec.quantityPrecision);
  if (qty instanceof Failure) return qty;
  const mark = marks.get(spec.symbol) ?? 0n;
  const rawMatch = textParam(params, "priceMatch");
  let price: bigint;
  if (rawMatch !== undefined && rawMatch !== "NONE") {
    if (!isPriceMatch(rawMatch)) return E.badPriceMatch();
    if (params["price"] !== undefined) return E.notRequired("price");
    price = matchPrice(spec, side, rawMatch, mark);
  } else {
    const p = decimalParam(params, "price", spec.pricePrecision);
    if (p instanceof Failure) return p;
    price = p;
  }
  let modifyId: number | undefined;
  if (params["modifyId"] !== undefined) {
    modifyId = intParam(params["modifyId"]);
    if (modifyId === undefined) return E.mandatory("modifyId");
  }
  const failure = checkPriceFilter(spec, price) ?? checkLotSize(spec, qty, false) ??
    checkPercentPrice(spec, side, price, mark);
  if (failure !== undefined) return failure;
  return { spec, side, qty, price, ref, modifyId };
}

/**
 * The price a priceMatch order gets from the synthetic book (book.ts): OPPONENT_n is the n-th price on the
 * opposite side (and so takes), QUEUE_n the n-th price on the order's own side (and so rests); no suffix is 1.
 */
function matchPrice(spec: SymbolSpec, side: "BUY" | "SELL", match: string, mark: bigint): bigint {
  const nth = Number(match.split("_")[1] ?? "1");
  const bookSide = match.startsWith("OPPONENT") ? (side === "BUY" ? "SELL" : "BUY") : side;
  return levelPrice(spec, mark, bookSide, nth - 1);
}
