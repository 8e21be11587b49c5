/**
 * The runaway-strategy breaker: `maxRejectsPerMinute` exchange rejects of new-order requests (order.place,
 * order.modify, algoOrder.place) within any 60 s trip it once; the owner halts the router. The window then
 * starts empty again, so a halted router is not halted again by rejects already counted.
 *
 * Refusals that are the market's answer, not a strategy's error, do not count: a post-only order that would
 * take (-5022), a FOK order that cannot fill (-5021), a conditional order that would trigger at once (-2021),
 * and the exchange's own overload protection (-1008). A market maker meets the first every minute.
 *
 * @module
 */

/** The methods whose rejects count. */
const COUNTED = new Set(["order.place", "order.modify", "algoOrder.place"]);
/** Reject codes that do not count (see the module doc). */
const MARKET_ANSWERS = new Set([-5022, -5021, -2021, -1008]);
const WINDOW_MS = 60_000;

/**
 * Counts rejects in a sliding minute.
 *
 * @example
 * ```ts
 * const breaker = new RejectBreaker(() => Date.now(), (reason) => console.error("halt:", reason));
 * breaker.setLimit(3);
 * breaker.rejected("order.place", -2019); // 1 of 3
 * breaker.rejected("order.place", -5022); // a post-only bounce: not counted
 * ```
 */
export class RejectBreaker {
  readonly #now: () => number;
  readonly #trip: (reason: string) => void;
  #ring: Float64Array = new Float64Array(0);
  #head = 0;
  #trips = 0;

  constructor(now: () => number, trip: (reason: string) => void) {
    this.#now = now;
    this.#trip = trip;
  }

  /** Sets the limit (undefined or 0: off); the count starts over. */
  setLimit(limit: number | undefined): void {
    const size = limit === undefined || limit <= 0 ? 0 : Math.min(limit, 100_000);
    this.#ring = new Float64Array(size).fill(Number.NEGATIVE_INFINITY);
    this.#head = 0;
  }

  /** The limit (0: off). */
  get limit(): number {
    return this.#ring.length;
  }

  /** Times the breaker tripped. */
  get trips(): number {
    return this.#trips;
  }

  /** Rejects counted within the last minute. */
  recent(): number {
    const now = this.#now();
    let n = 0;
    for (const t of this.#ring) if (now - t < WINDOW_MS) n++;
    return n;
  }

  /** One exchange reject of `method` with `code`; trips when the limit is reached within a minute. */
  rejected(method: string, code: number): void {
    const ring = this.#ring;
    if (ring.length === 0 || !COUNTED.has(method) || MARKET_ANSWERS.has(code)) return;
    const now = this.#now();
    ring[this.#head] = now;
    this.#head = (this.#head + 1) % ring.length;
    // The oldest entry is the next to be overwritten: all `limit` entries within the window means trip.
    if (now - ring[this.#head]! < WINDOW_MS) {
      this.#trips++;
      ring.fill(Number.NEGATIVE_INFINITY);
      this.#trip(`risk: ${ring.length} exchange rejects within a minute (maxRejectsPerMinute)`);
    }
  }
}
