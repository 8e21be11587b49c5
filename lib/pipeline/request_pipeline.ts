/**
 * The hot path, kept apart from connection management and the public API: build and sign a frame, send it,
 * and match each answer to its caller's promise in O(1). It imports neither the control plane nor zod, and
 * does no validation, logging or per-request allocation beyond the caller's promise and the frame string.
 *
 * @module
 */

import { ExchangeError, NotSentError, RequestFailedError, UnknownOrderStateError } from "../errors.ts";
import type { ServerClock } from "./server_clock.ts";
import type { Params } from "../types.ts";
import type { FrameEncoder } from "../wire/frame_encoder.ts";
import { ID_UNKNOWN, parseFrame, type ResponseFrame, scanResponseId } from "../wire/frame_decoder.ts";
import { AnswerScanner } from "../wire/answer_scanner.ts";
import { LazyOrder } from "../wire/lazy_order.ts";
import { scanOrderResult } from "../wire/lazy_result.ts";
import { CANNED_ACK, CANNED_CLIENT_ORDER_ID, CANNED_ORDER } from "../wire/canned_order.ts";
import { METHOD_NAMES, METHODS, type MethodSpec } from "../wire/methods.ts";
import { PendingRequests, type PromptAnswer } from "./pending_requests.ts";
import { RateLimitTracker } from "./rate_limits.ts";
import type { OrderObserver } from "./order_observer.ts";
import { PipelineMetrics } from "./pipeline_metrics.ts";

/** Where frames go: a connection (or, in benchmarks, anything that takes text). */
export interface FrameSink {
  /** Tags the requests sent through it, so a lost sink fails exactly its own requests. */
  readonly generation: number;
  /** Sends one frame; false if nothing was sent. */
  send(text: string): boolean;
}

/** Frames that are not answers to a pending request. */
export type PipelineNotice =
  | { type: "malformed-frame"; sample: string }
  | { type: "late-answer"; id: number }
  | { type: "exchange-notice"; status: number; code: number; msg: string }
  | { type: "server-shutdown" }
  | { type: "rate-limited"; status: number; untilMs: number }
  | { type: "clock-rejected" }
  /** The exchange refused the request's key or signature (-2015, -2014, -1022): a key revoked, an IP not allowed. */
  | { type: "credentials-refused"; code: number; msg: string; method: string };

/** Options for {@linkcode RequestPipeline}. */
export interface RequestPipelineOptions {
  encoder: FrameEncoder;
  clock: ServerClock;
  /** Per-request timeout (ms). */
  timeoutMs: number;
  /** Most requests in flight. */
  capacity: number;
  /** Share of rate limits kept free for cancels. */
  rateLimitHeadroom: number;
  observer?: OrderObserver | undefined;
  /**
   * Hears the exchange's rejects of order-mutating requests (the pre-trade guard's reject breaker). Apart
   * from the observer, so that a router without one calls nothing per order on the send path.
   */
  onRejected?: ((code: number, method: string) => void) | undefined;
  /** Receives notices; called rarely (never per successful answer). */
  notify: (notice: PipelineNotice) => void;
}

const OK = 0, REJECTED = 1, UNKNOWN = 2, FAILED = 3;
const PLACE = METHODS["order.place"]!;
const CANCEL = METHODS["order.cancel"]!;
const ALGO_CANCEL = METHODS["algoOrder.cancel"]!;
/** Methods whose result is an order object: their acks are scanned, not parsed (see wire/lazy_result.ts). */
const ORDER_RESULT = new Uint8Array(METHOD_NAMES.length + 1);
for (const name of ["order.place", "order.modify", "order.cancel", "order.status"]) {
  ORDER_RESULT[METHODS[name]!.index] = 1;
}

/**
 * Sends requests and settles their promises from answer frames.
 *
 * @example
 * ```ts
 * import type { Connection } from "../connection/connection.ts";
 * import type { PlaceOrderParams } from "../types.ts";
 * import type { FrameEncoder } from "../wire/frame_encoder.ts";
 * import { METHODS } from "../wire/methods.ts";
 * import { ServerClock } from "./server_clock.ts";
 * declare const encoder: FrameEncoder;
 * declare const connection: Connection;
 * declare const order: PlaceOrderParams;
 * const pipeline = new RequestPipeline({ encoder, clock: new ServerClock(), timeoutMs: 5000, capacity: 4096,
 *   rateLimitHeadroom: 0.05, notify: console.log });
 * const ack = pipeline.send(connection, METHODS["order.place"]!, order, "newClientOrderId", "lr-1");
 * // every frame the connection receives → pipeline.onFrame(text)
 * ```
 */
