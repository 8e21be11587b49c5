/**
 * The monitor's feed, in the gateway's thread: what changed in the order tracker's lists and the account's
 * event log, sent to the monitor's thread in one message at most every {@linkcode FEED_MS}.
 *
 * @module
 */

import type { AccountEvent, EventLog } from "../account/event_log.ts";
import type { OrderTracker, TrackedOrder } from "../orders/order_tracker.ts";
import type { ListOp, OrderRow, TrackerMirror } from "../orders/order_replica.ts";
import type { ToMonitor } from "./_messages.ts";

/**
 * How often, at most, the gateway's thread sends what changed (ms) unless the monitor asks sooner (a list or
 * a new `/events` reader asks first): live events reach the monitor's readers this much later at most.
 *
 * @example
 * ```ts
 * const lag = FEED_MS; // a live event's extra delay on the monitor, at most (plus the message's trip)
 * ```
 */
export const FEED_MS = 5;

/**
 * Collects what changed (the tracker's list operations and changed orders, the log's new events) and sends it
 * in one message at most every {@linkcode FEED_MS}. Per change it only keeps a reference: the JSON is made
 * when the feed goes out, off the order's path.
 *
 * @example
 * ```ts
 * import { EventLog } from "../account/event_log.ts";
 * import { OrderTracker } from "../orders/order_tracker.ts";
 * const feed = new MonitorFeed(new OrderTracker(), (message) => console.log(message.t));
 * const stop = feed.attach(new EventLog());
 * feed.flush(); // "feed"
 * stop();
 * ```
 */
export class MonitorFeed implements TrackerMirror {
  readonly #tracker: OrderTracker;
  readonly #send: (message: ToMonitor) => void;
  #ops: (number | string)[] = [];
  #changed = new Set<TrackedOrder>();
  #events: AccountEvent[] = [];
  #timer: ReturnType<typeof setInterval> | undefined;
  readonly #flush = (): void => this.flush();

  constructor(tracker: OrderTracker, send: (message: ToMonitor) => void) {
    this.#tracker = tracker;
    this.#send = send;
  }

  /** Starts feeding from the lists and the log as they are; returns the function that stops it. */
  attach(log: EventLog): () => void {
    this.#tracker.mirrorTo(this);
    this.#events = log.since(0).events;
    this.#schedule();
    const unsubscribe = log.subscribe((event) => {
      this.#events.push(event);
      this.#schedule();
    });
    return () => {
      unsubscribe();
      this.#tracker.mirrorTo(undefined);
      if (this.#timer !== undefined) clearInterval(this.#timer);
      this.#timer = undefined;
    };
  }

  listed(op: ListOp, clientOrderId: string): void {
    this.#ops.push(op, clientOrderId);
    this.#schedule();
  }

  changed(order: TrackedOrder): void {
    this.#changed.add(order);
    this.#schedule();
  }

  /** Sends what changed since the last feed, if anything did; with nothing to send, the timer stops. */
  flush(): void {
    if (this.#ops.length === 0 && this.#changed.size === 0 && this.#events.length === 0) {
      if (this.#timer !== undefined) clearInterval(this.#timer);
      this.#timer = undefined;
      return;
    }
    const tracker = this.#tracker;
    const rows: OrderRow[] = [];
    for (const o of this.#changed) {
      // A record the tracker no longer holds (replaced under its id, evicted) has no row: its ops say so.
      // Its JSON as `tracker.json` gives it, but not kept in the tracker's cache: the copy holds it already.
      if (tracker.get(o.clientOrderId) === o) {
        rows.push([o.clientOrderId, o.state, o.symbol, JSON.stringify(o)]);
      }
    }
    const events = this.#events.map((e) => JSON.stringify(e));
    this.#send({ t: "feed", ops: this.#ops, rows, events });
    this.#ops = [];
    this.#changed = new Set();
    this.#events = [];
  }

  /**
   * A timer that repeats while changes keep coming and stops at the first tick with none: under a steady flow
   * of orders no order's path creates a timer (each change only keeps a reference).
   */
  #schedule(): void {
    if (this.#timer === undefined) this.#timer = setInterval(this.#flush, FEED_MS);
  }
}
