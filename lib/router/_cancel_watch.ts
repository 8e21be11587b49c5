/**
 * Cancels made good later. A halt's or a cancel-all's cancel can miss an order for reasons it cannot see at
 * the time: the order's place had an unknown outcome and reaches the engine after the cancel (-2011, then
 * NOT_FOUND to its query: it rests a moment later), or the cancel fails with the link (its outcome unknown;
 * the order still rests after the reconnect). Every order such a pass did not cancel is watched: once the
 * router's observer shows it open again, it is cancelled once more (at most every few seconds). A halt's
 * orders are watched while that halt is in force; a cancel-all's, and a finished one that may yet come back,
 * for a minute.
 *
 * @module
 */

import { type Clock, type ClockHandle, systemClock } from "../_clock.ts";
import { unrefTimer } from "../_timers.ts";
import type { OpenOrderRef } from "../pipeline/order_observer.ts";
import { type Canceller, cancelOpenOrders } from "./_cancel_open.ts";

/** How long an order is watched past its pass (a late place lands within its recvWindow, 60 s at most). */
export const CANCEL_WATCH_MS = 60_000;
/** Looks this often while anything is watched. */
const TICK_MS = 1000;
/** At most one cancel per order this often (the last may still be on its way). */
const RESEND_MS = 3000;

interface Watched {
  /** The halt reason it was cancelled for (watched while in force), or undefined for a cancel-all. */
  halt: string | undefined;
  /** Local ms until which a finished (or, for a cancel-all, any) order is watched. */
  until: number;
  /** Local ms of the last cancel sent by the watch. */
  sentAt: number;
}

/** What the watch needs from the router. */
export interface CancelWatchSource {
  canceller: Canceller;
  /** The observer's orders open or unknown (`OrderObserver.openOrders`). */
  openOrders(): OpenOrderRef[];
  /** Whether halt reason `reason` is still in force. */
  halted(reason: string): boolean;
}

/**
 * The watched orders.
 *
 * @example
 * ```ts
 * import type { Router } from "./router.ts";
 * declare const router: Router;
 * const watch = new CancelWatch({ canceller: router, openOrders: () => [], halted: () => false });
 * watch.watch(["lr-1"], "news");
 * watch.stop();
 * ```
 */
export class CancelWatch {
  readonly #source: CancelWatchSource;
  readonly #clock: Clock;
  readonly #watched = new Map<string, Watched>();
  #timer: ClockHandle | undefined;
  #stopped = false;

  /** `clock`: its timers and local time (default the system's; its timers are unref'd). */
  constructor(source: CancelWatchSource, clock: Clock = systemClock) {
    this.#source = source;
    this.#clock = clock;
  }

  /** Orders watched now. */
  get size(): number {
    return this.#watched.size;
  }

  /** Watches `clientOrderIds` (not cancelled by a pass for halt reason `halt`, or by a cancel-all). */
  watch(clientOrderIds: readonly string[], halt: string | undefined): void {
    if (this.#stopped || clientOrderIds.length === 0) return;
    const until = this.#clock.now() + CANCEL_WATCH_MS;
    for (const cid of clientOrderIds) this.#watched.set(cid, { halt, until, sentAt: 0 });
    this.#timer ??= this.#schedule();
  }

  /** Stops watching (the router closes). */
  stop(): void {
    this.#stopped = true;
    this.#watched.clear();
    this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(): ClockHandle {
    return unrefTimer(this.#clock.setTimeout(() => this.#tick(), TICK_MS));
  }

  #tick(): void {
    this.#timer = undefined;
    if (this.#stopped) return;
    const now = this.#clock.now();
    const open = new Map<string, OpenOrderRef>();
    for (const o of this.#source.openOrders()) open.set(o.clientOrderId, o);
    const again: OpenOrderRef[] = [];
    for (const [cid, w] of this.#watched) {
      const o = open.get(cid);
      const held = w.halt !== undefined && this.#source.halted(w.halt);
      // Gone for good: its halt lifted, or past its time and not open (a halt's open order stays watched).
      if ((w.halt !== undefined && !held) || (now > w.until && (o === undefined || !held))) {
        this.#watched.delete(cid);
        continue;
      }
      // Not open (finished, perhaps only for now), or its outcome still unknown: looked at next tick.
      if (o === undefined || o.state === "pending" || o.state === "unknown") continue;
      if (now - w.sentAt < RESEND_MS) continue;
      w.sentAt = now;
      again.push(o);
    }
    if (again.length > 0) {
      const reason = this.#watched.get(again[0]!.clientOrderId)?.halt ?? "cancel watch";
      void cancelOpenOrders(this.#source.canceller, reason, again).then((report) => {
        for (const cid of report.canceled) this.#watched.delete(cid);
      });
    }
    if (this.#watched.size > 0) this.#timer = this.#schedule();
  }
}
