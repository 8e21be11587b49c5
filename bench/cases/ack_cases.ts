/**
 * The contenders of the "ack resolution" comparison — from a received text frame to the caller's promise
 * resolved and its result's common fields read: this router's RequestPipeline (id scanned from the frame's
 * first bytes, O(1) slot, the ack's common fields scanned without JSON.parse, the rest parsed only if read,
 * rateLimits read two microtasks later — inside the measured time here, since nothing else runs), the
 * hand-written alternative (JSON.parse, Map lookup, resolve), and JSON.parse of the frame alone for scale.
 * Plus the whole client-side CPU of one order without a socket: pipeline.send (build + sign + track)
 * followed by the ack.
 *
 * Two forms of each ack contender. "→ await" delivers one ack per mitata iteration: the figure includes the
 * harness (mitata awaits an `async` settle: two promises, their hops and mitata's loop, all per ack; the
 * difference between the two forms of one contender is mostly that). "×64 → each caller reads" delivers
 * {@linkcode ACKS_PER_BATCH} prepared acks per iteration, synchronously, one after the other, and awaits
 * once: the caller of each ack is an `async` function suspended (untimed, in `prepare`) at `await` on its
 * own promise, whose continuation reads the common fields (orderId, status, clientOrderId, executedQty,
 * updateTime). The timed part holds, per ack, the frame's handling, the resolve, the caller's continuation
 * and its reads, and 1/64 of the harness; micro.ts divides by `acks`. The batch runs as frames arriving back
 * to back in one turn would: microtasks (the deferred rateLimits read, the callers' continuations) run after
 * the 64 frames, not between them. No observer is attached (the router's order tracker and journal read
 * their fields of every ack in their own stage).
 */
import { ServerClock } from "../../lib/pipeline/server_clock.ts";
import { ClientOrderIds } from "../../lib/router/client_order_ids.ts";
import { type FrameSink, RequestPipeline } from "../../lib/pipeline/request_pipeline.ts";
import { createHmacSigner } from "../../lib/signing/hmac_signer.ts";
import { FrameEncoder } from "../../lib/wire/frame_encoder.ts";
import { scanResponseId } from "../../lib/wire/frame_decoder.ts";
import { METHODS } from "../../lib/wire/methods.ts";
import type { OrderResult } from "../../lib/results.ts";
import { ackFrame, API_KEY, LIMIT_ORDER, SECRET_KEY } from "../_fixtures.ts";

export const GROUP_ACK = "ack resolution";
export const GROUP_CLIENT = "client CPU per order (no socket)";

const PLACE = METHODS["order.place"]!;
const ORDER = LIMIT_ORDER;

/** Acks per iteration of the batched ack cases. */
export const ACKS_PER_BATCH = 64;

/** An ack-resolution case: `prepare` (untimed) sends; `settle` (timed) delivers the answers. */
export interface AckCase {
  group: string;
  name: string;
  /** Acks one `settle` delivers: the measured time is divided by it. */
  acks: number;
  /** Sends the requests `settle` will answer. */
  prepare(): PendingAcks;
  /** Delivers the prepared answers; resolves with the last one's orderId (checked by the runner). */
  settle(pending: PendingAcks): Promise<number>;
}

/** Requests sent and not yet answered, with the frames that will answer them. */
export interface PendingAcks {
  frames: string[];
  /** Single form: the caller's promise; batched form: the last caller's read, once all have read. */
  done: Promise<unknown>;
}

/** A sink that keeps the last frame (the pipeline's sockets in benchmarks). */
class LastFrameSink implements FrameSink {
  readonly generation = 1;
  last = "";
  send(text: string): boolean {
    this.last = text;
    return true;
  }
}

const ENCODER = new TextEncoder();
const DECODER = new TextDecoder();

/**
 * The fixture ack for `id`, its rateLimits raised (as the load simulator reports them) so that millions of
 * iterations do not trip the pipeline's own Binance-sized rate-limit guard. Same shape and length class.
 * Decoded from its bytes, as a socket delivers a frame: a flat string. The string `replace` and template
 * literals give is not, and on V8 scanning it costs about twice as much (361 vs 187 ns), which no real ack
 * pays.
 */
function benchAck(id: number): string {
  return DECODER.decode(ENCODER.encode(ackFrame(id).replace(/"limit":\d+/g, '"limit":1000000000')));
}

