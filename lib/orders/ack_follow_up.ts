/**
 * The follow-up of acks that cannot be the last word. With Binance's default `newOrderRespType` ACK, the
 * answer to a MARKET order, or a LIMIT order with IOC or FOK, says NEW although the order filled or expired
 * at once. The user data stream normally tells how it ended; when it does not (the stream is down or lost the
 * event, or there is none), such an order would stay "open" in the tracker for ever: halt would try to cancel
 * it, risk limits would count it, and the tracker would grow with every order.
 *
 * So an order that cannot rest and is still not finished `afterMs` after its last change (its ack, or a
 * stream event that did not finish it) is looked up once with `order.status`, and the answer is applied with
 * the tracker's precedence rules (an answer older than an event already applied changes nothing). A failed
 * query, or an answer that still says the order is working, is asked again later with backoff. The order is
 * never resent. "Not found" ends it (`NOT_FOUND`) only once its request can no longer be accepted, as for
 * unknown outcomes. The {@linkcode Reconciler} runs these queries in its passes, so they share its pacing (a
 * few at a time, within a share of the request weight).
 *
 * Likewise an order the tracker took as finished (`NOT_FOUND`) because a cancel or modify of it was refused
 * with -2011/-2013 although the exchange had given it an id: it filled, expired or was cancelled while the
 * stream was away, and only a query tells which (and how much was executed). It is looked up once,
 * `afterMs` after the refusal (its stream event may come first), with a few retries if the query fails.
 *
 * @module
 */

import { ExchangeError } from "../errors.ts";
import type { OrderRef, OrderResult } from "../types.ts";
import type { OrderTracker } from "./order_tracker.ts";
import { finishesAtOnce, type TrackedOrder } from "./tracked_order.ts";

/** Options for {@linkcode AckFollowUp}. */
export interface AckFollowUpOptions {
  /** The orders to follow up; answers are applied to it. */
  tracker: OrderTracker;
  /** Asks the exchange about one order (`order.status`). */
  queryOrder(ref: OrderRef): Promise<OrderResult>;
  /** Local time in epoch ms, on the tracker's time base (`updatedAt`, `intentAt`). */
  now(): number;
  /** How long after its last change an order that cannot rest is looked up. Default 2000 ms. */
  afterMs?: number;
  /** The longest wait between two queries of the same order. Default 30,000 ms. */
  retryMaxMs?: number;
  /** After its intent plus this, "not found" is final (the request can no longer be accepted). */
  notFoundAfterMs: number;
  /** Told when "not found" ended an order (no observer hears a failed query): e.g. the journal. */
  onNotFound?: (clientOrderId: string) => void;
  /**
   * Told when an order taken as finished without knowing how (a refused cancel, an algo order's FINISHED) has
   * its real end applied: e.g. to read back the fills the stream never told.
   */
  onInferredResolved?: (clientOrderId: string) => void;
}

/**
 * Finds the orders due for a follow-up and resolves them one query each.
 *
 * @example
 * ```ts
 * import { OrderTracker } from "./order_tracker.ts";
 * import type { Router } from "../router/router.ts";
 * declare const router: Router;
 * const tracker = new OrderTracker();
 * const followUp = new AckFollowUp({ tracker, queryOrder: (ref) => router.queryOrder(ref), now: Date.now,
 *   notFoundAfterMs: 7000 });
 * for (const o of followUp.due()) await followUp.resolve(o);
 * ```
 */
export class AckFollowUp {
  readonly #o: AckFollowUpOptions;
  readonly #afterMs: number;
  readonly #retryMaxMs: number;
  /** Orders asked about that are still not finished: how often, and when they may be asked again. */
  readonly #retries = new Map<string, { tries: number; nextAt: number }>();
  /** Orders taken as finished from a refused cancel (`OrderTracker.takeInferred`): when each may be asked. */
  readonly #inferred = new Map<string, { tries: number; nextAt: number }>();
  #queries = 0;

  /** Creates the follow-up; nothing runs until `due` and `resolve` are called. */
  constructor(options: AckFollowUpOptions) {
    this.#o = options;
    this.#afterMs = options.afterMs ?? 2000;
    this.#retryMaxMs = options.retryMaxMs ?? 30_000;
  }

