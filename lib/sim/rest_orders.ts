/**
 * The REST open-order listings (ws-fapi has none, ws-fapi.md §4 "REST only"), answered from the simulator's
 * own books for the signed caller's account, after rest.ts has verified the request and counted its weight:
 *
 * - `GET /fapi/v1/openOrders[?symbol=]`: an array of the account's NEW / PARTIALLY_FILLED orders in the
 *   order.status shape minus `cumQty` (`avgPrice, clientOrderId, cumQuote, executedQty, orderId, origQty,
 *   origType, price, reduceOnly, side, positionSide, status, stopPrice, closePosition, symbol, time,
 *   timeInForce, type, updateTime, workingType, priceProtect, priceMatch, selfTradePreventionMode,
 *   goodTillDate`), symbol by symbol, oldest first.
 * - `GET /fapi/v1/openAlgoOrders[?algoType=CONDITIONAL&symbol=&algoId=]`: an array of the account's algo
 *   orders not finished yet (NEW, TRIGGERING, TRIGGERED) (`algoId, clientAlgoId, algoType, orderType, symbol, side, positionSide, timeInForce, quantity,
 *   algoStatus, actualOrderId, actualPrice, triggerPrice, price, icebergQuantity, tpTriggerPrice, tpPrice,
 *   slTriggerPrice, slPrice, tpOrderType, selfTradePreventionMode, workingType, priceMatch, closePosition,
 *   priceProtect, reduceOnly, createTime, updateTime, triggerTime, goodTillDate`).
 *
 * - `GET /fapi/v1/algoOrder?algoId=|clientAlgoId=`: one algo order of the account in the listing's shape,
 *   whatever its status (a finished one too); -2013 when there is none.
 * - `GET /fapi/v1/userTrades?symbol=[&orderId=&limit=]`: the account's executions of a symbol (`symbol, id,
 *   orderId, side, positionSide, buyer, maker, price, qty, quoteQty, realizedPnl, commission, commissionAsset,
 *   time`), oldest first; `startTime`, `endTime` and `fromId` are taken and ignored (a simulator choice).
 *
 * Field sets from the official connector's REST types and doc fixtures (S1). Choices: an unknown symbol is
 * -1121, an algoType other than CONDITIONAL -1102; `actualOrderId` is the triggered order's id ("" before a
 * trigger) and `actualPrice` its average fill price; the tp/sl prices are zero at the symbol's price precision;
 * `icebergQuantity` is null as in the algoOrder.place result; a TRIGGERED order stays listed until its order is
 * finished (a simulator choice).
 *
 * @module
 */

import type { Account } from "./accounts.ts";
import { type AlgoOrder, algoOrderResult } from "./algo.ts";
import { intParam, type Params } from "./auth.ts";
import type { SimCore } from "./core.ts";
import { formatUnits, mul } from "./decimal.ts";
import { E, type Failure } from "./errors.ts";
import { statusResult } from "./orders.ts";
import { formatPrice } from "./stream_events.ts";
import type { HttpResponse } from "./_ws_server.ts";

/**
 * `GET /fapi/v1/openOrders` for `account` (the request is already verified).
 *
 * @example
 * ```ts
 * import type { Account } from "./accounts.ts";
 * import type { SimCore } from "./core.ts";
 * declare const core: SimCore;
 * declare const account: Account;
 * openOrders(core, account, { symbol: "BTCUSDT" }).body; // '[{"orderId":4000000000,…}]'
 * ```
 */
export function openOrders(core: SimCore, account: Account, params: Params): HttpResponse {
  const symbol = symbolOf(core, params);
  if (typeof symbol !== "string" && symbol !== undefined) return answer(symbol);
  const out: Record<string, unknown>[] = [];
  for (const s of core.specs.keys()) {
    if (symbol !== undefined && s !== symbol) continue;
    for (const o of core.exchange.openOrders(s)) {
      if (o.account !== account) continue;
      const view = statusResult(o);
      delete view["cumQty"];
      out.push(view);
    }
  }
  return answer(out);
}

/**
 * `GET /fapi/v1/openAlgoOrders` for `account` (the request is already verified).
 *
 * @example
 * ```ts
 * import type { Account } from "./accounts.ts";
 * import type { SimCore } from "./core.ts";
 * declare const core: SimCore;
 * declare const account: Account;
 * openAlgoOrders(core, account, {}).body; // '[{"algoId":2000000000000001,…}]'
 * ```
 */
export function openAlgoOrders(core: SimCore, account: Account, params: Params): HttpResponse {
  const symbol = symbolOf(core, params);
  if (typeof symbol !== "string" && symbol !== undefined) return answer(symbol);
  const algoType = params["algoType"];
  if (algoType !== undefined && algoType !== "CONDITIONAL") return answer(E.mandatory("algoType"));
  let algoId: number | undefined;
  if (params["algoId"] !== undefined) {
    algoId = intParam(params["algoId"]);
    if (algoId === undefined) return answer(E.mandatory("algoId"));
  }
  const open = core.algo.openOf(account, symbol).filter((o) => algoId === undefined || o.algoId === algoId);
  return answer(open.map(algoView));
}

