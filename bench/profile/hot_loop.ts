/**
 * One hot path in a loop, for a CPU profile (`--cpu-prof`): `build-sign` (FrameEncoder.encode, HMAC),
 * `client-cpu` (pipeline.send + ack through onFrame, no socket), `rtt` (Router.placeOrder against the
 * simulator at BENCH_SIM_URL, one in flight) or `http` (POST /orders to the gateway at BENCH_CONTROL_URL).
 * Runs for BENCH_PROFILE_SECONDS (default 5), then exits so the profiler writes its file.
 *
 * Run: `deno run -A --cpu-prof --cpu-prof-dir=DIR bench/profile/hot_loop.ts build-sign`
 *      `bun --cpu-prof --cpu-prof-dir=DIR bench/profile/hot_loop.ts rtt`
 */
import process from "node:process";
import { ServerClock } from "../../lib/pipeline/server_clock.ts";
import { ClientOrderIds } from "../../lib/router/client_order_ids.ts";
import { Router } from "../../lib/router/router.ts";
import { createHmacSigner } from "../../lib/signing/hmac_signer.ts";
import { FrameEncoder } from "../../lib/wire/frame_encoder.ts";
import { METHODS } from "../../lib/wire/methods.ts";
import { API_KEY, IOC_ORDER, LIMIT_ORDER, SECRET_KEY } from "../_fixtures.ts";
import { clientCpuPerOrder } from "../cases/ack_cases.ts";

const mode = process.argv[2] ?? "build-sign";
const seconds = Number(process.env.BENCH_PROFILE_SECONDS ?? 5);
const until = performance.now() + seconds * 1000;
let count = 0;

if (mode === "build-sign") {
  const encoder = new FrameEncoder({
    auth: { kind: "hmac", apiKey: API_KEY, signer: createHmacSigner(SECRET_KEY) },
  });
  const clock = new ServerClock();
  const ids = new ClientOrderIds();
  const place = METHODS["order.place"]!;
  let length = 0;
  while (performance.now() < until) {
    for (let i = 0; i < 1000; i++) {
      length += encoder.encode(
        ++count,
        place,
        LIMIT_ORDER,
        clock.now(),
        "newClientOrderId",
        ids.next(),
      ).length;
    }
  }
  if (length === 0) throw new Error("nothing built");
} else if (mode === "client-cpu") {
  const order = clientCpuPerOrder();
  while (performance.now() < until) {
    for (let i = 0; i < 1000; i++, count++) await order();
  }
} else if (mode === "rtt") {
  const url = process.env.BENCH_SIM_URL;
  if (!url) throw new Error("BENCH_SIM_URL is required");
  const router = await Router.connect({ url, apiKey: API_KEY, secretKey: SECRET_KEY });
  while (performance.now() < until) {
    for (let i = 0; i < 100; i++, count++) await router.placeOrder(IOC_ORDER);
  }
  await router.close();
} else if (mode === "http") {
  const url = process.env.BENCH_CONTROL_URL;
  if (!url) throw new Error("BENCH_CONTROL_URL is required");
  const body = JSON.stringify(IOC_ORDER);
  while (performance.now() < until) {
    for (let i = 0; i < 100; i++, count++) {
      const res = await fetch(`${url}/orders`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      });
      await res.arrayBuffer();
    }
  }
} else {
  throw new Error(`unknown mode ${mode}: build-sign | client-cpu | rtt | http`);
}
console.log(`${mode}: ${count} iterations in ${seconds} s`);
process.exit(0);
