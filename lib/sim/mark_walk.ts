/**
 * The optional random walk of the mark prices (`SimulatorOptions.markWalk`, off by default). Every
 * `intervalMs` on the sim clock, each walked symbol's mark moves by a uniform random fraction in
 * ±`volatilityBps`/10 000, rounded to the tick and never below one tick, through the same path as
 * `setMarkPrice` (resting orders it crosses fill). The generator is mulberry32 seeded with `seed`, and the
 * symbols are stepped in a fixed order, so a seed always gives the same marks.
 *
 * @module
 */

import { parseDecimal } from "./decimal.ts";
import type { SymbolSpec } from "./symbols.ts";
import type { MarkWalkOptions, SimulatorClock } from "./types.ts";

/** Moves one mark (units) with an optional fill quantity (units): the simulator's mark-move path. */
export type MoveMark = (symbol: string, mark: bigint, fillQty: bigint | undefined) => void;

/**
 * mulberry32: a small, fast, seedable 32-bit generator; returns floats in [0, 1).
 *
 * @example
 * ```ts
 * const next = mulberry32(42);
 * next() === mulberry32(42)(); // true: same seed, same sequence
 * ```
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * A running walk; `stop()` clears its timer.
 *
 * @example
 * ```ts
 * import type { SimCore } from "./core.ts";
 * declare const core: SimCore;
 * const walk = new MarkWalk({ volatilityBps: 10, intervalMs: 1000, seed: 1 }, core.clock, core.specs,
 *   core.exchange.marks, (symbol, mark) => core.exchange.setMark(symbol, mark, core.now()));
 * walk.stop();
 * ```
 */
export class MarkWalk {
  readonly #clock: SimulatorClock;
  readonly #intervalMs: number;
  /** Largest move per step, in 1e-8 of the mark. */
  readonly #scale: number;
  readonly #specs: readonly SymbolSpec[];
  readonly #fillQty: bigint | undefined;
  readonly #marks: ReadonlyMap<string, bigint>;
  readonly #move: MoveMark;
  readonly #random: () => number;
  #timer: unknown;
  #stopped = false;

  /** Validates the options (TypeError) and schedules the first step. */
  constructor(
    options: MarkWalkOptions,
    clock: SimulatorClock,
    specs: ReadonlyMap<string, SymbolSpec>,
    marks: ReadonlyMap<string, bigint>,
    move: MoveMark,
  ) {
    const { volatilityBps, intervalMs, seed } = options;
    if (!(Number.isFinite(volatilityBps) && volatilityBps >= 0 && volatilityBps <= 10_000)) {
      throw new TypeError(`markWalk.volatilityBps must be within 0..10000: ${volatilityBps}`);
    }
    if (!(Number.isFinite(intervalMs) && intervalMs > 0)) {
      throw new TypeError(`markWalk.intervalMs must be positive: ${intervalMs}`);
    }
    if (!Number.isSafeInteger(seed)) throw new TypeError(`markWalk.seed must be an integer: ${seed}`);
    const walked = (options.symbols ?? [...specs.keys()]).map((symbol) => {
      const spec = specs.get(symbol);
      if (spec === undefined) throw new TypeError(`markWalk: unknown symbol ${symbol}`);
      return spec;
    });
    let fillQty: bigint | undefined;
    if (options.fillQty !== undefined) {
      const parsed = parseDecimal(options.fillQty);
      const tooFine = walked.some((s) => parsed === undefined || parsed.decimals > s.quantityPrecision);
      if (parsed === undefined || parsed.units <= 0n || tooFine) {
        throw new TypeError(`markWalk.fillQty is not a valid quantity: ${options.fillQty}`);
      }
      fillQty = parsed.units;
    }
    this.#clock = clock;
    this.#intervalMs = intervalMs;
    this.#scale = volatilityBps * 10_000;
    this.#specs = walked;
    this.#fillQty = fillQty;
    this.#marks = marks;
    this.#move = move;
    this.#random = mulberry32(seed);
    this.#schedule();
  }

  /** Stops the walk. */
  stop(): void {
    this.#stopped = true;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(): void {
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      this.#step();
      if (!this.#stopped) this.#schedule();
    }, this.#intervalMs);
  }

  #step(): void {
    for (const spec of this.#specs) {
      const mark = this.#marks.get(spec.symbol) ?? spec.tickSize;
      const fraction = BigInt(Math.round((this.#random() * 2 - 1) * this.#scale));
      const moved = mark + (mark * fraction) / 100_000_000n;
      const tick = spec.tickSize > 0n ? spec.tickSize : 1n;
      const rounded = ((moved + tick / 2n) / tick) * tick;
      this.#move(spec.symbol, rounded < tick ? tick : rounded, this.#fillQty);
    }
  }
}
