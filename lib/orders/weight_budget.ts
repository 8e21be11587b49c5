/**
 * A share of the request-weight budget for background work (reconciliation): before each request it reads the
 * router's latest REQUEST_WEIGHT counters and, when the count has reached the share, waits until the window
 * rolls. The rest of the budget stays free for orders, cancels, the liveness probe and reconnects, so a
 * reconciliation of thousands of orders cannot push the router into its own rate guard.
 *
 * Windows are fixed and clock-aligned on exchange time (a 1 MINUTE window rolls at each whole minute). The
 * counter the router holds is only as fresh as its last request: after a roll it still shows the old window's
 * count until a request goes out (the pipeline resets it when it sends) or an answer brings the exchange's. So
 * the first request of a window in which this budget has sent nothing yet is let through to refresh the count,
 * and other runs wait for its answer; from then on the count is read as is. Background work can therefore
 * overshoot the share by at most one request per window. The check and
 * the send happen in one synchronous step (`run`), so concurrent workers always read a count that includes
 * every request already let through; and since each answer replaces the count with the exchange's (which
 * may not include requests still in flight), the budget's own requests in flight are added to it.
 *
 * @module
 */

import { type Clock, systemClock } from "../_clock.ts";
import { unrefTimer } from "../_timers.ts";
import type { RateLimit } from "../types.ts";

const INTERVAL_MS: Readonly<Record<string, number>> = {
  SECOND: 1_000,
  MINUTE: 60_000,
  HOUR: 3_600_000,
  DAY: 86_400_000,
};
/** Wake this long after the computed roll (or a block's end): the server clock offset is an estimate. */
const ROLL_MARGIN_MS = 250;

/** What a budget reads: the router's latest counters and its clock offset (a `Router` fits). */
export interface WeightSource {
  /** The latest rate-limit counters (the router's `rateLimits`). */
  readonly rateLimits: readonly RateLimit[];
  /** Server − local clock offset in ms. */
  readonly clockOffsetMs: number;
  /**
   * Until when (exchange ms) the exchange refuses new requests (after a 429, or an IP ban's 418: the router's
   * `rateLimitBlock`); 0 or undefined when it does not. Work waits for its end: sent meanwhile it would only
   * be refused locally, and a ban is lengthened by asking.
   */
  readonly blockedUntil?: number;
}

/** A wait for a window to roll: the counter that was at the share, and when work resumes. */
export interface WeightWait {
  /** The counter's count when the wait began. */
  count: number;
  /** The counter's limit. */
  limit: number;
  /** The most the share lets background work reach in one window. */
  allowed: number;
  /** Exchange time (ms) at which the wait ends. */
  resumeAt: number;
}

/** Options for {@linkcode WeightBudget}. */
export interface WeightBudgetOptions {
  /** Where the counters come from. */
  source: WeightSource;
  /** Share (0–1] of each REQUEST_WEIGHT limit the work may bring the count up to. Default 0.5. */
  share?: number;
  /** Timers for the waits; also the local time `serverNow` defaults to. Default {@linkcode systemClock}. */
  clock?: Clock;
  /** Exchange time in ms. Default `clock.now() + source.clockOffsetMs`. */
  serverNow?: () => number;
  /** Called when a wait for a roll begins (once per roll, however many runs wait for it). */
  onWait?: (wait: WeightWait) => void;
}

/**
 * A budget over a router's counters, which may be absent before its first answer (read as none and 0), with
 * the options as callers hold them (undefined: the default).
 *
 * @example
 * ```ts
 * import type { Router } from "../router/router.ts";
 * declare const router: Router;
 * const budget = routerBudget(router, { share: undefined, onWait: (w) => console.log(w.resumeAt) });
 * ```
 */
export function routerBudget(
  router: {
    readonly rateLimits?: readonly RateLimit[] | undefined;
    readonly clockOffsetMs?: number | undefined;
    readonly rateLimitBlock?: { readonly until: number } | undefined;
  },
  options: {
    share?: number | undefined;
    clock?: Clock | undefined;
    serverNow?: (() => number) | undefined;
    onWait?: ((wait: WeightWait) => void) | undefined;
  },
): WeightBudget {
  const { share, clock, serverNow, onWait } = options;
  return new WeightBudget({
    source: {
      get rateLimits() {
        return router.rateLimits ?? [];
      },
      get clockOffsetMs() {
        return router.clockOffsetMs ?? 0;
      },
      get blockedUntil() {
        return router.rateLimitBlock?.until ?? 0;
      },
    },
    ...(share === undefined ? {} : { share }),
    ...(clock === undefined ? {} : { clock }),
    ...(serverNow === undefined ? {} : { serverNow }),
    ...(onWait === undefined ? {} : { onWait }),
  });
}

/**
 * Paces background requests to a share of the request weight.
 *
 * @example
 * ```ts
 * import type { Router } from "../router/router.ts";
 * declare const router: Router;
 * const budget = new WeightBudget({ source: router, share: 0.5 });
 * for (const symbol of ["BTCUSDT", "ETHUSDT"]) {
 *   const sent = await budget.run(async () => void await router.accountPositions(symbol));
 *   if (!sent) break; // stopped
 * }
 * ```
 */
