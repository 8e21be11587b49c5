/**
 * Market-data methods over the synthetic book (book.ts): `depth` and `ticker.book` (ws-fapi.md §4). Both are
 * public (security NONE).
 *
 * - `depth {symbol, limit?}`: limit ∈ {5, 10, 20, 50, 100, 500, 1000} (default 500); weight 2 up to 50, 5 for
 *   100, 10 for 500, 20 for 1000. Result `{lastUpdateId, E, T, bids, asks}`, levels `[price, qty]` as strings
 *   at the symbol's precision, best first. `T` is the time of the last book change (the last mark move, or `E`
 *   before any). Another limit is -1102 (a simulator choice: the reference lists the values, not the error).
 * - `ticker.book {symbol?}`: weight 2 with a symbol, 5 without. Result `{lastUpdateId, symbol, bidPrice, bidQty,
 *   askPrice, askQty, time}`, or an array of them for every symbol.
 *
 * Choice: the book holds only the synthetic liquidity; the accounts' own resting orders are not in it (they
 * fill on mark moves instead), and no RPI orders exist to exclude.
 *
 * @module
 */

import type { CallContext, MethodSpec } from "./context.ts";
import { formatUnits } from "./decimal.ts";
import { E, Failure } from "./errors.ts";
import { intParam, type Params } from "./auth.ts";
import { symbolParam } from "./params.ts";
import type { SymbolSpec } from "./symbols.ts";
import type { BookLevel } from "./book.ts";

const DEPTH_LIMITS: readonly number[] = [5, 10, 20, 50, 100, 500, 1000];
const DEFAULT_DEPTH = 500;

function depthLimit(params: Params): number | undefined {
  if (params["limit"] === undefined) return DEFAULT_DEPTH;
  const limit = intParam(params["limit"]);
  return limit !== undefined && DEPTH_LIMITS.includes(limit) ? limit : undefined;
}

function depthWeight(params: Params): number {
  const limit = depthLimit(params) ?? DEFAULT_DEPTH;
  return limit <= 50 ? 2 : limit === 100 ? 5 : limit === 500 ? 10 : 20;
}

function row(spec: SymbolSpec, level: BookLevel): [string, string] {
  return [formatUnits(level.price, spec.pricePrecision), formatUnits(level.qty, spec.quantityPrecision)];
}

function depth(ctx: CallContext): unknown {
  const { core } = ctx;
  const spec = symbolParam(ctx.params, core.specs);
  if (spec instanceof Failure) return spec;
  const limit = depthLimit(ctx.params);
  if (limit === undefined) return E.mandatory("limit");
  const book = core.exchange.book;
  const mark = core.exchange.marks.get(spec.symbol) ?? 0n;
  const update = book.lastUpdate(spec.symbol);
  return {
    lastUpdateId: update.id,
    E: ctx.now,
    T: update.time === 0 ? ctx.now : update.time,
    bids: book.levels(spec, mark, "BUY", limit).map((level) => row(spec, level)),
    asks: book.levels(spec, mark, "SELL", limit).map((level) => row(spec, level)),
  };
}

function bookTicker(ctx: CallContext): unknown {
  const { core } = ctx;
  const book = core.exchange.book;
  const one = (spec: SymbolSpec) => {
    const mark = core.exchange.marks.get(spec.symbol) ?? 0n;
    const bid = book.level(spec, mark, "BUY", 0);
    const ask = book.level(spec, mark, "SELL", 0);
    const update = book.lastUpdate(spec.symbol);
    return {
      lastUpdateId: update.id,
      symbol: spec.symbol,
      bidPrice: formatUnits(bid?.price ?? 0n, spec.pricePrecision),
      bidQty: formatUnits(bid?.qty ?? 0n, spec.quantityPrecision),
      askPrice: formatUnits(ask?.price ?? 0n, spec.pricePrecision),
      askQty: formatUnits(ask?.qty ?? 0n, spec.quantityPrecision),
      time: update.time === 0 ? ctx.now : update.time,
    };
  };
  if (ctx.params["symbol"] === undefined) return [...core.specs.values()].map(one);
  const spec = symbolParam(ctx.params, core.specs);
  return spec instanceof Failure ? spec : one(spec);
}

/**
 * The market-data methods by name.
 *
 * @example
 * ```ts
 * MARKET_METHODS["depth"]?.params; // ["symbol", "limit"]
 * ```
 */
export const MARKET_METHODS: Readonly<Record<string, MethodSpec>> = {
  "depth": { security: "NONE", weight: depthWeight, orders: false, params: ["symbol", "limit"], run: depth },
  "ticker.book": {
    security: "NONE",
    weight: (params) => (params["symbol"] === undefined ? 5 : 2),
    orders: false,
    params: ["symbol"],
    run: bookTicker,
  },
};
