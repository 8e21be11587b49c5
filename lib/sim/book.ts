/**
 * The synthetic order book: levels one tick apart on each side of the mark, derived from the mark and the seed
 * alone. The best bid is the highest tick strictly below the mark and the best ask the lowest tick strictly
 * above it (a one-tick spread when the mark is between ticks, two when it is on one). A level's size is
 * `levelNotional / mark`, growing by a quarter per level away from the touch, times a factor in [0.5, 1.5)
 * hashed from the seed, the symbol, the side and the level's price, rounded down to the step size. Takers
 * consume nothing: liquidity refills at once (a simulator choice), so the book changes only when the mark
 * moves, and `lastUpdateId` counts those moves.
 *
 * @module
 */

import { ONE } from "./decimal.ts";
import { unitHash } from "./prng.ts";
import { roundToTick, type SymbolSpec } from "./symbols.ts";

/** The deepest level the book has (the largest `depth` limit); a sweep stops there. */
export const MAX_LEVELS = 1000;
const FIRST_UPDATE_ID = 1_000_000_000_000;

/**
 * One price level, in units.
 *
 * @example
 * ```ts
 * import { units } from "./decimal.ts";
 * const level: BookLevel = { price: units("51000.10"), qty: units("0.734") };
 * ```
 */
export interface BookLevel {
  readonly price: bigint;
  readonly qty: bigint;
}

/**
 * The book of every symbol for one seed.
 *
 * @example
 * ```ts
 * import { units } from "./decimal.ts";
 * import { SYMBOLS } from "./symbols.ts";
 * const book = new SyntheticBook(1, units("50000"));
 * const asks = book.levels(SYMBOLS[0]!, units("51000"), "SELL", 5); // asks from 51000.10 up
 * ```
 */
export class SyntheticBook {
  readonly #seed: number;
  readonly #levelNotional: bigint;
  readonly #updates = new Map<string, { id: number; time: number }>();

  /** `levelNotional`: the notional (units) of a touch level before the random factor. */
  constructor(seed: number, levelNotional: bigint) {
    if (levelNotional <= 0n) throw new TypeError("book level notional must be positive");
    this.#seed = seed;
    this.#levelNotional = levelNotional;
  }

  /** Records a change of `symbol`'s book (a mark move) at `time`. */
  moved(symbol: string, time: number): void {
    const last = this.#updates.get(symbol);
    this.#updates.set(symbol, { id: (last?.id ?? FIRST_UPDATE_ID) + 1, time });
  }

  /** `lastUpdateId` and the time of the last change (0 before any). */
  lastUpdate(symbol: string): { id: number; time: number } {
    return this.#updates.get(symbol) ?? { id: FIRST_UPDATE_ID, time: 0 };
  }

  /** The highest tick strictly below the mark. */
  bestBid(spec: SymbolSpec, mark: bigint): bigint {
    return levelPrice(spec, mark, "BUY", 0);
  }

  /** The lowest tick strictly above the mark. */
  bestAsk(spec: SymbolSpec, mark: bigint): bigint {
    return levelPrice(spec, mark, "SELL", 0);
  }

  /**
   * Level `k` (0 = the touch) of the side a `side` order would rest on: BUY → bids, SELL → asks. Undefined
   * past the symbol's price limits.
   */
  level(spec: SymbolSpec, mark: bigint, side: "BUY" | "SELL", k: number): BookLevel | undefined {
    const price = levelPrice(spec, mark, side, k);
    if (price < spec.minPrice || price <= 0n || (spec.maxPrice > 0n && price > spec.maxPrice)) {
      return undefined;
    }
    const ticks = Number(price / (spec.tickSize > 0n ? spec.tickSize : 1n));
    const factor = 0.5 + unitHash(this.#seed, symbolCode(spec.symbol), side === "BUY" ? 1 : 2, ticks);
    const base = (this.#levelNotional * ONE) / mark;
    const scaled = (base * BigInt(Math.floor(factor * 1_000_000)) * BigInt(4 + k)) / 4_000_000n;
    const unit = spec.stepSize > 0n ? spec.stepSize : 1n;
    const qty = scaled - (scaled % unit);
    return { price, qty: qty > 0n ? qty : unit };
  }

  /** The first `n` levels of a side (BUY → bids, best first; SELL → asks, best first). */
  levels(spec: SymbolSpec, mark: bigint, side: "BUY" | "SELL", n: number): BookLevel[] {
    const out: BookLevel[] = [];
    for (let k = 0; k < n && k < MAX_LEVELS; k++) {
      const level = this.level(spec, mark, side, k);
      if (level === undefined) break;
      out.push(level);
    }
    return out;
  }

  /**
   * What a taker order of `qty` on `side` gets, level by level at the levels' prices: BUY walks the asks up to
   * `limit` (any price when undefined), SELL the bids down to it. The fills sum to at most `qty`.
   */
  sweep(spec: SymbolSpec, mark: bigint, side: "BUY" | "SELL", qty: bigint, limit?: bigint): BookLevel[] {
    const fills: BookLevel[] = [];
    const opposite = side === "BUY" ? "SELL" : "BUY";
    let left = qty;
    for (let k = 0; left > 0n && k < MAX_LEVELS; k++) {
      const level = this.level(spec, mark, opposite, k);
      if (level === undefined) break;
      if (limit !== undefined && (side === "BUY" ? level.price > limit : level.price < limit)) break;
      const take = level.qty < left ? level.qty : left;
      fills.push({ price: level.price, qty: take });
      left -= take;
    }
    return fills;
  }

  /** True when a `side` LIMIT order at `price` would take liquidity (reaches the opposite touch). */
  crosses(spec: SymbolSpec, mark: bigint, side: "BUY" | "SELL", price: bigint): boolean {
    return side === "BUY" ? price >= this.bestAsk(spec, mark) : price <= this.bestBid(spec, mark);
  }
}

/**
 * The price of level `k` (0 = the touch) of the book side a `side` order rests on, for the mark `mark`: bids
 * (BUY) from the highest tick strictly below the mark down, asks (SELL) from the lowest tick strictly above it
 * up. Prices do not depend on the seed (priceMatch uses them).
 *
 * @example
 * ```ts
 * import { units } from "./decimal.ts";
 * import { SYMBOLS } from "./symbols.ts";
 * levelPrice(SYMBOLS[0]!, units("51000"), "SELL", 0); // units("51000.10")
 * ```
 */
export function levelPrice(spec: SymbolSpec, mark: bigint, side: "BUY" | "SELL", k: number): bigint {
  const floor = roundToTick(spec, mark);
  const step = BigInt(k) * spec.tickSize;
  if (side === "SELL") return floor + spec.tickSize + step;
  return (floor === mark ? floor - spec.tickSize : floor) - step;
}

/** A stable number for a symbol name (part of the size hash). */
function symbolCode(symbol: string): number {
  let h = 0;
  for (let i = 0; i < symbol.length; i++) h = (Math.imul(h, 31) + symbol.charCodeAt(i)) >>> 0;
  return h;
}
