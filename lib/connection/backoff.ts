/**
 * Reconnect delays: exponential with jitter, so a fleet of routers that lost the exchange at the same moment
 * does not reconnect in lockstep.
 *
 * @module
 */

/** Options for {@linkcode Backoff}. */
export interface BackoffOptions {
  /** First delay in ms. Default 100. */
  baseMs?: number;
  /** Largest delay in ms. Default 10_000. */
  maxMs?: number;
  /** Random source in [0, 1); injectable for tests. */
  random?: () => number;
}

/**
 * Delay n is uniform in [d/2, d] with d = min(max, base·2ⁿ).
 *
 * @example
 * ```ts
 * const backoff = new Backoff({ baseMs: 100, maxMs: 5000 });
 * await new Promise((r) => setTimeout(r, backoff.next()));
 * backoff.reset(); // after a successful connect
 * ```
 */
export class Backoff {
  readonly #base: number;
  readonly #max: number;
  readonly #random: () => number;
  #attempt = 0;

  constructor(options: BackoffOptions = {}) {
    this.#base = options.baseMs ?? 100;
    this.#max = options.maxMs ?? 10_000;
    this.#random = options.random ?? Math.random;
  }

  /** Attempts made since the last reset. */
  get attempt(): number {
    return this.#attempt;
  }

  /** The next delay in ms. */
  next(): number {
    const d = Math.min(this.#max, this.#base * 2 ** Math.min(this.#attempt, 30));
    this.#attempt++;
    return Math.round(d / 2 + this.#random() * d / 2);
  }

  /** Starts over from the base delay. */
  reset(): void {
    this.#attempt = 0;
  }
}
