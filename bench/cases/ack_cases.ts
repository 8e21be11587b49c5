/**
 * The contenders of the "ack resolution" comparison — from a received text frame to the caller's promise
 * resolved and its result read: this router's RequestPipeline (id scanned from the frame's first bytes, O(1)
 * slot, the ack's common fields scanned without JSON.parse, the rest parsed only if read, rateLimits read two
 * microtasks later — inside the measured time here, since nothing else runs), the hand-written alternative
 * (JSON.parse, Map lookup, resolve), and JSON.parse of the frame alone for scale. Plus the whole client-side CPU of one order without a socket: pipeline.send
 * (build + sign + track) followed by the ack.
 */
import { ServerClock } from "../../lib/pipeline/server_clock.ts";
import { ClientOrderIds } from "../../lib/router/client_order_ids.ts";
import { type FrameSink, RequestPipeline } from "../../lib/pipeline/request_pipeline.ts";
import { createHmacSigner } from "../../lib/signing/hmac_signer.ts";
import { FrameEncoder } from "../../lib/wire/frame_encoder.ts";
import { scanResponseId } from "../../lib/wire/frame_decoder.ts";
import { METHODS } from "../../lib/wire/methods.ts";
import { ackFrame, API_KEY, LIMIT_ORDER, SECRET_KEY } from "../_fixtures.ts";

export const GROUP_ACK = "ack resolution";
export const GROUP_CLIENT = "client CPU per order (no socket)";

const PLACE = METHODS["order.place"]!;
const ORDER = LIMIT_ORDER;

/** A request sent and not yet answered, with the frame that will answer it. */
export interface PendingAck {
  promise: Promise<unknown>;
  frame: string;
}

/** An ack-resolution case: `prepare` (untimed) sends one request; `settle` (timed) delivers its answer. */
export interface AckCase {
  group: string;
  name: string;
  prepare(): PendingAck;
  settle(pending: PendingAck): Promise<number>;
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

/**
 * The fixture ack for `id`, its rateLimits raised (as the load simulator reports them) so that millions of
 * iterations do not trip the pipeline's own Binance-sized rate-limit guard. Same shape and length class.
 */
function benchAck(id: number): string {
  return ackFrame(id).replace(/"limit":\d+/g, '"limit":1000000000');
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

/** Ack-resolution cases. */
export function ackCases(): AckCase[] {
  const sink = new LastFrameSink();
  const pipeline = pipelineFor(new FrameEncoder({ auth: { kind: "session", apiKey: API_KEY } }));
  const ids = new ClientOrderIds();
  const waiting = new Map<number, (value: unknown) => void>();
  let handId = 0;
  return [
    {
      group: GROUP_ACK,
      name: "Lightning RequestPipeline.onFrame → await",
      prepare() {
        const promise = pipeline.send(sink, PLACE, ORDER, "newClientOrderId", ids.next());
        return { promise, frame: benchAck(idOf(sink.last)) };
      },
      async settle(p) {
        pipeline.onFrame(p.frame);
        return ((await p.promise) as { orderId: number }).orderId;
      },
    },
    {
      group: GROUP_ACK,
      name: "hand-written: JSON.parse + Map.get + resolve → await",
      prepare() {
        const id = ++handId;
        const promise = new Promise((resolve) => waiting.set(id, resolve));
        return { promise, frame: benchAck(id) };
      },
      async settle(p) {
        const msg = JSON.parse(p.frame) as { id: number; result: unknown };
        const resolve = waiting.get(msg.id)!;
        waiting.delete(msg.id);
        resolve(msg.result);
        return ((await p.promise) as { orderId: number }).orderId;
      },
    },
  ];
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
