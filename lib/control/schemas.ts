/**
 * The control plane's request schemas (zod, strict: unknown fields are refused by name). Field names are
 * Binance's and the enum values come from `vocabulary.ts`. This is the only place input is validated; the
 * router trusts what it is given.
 *
 * `POST /orders` routing: LIMIT and MARKET go to `order.place`. The conditional types (STOP, STOP_MARKET,
 * TAKE_PROFIT, TAKE_PROFIT_MARKET, TRAILING_STOP_MARKET) go to `algoOrder.place`, because order.place no
 * longer takes them (-4120); there `stopPrice` is sent as `triggerPrice`, `newClientOrderId` as
 * `clientAlgoId` and `activationPrice` as `activatePrice`.
 *
 * @module
 */

import { z } from "zod";
import type {
  AlgoOrderRef,
  ModifyOrderParams,
  OrderRef,
  PlaceAlgoOrderParams,
  PlaceOrderParams,
} from "../types.ts";
import { compact, type Ctx, fail } from "./validation.ts";
import { clientId, decimal, field, flag, oneOf, positiveInteger, symbol } from "./fields.ts";
import { HALT_REASON_RULE, isHaltReason } from "../router/halt_reason.ts";

export { trackedOrdersSchema } from "./schemas_live.ts";
import {
  ALGO_TIME_IN_FORCE,
  CONDITIONAL_TYPES,
  ORDER_TYPES,
  POSITION_SIDES,
  PRICE_MATCH,
  RESPONSE_TYPES,
  SIDES,
  STP_MODES,
  TIME_IN_FORCE,
  WORKING_TYPES,
} from "../vocabulary.ts";

/** Fields only conditional (algo) orders take. */
const ALGO_ONLY = [
  "stopPrice",
  "triggerPrice",
  "workingType",
  "closePosition",
  "priceProtect",
  "activatePrice",
  "activationPrice",
  "callbackRate",
  "clientAlgoId",
] as const;

/**
 * A validated `POST /orders` body, routed to the method that places it.
 *
 * @example
 * ```ts
 * import type { Router } from "../router/router.ts";
 * declare const router: Router;
 * declare const body: Record<string, unknown>;
 * const req: PlaceRequest = placeSchema.parse(body);
 * if (req.kind === "algo") await router.placeAlgoOrder(req.params);
 * ```
 */
export type PlaceRequest =
  | { readonly kind: "order"; readonly params: PlaceOrderParams }
  | { readonly kind: "algo"; readonly params: PlaceAlgoOrderParams };

/**
 * A validated `DELETE /orders` query.
 *
 * @example
 * ```ts
 * const req: CancelRequest = cancelSchema.parse({ symbol: "BTCUSDT", orderId: "42" });
 * ```
 */
export type CancelRequest =
  | { readonly kind: "order"; readonly params: OrderRef }
  | { readonly kind: "algo"; readonly params: AlgoOrderRef };

/**
 * `POST /orders` body.
 *
 * @example
 * ```ts
 * placeSchema.parse({ symbol: "BTCUSDT", side: "SELL", type: "STOP_MARKET", quantity: "0.01", stopPrice: "45000" });
 * // { kind: "algo", params: { ..., triggerPrice: "45000" } }
 * ```
 */