export class RequestPipeline {
  readonly metrics: PipelineMetrics = new PipelineMetrics();
  readonly limits: RateLimitTracker;
  readonly #pending: PendingRequests;
  readonly #encoder: FrameEncoder;
  readonly #clock: ServerClock;
  readonly #timeoutMs: number;
  readonly #observer: OrderObserver | undefined;
  readonly #onRejected: ((code: number, method: string) => void) | undefined;
  readonly #notify: (notice: PipelineNotice) => void;
  readonly #scanner = new AnswerScanner();
  /**
   * Applies a deferred rate-limit report two microtasks on: after the awaiting caller's continuation (and
   * one wrapper's: `async` functions add a hop), so its next order leaves first. Bound once, not per answer.
   */
  readonly #applyLimitsLater = () => queueMicrotask(this.#applyLimits);
  readonly #applyLimits = () => this.limits.applyDeferred();
  /** Server time minus `performance.now()`, as last read from the clock (see `#serverTimeAt`). */
  #serverBase = 0;
  /** `performance.now()` and the clock's offset when `#serverBase` was read. */
  #baseReadAt = -Infinity;
  #baseOffset = 0;
  /** The promise the latest `send` returned, and its request id (see `answerPromptly`). */
  #lastPromise: Promise<unknown> | undefined;
  #lastId = 0;

  constructor(options: RequestPipelineOptions) {
    this.#encoder = options.encoder;
    this.#clock = options.clock;
    this.#timeoutMs = options.timeoutMs;
    this.#observer = options.observer;
    this.#onRejected = options.onRejected;
    this.#notify = options.notify;
    this.#pending = new PendingRequests({ capacity: options.capacity });
    this.limits = new RateLimitTracker({ headroom: options.rateLimitHeadroom });
  }

  /** Requests awaiting an answer. */
  get inFlight(): number {
    return this.#pending.size;
  }

  /** Requests awaiting an answer on `sink`. */
  inFlightOn(sink: FrameSink): number {
    return this.#pending.slotsOf(sink.generation).length;
  }

  /**
   * Sends `spec` with `params` through `sink`; `cidKey`/`cid` fill in a generated client order id. Resolves
   * with the exchange's `result`; rejects with the error tree of `errors.ts`. `at`: `Date.now()` as the caller
   * just read it (the pre-trade check's time), so the order's timestamp costs no second clock read.
   */
  send(
    sink: FrameSink,
    spec: MethodSpec,
    params: Params,
    cidKey: string,
    cid: string,
    at?: number,
  ): Promise<unknown> {
    const now = at === undefined ? this.#clock.now() : at + this.#clock.offsetMs;
    const limits = this.limits;
    // Checked and counted in one pass; every way out below that sends nothing gives the count back.
    const verdict = limits.take(spec.countsAsOrder, spec === CANCEL || spec === ALGO_CANCEL, now);
    if (verdict !== undefined) {
      this.metrics.rateLimited++;
      const l = verdict.limit;
      const why = l === undefined
        ? `held back: ${verdict.blocked}`
        : `would exceed ${l.rateLimitType} ${l.limit}/${l.intervalNum} ${l.interval}`;
      return Promise.reject(
        new NotSentError(
          "rate-limit",
          `${spec.name} ${why}; retry after ${new Date(verdict.retryAtMs).toISOString()}`,
        ),
      );
    }
    const id = this.#pending.nextId();
    if (id < 0) {
      limits.onSent(spec.countsAsOrder, -1, now);
      return Promise.reject(new NotSentError("backpressure", "too many requests in flight"));
    }
    let frame: string;
    try {
      frame = this.#encoder.encode(id, spec, params, now, cidKey, cid);
    } catch (e) {
      limits.onSent(spec.countsAsOrder, -1, now);
      throw e;
    }
    const observer = spec.mutating ? this.#observer : undefined;
    if (observer !== undefined) {
      try {
        observer.intent(cid, spec.name, params, cidKey);
      } catch {
        // A cancel needs no durable intent to be safe (sending it twice, or once unrecorded, harms nothing):
        // it goes out, and its outcome is journaled when that works again. Anything else is refused: no
        // durable intent, no order. The message names no path; the journal reports its own failure.
        if (spec !== CANCEL && spec !== ALGO_CANCEL) {
          limits.onSent(spec.countsAsOrder, -1, now);
          afterSend(observer, cid, spec.name, params, cidKey);
          observer.notSent(cid, spec.name);
          return Promise.reject(
            new NotSentError("journal", `${spec.name} not sent: the order journal cannot be written`),
          );
        }
      }
    }
    const sentAt = performance.now();
    const pending = this.#pending;
    const promise = pending.open(
      id,
      spec.index,
      cid,
      spec.mutating,
      sink.generation,
      sentAt + this.#timeoutMs,
      sentAt,
    );
    this.#lastPromise = promise;
    this.#lastId = id;
    // Deno writes a WebSocket frame only once the turn (microtasks included) is over, so on Deno every µs after
    // the send delays the wire as much as one before it; Bun writes it in `send`. After it runs only what must
    // run in this turn and need not precede the frame (`afterSend`).
    let sent = true;
    try {
      sent = sink.send(frame);
    } catch {
      // Whether it left is unknown: the request stays pending and times out like an unanswered one.
    }
    // The order tracker's record: in this turn, so the next order's pre-trade check counts this one.
    if (observer !== undefined) afterSend(observer, cid, spec.name, params, cidKey);
    if (!sent) {
      // The socket closed between the check and the send: nothing left this process.
      limits.onSent(spec.countsAsOrder, -1, now);
      pending.reject(pending.indexOf(id), new NotSentError("disconnected", `${spec.name} not sent`));
      this.#observer?.notSent(cid, spec.name);
    }
    return promise;
  }