  /** `order.status` queries sent so far. */
  get queries(): number {
    return this.#queries;
  }

  /** Orders waiting to be asked again (a failed query, or an answer that did not finish them). */
  get retrying(): number {
    return this.#retries.size;
  }

  /**
   * The orders to look up now, oldest first: open, not algo, unable to rest, unchanged for `afterMs`, and past
   * their retry time. Forgets the retry state of orders that finished meanwhile.
   */
  due(): TrackedOrder[] {
    const { tracker } = this.#o;
    const now = this.#o.now();
    for (const cid of this.#retries.keys()) {
      if (tracker.get(cid)?.state !== "open") this.#retries.delete(cid);
    }
    if (!Number.isFinite(this.#afterMs)) return [];
    const cutoff = now - this.#afterMs;
    const out: TrackedOrder[] = [];
    for (const cid of tracker.takeInferred()) {
      this.#inferred.set(cid, { tries: 0, nextAt: now + this.#afterMs });
    }
    for (const [cid, due] of this.#inferred) {
      const o = tracker.get(cid);
      // An event told already (a NOT_FOUND reopened or ended otherwise; a FINISHED algo order's own fills).
      if (o === undefined || (o.status !== "NOT_FOUND" && o.status !== "FINISHED")) {
        this.#inferred.delete(cid);
      } else if (due.nextAt <= now) out.push(o);
    }
    for (const o of tracker.list("open")) {
      if (o.algo || o.updatedAt > cutoff || !finishesAtOnce(o)) continue;
      const retry = this.#retries.get(o.clientOrderId);
      if (retry === undefined || retry.nextAt <= now) out.push(o);
    }
    return out;
  }

  /** Asks how `o` ended and applies the answer; if it is still not finished, it is asked again later. */
  async resolve(o: Readonly<TrackedOrder>): Promise<void> {
    const { tracker } = this.#o;
    const cid = o.clientOrderId;
    if (this.#inferred.has(cid)) return this.#resolveInferred(o);
    if (tracker.get(cid)?.state !== "open") return; // finished meanwhile (the stream, a cancel)
    this.#queries++;
    try {
      const result = await this.#o.queryOrder({ symbol: o.symbol, origClientOrderId: cid });
      tracker.apply(result, cid); // precedence: a stale answer never undoes a newer event
    } catch (e) {
      const now = this.#o.now();
      if (e instanceof ExchangeError && e.code === -2013 && now - o.intentAt > this.#o.notFoundAfterMs) {
        tracker.notFound(cid);
        this.#o.onNotFound?.(cid);
      }
      // Anything else (disconnected, timeout, not yet final): asked again after the backoff.
    }
    if (tracker.get(cid)?.state !== "open") {
      this.#retries.delete(cid);
      return;
    }
    const tries = (this.#retries.get(cid)?.tries ?? 0) + 1;
    this.#retries.set(cid, { tries, nextAt: this.#o.now() + this.#backoff(tries) });
  }

  /** An order taken as finished from a refused cancel: its real end applied (3 tries, then it stays). */
  async #resolveInferred(o: Readonly<TrackedOrder>): Promise<void> {
    const cid = o.clientOrderId;
    this.#queries++;
    try {
      const result = await this.#o.queryOrder({ symbol: o.symbol, origClientOrderId: cid });
      this.#o.tracker.apply(result, cid); // FILLED, CANCELED or EXPIRED, with what was executed
      this.#inferred.delete(cid);
      this.#o.onInferredResolved?.(cid);
    } catch {
      const due = this.#inferred.get(cid);
      if (due === undefined) return;
      if (++due.tries >= 3) this.#inferred.delete(cid); // e.g. -2013: too old to ask; NOT_FOUND stays
      else due.nextAt = this.#o.now() + this.#backoff(due.tries);
    }
  }

  #backoff(tries: number): number {
    return Math.min(this.#retryMaxMs, Math.max(1000, this.#afterMs) * 2 ** (tries - 1));
  }
}
