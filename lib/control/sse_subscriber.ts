/**
 * One `/events` reader's stream and bounded queue (used by `sse.ts`'s hub): first the head (the connect
 * comment, gap messages), then the replayed backlog, then live messages. Bytes are handed to the runtime only
 * when it asks for more, so what piles up here is exactly what the client has not taken yet.
 *
 * @module
 */

import type { AccountEvent } from "../account/event_log.ts";
import { concatBytes } from "./_bytes.ts";

/**
 * Why a reader ended: it fell behind, it went away, or the gateway is stopping.
 *
 * @example
 * ```ts
 * const reason: EndReason = "slow";
 * ```
 */
export type EndReason = "slow" | "client gone" | "shutdown";

/**
 * A reader's queue limits: past either one it is dropped.
 *
 * @example
 * ```ts
 * const limits: QueueLimits = { messages: 1000, bytes: 1024 * 1024 };
 * ```
 */
export interface QueueLimits {
  readonly messages: number;
  readonly bytes: number;
}

const encoder = new TextEncoder();
/** Events serialised per chunk while replaying. */
const REPLAY_BATCH = 256;

/**
 * One reader.
 *
 * @example
 * ```ts
 * import type { AccountEvent } from "../account/event_log.ts";
 * const format = (e: AccountEvent) => `id: ${e.id}\nevent: ${e.type}\ndata: {}\n\n`;
 * const sub = new SseSubscriber({ head: [], backlog: [], types: undefined, format,
 *   limits: { messages: 1000, bytes: 1 << 20 }, onEnd: (_sub, reason) => console.log("ended:", reason) });
 * sub.push(new TextEncoder().encode(": hb\n\n"));
 * const response = new Response(sub.stream, { headers: { "content-type": "text/event-stream" } });
 * ```
 */
export class SseSubscriber {
  /** The response body. */
  readonly stream: ReadableStream<Uint8Array>;
  readonly #types: ReadonlySet<string> | undefined;
  readonly #limits: QueueLimits;
  readonly #format: (event: AccountEvent) => string;
  readonly #onEnd: (sub: SseSubscriber, reason: EndReason) => void;
  #head: Uint8Array[];
  #backlog: readonly AccountEvent[];
  #next = 0;
  #queue: Uint8Array[] = [];
  #queued = 0;
  /** Messages in `#queue` (a chunk may hold several). */
  #queuedMessages = 0;
  #controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  /** The runtime asked for data and none was there: the next message goes straight out. */
  #waiting = false;
  #ended = false;
  /** The newest event id this reader had (or was to replay) when it connected: live ones start above it. */
  readonly after: number;

  constructor(options: {
    /** Sent first, as one chunk. */
    head: Uint8Array[];
    /** Events to replay before live ones (serialised lazily, as the client takes them). */
    backlog: readonly AccountEvent[];
    /** Event types wanted (undefined: all). */
    types: ReadonlySet<string> | undefined;
    /** An event's SSE text. */
    format: (event: AccountEvent) => string;
    limits: QueueLimits;
    /** Called once when the reader ends, whatever the reason. */
    onEnd: (sub: SseSubscriber, reason: EndReason) => void;
    /** The log's newest id when the reader connected (default 0). */
    after?: number;
  }) {
    this.after = options.after ?? 0;
    this.#head = options.head;
    this.#backlog = options.backlog;
    this.#types = options.types;
    this.#limits = options.limits;
    this.#format = options.format;
    this.#onEnd = options.onEnd;
    this.stream = new ReadableStream<Uint8Array>({
      start: (controller) => void (this.#controller = controller),
      pull: () => this.#pull(),
      cancel: () => this.end(undefined, "client gone"),
    }, { highWaterMark: 0 });
  }

  /** Whether events of `type` go to this reader. */
  wants(type: string): boolean {
    return this.#types === undefined || this.#types.has(type);
  }

  /** Whether this reader wants every event type (it can share the hub's bytes of a whole batch). */
  get wantsAll(): boolean {
    return this.#types === undefined;
  }

  /** Queues one message and hands the queue to the runtime at once if it is waiting for data. */
  push(bytes: Uint8Array): void {
    this.hold(bytes, 1);
    this.deliver();
  }

  /**
   * Queues a chunk of `messages` messages without writing it yet (see `deliver`); ends the stream when the
   * queue is over its limits. A reader that has taken everything and waits for more is never behind, however
   * large the chunk (a batch the producer held back, e.g. the monitor's copy after its thread waited for a
   * core): only what piles up while it does not take counts.
   */
  hold(bytes: Uint8Array, messages: number): void {
    if (this.#ended) return;
    const caughtUp = this.#waiting && this.#queue.length === 0;
    this.#queue.push(bytes);
    this.#queued += bytes.byteLength;
    this.#queuedMessages += messages;
    if (caughtUp) return;
    if (this.#queuedMessages > this.#limits.messages || this.#queued > this.#limits.bytes) {
      this.end(new Error("slow consumer: dropped"), "slow");
    }
  }

  /**
   * Hands everything queued to the runtime as one chunk (one socket write) if the runtime is waiting for data;
   * otherwise it goes out when the runtime asks for more. True when it wrote.
   */
  deliver(): boolean {
    // Waiting implies the head and the backlog are sent: `#pull` waits only once both are.
    if (this.#ended || !this.#waiting || this.#queue.length === 0) return false;
    this.#waiting = false;
    const chunk = concatBytes(this.#queue);
    this.#queue = [];
    this.#queued = 0;
    this.#queuedMessages = 0;
    this.#enqueue(chunk);
    return true;
  }

  /** Ends the stream (an error closes the connection at once) and tells the hub. Idempotent. */
  end(error: Error | undefined, reason: EndReason): void {
    if (this.#ended) return;
    this.#ended = true;
    // A graceful shutdown still hands over the live messages queued (when nothing older is left to send).
    const rest = reason === "shutdown" && this.#head.length === 0 && this.#next >= this.#backlog.length
      ? this.#queue
      : [];
    this.#queue = [];
    this.#backlog = [];
    this.#head = [];
    try {
      if (rest.length > 0) this.#controller?.enqueue(concatBytes(rest));
      if (error === undefined) this.#controller?.close();
      else this.#controller?.error(error);
    } catch { /* already closed by the runtime */ }
    this.#onEnd(this, reason);
  }

  #pull(): void {
    if (this.#ended) return;
    if (this.#head.length > 0) {
      const head = this.#head;
      this.#head = [];
      this.#enqueue(concatBytes(head));
      return;
    }
    while (this.#next < this.#backlog.length) {
      const end = Math.min(this.#next + REPLAY_BATCH, this.#backlog.length);
      let text = "";
      for (; this.#next < end; this.#next++) {
        const e = this.#backlog[this.#next]!;
        if (this.wants(e.type)) text += this.#format(e);
      }
      if (text !== "") {
        this.#enqueue(encoder.encode(text));
        return;
      }
    }
    if (this.#queue.length > 0) {
      const chunk = concatBytes(this.#queue);
      this.#queue = [];
      this.#queued = 0;
      this.#queuedMessages = 0;
      this.#enqueue(chunk);
      return;
    }
    this.#waiting = true;
  }

  #enqueue(bytes: Uint8Array): void {
    try {
      this.#controller?.enqueue(bytes);
    } catch {
      this.end(undefined, "client gone"); // the runtime closed the stream under us
    }
  }
}
