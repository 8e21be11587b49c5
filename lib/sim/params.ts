/**
 * Reading request parameters: typed getters that turn missing or malformed values into Binance's -1102 (and
 * -1121 for an unknown symbol).
 *
 * @module
 */

import { intParam, type Params } from "./auth.ts";
import { E, type Failure } from "./errors.ts";
import type { SymbolSpec } from "./symbols.ts";
import { memberOf, SIDES } from "./vocabulary.ts";

const isSide = memberOf(SIDES);

/**
 * `positionSide` as the account's mode takes it: BOTH (the default) in one-way mode, LONG or SHORT in hedge
 * mode (`dualSidePosition`); anything else is -4061. Shared by order.place and algoOrder.place.
 *
 * @example
 * ```ts
 * positionSideParam({ positionSide: "LONG" }, true); // "LONG"
 * positionSideParam({}, true); // Failure -4061
 * ```
 */
export function positionSideParam(params: Params, dualSidePosition: boolean): string | Failure {
  const side = textParam(params, "positionSide") ?? "BOTH";
  const fits = dualSidePosition ? side === "LONG" || side === "SHORT" : side === "BOTH";
  return fits ? side : E.positionSide();
}

/** Which order a request names; `orderId` wins over `clientOrderId`. */
export interface OrderRef {
  readonly orderId: number | undefined;
  readonly clientOrderId: string | undefined;
}

/**
 * The mandatory `side`: -1102 when missing, -1117 when not BUY or SELL.
 *
 * @example
 * ```ts
 * sideParam({ side: "SELL" }); // "SELL"
 * ```
 */
export function sideParam(params: Params): "BUY" | "SELL" | Failure {
  const side = textParam(params, "side");
  if (side === undefined) return E.mandatory("side");
  return isSide(side) ? side : E.badSide();
}

/**
 * A non-empty string parameter (numbers and booleans are taken as their text).
 *
 * @example
 * ```ts
 * textParam({ side: "BUY" }, "side"); // "BUY"
 * ```
 */
export function textParam(params: Params, name: string): string | undefined {
  const v = params[name];
  if (typeof v === "string") return v.length > 0 ? v : undefined;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return undefined;
}

/**
 * `symbol` → its spec (-1102 when missing, -1121 when unknown).
 *
 * @example
 * ```ts
 * import { SYMBOLS } from "./symbols.ts";
 * const specs = new Map(SYMBOLS.map((s) => [s.symbol, s]));
 * symbolParam({ symbol: "BTCUSDT" }, specs); // SymbolSpec
 * ```
 */
export function symbolParam(params: Params, specs: ReadonlyMap<string, SymbolSpec>): SymbolSpec | Failure {
  const symbol = textParam(params, "symbol");
  if (symbol === undefined) return E.mandatory("symbol");
  return specs.get(symbol) ?? E.badSymbol();
}

/**
 * A boolean sent as `true`/`false` or `"true"`/`"false"`; `fallback` when absent.
 *
 * @example
 * ```ts
 * boolParam({ reduceOnly: "true" }, "reduceOnly", false); // true
 * ```
 */
export function boolParam(params: Params, name: string, fallback: boolean): boolean | Failure {
  const v = params[name];
  if (v === undefined) return fallback;
  if (v === true || v === "true" || v === "TRUE") return true;
  if (v === false || v === "false" || v === "FALSE") return false;
  return E.mandatory(name);
}

/**
 * `orderId` or `origClientOrderId` (-1102 when neither, or when malformed).
 *
 * @example
 * ```ts
 * orderRefParam({ orderId: 4000000001 }); // { orderId: 4000000001, clientOrderId: undefined }
 * ```
 */
export function orderRefParam(params: Params): OrderRef | Failure {
  const rawId = params["orderId"];
  const clientOrderId = textParam(params, "origClientOrderId");
  if (rawId === undefined && clientOrderId === undefined) {
    return E.eitherParam("orderId", "origClientOrderId");
  }
  const orderId = rawId === undefined ? undefined : intParam(rawId);
  if (rawId !== undefined && orderId === undefined) return E.mandatory("orderId");
  return { orderId, clientOrderId };
}