export class WeightBudget {
  readonly #source: WeightSource;
  readonly #share: number;
  readonly #clock: Clock;
  readonly #serverNow: () => number;
  readonly #onWait: ((wait: WeightWait) => void) | undefined;
  /** Per counter: the start of the window this budget last let a request go out in. */
  readonly #sentIn = new Map<string, number>();
  readonly #sleepers = new Set<() => void>();
  #stopped = false;
  #waits = 0;
  #inFlight = 0;
  /** Settles when the request renewing a stale count is answered. */
  #refreshing: Promise<void> | undefined;
  /** resumeAt of the last wait reported (concurrent runs waiting for the same roll report it once). */
  #announced = Number.NaN;

  /** Creates the budget; RangeError when `share` is not in (0, 1]. */
  constructor(options: WeightBudgetOptions) {
    const share = options.share ?? 0.5;
    if (!(share > 0 && share <= 1)) throw new RangeError(`weight share must be in (0, 1]: ${share}`);
    this.#source = options.source;
    this.#share = share;
    this.#clock = options.clock ?? systemClock;
    const clock = this.#clock;
    this.#serverNow = options.serverNow ?? (() => clock.now() + options.source.clockOffsetMs);
    this.#onWait = options.onWait;
  }

  /** The share of each limit in use. */
  get share(): number {
    return this.#share;
  }

  /** Waits for a window to roll so far (one per roll, however many runs waited for it). */
  get waits(): number {
    return this.#waits;
  }

  /**
   * Calls `send` as soon as one more request fits in the share (at once, or after the window rolls, or after
   * the exchange's block ends) and
   * resolves true when it settled; resolves false without calling it once `stop` was called. `send` must
   * hand its request to the router synchronously (before its first `await`), so the count it adds is seen
   * by the next check. Rejects with `send`'s error.
   */
  async run(send: () => Promise<void>): Promise<boolean> {
    while (!this.#stopped) {
      if (this.#refreshing !== undefined) {
        await this.#refreshing; // the window's first request renews the count: read it once answered
        continue;
      }
      const now = this.#serverNow();
      const blockedUntil = this.#source.blockedUntil ?? 0;
      if (blockedUntil > now) {
        await this.#sleep(blockedUntil - now + ROLL_MARGIN_MS);
        continue;
      }
      const wait = this.#check(now);
      if (typeof wait === "string") {
        let sent: Promise<void>;
        try {
          sent = send();
        } catch (e) {
          sent = Promise.reject(e);
        }
        if (wait === "refresh") {
          const done = () => void (this.#refreshing = undefined);
          this.#refreshing = sent.then(done, done);
        }
        this.#inFlight++;
        try {
          await sent;
        } finally {
          this.#inFlight--;
        }
        return true;
      }
      if (wait.resumeAt !== this.#announced) {
        this.#announced = wait.resumeAt;
        this.#waits++;
        try {
          this.#onWait?.(wait);
        } catch { /* an observer's bug must not stop the work */ }
      }
      await this.#sleep(wait.resumeAt - now);
    }
    return false;
  }

  /** Ends every wait: `run` resolves false from now on. */
  stop(): void {
    this.#stopped = true;
    for (const wake of this.#sleepers) wake();
    this.#sleepers.clear();
  }

  /**
   * The wait needed now; or "go", or "refresh" when a counter may still show an earlier window (the request
   * goes out, and is counted as sent in the current windows).
   */
  #check(now: number): WeightWait | "go" | "refresh" {
    let wait: WeightWait | undefined;
    let stale = false;
    const starts: [string, number][] = [];
    for (const l of this.#source.rateLimits) {
      if (l.rateLimitType !== "REQUEST_WEIGHT") continue;
      const ms = (INTERVAL_MS[l.interval] ?? 60_000) * l.intervalNum;
      const start = Math.floor(now / ms) * ms;
      const key = `${l.interval}/${l.intervalNum}`;
      starts.push([key, start]);
      // Not sent in this window yet: the count may be the last window's; one request refreshes it.
      if (this.#sentIn.get(key) !== start) {
        stale = true;
        continue;
      }
      const allowed = Math.floor(l.limit * this.#share);
      if (l.count + this.#inFlight + 1 <= allowed) continue;
      const resumeAt = start + ms + ROLL_MARGIN_MS;
      if (wait === undefined || resumeAt > wait.resumeAt) {
        wait = { count: l.count, limit: l.limit, allowed, resumeAt };
      }
    }
    if (wait !== undefined) return wait;
    for (const [key, start] of starts) this.#sentIn.set(key, start);
    return stale ? "refresh" : "go";
  }

  #sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const wake = () => {
        this.#clock.clearTimeout(timer);
        this.#sleepers.delete(wake);
        resolve();
      };
      const timer = unrefTimer(this.#clock.setTimeout(wake, Math.max(1, ms)));
      this.#sleepers.add(wake);
    });
  }
}
