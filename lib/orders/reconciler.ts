/**
 * Resolves orders whose outcome is unknown (timeout, disconnect, -1006/-1007, or left unresolved by a crash)
 * by asking the exchange: `order.status` by `origClientOrderId`, retried until the answer is known. The router
 * never resends an order by itself: a trader decides what to do once the truth is known.
 *
 * "Not found" is only final once the request can no longer be accepted: after its timestamp plus recvWindow
 * (plus a margin for clock error) the exchange must reject it, so an order still absent then never existed.
 *
 * @module
 */

import { ExchangeError } from "../errors.ts";
import type { OrderRef, OrderResult } from "../types.ts";
import type { OrderTracker } from "./order_tracker.ts";
import { unrefTimer } from "../_timers.ts";
import { type Clock, type ClockHandle, systemClock } from "../_clock.ts";

/** What the reconciler needs from the router. */
export interface OrderQuery {
  /** Looks an order up on the exchange (`order.status`). */
  queryOrder(ref: OrderRef): Promise<OrderResult>;
  /** Whether the router is connected now; passes are skipped while it is not. */
  readonly connected: boolean;
}

/** Where resolutions are recorded (the file journal). */
export interface ResolutionSink {
  /** Records the truth about an unknown order (`NOT_FOUND` when it never reached the exchange). */
  resolved(clientOrderId: string, status: string, orderId: number | undefined): void;
}

/** Options for {@linkcode Reconciler}. */
export interface ReconcilerOptions {
  /** Where orders are looked up. */
  router: OrderQuery;
  /** Source of the unknown orders; updated with each answer. */
  tracker: OrderTracker;
  /** Where resolutions are recorded (e.g. the file journal). */
  sink?: ResolutionSink;
  /** The recvWindow orders are sent with (exchange default 5000). */
  recvWindowMs?: number;
  /** How often to retry while unknown orders remain. Default 500 ms. */
  intervalMs?: number;
  /** Margin for clock error before "not found" is final. Default 2000 ms. */
  marginMs?: number;
  /**
   * Timers for passes and `settle`; `now()` must be on the tracker's `intentAt` time base (epoch ms).
   * Default {@linkcode systemClock}.
   */
  clock?: Clock;
}

/**
 * Reconciles unknown orders in the background.
 *
 * @example
 * ```ts
 * import type { Router } from "../router/router.ts";
 * import type { OrderTracker } from "./order_tracker.ts";
 * declare const router: Router;
 * declare const tracker: OrderTracker;
 * const reconciler = new Reconciler({ router, tracker });
 * reconciler.start();
 * await reconciler.settle(30_000); // e.g. at startup, before accepting new orders
 * ```
 */
export class Reconciler {
  readonly #router: OrderQuery;
  readonly #tracker: OrderTracker;
  readonly #sink: ResolutionSink | undefined;
  readonly #finalAfterMs: number;
  readonly #intervalMs: number;
  readonly #clock: Clock;
  #timer: ClockHandle | undefined;
  #running = false;
  #passes = 0;

  /** Creates the reconciler; call `start` or `settle` to run it. */
  constructor(options: ReconcilerOptions) {
    this.#router = options.router;
    this.#tracker = options.tracker;
    this.#sink = options.sink;
    this.#finalAfterMs = (options.recvWindowMs ?? 5000) + (options.marginMs ?? 2000);
    this.#intervalMs = options.intervalMs ?? 500;
    this.#clock = options.clock ?? systemClock;
  }

  /** Reconciliation passes run so far. */
  get passes(): number {
    return this.#passes;
  }

  /** Starts periodic passes. */
  start(): void {
    if (this.#timer !== undefined) return;
    this.#timer = this.#clock.setInterval(() => void this.runOnce(), this.#intervalMs);
    unrefTimer(this.#timer);
  }

  /** Stops periodic passes. */
  stop(): void {
    if (this.#timer !== undefined) this.#clock.clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /**
   * One pass over every unknown order; returns how many can still be resolved (algo orders cannot be
   * queried over ws-fapi and are not counted). Passes never overlap.
   */
  async runOnce(): Promise<number> {
    const left = () => this.#tracker.list("unknown").filter((o) => !o.algo);
    if (this.#running || !this.#router.connected) return left().length;
    this.#running = true;
    this.#passes++;
    try {
      await Promise.all(left().map((o) => this.#resolve(o.clientOrderId, o.symbol, o.intentAt)));
    } finally {
      this.#running = false;
    }
    return left().length;
  }

  /** Runs passes until no unknown order remains or `timeoutMs` passes; returns how many remain. */
  async settle(timeoutMs: number): Promise<number> {
    const clock = this.#clock;
    const end = clock.now() + timeoutMs;
    for (;;) {
      const left = await this.runOnce();
      if (left === 0 || clock.now() >= end) return left;
      const waitMs = Math.min(this.#intervalMs, Math.max(1, end - clock.now()));
      await new Promise<void>((wake) => clock.setTimeout(wake, waitMs));
    }
  }

  async #resolve(cid: string, symbol: string, intentAt: number): Promise<void> {
    try {
      const result = await this.#router.queryOrder({ symbol, origClientOrderId: cid });
      this.#tracker.apply(result, cid);
      this.#sink?.resolved(cid, result.status, result.orderId);
    } catch (e) {
      if (
        e instanceof ExchangeError && e.code === -2013 && this.#clock.now() - intentAt > this.#finalAfterMs
      ) {
        this.#tracker.notFound(cid);
        this.#sink?.resolved(cid, "NOT_FOUND", undefined);
      }
      // Anything else (not yet final, disconnected, timeout): the next pass asks again.
    }
  }
}
