/**
 * The daily loss limit: `maxDailyLoss` (quote asset) halts the router once today's PnL reaches minus that, and
 * with `flattenOnDailyLoss` also closes every position (`Router.halt(reason, { flatten: true })`).
 *
 * Today is the UTC day. Today's PnL is:
 * - the realized profit of today's fills (the user stream's `rp`), less their commission: in the symbol's
 *   quote asset as paid; in another asset (BNB, with the fee discount) at that asset's USDT mark, the latest
 *   known of any age (a day's fees move little with its price). A fee in an asset with no mark yet is not
 *   counted until one arrives, and `unpricedFees` shows it;
 * - plus, for each live position, its unrealized PnL: at the mark when the mark is fresh (10 s; the mark
 *   stream ticks every second), else the position line's own `unrealizedProfit`.
 *
 * Fills count from the process's view: the user stream's, and those the journal restored from earlier runs of
 * the day. It is evaluated on every fill and position change and once a second (the marks move).
 *
 * The breaker trips once, then re-arms only when the PnL is back above the limit, a new day starts, or the
 * limit changes (`PUT /risk`): after a trip the operator may resume on purpose (to close by hand, say) without
 * being halted again every second; a further trip needs the PnL to recover and fall again. A gateway keeps the
 * trip across a restart (`trippedFor`, `onTripChange`), so a restart does not trip (and flatten) again either.
 *
 * @module
 */

import { type Clock, type ClockHandle, systemClock } from "../_clock.ts";
import { unrefTimer } from "../_timers.ts";
import type { AccountEvent } from "../account/event_log.ts";
import type { Fill } from "../account/fills.ts";
import { dayStartOf, FillTally } from "../account/fill_tally.ts";
import type { Position } from "../account/positions.ts";
import type { RiskLimitsConfig } from "./risk_limits.ts";

/** A mark older than this is not used for unrealized PnL (the position line's own figure is). */
const MARK_FRESH_MS = 10_000;
/**
 * How long after a fill the breaker waits before it trips: a closing fill's realized PnL arrives before (or
 * after) the position line that takes the position's unrealized PnL away, and in between the same loss counts
 * twice (realized and unrealized). The position line follows within milliseconds.
 */
const FILL_SETTLE_MS = 250;

/** What the breaker reads from the account. */
export interface LossSource {
  subscribe(listener: (event: AccountEvent) => void, types?: readonly ("fill" | "position")[]): () => void;
  /**
   * The fills kept, and what those of a day no longer kept added to its PnL (`FillBook.droppedOn`): a day
   * with more fills than memory holds, or a restart that read back only the newest, still counts them all.
   */
  readonly fills: { list(): Fill[]; droppedOn?(dayStart: number): FillTally | undefined };
  readonly book: { positions(): Position[] };
}

/**
 * Today's PnL as the breaker last computed it, and its state.
 *
 * @example
 * ```ts
 * const u: DailyLossUsage = { pnl: -120.5, realized: -100, unrealized: -20.5, maxDailyLoss: 500,
 *   flattenOnDailyLoss: false, tripped: false, day: "2026-12-06", unpricedFees: {} };
 * ```
 */
export interface DailyLossUsage {
  /** Realized + unrealized, quote asset. */
  pnl: number;
  realized: number;
  unrealized: number;
  /** The limit in force, or null when off. */
  maxDailyLoss: number | null;
  flattenOnDailyLoss: boolean;
  /** Tripped today and not re-armed since. */
  tripped: boolean;
  /** The UTC day counted (YYYY-MM-DD). */
  day: string;
  /** Today's commissions in an asset with no USDT mark yet, by asset: not in `realized` (yet). */
  unpricedFees: Record<string, number>;
}

/** Options for {@linkcode LossBreaker}. */
export interface LossBreakerOptions {
  /** The live account (fills, positions). */
  account: LossSource;
  /** The limits in force, read at every evaluation (`PreTradeCheck.limits`). */
  limits: () => RiskLimitsConfig;
  /** A symbol's mark price and the local ms it arrived, when known. */
  mark: (symbol: string) => { price: number; at: number } | undefined;
  /** Halts (and flattens) the router. */
  trip: (reason: string, flatten: boolean) => void;
  /** The evaluation timer and the time (epoch ms). Default real time. */
  clock?: Clock;
  /**
   * A trip an earlier run made and kept (the key `onTripChange` was told): still tripped for the same day and
   * limits until the PnL recovers, so a restart after an operator's resume does not halt (and flatten) again.
   */
  trippedFor?: string;
  /** Told the key of a trip (UTC day and limits), and undefined once re-armed: to keep across a restart. */
  onTripChange?: (trippedFor: string | undefined) => void;
}

/**
 * Watches today's PnL against `maxDailyLoss`.
 *
 * @example
 * ```ts
 * import { AccountState } from "../account/account_state.ts";
 * const breaker = new LossBreaker({
 *   account: new AccountState(),
 *   limits: () => ({ maxDailyLoss: 500 }),
 *   mark: () => undefined,
 *   trip: (reason) => console.error("halt:", reason),
 * });
 * breaker.usage().maxDailyLoss; // 500
 * breaker.close();
 * ```
 */
