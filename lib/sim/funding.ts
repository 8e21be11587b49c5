/**
 * Funding (optional, off by default): at every multiple of the interval on the sim clock (00:00, 08:00 and
 * 16:00 UTC for the default 8 h), each open position pays `amount × mark × rate` to the other side: a long pays
 * a positive rate, a short receives it. The rate is fixed per simulator (default 0.0001, the 0.01 % interest
 * component with a zero premium; a simulator choice). The payment runs on the injectable clock, so a test
 * moves a manual clock 8 h instead of waiting.
 *
 * @module
 */

import { parseDecimal } from "./decimal.ts";
import type { FundingOptions, SimulatorClock } from "./types.ts";

const HOUR_MS = 3_600_000;

/**
 * The funding schedule: calls `settle(rate, time)` at each funding time until stopped.
 *
 * @example
 * ```ts
 * import type { SimCore } from "./core.ts";
 * declare const core: SimCore;
 * const funding = new FundingSchedule({ rate: "0.0001" }, core.clock, () => core.now(), (rate, time) => {});
 * funding.nextFundingTime(); // the next multiple of 8 h (ms)
 * funding.stop();
 * ```
 */
export class FundingSchedule {
  /** Rate per interval, in units of 1e-8 (10_000n = 0.0001). */
  readonly rate: bigint;
  readonly #intervalMs: number;
  readonly #clock: SimulatorClock;
  readonly #now: () => number;
  readonly #settle: (rate: bigint, time: number) => void;
  #next: number;
  #timer: unknown;

  /** Validates the options (TypeError) and schedules the first funding time. */
  constructor(
    options: FundingOptions,
    clock: SimulatorClock,
    now: () => number,
    settle: (rate: bigint, time: number) => void,
  ) {
    const rate = parseDecimal(options.rate ?? "0.0001");
    if (rate === undefined || rate.decimals > 8 || rate.units < -1_000_000n || rate.units > 1_000_000n) {
      throw new TypeError(`funding.rate must be a fraction within -0.01..0.01: ${options.rate}`);
    }
    const hours = options.intervalHours ?? 8;
    if (!(Number.isInteger(hours) && hours > 0 && hours <= 24)) {
      throw new TypeError(`funding.intervalHours must be an integer within 1..24: ${hours}`);
    }
    this.rate = rate.units;
    this.#intervalMs = hours * HOUR_MS;
    this.#clock = clock;
    this.#now = now;
    this.#settle = settle;
    this.#next = this.#following(now());
    this.#schedule();
  }

  /** The next funding time (ms, sim clock). */
  nextFundingTime(): number {
    return this.#next;
  }

  /** Stops the schedule. */
  stop(): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #following(time: number): number {
    return (Math.floor(time / this.#intervalMs) + 1) * this.#intervalMs;
  }

  #schedule(): void {
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      const now = this.#now();
      // A clock that jumped several intervals settles each one, in order.
      while (this.#next <= now) {
        const time = this.#next;
        this.#next += this.#intervalMs;
        this.#settle(this.rate, time);
      }
      this.#schedule();
    }, Math.max(0, this.#next - this.#now()));
  }
}
