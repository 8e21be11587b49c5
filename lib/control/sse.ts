/**
 * `GET /events`: the account's event log as Server-Sent Events, fanned out to many readers without ever
 * slowing the writer down.
 *
 * - One listener on the log for all readers. It only collects the event: after the current event-loop turn
 *   (or `batchWindowMs`) the batch is serialised once and queued for every reader as one chunk, and the
 *   readers are written one per turn (`sse_fan_out.ts`). It never waits on a socket.
 * - Each reader has a bounded queue (default 1,000 messages or 1 MiB). Bytes leave the queue only when the
 *   runtime asks for more (the socket accepted the previous chunk), so a reader that stops reading fills its
 *   queue and is dropped: its stream is ended with an error (the connection closes) and the operator hears of
 *   it through one notice per minute at most.
 * - A reader that reconnects with `Last-Event-ID` first gets what it missed from the log's ring, or an
 *   `event: gap` message naming the range the ring no longer holds, then the rest.
 * - A `: hb` comment every 15 s keeps proxies and idle-timeouts from closing a quiet stream.
 *
 * @module
 */

import type { AccountEvent, AccountEventType, EventLog } from "../account/event_log.ts";
import { type ClockHandle, monotonicClock, type Timers } from "../_clock.ts";
import { unrefTimer } from "../_timers.ts";
import { ControlError, LOCAL_CODES } from "./errors.ts";

/** Default interval of the `: hb` comment on idle event streams (the server's idle timeout must exceed it). */
export const SSE_HEARTBEAT_MS = 15_000;
import { type EndReason, SseSubscriber } from "./sse_subscriber.ts";
import { SseFanOut } from "./sse_fan_out.ts";

/**
 * Tuning of `GET /events` (every field optional).
 *
 * @example
 * ```ts
 * const options: EventStreamOptions = { maxSubscribers: 16, maxBufferedBytes: 256 * 1024 };
 * ```
 */
export interface EventStreamOptions {
  /** Readers at once; one more gets 503 (code -16). Default 64. */
  maxSubscribers?: number;
  /** Interval of the `: hb` comment. Default 15,000 ms. */
  heartbeatMs?: number;
  /** Messages queued for one reader before it is dropped. Default 1,000. */
  maxBufferedMessages?: number;
  /** Bytes queued for one reader before it is dropped. Default 1 MiB. */
  maxBufferedBytes?: number;
  /** Least time between two "reader dropped" notices (the rest are counted into the next). Default 60 s. */
  dropNoticeIntervalMs?: number;
  /**
   * How long events are collected before they go out to the readers as one write each. 0 (default): the
   * events of one event-loop turn, sent right after that turn (`setImmediate`). Above 0: a timer of this many
   * ms from the first event of a batch (on `timers`), i.e. up to this much more delivery latency.
   */
  batchWindowMs?: number;
  /** Timers for the heartbeat and a batch window above 0 (tests inject a manual clock). Default real ones. */
  timers?: Timers;
}

/**
 * What the hub needs from the account's event log.
 *
 * @example
 * ```ts
 * import { AccountState } from "../account/account_state.ts";
 * const source: EventLogView = new AccountState().events;
 * ```
 */
export type EventLogView = Pick<EventLog, "subscribe" | "since" | "lastId" | "firstId">;

/**
 * How a new reader starts.
 *
 * @example
 * ```ts
 * const resume: OpenOptions = { lastEventId: 41, types: ["fill", "order"] };
 * ```
 */
export interface OpenOptions {
  /** From `Last-Event-ID`: replay the events after it (or announce a gap). Absent: live events only. */
  lastEventId?: number | undefined;
  /** Only these event types (gaps and heartbeats are always sent). Absent: every type. */
  types?: readonly AccountEventType[] | undefined;
}

const encoder = new TextEncoder();
const HEARTBEAT = encoder.encode(": hb\n\n");
const CONNECTED = encoder.encode(": connected\n\n");

/**
 * The SSE text of one account event: `id`, `event` (the type) and one `data` line, the event's data as JSON
 * with `time` added (the local ms the event was logged; a fill keeps its own `time`, the trade time).
 *
 * @example
 * ```ts
 * formatEvent({ id: 7, type: "halt", time: 1, data: { reason: "news" } });
 * // 'id: 7\nevent: halt\ndata: {"time":1,"reason":"news"}\n\n'
 * ```
 */
