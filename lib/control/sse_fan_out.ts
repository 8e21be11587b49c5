/**
 * How `/events` readers get the account's events (used by `sse.ts`'s hub): events are collected for the
 * rest of the event-loop turn (or `batchWindowMs`), serialised once per batch and queued for every reader as
 * one chunk (shared bytes for readers of every type; its own chunk for a reader with a type filter); then the
 * readers are written one per turn, round robin, each with everything queued for it. An order arriving
 * meanwhile waits behind one socket write, not one per reader (on Bun: Deno's `setImmediate` does not poll the
 * sockets, see `_io_turn.ts`, so there a batch's writes go out back to back; yielding through the poll between
 * them cost the orders' p50 more than it saved, bench/README.md seventh round), and the busier the loop, the
 * more events share a write. Never waits on a socket; order and ids are kept.
 *
 * @module
 */

import { setImmediate } from "node:timers";
import type { AccountEvent } from "../account/event_log.ts";
import type { Timers } from "../_clock.ts";
import type { SseSubscriber } from "./sse_subscriber.ts";
import { pooledUtf8 } from "./_byte_pool.ts";

/**
 * Batches events for a set of readers and writes them out.
 *
 * @example
 * ```ts
 * import { monotonicClock } from "../_clock.ts";
 * import type { SseSubscriber } from "./sse_subscriber.ts";
 * const readers = new Set<SseSubscriber>();
 * const fanOut = new SseFanOut({
 *   readers, batchWindowMs: 0, timers: monotonicClock, notice: () => {},
 *   format: (e) => `id: ${e.id}\nevent: ${e.type}\ndata: {}\n\n`,
 * });
 * fanOut.add({ id: 1, type: "halt", time: 0, data: {} }); // sent after this turn
 * ```
 */
export class SseFanOut {
  readonly #readers: ReadonlySet<SseSubscriber>;
  readonly #format: (e: AccountEvent) => string;
  readonly #notice: (msg: string, fields: Record<string, string>) => void;
  readonly #timers: Timers;
  readonly #windowMs: number;
  /** Events added since the last flush, oldest first (no reader has them yet). */
  #batch: AccountEvent[] = [];
  /** Readers with messages queued, in the order they are written (one per turn). */
  readonly #due = new Set<SseSubscriber>();
  #pumping = false;
  readonly #pumpNext = () => this.#pump();

  constructor(options: {
    /** The hub's readers (read at each flush). */
    readers: ReadonlySet<SseSubscriber>;
    /** 0: flush after the current turn (`setImmediate`); above 0: this many ms after a batch's first event. */
    batchWindowMs: number;
    /** For a window above 0. */
    timers: Timers;
    /** An event's SSE text (may throw for data that is not JSON: the event is skipped and reported). */
    format: (e: AccountEvent) => string;
    notice: (msg: string, fields: Record<string, string>) => void;
  }) {
    this.#readers = options.readers;
    this.#windowMs = options.batchWindowMs;
    this.#timers = options.timers;
    this.#format = options.format;
    this.#notice = options.notice;
  }

  /** Collects an event; the first of a batch schedules its flush. */
  add(e: AccountEvent): void {
    this.#batch.push(e);
    if (this.#batch.length > 1) return; // a flush is already due
    if (this.#windowMs > 0) this.#timers.setTimeout(() => this.flush(), this.#windowMs);
    else setImmediate(() => this.flush());
  }

  /** Queues `bytes` (one message, e.g. a heartbeat comment) for every reader. */
  toAll(bytes: Uint8Array): void {
    for (const s of this.#readers) {
      s.hold(bytes, 1);
      this.#due.add(s);
    }
    if (!this.#pumping) this.#pump();
  }

  /** A reader that ended is written no more. */
  forget(sub: SseSubscriber): void {
    this.#due.delete(sub);
  }

  /** Queues the collected events for the readers (each only events after its `after`) and starts writing. */
  flush(): void {
    const events = this.#batch;
    if (events.length === 0) return;
    this.#batch = [];
    const texts = events.map((e) => this.#text(e));
    const good = texts.reduce((n, t) => t === "" ? n : n + 1, 0);
    if (good === 0) return;
    const first = events[0]!.id;
    let shared: Uint8Array | undefined;
    for (const s of this.#readers) {
      if (s.wantsAll && s.after < first) {
        shared ??= pooledUtf8(texts.join(""));
        s.hold(shared, good);
        this.#due.add(s);
        continue;
      }
      let text = "";
      let n = 0;
      for (let i = 0; i < events.length; i++) {
        const e = events[i]!;
        if (e.id <= s.after || !s.wants(e.type) || texts[i] === "") continue;
        text += texts[i];
        n++;
      }
      if (n > 0) {
        s.hold(pooledUtf8(text), n);
        this.#due.add(s);
      }
    }
    if (!this.#pumping) this.#pump();
  }

  /** Writes one due reader (the next in turn that the runtime is waiting on), then yields the loop. */
  #pump(): void {
    for (const s of this.#due) {
      this.#due.delete(s);
      if (!s.deliver()) continue; // socket busy: the runtime takes the queue when it asks for more
      if (this.#due.size > 0) {
        this.#pumping = true;
        setImmediate(this.#pumpNext);
        return;
      }
      break;
    }
    this.#pumping = false;
  }

  /** An event's SSE text; "" (skipped, reported) for data that cannot be serialised. */
  #text(e: AccountEvent): string {
    try {
      return this.#format(e);
    } catch (error) {
      this.#notice("events: cannot serve an event", { id: String(e.id), error: String(error) });
      return "";
    }
  }
}
