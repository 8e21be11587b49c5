/**
 * Fixed, clock-aligned rate-limit windows (ws-fapi.md §2, §6): REQUEST_WEIGHT per IP (one counter for the
 * whole simulator, since every client is 127.0.0.1) and ORDERS per account. Counts include refused attempts,
 * which is what lets persistent abuse escalate: once any window's count passes twice its limit the "IP" is
 * banned for two minutes and everything is answered 418 (a simulator rule; Binance escalates from 2 min).
 *
 * @module
 */

import { E, type Failure } from "./errors.ts";

const BAN_MS = 120_000;

/** One entry of a response's `rateLimits`. */
export interface RateLimitEntry {
  readonly rateLimitType: "REQUEST_WEIGHT" | "ORDERS";
  readonly interval: "SECOND" | "MINUTE";
  readonly intervalNum: number;
  readonly limit: number;
  readonly count: number;
}

/**
 * A counter that resets at multiples of its interval (a 10 s window resets at :00, :10, …).
 *
 * @example
 * ```ts
 * const w = new FixedWindow(10_000, 300, "SECOND", 10);
 * w.add(1, Date.now()); // 1
 * ```
 */
export class FixedWindow {
  #start = -1;
  #count = 0;

  constructor(
    readonly intervalMs: number,
    readonly limit: number,
    readonly interval: "SECOND" | "MINUTE",
    readonly intervalNum: number,
  ) {}

  /** Adds `n` and returns the window's count afterwards. */
  add(n: number, now: number): number {
    this.#roll(now);
    this.#count += n;
    return this.#count;
  }

  /** The current count. */
  count(now: number): number {
    this.#roll(now);
    return this.#count;
  }

  /** Text used in -1015 messages, e.g. "10 SECOND". */
  get label(): string {
    return `${this.intervalNum} ${this.interval}`;
  }

  #roll(now: number): void {
    const start = now - (now % this.intervalMs);
    if (start !== this.#start) {
      this.#start = start;
      this.#count = 0;
    }
  }
}

/** Limits in force (Binance defaults: 300 / 10 s and 1200 / min orders, 2400 weight / min). */
export interface RateLimits {
  readonly ordersPer10s: number;
  readonly ordersPerMinute: number;
  /** The REQUEST_WEIGHT limit per weight window. */
  readonly weightPerMinute: number;
  /** The REQUEST_WEIGHT window: 60 (1 MINUTE, Binance's) unless a test shortens it (N SECOND). */
  readonly weightWindowSeconds?: number;
}

/**
 * The simulator's rate limiter.
 *
 * @example
 * ```ts
 * const limiter = new RateLimiter({ ordersPer10s: 300, ordersPerMinute: 1200, weightPerMinute: 2400 });
 * limiter.addWeight(1, Date.now()); // undefined while under the limit
 * ```
 */
export class RateLimiter {
  readonly #limits: RateLimits;
  readonly #weight: FixedWindow;
  #bannedUntil = 0;

  constructor(limits: RateLimits) {
    this.#limits = limits;
    const seconds = limits.weightWindowSeconds ?? 60;
    this.#weight = seconds === 60
      ? new FixedWindow(60_000, limits.weightPerMinute, "MINUTE", 1)
      : new FixedWindow(seconds * 1000, limits.weightPerMinute, "SECOND", seconds);
  }

  /** A fresh pair of ORDERS windows (10 s, 1 min) for one account. */
  orderWindows(): readonly FixedWindow[] {
    return [
      new FixedWindow(10_000, this.#limits.ordersPer10s, "SECOND", 10),
      new FixedWindow(60_000, this.#limits.ordersPerMinute, "MINUTE", 1),
    ];
  }

  /** 418 while the ban lasts. */
  banCheck(now: number): Failure | undefined {
    return now < this.#bannedUntil ? E.banned(this.#bannedUntil) : undefined;
  }

  /** Counts request weight; 429 (-1003) past the limit, 418 (and a ban) past twice the limit. */
  addWeight(weight: number, now: number): Failure | undefined {
    const count = this.#weight.add(weight, now);
    if (weight === 0 || count <= this.#weight.limit) return undefined;
    return this.#over(count, this.#weight.limit, now) ?? E.tooManyWeight(this.#weight.limit);
  }

  /** Counts one order in each of the account's windows; 429 (-1015) names the first window exceeded. */
  addOrder(windows: readonly FixedWindow[], now: number): Failure | undefined {
    let failure: Failure | undefined;
    for (const window of windows) {
      const count = window.add(1, now);
      if (failure === undefined && count > window.limit) {
        failure = this.#over(count, window.limit, now) ?? E.tooManyOrders(window.limit, window.label);
      }
    }
    return failure;
  }

  /** `rateLimits` for a reply: weight, plus the ORDERS windows when given. */
  entries(now: number, orderWindows: readonly FixedWindow[] | undefined): RateLimitEntry[] {
    const out: RateLimitEntry[] = [entry("REQUEST_WEIGHT", this.#weight, now)];
    if (orderWindows !== undefined) { for (const w of orderWindows) out.push(entry("ORDERS", w, now)); }
    return out;
  }

  #over(count: number, limit: number, now: number): Failure | undefined {
    if (count <= 2 * limit) return undefined;
    this.#bannedUntil = now + BAN_MS;
    return E.banned(this.#bannedUntil);
  }
}

function entry(type: RateLimitEntry["rateLimitType"], w: FixedWindow, now: number): RateLimitEntry {
  return {
    rateLimitType: type,
    interval: w.interval,
    intervalNum: w.intervalNum,
    limit: w.limit,
    count: w.count(now),
  };
}