export class LossBreaker {
  readonly #o: LossBreakerOptions;
  readonly #clock: Clock;
  readonly #off: () => void;
  readonly #timer: unknown;
  #dayStart = Number.NaN;
  /** Today's fills: realized profit less quote-asset fees, and the fees in another asset (BNB), priced when read. */
  #today = new FillTally();
  #tripped = false;
  #armedFor: string | undefined;
  /** When the last fill was counted (clock ms), and the look due once it has settled. */
  #lastFillAt = Number.NEGATIVE_INFINITY;
  #settle: ClockHandle | undefined;
  #last: DailyLossUsage;

  /** Starts watching: counts today's fills already in the account, then every new one. */
  constructor(options: LossBreakerOptions) {
    this.#o = options;
    this.#clock = options.clock ?? systemClock;
    if (options.trippedFor !== undefined) {
      this.#armedFor = options.trippedFor;
      this.#tripped = true;
    }
    this.#last = this.#compute();
    this.#off = options.account.subscribe((e) => {
      if (e.type === "fill") {
        this.#lastFillAt = this.#clock.now();
        this.#fill(e.data as Fill);
      }
      this.evaluate();
    }, ["fill", "position"]);
    this.#timer = unrefTimer(this.#clock.setInterval(() => this.evaluate(), 1000));
  }

  /** Stops watching. */
  close(): void {
    this.#off();
    this.#clock.clearInterval(this.#timer);
    this.#clock.clearTimeout(this.#settle);
  }

  /** Today's PnL as last evaluated. */
  usage(): DailyLossUsage {
    return { ...this.#last };
  }

  /** Recomputes today's PnL and trips the breaker when it reached the limit. */
  evaluate(): void {
    const u = this.#compute();
    this.#last = u;
    const max = u.maxDailyLoss;
    const key = `${u.day}|${max}|${u.flattenOnDailyLoss}`;
    if (key !== this.#armedFor) {
      this.#armedFor = key; // a new day or new limits: armed again
      this.#setTripped(false);
    }
    if (max === null) return;
    // Until a fill's position line arrives, a closing fill's profit is counted twice (realized, and still in the
    // position's unrealized PnL): neither a trip nor a recovery is judged then, but once it has had time to.
    const settling = this.#clock.now() - this.#lastFillAt < FILL_SETTLE_MS;
    if (u.pnl > -max) {
      if (this.#tripped && settling) this.#lookOnceSettled();
      else this.#setTripped(false); // recovered: armed again
      return;
    }
    if (this.#tripped) return;
    if (settling) {
      this.#lookOnceSettled();
      return;
    }
    this.#setTripped(true);
    this.#last.tripped = true;
    const f = (n: number) => n.toFixed(2);
    this.#o.trip(
      `risk: daily loss ${f(-u.pnl)} reached maxDailyLoss ${max} (realized ${f(u.realized)}, unrealized ${
        f(u.unrealized)
      })`,
      u.flattenOnDailyLoss,
    );
  }

  /** Looks again once the last fill's position line has had time to arrive. */
  #lookOnceSettled(): void {
    if (this.#settle !== undefined) return;
    this.#settle = this.#clock.setTimeout(() => {
      this.#settle = undefined;
      this.evaluate();
    }, FILL_SETTLE_MS - (this.#clock.now() - this.#lastFillAt));
  }

  #setTripped(tripped: boolean): void {
    if (tripped === this.#tripped) return;
    this.#tripped = tripped;
    try {
      this.#o.onTripChange?.(tripped ? this.#armedFor : undefined);
    } catch { /* keeping it is the owner's; the breaker works on */ }
  }

  #compute(): DailyLossUsage {
    const now = this.#clock.now();
    const dayStart = dayStartOf(now);
    if (dayStart !== this.#dayStart) {
      // A new UTC day (or the first look): today's fills already in the account, those it no longer holds too.
      this.#dayStart = dayStart;
      this.#today = new FillTally();
      const dropped = this.#o.account.fills.droppedOn?.(dayStart);
      if (dropped !== undefined) this.#today.addTally(dropped);
      for (const fill of this.#o.account.fills.list()) this.#fill(fill);
    }
    let realized = this.#today.realized;
    const unpricedFees: Record<string, number> = {};
    for (const [asset, amount] of this.#today.otherFees) {
      const mark = this.#o.mark(`${asset}USDT`);
      if (mark !== undefined && mark.price > 0) realized -= amount * mark.price;
      else unpricedFees[asset] = amount;
    }
    let unrealized = 0;
    for (const p of this.#o.account.book.positions()) {
      const amount = Number(p.positionAmt);
      const mark = this.#o.mark(p.symbol);
      unrealized += mark !== undefined && now - mark.at <= MARK_FRESH_MS && mark.price > 0
        ? (mark.price - Number(p.entryPrice)) * amount
        : Number(p.unrealizedProfit) || 0;
    }
    const limits = this.#o.limits();
    return {
      // To the 1e-8 the exchange quotes in: sums of floats carry noise below it (-3.4343601899999996).
      pnl: round8(realized + unrealized),
      realized: round8(realized),
      unrealized: round8(unrealized),
      maxDailyLoss: limits.maxDailyLoss ?? null,
      flattenOnDailyLoss: limits.flattenOnDailyLoss === true,
      tripped: this.#tripped,
      day: new Date(dayStart).toISOString().slice(0, 10),
      unpricedFees,
    };
  }

  #fill(fill: Fill): void {
    if (dayStartOf(fill.time) !== this.#dayStart) return;
    this.#today.add(fill);
  }
}

function round8(x: number): number {
  return Math.round(x * 1e8) / 1e8;
}