/**
 * `GET /fapi/v1/algoOrder` for `account` (the request is already verified).
 *
 * @example
 * ```ts
 * import type { Account } from "./accounts.ts";
 * import type { SimCore } from "./core.ts";
 * declare const core: SimCore;
 * declare const account: Account;
 * algoOrder(core, account, { clientAlgoId: "stop-1" }).body; // '{"algoId":2000000000000001,…}'
 * ```
 */
export function algoOrder(core: SimCore, account: Account, params: Params): HttpResponse {
  const rawId = params["algoId"];
  const clientAlgoId = typeof params["clientAlgoId"] === "string" ? params["clientAlgoId"] : undefined;
  if (rawId === undefined && clientAlgoId === undefined) {
    return answer(E.eitherParam("algoId", "clientAlgoId"));
  }
  let algoId: number | undefined;
  if (rawId !== undefined) {
    algoId = intParam(rawId);
    if (algoId === undefined) return answer(E.mandatory("algoId"));
  }
  const found = core.algo.find(account, algoId === undefined ? { clientAlgoId: clientAlgoId! } : { algoId });
  return found === undefined
    ? answer(E.noSuchOrder())
    : { status: 200, body: JSON.stringify(algoView(found)) };
}

/**
 * `GET /fapi/v1/userTrades` for `account` (the request is already verified): its executions of `symbol`
 * (required), of one order with `orderId`, oldest first, at most `limit` (default 500, up to 1000) of the
 * newest that match.
 *
 * @example
 * ```ts
 * import type { Account } from "./accounts.ts";
 * import type { SimCore } from "./core.ts";
 * declare const core: SimCore;
 * declare const account: Account;
 * userTrades(core, account, { symbol: "BTCUSDT", orderId: "8000000000" }).body; // '[{"symbol":"BTCUSDT","id":1,…}]'
 * ```
 */
export function userTrades(core: SimCore, account: Account, params: Params): HttpResponse {
  const symbol = symbolOf(core, params);
  if (symbol === undefined) return answer(E.mandatory("symbol"));
  if (typeof symbol !== "string") return answer(symbol);
  const orderId = params["orderId"] === undefined ? undefined : intParam(params["orderId"]);
  if (params["orderId"] !== undefined && orderId === undefined) return answer(E.mandatory("orderId"));
  const limit = params["limit"] === undefined ? 500 : intParam(params["limit"]);
  if (limit === undefined || limit < 1 || limit > 1000) return answer(E.mandatory("limit"));
  const spec = core.specs.get(symbol)!;
  const pp = spec.pricePrecision;
  const qp = spec.quantityPrecision;
  const out = account.trades
    .filter((t) => t.symbol === symbol && (orderId === undefined || t.orderId === orderId))
    .slice(-limit)
    .map((t) => ({
      symbol,
      id: t.id,
      orderId: t.orderId,
      side: t.side,
      positionSide: t.positionSide,
      buyer: t.side === "BUY",
      maker: t.maker,
      price: formatUnits(t.price, pp),
      qty: formatUnits(t.qty, qp),
      quoteQty: formatUnits(mul(t.qty, t.price), 8),
      realizedPnl: formatUnits(t.realized, 8),
      commission: formatUnits(t.commission, 8),
      commissionAsset: "USDT",
      time: t.time,
    }));
  return answer(out);
}

function symbolOf(core: SimCore, params: Params): string | undefined | Failure {
  const symbol = params["symbol"];
  if (symbol === undefined) return undefined;
  if (typeof symbol !== "string" || symbol.length === 0) return E.mandatory("symbol");
  return core.specs.has(symbol) ? symbol : E.badSymbol();
}

function algoView(o: AlgoOrder): Record<string, unknown> {
  const zero = formatUnits(0n, o.spec.pricePrecision);
  // The place answer plus the listing's own fields: the triggered order, if any; no TP/SL legs.
  return {
    ...algoOrderResult(o),
    actualOrderId: o.actual === undefined ? "" : String(o.actual.orderId),
    actualPrice: formatPrice(o.actual?.avgPrice ?? 0n, o.spec.pricePrecision),
    tpTriggerPrice: zero,
    tpPrice: zero,
    slTriggerPrice: zero,
    slPrice: zero,
    tpOrderType: "",
  };
}

function answer(outcome: Record<string, unknown>[] | Failure): HttpResponse {
  if (Array.isArray(outcome)) return { status: 200, body: JSON.stringify(outcome) };
  return { status: outcome.status, body: JSON.stringify({ code: outcome.code, msg: outcome.msg }) };
}
