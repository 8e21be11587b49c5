/**
 * Where an order round trip's time goes, Router next to its raw floor, one order at a time against the Node
 * ws-fapi server (bench/servers/node_ws_fapi_server.mjs). The runtime's `WebSocket` is replaced, before any
 * socket opens, by a subclass that stamps `performance.now()` when `send` is entered and left and when a
 * message event is dispatched to the socket's handler; with the caller's own stamps around `once()` each round
 * trip splits into:
 * - `before send`: from the call to `send` entered (build, sign, track — nothing for the floor's pre-built frame);
 * - `send`: inside the runtime's `send`;
 * - `wire + server`: from `send` returned to the message handler entered (kernel, server, event-loop wake-up);
 * - `after receive`: from the handler to the caller's `await` returning (parse, settle, promise hops).
 * Medians per stage, µs. The stamps cost the same for every contender. A third contender per auth mode is the
 * floor building and signing each frame (same encoder) inside the timed region: Router minus it is the
 * Router's overhead beyond the build + sign that any per-order-signing client pays.
 *
 * Run: `deno run -A bench/profile/rtt_stages.ts` or `bun bench/profile/rtt_stages.ts`
 * (`BENCH_RTT_ORDERS`, default 5000 per contender; `BENCH_PRE_TRADE=off` connects the Routers with
 * `preTrade: false`, to see what the pre-trade checks add; `BENCH_SPIN=1` keeps the event loop spinning, so
 * that no stage starts from a thread that slept).
 */
import process from "node:process";
import { quantile } from "../_support/stats.ts";

const Base = globalThis.WebSocket;
let sendIn = 0;
let sendOut = 0;
let received = 0;

/** The runtime's WebSocket with stamps on send and on message dispatch. */
class StampedWebSocket extends Base {
  override send(data: string | BufferSource | Blob): void {
    sendIn = performance.now();
    super.send(data);
    sendOut = performance.now();
  }
  override set onmessage(handler: ((ev: MessageEvent) => unknown) | null) {
    super.onmessage = handler === null ? null : (ev: MessageEvent) => {
      received = performance.now();
      return handler.call(this, ev);
    };
  }
  override get onmessage(): ((ev: MessageEvent) => unknown) | null {
    return super.onmessage;
  }
}
globalThis.WebSocket = StampedWebSocket as typeof WebSocket;

const { Router } = await import("../../lib/router/router.ts");
const { API_KEY, ED25519_API_KEY, ED25519_PRIVATE_PEM, IOC_ORDER, SECRET_KEY } = await import(
  "../_fixtures.ts"
);
const { rawFloorSocket } = await import("../_support/raw_floor.ts");
const { startNodeFapiServer } = await import("../_support/node_fapi_process.ts");
const { runtimeLabel } = await import("../_support/runtime.ts");

const STAGES = ["total", "before send", "send", "wire + server", "after receive"] as const;

interface Contender {
  name: string;
  prepare(): void;
  once(): Promise<unknown>;
  samples: Float64Array[];
}

const server = await startNodeFapiServer(900);
const preTrade = process.env.BENCH_PRE_TRADE !== "off";
const orders = Number(process.env.BENCH_RTT_ORDERS ?? 5000);
const warmup = 2000;
const contenders: Contender[] = [];
const closers: (() => unknown)[] = [];
for (const auth of ["hmac", "ed25519-session"] as const) {
  const router = auth === "hmac"
    ? await Router.connect({ url: server.url, apiKey: API_KEY, secretKey: SECRET_KEY, preTrade })
    : await Router.connect({
      url: server.url,
      apiKey: ED25519_API_KEY,
      privateKeyPem: ED25519_PRIVATE_PEM,
      preTrade,
    });
  closers.push(() => router.close());
  const floor = await rawFloorSocket(server.url, auth);
  closers.push(() => floor.close());
  const make = () => STAGES.map(() => new Float64Array(orders));
  contenders.push({
    name: `Router, ${auth}`,
    prepare() {},
    once: () => router.placeOrder(IOC_ORDER),
    samples: make(),
  });
  contenders.push({
    name: `floor, ${auth}`,
    prepare: () => floor.prepare(1),
    once: floor.once,
    samples: make(),
  });
  // The same floor building and signing its frame inside the timed region: what any client that signs per
  // order pays, so Router − this = the Router's own overhead beyond build + sign.
  const live = await rawFloorSocket(server.url, auth);
  closers.push(() => live.close());
  contenders.push({
    name: `floor+build, ${auth}`,
    prepare() {},
    once: () => {
      live.prepare(1);
      return live.once();
    },
    samples: make(),
  });
}

// `BENCH_SPIN=1`: the event loop never sleeps (a `setImmediate` chain), so the thread polls instead of
// blocking between orders: what an idle wait (and its wake-up on a VM) costs each stage.
let spinning = process.env.BENCH_SPIN === "1";
const spin = () => {
  if (spinning) setImmediate(spin);
};
if (spinning) setImmediate(spin);
for (let i = 0; i < warmup; i++) {
  for (const c of contenders) {
    c.prepare();
    await c.once();
  }
}
for (let i = 0; i < orders; i++) {
  const first = i % contenders.length;
  for (const c of [...contenders.slice(first), ...contenders.slice(0, first)]) {
    c.prepare();
    const t0 = performance.now();
    await c.once();
    const t1 = performance.now();
    const s = c.samples;
    s[0]![i] = (t1 - t0) * 1000;
    s[1]![i] = (sendIn - t0) * 1000;
    s[2]![i] = (sendOut - sendIn) * 1000;
    s[3]![i] = (received - sendOut) * 1000;
    s[4]![i] = (t1 - received) * 1000;
  }
}

const spun = spinning;
spinning = false;
console.log(
  `\nround-trip stages, ${runtimeLabel()} → Node ws-fapi server, pre-trade checks ${preTrade ? "on" : "off"}${
    spun ? ", event loop spinning" : ""
  }, medians in µs (n=${orders} each)`,
);
console.log("contender".padEnd(28) + STAGES.map((s) => s.padStart(15)).join(""));
for (const c of contenders) {
  const med = c.samples.map((s) => quantile(s.slice().sort(), 0.5));
  console.log(c.name.padEnd(28) + med.map((v) => v.toFixed(1).padStart(15)).join(""));
}
for (const close of closers) await close();
await server.stop();
process.exit(0);
