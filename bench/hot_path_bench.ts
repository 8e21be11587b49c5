/**
 * Hot-path micro-benchmarks (deno bench): order build + sign, and ack resolution (text frame in → caller's
 * promise resolved with the result readable).
 */
import { createHmacSigner } from "../lib/signing/hmac_signer.ts";
import { FrameEncoder } from "../lib/wire/frame_encoder.ts";
import { METHODS } from "../lib/wire/methods.ts";
import { ServerClock } from "../lib/connection/server_clock.ts";
import { type FrameSink, RequestPipeline } from "../lib/orders/request_pipeline.ts";
import { ClientOrderIds } from "../lib/orders/client_order_ids.ts";
import type { Params } from "../lib/types.ts";
import { ackFrame, API_KEY, LIMIT_ORDER, SECRET_KEY } from "./_fixtures.ts";

const PLACE = METHODS["order.place"]!;
const order = LIMIT_ORDER as unknown as Params;
const hmac = new FrameEncoder({
  auth: { kind: "hmac", apiKey: API_KEY, signer: createHmacSigner(SECRET_KEY) },
});
const session = new FrameEncoder({ auth: { kind: "session", apiKey: API_KEY } });
const ids = new ClientOrderIds();
const clock = new ServerClock();
let n = 0;

Deno.bench({ name: "order build + HMAC sign (order.place LIMIT)", group: "build", baseline: true }, () => {
  hmac.encode(++n, PLACE, order, clock.now(), "newClientOrderId", ids.next());
});

Deno.bench({ name: "order build, Ed25519 session (no signature)", group: "build" }, () => {
  session.encode(++n, PLACE, order, clock.now(), "newClientOrderId", ids.next());
});

const sink: FrameSink & { last: string } = {
  generation: 1,
  last: "",
  send(text: string) {
    this.last = text;
    return true;
  },
};
const pipeline = new RequestPipeline({
  encoder: session,
  clock,
  timeoutMs: 60_000,
  capacity: 4096,
  rateLimitHeadroom: 0.05,
  notify: () => {},
});
let nextId = 1;

Deno.bench({ name: "ack resolution (frame → promise resolved, result read)", group: "ack" }, async (b) => {
  const id = nextId++;
  const p = pipeline.send(sink, PLACE, order, "newClientOrderId", "lr-x-" + id);
  const frame = ackFrame(id);
  b.start();
  pipeline.onFrame(frame);
  const result = await p as { orderId: number };
  b.end();
  if (result.orderId !== 336829446) throw new Error("wrong result");
});
