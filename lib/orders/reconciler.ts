/**
 * Resolves orders whose outcome is unknown (timeout, disconnect, -1006/-1007, or left unresolved by a crash)
 * by asking the exchange: `order.status` by `origClientOrderId`, retried until the answer is known. The router
 * never resends an order by itself: a trader decides what to do once the truth is known.
 *
 * "Not found" is only final once the request can no longer be accepted: after its timestamp plus recvWindow
 * (plus a margin for clock error) the exchange must reject it, so an order still absent then never existed.
 *
 * Each pass also follows up the acks that cannot be the last word (see {@linkcode AckFollowUp}): a MARKET,
 * IOC or FOK order still open `ackFollowUpMs` after its ack is looked up once, with the same pacing.
 *
 * Queries are paced: a few in flight at once, and never past a share of the request-weight budget (read from
 * the router's latest counters; see {@linkcode WeightBudget}), so thousands of unknown orders cannot starve
 * orders, cancels or the liveness probe, and a pass simply waits for the rate window to roll.
 *
 * @module
 */

import { ExchangeError } from "../errors.ts";
import type { OrderRef, OrderResult, RateLimit } from "../types.ts";
import type { OrderTracker, TrackedOrder } from "./order_tracker.ts";
import { routerBudget, type WeightBudget, type WeightWait } from "./weight_budget.ts";
import { AckFollowUp } from "./ack_follow_up.ts";
import { unrefTimer } from "../_timers.ts";
import { type Clock, type ClockHandle, systemClock } from "../_clock.ts";

/** What the reconciler needs from the router. */
export interface OrderQuery {
  /** Looks an order up on the exchange (`order.status`). */
  queryOrder(ref: OrderRef): Promise<OrderResult>;
  /** Whether the router is connected now; passes are skipped while it is not. */
  readonly connected: boolean;
  /** The latest rate-limit counters (`Router.rateLimits`): queries are paced to a share of REQUEST_WEIGHT. */
  readonly rateLimits?: readonly RateLimit[];
  /** Server − local clock offset in ms (the rate windows are on exchange time). */
  readonly clockOffsetMs?: number;
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
  /** Told when an order taken as finished without knowing how has its real end applied (`AckFollowUp`). */
  onInferredResolved?: (clientOrderId: string) => void;
  /** The recvWindow orders are sent with (exchange default 5000). */
  recvWindowMs?: number;
  /** How often to retry while unknown orders remain. Default 500 ms. */
  intervalMs?: number;
  /** Margin for clock error before "not found" is final. Default 2000 ms. */
  marginMs?: number;
  /**
   * Timers for passes, `settle` and the pacing waits; `now()` must be on the tracker's `intentAt` time base
   * (epoch ms). Default {@linkcode systemClock}.
   */
  clock?: Clock;
  /** Share (0–1] of the REQUEST_WEIGHT limit queries may bring the count up to. Default 0.5. */
  weightShare?: number;
  /** Exchange time in ms, for the rate windows. Default `clock.now() + router.clockOffsetMs`. */
  serverNow?: () => number;
  /** Queries in flight at once. Default 4. */
  concurrency?: number;
  /** Called when a pass waits for the rate window to roll. */
  onWait?: (wait: WeightWait) => void;
  /**
   * How long after its last change a MARKET, IOC or FOK order that is still open is looked up with
   * `order.status` (its ACK answer said NEW and nothing finished it since). Default 2000 ms; `Infinity`: never.
   */
  ackFollowUpMs?: number;
  /** The longest wait between two follow-up queries of the same order. Default 30,000 ms. */
  ackRetryMaxMs?: number;
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
  readonly #options: ReconcilerOptions;
  readonly #sleepers = new Set<() => void>();
  readonly #followUp: AckFollowUp;
  #budget: WeightBudget;
  #timer: ClockHandle | undefined;
  #running = false;
  #passes = 0;
  #stops = 0;