export const placeSchema = z.strictObject({
  symbol: symbol(),
  side: oneOf(SIDES),
  type: oneOf([...ORDER_TYPES, ...CONDITIONAL_TYPES]),
  quantity: decimal().optional(),
  price: decimal().optional(),
  timeInForce: oneOf(TIME_IN_FORCE).optional(),
  positionSide: oneOf(POSITION_SIDES).optional(),
  reduceOnly: flag().optional(),
  newClientOrderId: clientId().optional(),
  newOrderRespType: oneOf(RESPONSE_TYPES).optional(),
  priceMatch: oneOf(PRICE_MATCH).optional(),
  selfTradePreventionMode: oneOf(STP_MODES).optional(),
  goodTillDate: positiveInteger("a time in ms since the epoch").optional(),
  stopPrice: decimal().optional(),
  triggerPrice: decimal().optional(),
  workingType: oneOf(WORKING_TYPES).optional(),
  closePosition: flag().optional(),
  priceProtect: flag().optional(),
  activatePrice: decimal().optional(),
  activationPrice: decimal().optional(),
  callbackRate: decimal().optional(),
  clientAlgoId: clientId().optional(),
}).transform((b, ctx): PlaceRequest => {
  if (b.price !== undefined && b.priceMatch !== undefined) {
    fail(ctx, "priceMatch", "not allowed together with price");
  }
  if (b.timeInForce === "GTD" && b.goodTillDate === undefined) {
    fail(ctx, "goodTillDate", "required with timeInForce GTD");
  }
  if (b.type === "LIMIT" || b.type === "MARKET") {
    for (const key of ALGO_ONLY) {
      if (b[key] !== undefined) {
        fail(ctx, key, `only for conditional types (${CONDITIONAL_TYPES.join(", ")})`);
      }
    }
    if (b.quantity === undefined) fail(ctx, "quantity", "required");
    if (b.type === "LIMIT") {
      if (b.price === undefined && b.priceMatch === undefined) {
        fail(ctx, "price", "required for LIMIT (or priceMatch)");
      }
      if (b.timeInForce === undefined) fail(ctx, "timeInForce", "required for LIMIT");
    } else {
      if (b.price !== undefined) fail(ctx, "price", "not allowed for MARKET");
      if (b.priceMatch !== undefined) fail(ctx, "priceMatch", "not allowed for MARKET");
    }
    const {
      stopPrice: _s,
      triggerPrice: _t,
      workingType: _w,
      closePosition: _c,
      priceProtect: _p,
      ...plain
    } = b;
    return { kind: "order", params: compact<PlaceOrderParams>(plain) };
  }
  const { stopPrice, triggerPrice, newClientOrderId, clientAlgoId, activationPrice, activatePrice, ...rest } =
    b;
  if (stopPrice !== undefined && triggerPrice !== undefined) {
    fail(ctx, "stopPrice", "give stopPrice or triggerPrice, not both");
  }
  if (newClientOrderId !== undefined && clientAlgoId !== undefined) {
    fail(ctx, "clientAlgoId", "give newClientOrderId or clientAlgoId, not both");
  }
  if (activationPrice !== undefined && activatePrice !== undefined) {
    fail(ctx, "activationPrice", "give activationPrice or activatePrice, not both");
  }
  const trigger = triggerPrice ?? stopPrice;
  if (b.type === "TRAILING_STOP_MARKET") {
    if (trigger !== undefined) {
      fail(
        ctx,
        stopPrice !== undefined ? "stopPrice" : "triggerPrice",
        "not used by TRAILING_STOP_MARKET (use activatePrice)",
      );
    }
    if (b.callbackRate === undefined) fail(ctx, "callbackRate", "required for TRAILING_STOP_MARKET");
  } else if (trigger === undefined) {
    fail(ctx, "stopPrice", `required for ${b.type} (or triggerPrice)`);
  }
  if (b.type === "STOP" || b.type === "TAKE_PROFIT") {
    if (b.price === undefined && b.priceMatch === undefined) {
      fail(ctx, "price", `required for ${b.type} (or priceMatch)`);
    }
  } else if (b.price !== undefined) {
    fail(ctx, "price", `not allowed for ${b.type}`);
  }
  if (b.closePosition === true) {
    if (b.quantity !== undefined) fail(ctx, "quantity", "not allowed with closePosition");
    if (b.reduceOnly !== undefined) fail(ctx, "reduceOnly", "not allowed with closePosition");
  } else if (b.quantity === undefined) {
    fail(ctx, "quantity", `required for ${b.type} (or closePosition)`);
  }
  if (b.timeInForce !== undefined && !(ALGO_TIME_IN_FORCE as readonly string[]).includes(b.timeInForce)) {
    fail(ctx, "timeInForce", `conditional orders take ${ALGO_TIME_IN_FORCE.join(", ")}`);
  }
  const params = compact<PlaceAlgoOrderParams>({
    ...rest,
    triggerPrice: trigger,
    activatePrice: activatePrice ?? activationPrice,
    clientAlgoId: clientAlgoId ?? newClientOrderId,
  });
  return { kind: "algo", params };
});

const orderRefShape = {
  symbol: symbol(),
  orderId: positiveInteger().optional(),
  origClientOrderId: clientId().optional(),
};

const needsOrderRef = (
  r: { orderId?: number | undefined; origClientOrderId?: string | undefined },
  ctx: Ctx,
) => {
  if (r.orderId === undefined && r.origClientOrderId === undefined) {
    fail(ctx, "orderId", "orderId or origClientOrderId is required");
  }
};

