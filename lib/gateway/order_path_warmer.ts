/**
 * Keeps the order path's code warm while no order flows. A gateway that is idle between orders meets its
 * next order with that code and its data gone from the core's caches: other processes ran in between. Timed
 * inside the gateway's process at one order every 5–20 ms, the stretch from the request's bytes to the order's
 * frame took 180–230 µs, against 45–57 µs back to back (`bench/README.md`, eleventh round).
 *
 * Every `intervalMs`, unless an order was answered since the last tick (then the code is warm already), the
 * warmer runs each part it was given: the router's build and sign of a canned order, the scan of its ack and
 * the pre-trade check of the latest order that passed; the journal's intent line, a write of zero bytes to
 * its file and of the line to a scratch file beside it (`journal-warm.tmp`, never read); the control plane's
 * HTTP connection code on a canned request and the local socket's on a canned message, each on a transport
 * that takes nothing. No part sends, counts or records anything, or writes to the journal. A part that throws
 * is dropped; the gateway never depends on a warm-up.
 *
 * @module
 */

import type { Timers } from "../_clock.ts";
import { unrefTimer } from "../_timers.ts";

/**
 * Options of {@linkcode OrderPathWarmer}.
 *
 * @example
 * ```ts
 * declare const router: { metrics: { rttCount: number } };
 * const options: OrderPathWarmerOptions = { intervalMs: 2, activity: () => router.metrics.rttCount };
 * ```
 */
export interface OrderPathWarmerOptions {
  /** Time between two ticks, ms (at least 1). */
  intervalMs: number;
  /** A count that moves when orders flow (the router's answered requests): a tick after it moved is skipped. */
  activity: () => number;
  /** Timers for the ticks. Default: real ones, unreferenced (the warmer never keeps a process alive). */
  timers?: Timers;
}

/**
 * Runs the order path's own code on canned data while the gateway is idle.
 *
 * @example
 * ```ts
 * declare const router: { warm(): number; metrics: { rttCount: number } };
 * const warmer = new OrderPathWarmer({ intervalMs: 2, activity: () => router.metrics.rttCount });
 * warmer.add(() => router.warm());
 * warmer.start();
 * warmer.stop();
 * ```
 */
export class OrderPathWarmer {
  readonly intervalMs: number;
  readonly #parts: (() => number)[] = [];
  readonly #activity: () => number;
  readonly #timers: Timers | undefined;
  #timer: unknown;
  #seen = Number.NaN;
  #passes = 0;
  /** What the parts returned, kept so that their work cannot be optimized away. */
  #sink = 0;

  /** Throws a `RangeError` for an interval that is not a whole number of ms, at least 1. */
  constructor(options: OrderPathWarmerOptions) {
    if (!Number.isInteger(options.intervalMs) || options.intervalMs < 1) {
      throw new RangeError(
        `intervalMs: expected a whole number of ms, at least 1 (got ${options.intervalMs})`,
      );
    }
    this.intervalMs = options.intervalMs;
    this.#activity = options.activity;
    this.#timers = options.timers;
  }

  /** Passes run so far (ticks that found the gateway idle). */
  get passes(): number {
    return this.#passes;
  }

  /** Parts it runs, in the order given. */
  get parts(): number {
    return this.#parts.length;
  }

  /** Adds a part: a function that runs some of the order path on canned data and changes nothing. */
  add(part: () => number): void {
    this.#parts.push(part);
  }

  /** Starts the ticks (again after `stop`). */
  start(): void {
    if (this.#timer !== undefined) return;
    const tick = () => void this.tick();
    this.#timer = this.#timers === undefined
      ? unrefTimer(setInterval(tick, this.intervalMs))
      : this.#timers.setInterval(tick, this.intervalMs);
  }

  /** Stops the ticks. */
  stop(): void {
    if (this.#timer === undefined) return;
    if (this.#timers === undefined) clearInterval(this.#timer as ReturnType<typeof setInterval>);
    else this.#timers.clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** One tick: runs every part unless orders flowed since the last tick; true when it ran them. */
  tick(): boolean {
    const activity = this.#activity();
    const idle = activity === this.#seen;
    this.#seen = activity;
    if (!idle) return false;
    const parts = this.#parts;
    for (let i = 0; i < parts.length; i++) {
      try {
        this.#sink = (this.#sink + parts[i]!()) | 0;
      } catch {
        parts.splice(i--, 1); // a warm-up must never break anything: this part is not run again
      }
    }
    this.#passes++;
    return true;
  }
}
