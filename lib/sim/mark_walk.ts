/**
 * The optional random walk of the mark prices (`SimulatorOptions.walk`, off by default; `Simulator.setWalk`
 * starts, changes or stops it at run time). Every `intervalMs` on the sim clock each walked symbol's mark moves
 * by a normal random fraction with standard deviation `volatility` (cut at ±4 σ), rounded to the tick and never
 * below one tick, through the same path as `setMarkPrice` (resting orders it passes fill, algo orders trigger).
 * The generator is mulberry32 seeded with the walk's `seed` (default the simulator's) and the symbols are
 * stepped in a fixed order,
 * so a seed always gives the same marks.
 *
 * @module
 */

import { parseDecimal } from "./decimal.ts";
import { gaussian, mulberry32 } from "./prng.ts";
import type { SymbolSpec } from "./symbols.ts";
import type { SimulatorClock, WalkOptions } from "./types.ts";

/** Moves one mark (units) with an optional fill quantity (units): the simulator's mark-move path. */
export type MoveMark = (symbol: string, mark: bigint, fillQty: bigint | undefined) => void;

/**
 * A running walk; `stop()` clears its timer.
 *
 * @example
 * ```ts
 * import type { SimCore } from "./core.ts";
 * declare const core: SimCore;
 * const walk = new MarkWalk({ volatility: 0.0005, intervalMs: 1000 }, 1, core.clock, core.specs,
 *   core.exchange.marks, (symbol, mark, fillQty) => core.moveMark(symbol, mark, fillQty));
 * walk.stop();
 * ```
 */
export class MarkWalk {
  /** The options it runs with. */
  readonly options: WalkOptions;
  readonly #clock: SimulatorClock;
  readonly #volatility: number;
  readonly #specs: readonly SymbolSpec[];
  readonly #fillQty: bigint | undefined;
  readonly #marks: ReadonlyMap<string, bigint>;
  readonly #move: MoveMark;
  readonly #random: () => number;
  #timer: unknown;
  #stopped = false;

  /** Validates the options (TypeError) and schedules the first step; `seed` applies unless `options.seed` is set. */
  constructor(
    options: WalkOptions,
    seed: number,
    clock: SimulatorClock,
    specs: ReadonlyMap<string, SymbolSpec>,
    marks: ReadonlyMap<string, bigint>,
    move: MoveMark,
  ) {
    const { volatility, intervalMs } = options;
    const walkSeed = options.seed ?? seed;
    if (!Number.isSafeInteger(walkSeed)) throw new TypeError(`walk.seed must be an integer: ${options.seed}`);
    if (!(Number.isFinite(volatility) && volatility >= 0 && volatility <= 1)) {
      throw new TypeError(`walk.volatility must be a fraction within 0..1: ${volatility}`);
    }
    if (!(Number.isFinite(intervalMs) && intervalMs > 0)) {
      throw new TypeError(`walk.intervalMs must be positive: ${intervalMs}`);
    }
    const walked = (options.symbols ?? [...specs.keys()]).map((symbol) => {
      const spec = specs.get(symbol);
      if (spec === undefined) throw new TypeError(`walk: unknown symbol ${symbol}`);
      return spec;
    });
    let fillQty: bigint | undefined;
    if (options.fillQty !== undefined) {
      const parsed = parseDecimal(options.fillQty);
      const tooFine = walked.some((s) => parsed === undefined || parsed.decimals > s.quantityPrecision);
      if (parsed === undefined || parsed.units <= 0n || tooFine) {
        throw new TypeError(`walk.fillQty is not a valid quantity: ${options.fillQty}`);
      }
      fillQty = parsed.units;
    }
    this.options = { ...options };
    this.#clock = clock;
    this.#volatility = volatility;
    this.#specs = walked;
    this.#fillQty = fillQty;
    this.#marks = marks;
    this.#move = move;
    this.#random = mulberry32(walkSeed);
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
    }, this.options.intervalMs);
  }

  #step(): void {
    for (const spec of this.#specs) {
      const mark = this.#marks.get(spec.symbol) ?? spec.tickSize;
      const z = Math.max(-4, Math.min(4, gaussian(this.#random)));
      const fraction = BigInt(Math.round(z * this.#volatility * 100_000_000));
      const moved = mark + (mark * fraction) / 100_000_000n;
      const tick = spec.tickSize > 0n ? spec.tickSize : 1n;
      const rounded = ((moved + tick / 2n) / tick) * tick;
      this.#move(spec.symbol, rounded < tick ? tick : rounded, this.#fillQty);
    }
  }
}
