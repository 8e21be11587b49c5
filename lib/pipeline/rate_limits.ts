/**
 * The exchange's rate-limit counters as last reported in `rateLimits`, advanced locally for requests sent
 * since, so the router can refuse a request that would exceed a limit before the exchange does (and keep
 * headroom so cancels still go through when the limit is near).
 *
 * @module
 */

import type { RateLimit } from "../types.ts";
import { type RateLimitSink, scanRateLimits } from "../wire/answer_scanner.ts";

const INTERVAL_MS = { SECOND: 1_000, MINUTE: 60_000, HOUR: 3_600_000, DAY: 86_400_000 } as const;

/** Options for {@linkcode RateLimitTracker}. */
export interface RateLimitTrackerOptions {
  /** Fraction of each limit kept free for cancels (0–0.5). Default 0.05. */
  headroom?: number;
}

/** Why a request may not be sent now, or undefined when it may. */
export type RateVerdict = undefined | { limit: RateLimit; retryAtMs: number };

/**
 * Tracks ORDERS and REQUEST_WEIGHT usage. Windows are fixed and clock-aligned (a 10 s window resets at :00,
 * :10…), so a counter from an earlier window is treated as zero.
 *
 * @example
 * ```ts
 * import type { ResponseFrame } from "../wire/frame_decoder.ts";
 * declare const frame: ResponseFrame; // an answer, with the exchange's `rateLimits`
 * declare const serverNow: number; // exchange time, ms
 * const limits = new RateLimitTracker();
 * limits.update(frame.rateLimits, serverNow);
 * if (limits.check(true, false, serverNow)) throw new Error("would exceed");
 * ```
 */