  /** Creates the reconciler; call `start` or `settle` to run it. */
  constructor(options: ReconcilerOptions) {
    this.#router = options.router;
    this.#tracker = options.tracker;
    this.#sink = options.sink;
    this.#finalAfterMs = (options.recvWindowMs ?? 5000) + (options.marginMs ?? 2000);
    this.#intervalMs = options.intervalMs ?? 500;
    this.#clock = options.clock ?? systemClock;
    this.#options = options;
    this.#budget = this.#newBudget();
    const sink = options.sink;
    this.#followUp = new AckFollowUp({
      tracker: options.tracker,
      queryOrder: (ref) => options.router.queryOrder(ref),
      now: () => this.#clock.now(),
      notFoundAfterMs: this.#finalAfterMs,
      ...(options.ackFollowUpMs === undefined ? {} : { afterMs: options.ackFollowUpMs }),
      ...(options.ackRetryMaxMs === undefined ? {} : { retryMaxMs: options.ackRetryMaxMs }),
      ...(sink === undefined ? {} : { onNotFound: (cid) => sink.resolved(cid, "NOT_FOUND", undefined) }),
      ...(options.onInferredResolved === undefined ? {} : { onInferredResolved: options.onInferredResolved }),
    });
  }

  /** Follow-up `order.status` queries of acks that cannot be final, sent so far. */
  get followUpQueries(): number {
    return this.#followUp.queries;
  }

  /** Reconciliation passes run so far. */
  get passes(): number {
    return this.#passes;
  }

  /** Waits of passes for the rate window to roll so far. */
  get waits(): number {
    return this.#budget.waits;
  }

  /** Starts periodic passes. */
  start(): void {
    if (this.#timer !== undefined) return;
    this.#timer = this.#clock.setInterval(() => void this.runOnce(), this.#intervalMs);
    unrefTimer(this.#timer);
  }

  /** Stops periodic passes, ends a pass waiting for the rate window, and ends every `settle`. */
  stop(): void {
    if (this.#timer !== undefined) this.#clock.clearInterval(this.#timer);
    this.#timer = undefined;
    this.#stops++;
    this.#budget.stop();
    this.#budget = this.#newBudget();
    for (const wake of this.#sleepers) wake();
  }

  /**
   * One pass over every unknown order, then the acks due for a follow-up, paced (see the module doc); returns
   * how many unknown orders can still be resolved (algo orders cannot be queried over ws-fapi and are not
   * counted). Passes never overlap; a pass ends early when the router disconnects or the reconciler is stopped.
   */
  async runOnce(): Promise<number> {
    const left = () => this.#tracker.list("unknown").filter((o) => !o.algo);
    if (this.#running || !this.#router.connected) return left().length;
    this.#running = true;
    this.#passes++;
    try {
      const budget = this.#budget;
      await this.#pass(
        left(),
        budget,
        "unknown",
        (o) => this.#resolve(o.clientOrderId, o.symbol, o.intentAt),
      );
      // The follow-up checks each order's state itself (open ones, and finished ones taken as NOT_FOUND).
      await this.#pass(this.#followUp.due(), budget, undefined, (o) => this.#followUp.resolve(o));
    } finally {
      this.#running = false;
    }
    return left().length;
  }

  /**
   * Runs passes until no unknown order remains, `timeoutMs` passes (`Infinity`: never) or `stop` is called;
   * returns how many remain.
   */
  async settle(timeoutMs: number): Promise<number> {
    const clock = this.#clock;
    const end = clock.now() + timeoutMs;
    const stops = this.#stops;
    for (;;) {
      const left = await this.runOnce();
      if (left === 0 || clock.now() >= end || this.#stops !== stops) return left;
      const waitMs = Math.min(this.#intervalMs, Math.max(1, end - clock.now()));
      await new Promise<void>((resolve) => {
        const wake = () => {
          clock.clearTimeout(timer);
          this.#sleepers.delete(wake);
          resolve();
        };
        const timer = clock.setTimeout(wake, waitMs);
        this.#sleepers.add(wake);
      });
    }
  }

  /** Runs `resolve` for each of `due` still in `state`, a few at a time, each within the budget. */
  async #pass(
    due: readonly TrackedOrder[],
    budget: WeightBudget,
    state: TrackedOrder["state"] | undefined,
    resolve: (o: TrackedOrder) => Promise<void>,
  ): Promise<void> {
    if (due.length === 0) return;
    let next = 0;
    const worker = async () => {
      while (next < due.length && this.#router.connected) {
        const o = due[next++]!;
        // Settled meanwhile (a pass with no `state` leaves that check to `resolve`).
        if (state !== undefined && this.#tracker.get(o.clientOrderId)?.state !== state) continue;
        const sent = await budget.run(() => resolve(o));
        if (!sent) return; // stopped
      }
    };
    const workers = Math.max(1, Math.min(this.#options.concurrency ?? 4, due.length));
    await Promise.all(Array.from({ length: workers }, worker));
  }

  #newBudget(): WeightBudget {
    const { router, weightShare, serverNow, onWait } = this.#options;
    return routerBudget(router, { share: weightShare, clock: this.#clock, serverNow, onWait });
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
