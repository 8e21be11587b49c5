/**
 * The exchange's rate-limit counters as last reported in `rateLimits`, advanced locally for requests sent
 * since, so the router can refuse a request that would exceed a limit before the exchange does (and keep
 * headroom so cancels still go through when the limit is near).
 *
 * @module
 */

import type { RateLimit } from "../types.ts";
import {
  type RateLimitEntry,
  RateLimitShape,
  type RateLimitSink,
  scanRateLimits,
} from "../wire/rate_limit_text.ts";

const INTERVAL_MS = { SECOND: 1_000, MINUTE: 60_000, HOUR: 3_600_000, DAY: 86_400_000 } as const;
/** Report shapes remembered: one per kind of answer (orders, cancels, reads…) is what the exchange sends. */
const MAX_SHAPES = 4;

/** Options for {@linkcode RateLimitTracker}. */
export interface RateLimitTrackerOptions {
  /** Fraction of each limit kept free for cancels (0–0.5). Default 0.05. */
  headroom?: number;
}

/** Why a request may not be sent now, or undefined when it may. */
export type RateVerdict =
  | undefined
  | { limit: RateLimit; retryAtMs: number; blocked?: undefined }
  /** Held back after the exchange's own 429/418: `blocked` says which (no counter of ours is over). */
  | { limit: undefined; retryAtMs: number; blocked: string };

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
  /** Each limit's window length in ms. */
  #windowMs: number[] = [];
  #blockedUntil = 0;
  #blockedBy = "";
  #bannedUntil = 0;
  #quietUntil = 0;
  #exempt = false;
  #deferredFrame: string | undefined;
  #deferredFrom = 0;
  #deferredEnd = 0;
  #deferredAt = 0;
  readonly #headroom: number;
  /**
   * The shapes of the reports read so far (at most {@linkcode MAX_SHAPES}, the last matched first), each with
   * the index in `#limits` of each of its entries: a report of a known shape is read by its counts alone.
   */
  readonly #shapes: { shape: RateLimitShape; slots: number[] }[] = [];
  /** The entries of a report being scanned (one array for the tracker's life). */
  readonly #scanned: RateLimitEntry[] = [];
  readonly #sink: RateLimitSink = {
    rateLimit: (type, interval, intervalNum, limit, count) =>
      void this.#scanned.push({ type, interval, intervalNum, limit, count }),
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

  /**
   * Applies the deferred report, if any: by its counts when its shape is known, else scanned (and its shape
   * learned), or parsed when its entries are not in Binance's layout.
   */
  applyDeferred(): void {
    const frame = this.#deferredFrame;
    if (frame === undefined) return;
    this.#deferredFrame = undefined;
    const from = this.#deferredFrom;
    const end = this.#deferredEnd;
    const serverNow = this.#deferredAt;
    const shapes = this.#shapes;
    for (let s = 0; s < shapes.length; s++) {
      const known = shapes[s]!;
      if (!known.shape.read(frame, from, end)) continue;
      for (let m = s; m > 0; m--) shapes[m] = shapes[m - 1]!;
      shapes[0] = known;
      const { counts, limits } = known.shape;
      for (let k = 0; k < counts.length; k++) this.#set(known.slots[k]!, limits[k]!, counts[k]!, serverNow);
      return;
    }
    const scanned = this.#scanned;
    scanned.length = 0;
    if (scanRateLimits(frame, from, end, this.#sink)) {
      const slots = scanned.map((e) =>
        this.#merge(
          e.type as RateLimit["rateLimitType"],
          e.interval as RateLimit["interval"],
          e.intervalNum,
          e.limit,
          e.count,
          serverNow,
        )
      );
      shapes.unshift({ shape: new RateLimitShape(scanned), slots });
      if (shapes.length > MAX_SHAPES) shapes.pop();
      return;
    }
    try {
      this.update((JSON.parse(frame) as { rateLimits?: unknown }).rateLimits, serverNow);
    } catch { /* not JSON after all: a report lost, the next answer brings another */ }
  }

  /** Until when (server ms) every non-cancel request is refused after a 429/418; 0 if not blocked. */
  get blockedUntil(): number {
    return this.#blockedUntil;
  }

  /** Why requests are refused until `blockedUntil` (the exchange's answer), when they are. */
  get blockedBy(): string {
    return this.#blockedBy;
  }

  /**
   * Until when (server ms) asking for anything that weighs only makes things worse: the IP is banned (418) or
   * its request weight is used up (-1003, which Binance turns into a ban for a client that keeps asking);
   * 0 if neither. An order-rate 429 (-1015) does not count: it limits orders, not the IP's weight.
   */
  get quietUntil(): number {
    return this.#quietUntil;
  }

  /** Until when (server ms) the exchange has banned this IP (418); 0 if it has not. */
  get bannedUntil(): number {
    return this.#bannedUntil;
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

  /** Takes one reported entry; returns its index in `#limits`. */
  #merge(
    type: RateLimit["rateLimitType"],
    interval: RateLimit["interval"],
    intervalNum: number,
    limit: number,
    count: number,
    serverNow: number,
  ): number {
    let j = 0;
    for (; j < this.#limits.length; j++) {
      const l = this.#limits[j]!;
      if (l.rateLimitType === type && l.interval === interval && l.intervalNum === intervalNum) break;
    }
    if (j === this.#limits.length) {
      this.#limits.push({ rateLimitType: type, interval, intervalNum, limit, count });
      this.#windowMs.push((INTERVAL_MS[interval] ?? 60_000) * intervalNum);
      this.#windowStart.push(0);
    }
    this.#set(j, limit, count, serverNow);
    return j;
  }

  /** Sets limit `j` as reported at `serverNow`: its limit, its count, in the window holding that time. */
  #set(j: number, limit: number, count: number, serverNow: number): void {
    const l = this.#limits[j]!;
    const ms = this.#windowMs[j]!;
    l.count = count;
    l.limit = limit;
    this.#windowStart[j] = Math.floor(serverNow / ms) * ms;
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
      } else if (!countsAsOrder) l.count = Math.max(0, l.count + weight); // an order weighs 0 (see take)
    }
  }

  /**
   * Whether a request may be sent now. `isCancel` requests may use the headroom the others must leave free.
   * Returns the limit that would be exceeded, with when it resets.
   */
  check(countsAsOrder: boolean, isCancel: boolean, serverNow: number): RateVerdict {
    if (this.#exempt) return undefined;
    if (!isCancel && serverNow < this.#blockedUntil) {
      return { limit: undefined, retryAtMs: this.#blockedUntil, blocked: this.#blockedBy };
    }
    for (let j = 0; j < this.#limits.length; j++) {
      const l = this.#limits[j]!;
      this.#roll(j, serverNow);
      if ((l.rateLimitType === "ORDERS") !== countsAsOrder) continue; // see take
      const reserve = isCancel ? 0 : Math.ceil(l.limit * this.#headroom);
      const need = l.rateLimitType === "ORDERS" ? 1 : 1;
      if (l.count + need > l.limit - reserve) {
        return {
          limit: l,
          retryAtMs: this.#windowStart[j]! + this.#windowMs[j]!,
        };
      }
    }
    return undefined;
  }

  /**
   * `check`, and when the request may go, counts it as `onSent(countsAsOrder, 1, serverNow)` would, in the
   * same pass over the limits: the send path's one call (a request then not sent is given back with
   * `onSent(countsAsOrder, -1, serverNow)`).
   */
  take(countsAsOrder: boolean, isCancel: boolean, serverNow: number): RateVerdict {
    const exempt = this.#exempt;
    if (!exempt && !isCancel && serverNow < this.#blockedUntil) {
      return this.check(countsAsOrder, isCancel, serverNow);
    }
    const limits = this.#limits;
    for (let j = 0; j < limits.length; j++) {
      const l = limits[j]!;
      this.#roll(j, serverNow);
      // An order (order.place, order.modify) counts against ORDERS and weighs 0 of the IP's
      // REQUEST_WEIGHT (ws-fapi.md §4): other clients on the IP using up its weight must not stop orders here.
      // Everything else weighs (at least) 1 and is not an order.
      if ((l.rateLimitType === "ORDERS") !== countsAsOrder) continue;
      if (!exempt && l.count + 1 > l.limit - (isCancel ? 0 : Math.ceil(l.limit * this.#headroom))) {
        // Refused: the limits counted so far in this pass are given back.
        for (let k = 0; k < j; k++) {
          const counted = limits[k]!;
          if ((counted.rateLimitType === "ORDERS") === countsAsOrder) {
            counted.count = Math.max(0, counted.count - 1);
          }
        }
        return { limit: l, retryAtMs: this.#windowStart[j]! + this.#windowMs[j]! };
      }
      l.count++;
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
   * the exchange named, or the end of the window that is over. `why` names it in the refusals. `ban`: a 418;
   * `weight`: a -1003 (the IP's request weight used up). Either makes the time quiet (`quietUntil`).
   */
  block(untilMs: number, why = "the exchange answered 429 (rate limit)", ban = false, weight = false): void {
    if (ban && untilMs > this.#bannedUntil) this.#bannedUntil = untilMs;
    if ((ban || weight) && untilMs > this.#quietUntil) this.#quietUntil = untilMs;
    if (untilMs <= this.#blockedUntil) return;
    this.#blockedUntil = untilMs;
    this.#blockedBy = why;
  }

  #roll(j: number, serverNow: number): void {
    const l = this.#limits[j]!;
    const ms = this.#windowMs[j]!;
    const start = Math.floor(serverNow / ms) * ms;
    if (start !== this.#windowStart[j]) {
      this.#windowStart[j] = start;
      l.count = 0;
    }
  }
}