export function formatEvent(e: AccountEvent): string {
  const data = typeof e.data === "object" && e.data !== null && !Array.isArray(e.data)
    ? { time: e.time, ...e.data }
    : { time: e.time, data: e.data };
  return `id: ${e.id}\nevent: ${e.type}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * Serves the event log to SSE readers.
 *
 * @example
 * ```ts
 * import { EventLog } from "../account/event_log.ts";
 * const log = new EventLog();
 * const hub = new EventHub(log, {}, { now: () => performance.now(), notice: () => {} });
 * const body = hub.open({ types: ["fill"] }); // a ReadableStream<Uint8Array> for a text/event-stream Response
 * log.append("fill", { symbol: "BTCUSDT" });
 * hub.close();
 * ```
 */
export class EventHub {
  readonly #log: EventLogView;
  readonly #subs = new Set<SseSubscriber>();
  readonly #timers: Timers;
  readonly #max: number;
  readonly #heartbeatMs: number;
  readonly #limits: { messages: number; bytes: number };
  readonly #noticeEveryMs: number;
  readonly #now: () => number;
  readonly #notice: (msg: string, fields: Record<string, string>) => void;
  #heartbeat: ClockHandle | undefined;
  #dropped = 0;
  #unreported = 0;
  #lastNoticeAt = -Infinity;
  #gaps = 0;
  #closed = false;
  readonly #fanOut: SseFanOut;

  constructor(
    log: EventLogView,
    options: EventStreamOptions,
    deps: { now: () => number; notice: (msg: string, fields: Record<string, string>) => void },
  ) {
    this.#log = log;
    this.#timers = options.timers ?? monotonicClock;
    this.#max = options.maxSubscribers ?? 64;
    this.#heartbeatMs = options.heartbeatMs ?? SSE_HEARTBEAT_MS;
    this.#limits = {
      messages: options.maxBufferedMessages ?? 1_000,
      bytes: options.maxBufferedBytes ?? 1024 * 1024,
    };
    this.#noticeEveryMs = options.dropNoticeIntervalMs ?? 60_000;
    this.#now = deps.now;
    this.#notice = deps.notice;
    this.#fanOut = new SseFanOut({
      readers: this.#subs,
      batchWindowMs: options.batchWindowMs ?? 0,
      timers: this.#timers,
      format: formatEvent,
      notice: deps.notice,
    });
    log.subscribe((e) => this.#logged(e));
  }

  /** Readers connected now. */
  get subscribers(): number {
    return this.#subs.size;
  }

  /** Readers dropped for not keeping up, since start. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Gap reconciliation passes seen in the log since the hub started. */
  get gapReconciliations(): number {
    return this.#gaps;
  }

  /** A new reader's stream. Throws a 503 {@linkcode ControlError} (code -16) when the limit is reached. */
  open(options: OpenOptions = {}): ReadableStream<Uint8Array> {
    if (this.#closed) {
      throw new ControlError({ status: 503, code: LOCAL_CODES.DISCONNECTED, msg: "shutting down" });
    }
    if (this.#subs.size >= this.#max) {
      throw new ControlError({
        status: 503,
        code: LOCAL_CODES.TOO_MANY_SUBSCRIBERS,
        msg: `too many /events subscribers (limit ${this.#max})`,
        headers: { "retry-after": "5" },
      });
    }
    const head = [CONNECTED];
    let backlog: readonly AccountEvent[] = [];
    const last = options.lastEventId;
    if (last !== undefined) {
      let from = last;
      if (last === 0) from = this.#log.firstId - 1; // "from the start": every event still kept
      else if (last > this.#log.lastId || last < this.#log.firstId - 1) {
        // An id this log never gave out: another run's (a gateway's ids start above any earlier run's; a
        // bare log's start again at 1). Replay all it kept.
        head.push(gapMessage({ reason: "restarted", lastEventId: last }));
        from = this.#log.firstId - 1;
      }
      const missed = this.#log.since(from);
      if (missed.gap) {
        const { missedFrom, missedTo } = missed;
        head.push(gapMessage({ reason: "evicted", lastEventId: last, missedFrom, missedTo }));
      }
      backlog = missed.events;
    }
    const types = options.types === undefined ? undefined : new Set<string>(options.types);
    const sub = new SseSubscriber({
      head,
      backlog,
      types,
      format: formatEvent,
      limits: this.#limits,
      onEnd: (s, reason) => this.#remove(s, reason),
      // Events logged before now are in the backlog (or were before this reader's time): the batch waiting to
      // go out may hold some of them, and they must not reach this reader twice.
      after: this.#log.lastId,
    });
    this.#subs.add(sub);
    if (this.#heartbeat === undefined) {
      this.#heartbeat = unrefTimer(this.#timers.setInterval(() => this.#beat(), this.#heartbeatMs));
    }
    return sub.stream;
  }

  /** Ends every stream (gracefully) and refuses new readers: for shutdown. */
  close(): void {
    this.#closed = true;
    this.#fanOut.flush(); // what was logged before the shutdown still goes out
    for (const s of [...this.#subs]) s.end(undefined, "shutdown");
  }

  #logged(e: AccountEvent): void {
    if (e.type === "connection" && (e.data as { type?: unknown } | null)?.type === "gap-reconciled") {
      this.#gaps++;
    }
    if (this.#subs.size > 0) this.#fanOut.add(e);
  }

  #beat(): void {
    this.#fanOut.toAll(HEARTBEAT);
  }

  #remove(sub: SseSubscriber, reason: EndReason): void {
    if (!this.#subs.delete(sub)) return;
    this.#fanOut.forget(sub);
    if (this.#subs.size === 0 && this.#heartbeat !== undefined) {
      this.#timers.clearInterval(this.#heartbeat);
      this.#heartbeat = undefined;
    }
    if (reason !== "slow") return;
    this.#dropped++;
    this.#unreported++;
    const now = this.#now();
    if (now - this.#lastNoticeAt < this.#noticeEveryMs) return;
    this.#lastNoticeAt = now;
    this.#notice("events: slow subscriber dropped", {
      reason: `more than ${this.#limits.messages} messages or ${this.#limits.bytes} bytes waiting`,
      dropped: String(this.#unreported),
      droppedTotal: String(this.#dropped),
    });
    this.#unreported = 0;
  }
}

function gapMessage(data: Record<string, unknown>): Uint8Array<ArrayBuffer> {
  return encoder.encode(`event: gap\ndata: ${JSON.stringify(data)}\n\n`);
}