/**
 * `GET /orders` query: symbol plus orderId or origClientOrderId.
 *
 * @example
 * ```ts
 * orderRefSchema.parse({ symbol: "BTCUSDT", orderId: "42" }); // { symbol: "BTCUSDT", orderId: 42 }
 * ```
 */
export const orderRefSchema = z.strictObject(orderRefShape).transform((r, ctx): OrderRef => {
  needsOrderRef(r, ctx);
  return compact<OrderRef>(r);
});

/**
 * `DELETE /orders` query: an order (symbol + orderId/origClientOrderId) or an algo order (algoId/clientAlgoId).
 *
 * @example
 * ```ts
 * cancelSchema.parse({ algoId: "7" }); // { kind: "algo", params: { algoId: 7 } }
 * ```
 */
export const cancelSchema = z.strictObject({
  symbol: symbol().optional(),
  orderId: positiveInteger().optional(),
  origClientOrderId: clientId().optional(),
  algoId: positiveInteger().optional(),
  clientAlgoId: clientId().optional(),
}).transform((q, ctx): CancelRequest => {
  if (q.algoId !== undefined || q.clientAlgoId !== undefined) {
    if (q.orderId !== undefined || q.origClientOrderId !== undefined) {
      fail(
        ctx,
        "algoId",
        "cancel an order (orderId/origClientOrderId) or an algo order (algoId/clientAlgoId), not both",
      );
    }
    return {
      kind: "algo",
      params: compact<AlgoOrderRef>({ algoId: q.algoId, clientAlgoId: q.clientAlgoId }),
    };
  }
  if (q.symbol === undefined) fail(ctx, "symbol", "required");
  needsOrderRef(q, ctx);
  return { kind: "order", params: compact<OrderRef>(q) };
});

/**
 * `PATCH /orders` body (order.modify: LIMIT orders, new quantity and price or priceMatch).
 *
 * @example
 * ```ts
 * modifySchema.parse({ symbol: "BTCUSDT", orderId: 42, side: "BUY", quantity: "0.002", price: "49990" });
 * ```
 */
export const modifySchema = z.strictObject({
  ...orderRefShape,
  side: oneOf(SIDES),
  quantity: decimal(),
  price: decimal().optional(),
  priceMatch: oneOf(PRICE_MATCH).optional(),
}).transform((m, ctx): ModifyOrderParams => {
  needsOrderRef(m, ctx);
  if (m.price === undefined && m.priceMatch === undefined) fail(ctx, "price", "required (or priceMatch)");
  if (m.price !== undefined && m.priceMatch !== undefined) {
    fail(ctx, "priceMatch", "not allowed together with price");
  }
  return compact<ModifyOrderParams>(m);
});

/**
 * `GET /account/positions` query.
 *
 * @example
 * ```ts
 * positionsSchema.parse({ symbol: "BTCUSDT" });
 * ```
 */
export const positionsSchema = z.strictObject({ symbol: symbol().optional() });

/**
 * One required symbol: the `DELETE /orders/open` query (as Binance's cancel-all, it names the symbol) and the
 * `POST /flatten` body.
 *
 * @example
 * ```ts
 * oneSymbolSchema.parse({ symbol: "BTCUSDT" });
 * oneSymbolSchema.safeParse({}).success; // false
 * ```
 */
export const oneSymbolSchema = z.strictObject({ symbol: symbol() });

/**
 * An empty query (routes that take no parameters still refuse unknown ones).
 *
 * @example
 * ```ts
 * emptySchema.safeParse({ foo: "1" }).success; // false
 * ```
 */
export const emptySchema = z.strictObject({});

/**
 * `POST /halt` body (optional).
 *
 * @example
 * ```ts
 * haltSchema.parse({ reason: "news at 14:30" });
 * haltSchema.parse({ reason: "flat before the close", flatten: true });
 * ```
 */
export const haltSchema = z.strictObject({
  // Logged, shown and kept as given: see `isHaltReason`.
  reason: field(HALT_REASON_RULE, (v) => typeof v === "string" && isHaltReason(v) ? v : undefined, {
    type: "string",
    minLength: 1,
    maxLength: 200,
  }).optional(),
  flatten: z.boolean().optional().meta({
    description: "also close every position with reduce-only MARKET orders once the cancels are done",
  }),
});