  /**
   * Has `prompt` told of the result of the request behind `promise` in the turn its answer arrives, before
   * the order's observer and before `promise` settles (`PromptAnswer`). `promise` must be the one the latest
   * `send` returned, in the same turn; otherwise (another request went first, it was never sent, or it is
   * settled already) nothing is attached and false is returned: the caller then reads the promise alone.
   */
  answerPromptly(promise: Promise<unknown>, prompt: PromptAnswer): boolean {
    if (promise !== this.#lastPromise) return false;
    this.#lastPromise = undefined;
    const i = this.#pending.indexOf(this.#lastId);
    if (i < 0) return false;
    this.#pending.listen(i, prompt);
    return true;
  }

  /**
   * Runs this pipeline's own order code on a canned order and its ack (`wire/canned_order.ts`): the frame is
   * built and signed under request id 0, which no request has, and the ack is scanned and its common fields
   * read. Nothing is sent, counted, recorded or settled. For a gateway idle between orders, whose next order
   * then finds this code in the core's caches (`lib/gateway/order_path_warmer.ts`). Returns a number made
   * from the work, so that none of it can be left out.
   */
  warm(): number {
    const frame = this.#encoder.encode(
      0,
      PLACE,
      CANNED_ORDER,
      this.#clock.now(),
      "newClientOrderId",
      CANNED_CLIENT_ORDER_ID,
    );
    const scanner = this.#scanner;
    if (!scanner.scan(CANNED_ACK)) return frame.length;
    const a = scanner.answer;
    const result = scanOrderResult(CANNED_ACK, a.resultStart, a.resultEnd);
    return frame.length + a.rateLimitsEnd +
      (result === undefined ? 0 : result.orderId + result.status.length);
  }

