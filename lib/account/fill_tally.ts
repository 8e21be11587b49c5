/**
 * What fills add to a day's PnL, summed: their realized profit less the commissions paid in their symbol's
 * quote asset, and the commissions paid in another asset (BNB) by asset, to be priced when the PnL is read.
 * The daily loss limit counts today's fills this way, and the fill book and the journal keep such a sum for
 * the fills they no longer hold one by one, so that a day's PnL does not shrink when old fills leave memory or
 * a restart reads back only the newest ones.
 *
 * @module
 */

import type { Fill } from "./fills.ts";

/**
 * One UTC day, in ms.
 *
 * @example
 * ```ts
 * DAY_MS; // 86400000
 * ```
 */
export const DAY_MS = 86_400_000;

/**
 * The start (UTC midnight, epoch ms) of the day of exchange time `time`.
 *
 * @example
 * ```ts
 * dayStartOf(Date.UTC(2026, 11, 8, 13, 5)) === Date.UTC(2026, 11, 8); // true
 * ```
 */
export function dayStartOf(time: number): number {
  return time - (time % DAY_MS);
}

/**
 * A running sum of fills' PnL.
 *
 * @example
 * ```ts
 * const today = new FillTally();
 * today.add({ symbol: "BTCUSDT", realizedProfit: "-10", commission: "0.5", commissionAsset: "USDT" });
 * today.add({ symbol: "BTCUSDT", realizedProfit: "4", commission: "0.001", commissionAsset: "BNB" });
 * today.realized; // -6.5
 * today.otherFees.get("BNB"); // 0.001
 * ```
 */
export class FillTally {
  /** Realized profit less the commissions paid in the fills' quote asset. */
  realized = 0;
  /** Commissions paid in another asset, by asset (not in `realized`). */
  readonly otherFees: Map<string, number> = new Map();

  /** Adds one fill. */
  add(fill: Pick<Fill, "symbol" | "realizedProfit" | "commission" | "commissionAsset">): void {
    const commission = Number(fill.commission) || 0;
    this.realized += Number(fill.realizedProfit) || 0;
    const asset = fill.commissionAsset;
    if (fill.symbol.endsWith(asset)) this.realized -= commission;
    else this.otherFees.set(asset, (this.otherFees.get(asset) ?? 0) + commission);
  }

  /** Adds another tally (the fills it stands for are not counted here one by one). */
  addTally(other: { realized: number; otherFees: ReadonlyMap<string, number> }): void {
    this.realized += other.realized;
    for (const [asset, amount] of other.otherFees) {
      this.otherFees.set(asset, (this.otherFees.get(asset) ?? 0) + amount);
    }
  }
}

/**
 * Tallies by UTC day, of the last `days` days seen (older days are dropped: nobody asks for them).
 *
 * @example
 * ```ts
 * const dropped = new DayTallies(3);
 * dropped.add({ symbol: "BTCUSDT", realizedProfit: "1", commission: "0", commissionAsset: "USDT", time: 5 });
 * dropped.on(0)?.realized; // 1
 * ```
 */
export class DayTallies {
  readonly #days: number;
  readonly #byDay = new Map<number, FillTally>();

  /** Keeps the last `days` days (default 3). */
  constructor(days = 3) {
    this.#days = days;
  }

  /** Adds a fill to its day's tally. */
  add(fill: Pick<Fill, "symbol" | "realizedProfit" | "commission" | "commissionAsset" | "time">): void {
    this.#day(dayStartOf(fill.time)).add(fill);
  }

  /** Adds a whole tally to the day starting at `dayStart`. */
  addTally(dayStart: number, tally: { realized: number; otherFees: ReadonlyMap<string, number> }): void {
    this.#day(dayStart).addTally(tally);
  }

  /** Replaces the tally of the day starting at `dayStart` (a checkpoint read back states it whole). */
  set(dayStart: number, tally: FillTally): void {
    this.#byDay.set(dayStart, tally);
    this.#trim();
  }

  /** The tally of the day starting at `dayStart`, if any. */
  on(dayStart: number): FillTally | undefined {
    return this.#byDay.get(dayStart);
  }

  /** Every day's tally, oldest first. */
  entries(): [number, FillTally][] {
    return [...this.#byDay].sort((a, b) => a[0] - b[0]);
  }

  #day(dayStart: number): FillTally {
    let tally = this.#byDay.get(dayStart);
    if (tally === undefined) {
      this.#byDay.set(dayStart, tally = new FillTally());
      this.#trim();
    }
    return tally;
  }

  #trim(): void {
    while (this.#byDay.size > this.#days) {
      const oldest = Math.min(...this.#byDay.keys());
      this.#byDay.delete(oldest);
    }
  }
}