function idOf(frame: string): number {
  return Number(/^\{"id":(\d+)/.exec(frame)![1]);
}

function pipelineFor(encoder: FrameEncoder): RequestPipeline {
  return new RequestPipeline({
    encoder,
    clock: new ServerClock(),
    timeoutMs: 600_000,
    capacity: 8192,
    rateLimitHeadroom: 0.05,
    notify: () => {},
  });
}

/** What the callers read, summed so no read can be dropped as unused. */
let readSum = 0;

/** A caller: awaits its order's ack, then reads the common fields; returns the orderId. */
async function caller(ack: Promise<unknown>): Promise<number> {
  const order = (await ack) as OrderResult;
  readSum += order.status.length + order.clientOrderId.length + order.executedQty.length + order.updateTime;
  return order.orderId;
}

/** `ACKS_PER_BATCH` requests from `send`, each with a suspended caller, and their answers. */
function batchOf(send: () => { promise: Promise<unknown>; frame: string }): PendingAcks {
  const frames = new Array<string>(ACKS_PER_BATCH);
  let done: Promise<number> | undefined;
  for (let k = 0; k < ACKS_PER_BATCH; k++) {
    const sent = send();
    frames[k] = sent.frame;
    done = caller(sent.promise);
  }
  return { frames, done: done! };
}

/** Ack-resolution cases, each in its single and batched form. */
export function ackCases(): AckCase[] {
  const sink = new LastFrameSink();
  const pipeline = pipelineFor(new FrameEncoder({ auth: { kind: "session", apiKey: API_KEY } }));
  const ids = new ClientOrderIds();
  const waiting = new Map<number, (value: unknown) => void>();
  let handId = 0;
  const sendLightning = () => {
    const promise = pipeline.send(sink, PLACE, ORDER, "newClientOrderId", ids.next());
    return { promise, frame: benchAck(idOf(sink.last)) };
  };
  const sendHand = () => {
    const id = ++handId;
    const promise = new Promise((resolve) => waiting.set(id, resolve));
    return { promise, frame: benchAck(id) };
  };
  /** The hand-written receive path: parse, look the id up, resolve. */
  const receiveHand = (frame: string) => {
    const msg = JSON.parse(frame) as { id: number; result: unknown };
    const resolve = waiting.get(msg.id)!;
    waiting.delete(msg.id);
    resolve(msg.result);
  };
  const single = (send: typeof sendLightning): PendingAcks => {
    const { promise, frame } = send();
    return { frames: [frame], done: promise };
  };
  return [
    {
      group: GROUP_ACK,
      name: "Lightning RequestPipeline.onFrame → await",
      acks: 1,
      prepare: () => single(sendLightning),
      async settle(p) {
        pipeline.onFrame(p.frames[0]!);
        return ((await p.done) as OrderResult).orderId;
      },
    },
    {
      group: GROUP_ACK,
      name: "hand-written: JSON.parse + Map.get + resolve → await",
      acks: 1,
      prepare: () => single(sendHand),
      async settle(p) {
        receiveHand(p.frames[0]!);
        return ((await p.done) as OrderResult).orderId;
      },
    },
    {
      group: GROUP_ACK,
      name: `Lightning RequestPipeline.onFrame ×${ACKS_PER_BATCH} → each caller reads (per ack)`,
      acks: ACKS_PER_BATCH,
      prepare: () => batchOf(sendLightning),
      async settle(p) {
        const frames = p.frames;
        for (let k = 0; k < frames.length; k++) pipeline.onFrame(frames[k]!);
        return (await p.done) as number;
      },
    },
    {
      group: GROUP_ACK,
      name: `hand-written: JSON.parse + Map.get + resolve ×${ACKS_PER_BATCH} → each caller reads (per ack)`,
      acks: ACKS_PER_BATCH,
      prepare: () => batchOf(sendHand),
      async settle(p) {
        const frames = p.frames;
        for (let k = 0; k < frames.length; k++) receiveHand(frames[k]!);
        return (await p.done) as number;
      },
    },
  ];
}

/**
 * mitata's figures for one iteration of `c`, per ack: median and p99 divided by `c.acks`, `n` counting acks.
 *
 * @example
 * ```ts
 * declare const c: AckCase;
 * perAck(c, { p50: 25_600, p99: 51_200, ticks: 1000 }); // { p50: 400, p99: 800, ticks: 64000 } when c.acks is 64
 * ```
 */
export function perAck(
  c: AckCase,
  stats: { p50: number; p99: number; ticks: number },
): { p50: number; p99: number; ticks: number } {
  return { p50: stats.p50 / c.acks, p99: stats.p99 / c.acks, ticks: stats.ticks * c.acks };
}

/**
 * mitata's options for `c`. One ack per iteration is batched (1,024 iterations a sample). A batch of acks is
 * one sample per iteration, always: mitata batches only what its warm-up times under 65 µs, which a batch of
 * 64 acks is on some runs and not on others (and a batch of batches holds 4,096 requests prepared at once).
 *
 * @example
 * ```ts
 * declare const c: AckCase;
 * measureOptionsOf(c); // { batch_samples: 1024, batch_threshold: 65536 } when c.acks is 1
 * ```
 */
export function measureOptionsOf(c: AckCase): { batch_samples: number; batch_threshold: number } {
  return c.acks === 1
    ? { batch_samples: 1024, batch_threshold: 65_536 }
    : { batch_samples: 1, batch_threshold: 0 };
}

/** Synchronous reference: JSON.parse of the ack frame alone (what any full parse costs). */
export function jsonParseOnly(): () => unknown {
  const frame = benchAck(123456);
  return () => JSON.parse(frame);
}

/**
 * The whole client-side CPU of one order with no socket: `pipeline.send` (rate-limit check, id, build, HMAC
 * sign, track) and, as the frame leaves, its ack fed back through `onFrame`, then the caller's await.
 */
export function clientCpuPerOrder(): () => Promise<unknown> {
  // The answer is the fixture ack with the request's id spliced in (one string concatenation).
  const ackTail = benchAck(0).slice('{"id":0'.length);
  const echo: FrameSink = {
    generation: 1,
    send(text: string) {
      const id = scanResponseId(text);
      queueMicrotask(() => pipeline.onFrame('{"id":' + id + ackTail));
      return true;
    },
  };
  const pipeline = pipelineFor(
    new FrameEncoder({ auth: { kind: "hmac", apiKey: API_KEY, signer: createHmacSigner(SECRET_KEY) } }),
  );
  const ids = new ClientOrderIds();
  return () => pipeline.send(echo, PLACE, ORDER, "newClientOrderId", ids.next());
}