  /**
   * Handles one text frame from the exchange. Never throws. `receivedAt`: `performance.now()` when the frame
   * was received, if the caller read it already (the connection stamps every frame); read here otherwise.
   */
  onFrame(text: string, receivedAt?: number): void {
    // An answer in the exchange's layout (nearly every frame) has its head read once, by the scan.
    const scanner = this.#scanner;
    const scanned = scanner.scan(text);
    const id = scanned ? scanner.answer.id : scanResponseId(text);
    if (id !== ID_UNKNOWN) {
      const i = this.#pending.indexOf(id);
      if (i >= 0) {
        // The one clock read per answer (the connection's, when it passed it): its round trip, and the server
        // time of its rateLimits.
        const received = receivedAt ?? performance.now();
        if (scanned && this.#settleScanned(i, text, received)) return;
        return this.#settleParsed(i, parseFrame(text), text, received);
      }
    }
    const frame = parseFrame(text);
    if (frame === undefined) {
      this.metrics.malformedFrames++;
      this.#notify({ type: "malformed-frame", sample: text.slice(0, 80) });
      return;
    }
    if (typeof frame.id === "number") {
      const i = this.#pending.indexOf(frame.id);
      if (i >= 0) return this.#settleParsed(i, frame, text, receivedAt ?? performance.now());
      this.metrics.lateAnswers++;
      this.#notify({ type: "late-answer", id: frame.id });
      return;
    }
    if (frame.event?.e === "serverShutdown") return this.#notify({ type: "server-shutdown" });
    if (frame.error) {
      this.#notify({
        type: "exchange-notice",
        status: frame.status ?? 0,
        code: frame.error.code ?? 0,
        msg: String(frame.error.msg ?? ""),
      });
    }
  }

  /** Fails every request in flight on `sink` (it is gone): orders become unknown, reads failed. */
  failSink(generation: number): void {
    for (const i of this.#pending.slotsOf(generation)) this.#fail(i, "disconnect", 0);
  }

  /** Fails every request in flight (router closing). */
  failAll(): void {
    this.failSink(-1);
  }

  /** Times out requests past their deadline; returns how many. Call periodically. */
  sweep(): number {
    const now = performance.now();
    let n = 0;
    for (let i = this.#pending.oldestExpired(now); i >= 0; i = this.#pending.oldestExpired(now)) {
      this.#fail(i, "timeout", 0);
      n++;
    }
    return n;
  }

  /**
   * Settles slot `i` from the scan of `text` `onFrame` just made (an order ack or any error answer in the
   * exchange's layout), its rateLimits deferred; false, having changed nothing, when it needs a full parse.
   */
  #settleScanned(i: number, text: string, received: number): boolean {
    const a = this.#scanner.answer;
    let result: unknown;
    if (a.status === 200) {
      if (ORDER_RESULT[this.#pending.method(i)] !== 1) return false;
      // A prompt listener (a gateway answering its client) passes the result's text on and reads no field: it
      // is told before the fields are read, so that its answer leaves first (`#settle` finds it taken). A
      // result the read refuses is parsed from the frame for the observer and the caller; the listener has
      // passed the exchange's text on as it came, as `jsonText` does with any result it was not asked to read.
      const prompt = this.#pending.takePrompt(i);
      let order: LazyOrder | undefined;
      if (prompt === undefined) order = LazyOrder.read(text, a.resultStart, a.resultEnd);
      else {
        order = LazyOrder.of(text, a.resultStart, a.resultEnd);
        tell(prompt, order.proxy);
        if (!order.readFields()) order = undefined;
      }
      if (order === undefined) return false;
      result = order.proxy;
    } else if (a.resultStart >= 0) return false; // a result with a non-200 status: let the parse decide
    if (
      a.rateLimitsStart >= 0 &&
      this.limits.deferReport(text, a.rateLimitsStart, a.rateLimitsEnd, this.#serverTimeAt(received))
    ) {
      queueMicrotask(this.#applyLimitsLater);
    }
    this.#settle(i, a.status, result, a.code, a.msg, received);
    return true;
  }

  /**
   * The exchange's time at `received` (a `performance.now()` reading), without a second clock read per
   * answer: the clock is read again after a second, or when its offset changed, so a step of the host's
   * clock or a new offset is followed within a second. Between reads the monotonic clock and the wall clock
   * drift apart by microseconds. It places a rateLimits report in its window, which the answer's own
   * round trip already blurs by more.
   */
  #serverTimeAt(received: number): number {
    const clock = this.#clock;
    const offset = clock.offsetMs;
    if (received - this.#baseReadAt > 1_000 || offset !== this.#baseOffset) {
      this.#serverBase = clock.now() - performance.now();
      this.#baseReadAt = received;
      this.#baseOffset = offset;
    }
    return received + this.#serverBase;
  }

  #settleParsed(i: number, frame: ResponseFrame | undefined, text: string, received: number): void {
    if (frame === undefined) {
      // The id was readable but the frame is not JSON: the request's fate is unknown.
      this.metrics.rtt(received - this.#pending.sentAt(i));
      this.metrics.malformedFrames++;
      this.#notify({ type: "malformed-frame", sample: text.slice(0, 80) });
      this.#fail(i, "exchange", 0);
      return;
    }
    if (frame.rateLimits !== undefined) this.limits.update(frame.rateLimits, this.#clock.now());
    const code = typeof frame.error?.code === "number" ? frame.error.code : 0;
    this.#settle(i, frame.status ?? 0, frame.result, code, String(frame.error?.msg ?? ""), received);
  }

  #settle(i: number, status: number, result: unknown, code: number, msg: string, received: number): void {
    const pending = this.#pending;
    const method = pending.method(i);
    this.metrics.rtt(received - pending.sentAt(i));
    if (status === 200) {
      this.metrics.record(method, OK);
      // The prompt listener first (a gateway writes its client's answer there), the bookkeeping after it, in
      // this same turn: nothing else runs in between, so the next request still finds it done.
      const prompt = pending.takePrompt(i);
      if (prompt !== undefined) tell(prompt, result);
      if (this.#observer !== undefined && pending.mutating(i)) {
        this.#observer.ack(pending.clientOrderId(i), result, methodName(method));
      }
      pending.resolve(i, result);
      return;
    }
    if (
      pending.mutating(i) && (code === -1006 || code === -1007 || (status >= 500 && !clearFailure(code, msg)))
    ) {
      this.#fail(i, "exchange", code);
      return;
    }
    if (status === 429 || status === 418) this.#rateLimited(status, code, msg);
    if (code === -1021) this.#notify({ type: "clock-rejected" });
    if (code === -2015 || code === -2014 || code === -1022) {
      this.#notify({ type: "credentials-refused", code, msg, method: methodName(method) });
    }
    this.metrics.record(method, REJECTED);
    if (pending.mutating(i)) {
      this.#observer?.rejected(pending.clientOrderId(i), code, msg, methodName(method));
      this.#onRejected?.(code, methodName(method));
    }
    pending.reject(i, new ExchangeError({ status, code, msg, method: methodName(method) }));
  }

  /** Fails slot `i`: order-mutating requests become "unknown", the rest "failed". */
  #fail(i: number, reason: "timeout" | "disconnect" | "exchange", code: number): void {
    const pending = this.#pending;
    const method = pending.method(i);
    const name = methodName(method);
    if (pending.mutating(i)) {
      const clientOrderId = pending.clientOrderId(i);
      this.metrics.record(method, UNKNOWN);
      this.#observer?.unknown(clientOrderId, reason, name);
      pending.reject(i, new UnknownOrderStateError({ method: name, clientOrderId, reason, code }));
    } else {
      this.metrics.record(method, FAILED);
      pending.reject(
        i,
        reason === "exchange"
          ? new ExchangeError({ status: 500, code, msg: "unexpected answer", method: name })
          : new RequestFailedError({ method: name, reason }),
      );
    }
  }

  #rateLimited(status: number, code: number, msg: string): void {
    const banned = /until (\d{12,})/.exec(msg);
    const now = this.#clock.now();
    // No ban time: the end of the window that is over. The request weight (-1003) and an order limit per
    // minute count by the minute; the orders per 10 s by 10 s.
    const windowMs = code === -1003 || /MINUTE/.test(msg) ? 60_000 : 10_000;
    const untilMs = banned ? Number(banned[1]) : Math.ceil((now + 1) / windowMs) * windowMs;
    this.limits.block(
      untilMs,
      `the exchange answered ${status} (${code} ${msg})`,
      status === 418,
      code === -1003,
    );
    this.#notify({ type: "rate-limited", status, untilMs });
  }
}

/** Tells a prompt listener of `result`. */
function tell(prompt: PromptAnswer, result: unknown): void {
  try {
    prompt.answered(result);
  } catch { /* a listener's bug must not keep the answer from the observer and the caller */ }
}

function methodName(index: number): string {
  return index >= 0 ? METHOD_NAMES[index]! : "request";
}

/** Tells `observer` the frame was handed to the socket. A throw stops here: the order may be on its way. */
function afterSend(
  observer: OrderObserver,
  cid: string,
  method: string,
  params: Params,
  cidKey: string,
): void {
  try {
    observer.afterSend?.(cid, method, params, cidKey);
  } catch {
    // An observer's bug must not turn an order that left into a failed call (a caller could send it again).
  }
}

/**
 * A 5xx answer Binance documents as a plain failure, not an unknown outcome: -1008 (throttled by the
 * system-level protection), 503 "Service Unavailable." and 503 "Internal error; unable to process your
 * request…" (ws-fapi.md §7). Any other 5xx may have executed.
 */
function clearFailure(code: number, msg: string): boolean {
  return code === -1008 || msg.startsWith("Service Unavailable") ||
    msg.startsWith("Internal error; unable to process");
}
