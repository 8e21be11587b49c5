/**
 * Closes a gap in the user data stream: events sent while the stream (or ws-fapi) was down are lost, so after
 * every reconnect the account asks the exchange for the truth — `order.status` of every order it holds as
 * not finished, then `v2/account.position` and `v2/account.balance` — and applies it with the account's
 * precedence rules (an answer older than an event already applied changes nothing). Requests go out a few at
 * a time and never past a share of the request-weight budget (a pass waits for the rate window to roll; see
 * `WeightBudget`), so a large book cannot starve orders, cancels or the liveness probe; gaps reported while a
 * pass runs are coalesced into one more pass.
 *
 * @module
 */

import type { Clock } from "../_clock.ts";
import { ExchangeError } from "../errors.ts";
import type { OrderRef, OrderResult, RateLimit } from "../types.ts";
import type { TrackedOrder } from "../orders/order_tracker.ts";
import { routerBudget, type WeightBudget, type WeightWait } from "../orders/weight_budget.ts";
import type { AccountState } from "./account_state.ts";

/** What a gap pass needs from the router. */
export interface GapSource {
  queryOrder(ref: OrderRef): Promise<OrderResult>;
  accountPositions(): Promise<Record<string, unknown>[]>;
  accountBalance(): Promise<Record<string, unknown>[]>;
  readonly connected: boolean;
  /** Server − local clock offset: snapshots are stamped with exchange time. */
  readonly clockOffsetMs: number;
  /** The latest rate-limit counters (`Router.rateLimits`): queries are paced to a share of REQUEST_WEIGHT. */
  readonly rateLimits?: readonly RateLimit[];
}

/** Options for {@linkcode GapReconciler}. */
export interface GapReconcilerOptions {
  router: GapSource;
  account: AccountState;
  /** Order queries in flight at once. Default 4. */
  concurrency?: number;
  /** Called after each pass: why it ran, orders queried, and the first error if any. */
  onPass?: (pass: { reason: string; orders: number; error?: string }) => void;
  /** Share (0–1] of the REQUEST_WEIGHT limit queries may bring the count up to. Default 0.5. */
  weightShare?: number;
  /** Timers of the pacing waits. Default real time. */
  clock?: Clock;
  /** Exchange time in ms, for the rate windows. Default `clock.now() + router.clockOffsetMs`. */
  serverNow?: () => number;
  /** Called when a pass waits for the rate window to roll. */
  onWait?: (wait: WeightWait) => void;
}

/**
 * Runs reconciliation passes on request.
 *
 * @example
 * ```ts
 * import { AccountState } from "./account_state.ts";
 * declare const router: GapSource;
 * const gaps = new GapReconciler({ router, account: new AccountState() });
 * await gaps.reconcile("user stream reconnected");
 * ```
 */
export class GapReconciler {
  readonly #o: GapReconcilerOptions;
  readonly #budget: WeightBudget;
  #running: Promise<void> | undefined;
  #again: string | undefined;
  #passes = 0;

  constructor(options: GapReconcilerOptions) {
    this.#o = options;
    const { router, weightShare, clock, serverNow, onWait } = options;
    this.#budget = routerBudget(router, { share: weightShare, clock, serverNow, onWait });
  }

  /** Ends a pass waiting for the rate window (for shutdown); later passes send nothing. */
  stop(): void {
    this.#budget.stop();
  }

  /** Passes completed. */
  get passes(): number {
    return this.#passes;
  }

  /** A pass is running or asked for: the account's positions may be behind the exchange until it ends. */
  get busy(): boolean {
    return this.#running !== undefined;
  }

  /** Reconciles now, or once more after the pass that is running; resolves when the state is current. */
  reconcile(reason: string): Promise<void> {
    if (this.#running !== undefined) {
      this.#again = reason;
      return this.#running;
    }
    this.#running = this.#loop(reason).finally(() => (this.#running = undefined));
    return this.#running;
  }

  async #loop(reason: string): Promise<void> {
    for (let why: string | undefined = reason; why !== undefined; why = this.#again) {
      this.#again = undefined;
      await this.#pass(why);
    }
  }

  async #pass(reason: string): Promise<void> {
    const { router, account } = this.#o;
    if (!router.connected) return; // the ws-fapi reconnect reports its own gap once it is back
    // Algo orders too: one that triggered in the gap became a regular order under its client algo id, which
    // order.status finds (one not triggered answers -2013; the audit's algo look-up covers those).
    const orders = account.orders.list().filter((o) => o.state !== "pending");
    let error = await this.#query(orders);
    try {
      const asOf = Date.now() + router.clockOffsetMs;
      await this.#budget.run(async () =>
        account.applyPositionSnapshot(await router.accountPositions(), asOf)
      );
      await this.#budget.run(async () => account.applyBalanceSnapshot(await router.accountBalance(), asOf));
    } catch (e) {
      error ??= (e as Error).message;
    }
    this.#passes++;
    this.#o.onPass?.(
      error === undefined ? { reason, orders: orders.length } : { reason, orders: orders.length, error },
    );
  }

  /** `order.status` of each order, a few at a time; returns the first unexpected error. */
  async #query(orders: readonly TrackedOrder[]): Promise<string | undefined> {
    const { router } = this.#o;
    let error: string | undefined;
    const note = (e: unknown) => (error ??= (e as Error).message);
    let next = 0;
    const query = async (o: TrackedOrder) => {
      try {
        // The router passes the answer to the account's order observer (precedence applies there).
        await router.queryOrder({ symbol: o.symbol, origClientOrderId: o.clientOrderId });
      } catch (e) {
        // -2013: not on the exchange (never reached it, or too old to query): the order reconciler owns
        // unknown outcomes; anything else is retried by the next gap.
        if (!(e instanceof ExchangeError && e.code === -2013)) note(e);
      }
    };
    const worker = async () => {
      while (next < orders.length && router.connected) {
        const o = orders[next++]!;
        if (!(await this.#budget.run(() => query(o)))) return; // stopped
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.#o.concurrency ?? 4, orders.length) }, worker));
    return error;
  }
}
