/**
 * Trading methods: order.place, order.modify, order.cancel, order.status, algoOrder.place, algoOrder.cancel.
 *
 * @module
 */

import { accountOf, type CallContext, type MethodSpec } from "./context.ts";
import { E, Failure } from "./errors.ts";
import { orderResult, statusResult } from "./orders.ts";
import { orderRefParam, symbolParam } from "./params.ts";
import { checkModifyNotional } from "./symbols.ts";
import { parseModify, parsePlace } from "./validate.ts";
import { CONDITIONAL_TYPES, memberOf } from "./vocabulary.ts";

const isConditional = memberOf(CONDITIONAL_TYPES);

const PLACE_PARAMS = [
  "symbol",
  "side",
  "positionSide",
  "type",
  "timeInForce",
  "quantity",
  "price",
  "reduceOnly",
  "newClientOrderId",
  "newOrderRespType",
  "priceMatch",
  "selfTradePreventionMode",
  "goodTillDate",
] as const;

const ALGO_PARAMS = [
  "algoType",
  "symbol",
  "side",
  "positionSide",
  "type",
  "timeInForce",
  "quantity",
  "price",
  "triggerPrice",
  "workingType",
  "priceMatch",
  "closePosition",
  "priceProtect",
  "reduceOnly",
  "activatePrice",
  "callbackRate",
  "clientAlgoId",
  "newOrderRespType",
  "selfTradePreventionMode",
  "goodTillDate",
] as const;

function place(ctx: CallContext): unknown {
  const { core } = ctx;
  const account = accountOf(ctx);
  const req = parsePlace(ctx.params, core.specs, core.exchange.marks, ctx.now, account.dualSidePosition);
  if (req instanceof Failure) return req;
  const placed = core.exchange.place(account, req, ctx.now);
  return placed instanceof Failure ? placed : placed.result;
}

function modify(ctx: CallContext): unknown {
  const { core } = ctx;
  const req = parseModify(ctx.params, core.specs, core.exchange.marks);
  if (req instanceof Failure) return req;
  const account = accountOf(ctx);
  // MIN_NOTIONAL on the new price and quantity gives -5029 on a modify (ws-fapi.md §7), not -4164; a
  // reduce-only order is exempt as on order.place, and a modify that cancels (qty ≤ executed) is not checked.
  const order = core.exchange.find(account, req.spec.symbol, req.ref);
  if (order !== undefined && !order.reduceOnly && req.qty > order.executed) {
    const small = checkModifyNotional(req.spec, req.price, req.qty);
    if (small !== undefined) return small;
  }
  return core.exchange.modify(account, req, ctx.now);
}

function cancel(ctx: CallContext): unknown {
  const spec = symbolParam(ctx.params, ctx.core.specs);
  if (spec instanceof Failure) return spec;
  const ref = orderRefParam(ctx.params);
  if (ref instanceof Failure) return ref;
  const order = ctx.core.exchange.cancel(accountOf(ctx), spec.symbol, ref, ctx.now);
  return order instanceof Failure ? order : orderResult(order);
}

function status(ctx: CallContext): unknown {
  const spec = symbolParam(ctx.params, ctx.core.specs);
  if (spec instanceof Failure) return spec;
  const ref = orderRefParam(ctx.params);
  if (ref instanceof Failure) return ref;
  const order = ctx.core.exchange.find(accountOf(ctx), spec.symbol, ref);
  return order === undefined ? E.noSuchOrder() : statusResult(order);
}

/**
 * The trading methods by name.
 *
 * @example
 * ```ts
 * TRADE_METHODS["order.place"]?.weight; // 0
 * ```
 */
export const TRADE_METHODS: Readonly<Record<string, MethodSpec>> = {
  "order.place": {
    security: "SIGNED",
    weight: 0,
    orders: true,
    params: PLACE_PARAMS,
    // A legacy conditional order (STOP_MARKET with stopPrice, …) is told to use the algo API (-4120, §5), not
    // that stopPrice is unknown.
    vet: (
      params,
    ) => (typeof params["type"] === "string" && isConditional(params["type"]) ? E.useAlgo() : undefined),
    run: place,
  },
  "order.modify": {
    security: "SIGNED",
    weight: 0,
    orders: true,
    params: ["symbol", "side", "quantity", "price", "orderId", "origClientOrderId", "priceMatch", "modifyId"],
    run: modify,
  },
  "order.cancel": {
    security: "SIGNED",
    weight: 1,
    orders: false,
    params: ["symbol", "orderId", "origClientOrderId"],
    run: cancel,
  },
  "order.status": {
    security: "SIGNED",
    weight: 1,
    orders: false,
    params: ["symbol", "orderId", "origClientOrderId"],
    run: status,
  },
  "algoOrder.place": {
    security: "SIGNED",
    weight: 0,
    orders: false,
    params: ALGO_PARAMS,
    run: (ctx) =>
      ctx.core.algo.place(accountOf(ctx), ctx.params, ctx.core.specs, ctx.core.exchange.marks, ctx.now),
  },
  "algoOrder.cancel": {
    security: "SIGNED",
    weight: 1,
    orders: false,
    params: ["algoId", "clientAlgoId"],
    run: (ctx) => ctx.core.algo.cancel(accountOf(ctx), ctx.params, ctx.now),
  },
};