export class RateLimitTracker {
  #limits: RateLimit[] = [];
  #windowStart: number[] = [];
  #blockedUntil = 0;
  #exempt = false;
  #reportAt = 0;
  #deferredFrame: string | undefined;
  #deferredFrom = 0;
  #deferredEnd = 0;
  #deferredAt = 0;
  readonly #headroom: number;
  /** One sink object for the tracker's life: the scanner's reports land in `#merge`. */
  readonly #sink: RateLimitSink = {
    rateLimit: (type, interval, intervalNum, limit, count) =>
      this.#merge(
        type as RateLimit["rateLimitType"],
        interval as RateLimit["interval"],
        intervalNum,
        limit,
        count,
        this.#reportAt,
      ),
  };

  constructor(options: RateLimitTrackerOptions = {}) {
    this.#headroom = Math.min(0.5, Math.max(0, options.headroom ?? 0.05));
  }

  /** The latest counters (as reported, plus local increments), a deferred report applied first. */
  get current(): readonly RateLimit[] {
    this.applyDeferred();
    return this.#limits;
  }

  /** Whether any limit is known (a deferred first report not yet counted). */
  get tracking(): boolean {
    return this.#limits.length > 0;
  }

  /**
   * Keeps the `rateLimits` text of an answer (`frame` from `from` to its `]` at `end`, as the answer scanner
   * found it) to read later, off the path to the caller; returns true when the caller should schedule
   * {@linkcode applyDeferred}. A report already waiting is applied first, so reports land in order; so do
   * `update` and `current`. `check` does not wait for it: an order sent straight from the continuation of
   * the answer's caller is checked against counts that include it (local) but not the exchange's count in
   * that one answer — as any order in flight when a report arrives.
   */
  deferReport(frame: string, from: number, end: number, serverNow: number): boolean {
    const waiting = this.#deferredFrame !== undefined;
    if (waiting) this.applyDeferred();
    this.#deferredFrame = frame;
    this.#deferredFrom = from;
    this.#deferredEnd = end;
    this.#deferredAt = serverNow;
    return !waiting;
  }

  /** Applies the deferred report, if any: scanned, or parsed when its entries are not in Binance's layout. */
  applyDeferred(): void {
    const frame = this.#deferredFrame;
    if (frame === undefined) return;
    this.#deferredFrame = undefined;
    this.#reportAt = this.#deferredAt;
    if (scanRateLimits(frame, this.#deferredFrom, this.#deferredEnd, this.#sink)) return;
    try {
      this.update((JSON.parse(frame) as { rateLimits?: unknown }).rateLimits, this.#deferredAt);
    } catch { /* not JSON after all: a report lost, the next answer brings another */ }
  }

  /** Until when (server ms) every non-cancel request is refused after a 429/418; 0 if not blocked. */
  get blockedUntil(): number {
    return this.#blockedUntil;
  }

  /** Takes the exchange's report (ignored unless it is an array). Runs on every answer: updates in place. */
  update(rateLimits: unknown, serverNow: number): void {
    this.applyDeferred();
    if (!Array.isArray(rateLimits)) return;
    // Only method-specific entries come back (cancel lists weight only): merge by type+window.
    for (let i = 0; i < rateLimits.length; i++) {
      const r = rateLimits[i] as RateLimit;
      this.#merge(r.rateLimitType, r.interval, r.intervalNum, r.limit, r.count, serverNow);
    }
  }

  #merge(
    type: RateLimit["rateLimitType"],
    interval: RateLimit["interval"],
    intervalNum: number,
    limit: number,
    count: number,
    serverNow: number,
  ): void {
    const ms = (INTERVAL_MS[interval] ?? 60_000) * intervalNum;
    const start = Math.floor(serverNow / ms) * ms;
    let j = 0;
    for (; j < this.#limits.length; j++) {
      const l = this.#limits[j]!;
      if (l.rateLimitType === type && l.interval === interval && l.intervalNum === intervalNum) break;
    }
    if (j === this.#limits.length) {
      this.#limits.push({ rateLimitType: type, interval, intervalNum, limit, count });
      this.#windowStart.push(start);
    } else {
      const l = this.#limits[j]!;
      l.count = count;
      l.limit = limit;
      this.#windowStart[j] = start;
    }
  }

  /**
   * Counts a request sent now: one ORDERS unit per window if `countsAsOrder`, plus `weight`. A negative
   * `weight` takes a request back (counted, then not sent): -1 ORDERS unit and the weight.
   */
  onSent(countsAsOrder: boolean, weight: number, serverNow: number): void {
    const orders = weight < 0 ? -1 : 1;
    for (let j = 0; j < this.#limits.length; j++) {
      const l = this.#limits[j]!;
      this.#roll(j, serverNow);
      if (l.rateLimitType === "ORDERS") {
        if (countsAsOrder) l.count = Math.max(0, l.count + orders);
      } else l.count = Math.max(0, l.count + weight);
    }
  }

  /**
   * Whether a request may be sent now. `isCancel` requests may use the headroom the others must leave free.
   * Returns the limit that would be exceeded, with when it resets.
   */
  check(countsAsOrder: boolean, isCancel: boolean, serverNow: number): RateVerdict {
    if (this.#exempt) return undefined;
    if (!isCancel && serverNow < this.#blockedUntil) {
      return {
        limit: { rateLimitType: "REQUEST_WEIGHT", interval: "MINUTE", intervalNum: 1, limit: 0, count: 0 },
        retryAtMs: this.#blockedUntil,
      };
    }
    for (let j = 0; j < this.#limits.length; j++) {
      const l = this.#limits[j]!;
      this.#roll(j, serverNow);
      if (l.rateLimitType === "ORDERS" && !countsAsOrder) continue;
      const reserve = isCancel ? 0 : Math.ceil(l.limit * this.#headroom);
      const need = l.rateLimitType === "ORDERS" ? 1 : 1;
      if (l.count + need > l.limit - reserve) {
        return {
          limit: l,
          retryAtMs: this.#windowStart[j]! + (INTERVAL_MS[l.interval] ?? 60_000) * l.intervalNum,
        };
      }
    }
    return undefined;
  }

  /**
   * Runs `send` (which must call `check` synchronously, as `RequestPipeline.send` does) with the local guard
   * lifted: the connection's own upkeep (clock sync, logon, liveness probes) must never be refused here, or a
   * busy router declares its own link dead and reconnects in a loop. The request is still counted.
   */
  exempt<T>(send: () => T): T {
    this.#exempt = true;
    try {
      return send();
    } finally {
      this.#exempt = false;
    }
  }

  /**
   * Records a 429/418 from the exchange: refuse non-cancel requests until `untilMs` (server ms) — the ban time
   * the exchange named, or the next window boundary.
   */
  block(untilMs: number): void {
    if (untilMs > this.#blockedUntil) this.#blockedUntil = untilMs;
  }

  #roll(j: number, serverNow: number): void {
    const l = this.#limits[j]!;
    const ms = (INTERVAL_MS[l.interval] ?? 60_000) * l.intervalNum;
    const start = Math.floor(serverNow / ms) * ms;
    if (start !== this.#windowStart[j]) {
      this.#windowStart[j] = start;
      l.count = 0;
    }
  }
}
