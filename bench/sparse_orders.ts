/**
 * Round trips at a trader's pace: one order per contender every `BENCH_SPARSE_GAP_MS` (20 ms), in a new
 * random order each cycle, after a dense warm-up. Every other round-trip benchmark sends orders back to
 * back, 250 to a contender in a row, so the code and data of the order path stay in the core's caches. A
 * trader who places an order now and then (curl, or a strategy that trades on a signal) meets them cold, and
 * between two orders the machine's other processes run. Contenders: the gateway over HTTP and its local
 * socket, the plain bridge (none of this project's code) over both, the bare HTTP server, and the Router in
 * this process (its WebSocket round trip). What the gateway adds above the bridge here, against the same
 * difference in `control_plane.ts`, is what its code costs cold.
 *
 * Run: `deno run -A bench/sparse_orders.ts` or `bun bench/sparse_orders.ts`. Environment:
 * `BENCH_SPARSE_CYCLES` (400), `BENCH_SPARSE_GAP_MS` (20), `BENCH_SPARSE_WARMUP` (2,000 dense orders per
 * contender first), `BENCH_COMPARE_MAIN=<other tree>/main.ts` (that gateway is a contender too), and
 * `BENCH_SPARSE_SECOND_ENV="K=V …"`: a second gateway of this tree with that environment is a contender too
 * (e.g. `ROUTER_WARM_MS=0`, the order path's warm-up off).
 */
import process from "node:process";
import { setTimeout as sleep } from "node:timers/promises";
import { mulberry32 } from "../lib/sim/prng.ts";
import { Router } from "../lib/router/router.ts";
import { API_KEY, IOC_ORDER, SECRET_KEY } from "./_fixtures.ts";
import { startBridgeFloor } from "./_support/bridge_floor.ts";
import { runtimeCommand, spawnChild } from "./_support/children.ts";
import { LocalSocketClient, postOrder, startGateway } from "./_support/gateway_process.ts";
import { runtimeLabel, runtimeName } from "./_support/runtime.ts";
import { startSimProcess } from "./_support/sim_process.ts";
import { summarize } from "./_support/stats.ts";

/** RESULT: the ack says EXPIRED, so no order stays tracked (as in control_plane.ts). */
const ORDER = { ...IOC_ORDER, newOrderRespType: "RESULT" } as const;
const BODY = JSON.stringify(ORDER);
const CYCLES = Number(process.env.BENCH_SPARSE_CYCLES ?? 400);
const GAP_MS = Number(process.env.BENCH_SPARSE_GAP_MS ?? 20);
const WARMUP = Number(process.env.BENCH_SPARSE_WARMUP ?? 2000);

interface Contender {
  name: string;
  once(): Promise<unknown>;
}

function viaSocket(name: string, socket: LocalSocketClient): Contender {
  return { name, once: () => socket.request("place", ORDER) };
}

const runtime = runtimeName() === "bun" ? "bun" : "deno";
const sim = await startSimProcess();
const gateway = await startGateway(sim.url);
const compareMain = process.env.BENCH_COMPARE_MAIN;
const secondEnv = process.env.BENCH_SPARSE_SECOND_ENV;
const other = compareMain !== undefined
  ? await startGateway(sim.url, compareMain)
  : secondEnv !== undefined
  ? await startGateway(
    sim.url,
    "main.ts",
    Object.fromEntries(secondEnv.split(" ").filter((f) => f.includes("=")).map((f) => f.split("=", 2))),
  )
  : undefined;
const otherLabel = compareMain ?? secondEnv;
const bridge = await startBridgeFloor(sim.url);
const [floorCmd, floorArgs] = runtimeCommand(runtime, "bench/servers/http_floor_server.ts");
const floorChild = spawnChild(`HTTP floor (${runtime})`, floorCmd, floorArgs);
const floorUrl = (await floorChild.waitForLine(/^HTTP_FLOOR (http:\/\/127\.0\.0\.1:\d+)$/m, 30_000))[1]!;
const router = await Router.connect({ url: sim.url, apiKey: API_KEY, secretKey: SECRET_KEY });
const gatewaySocket = await LocalSocketClient.connect(gateway.controlUrl);
const bridgeSocket = await LocalSocketClient.connect(bridge.url);
const otherSocket = other === undefined ? undefined : await LocalSocketClient.connect(other.controlUrl);

const contenders: Contender[] = [
  { name: "gateway, HTTP", once: () => postOrder(gateway.controlUrl, BODY) },
  viaSocket("gateway, local socket", gatewaySocket),
  { name: "bridge, HTTP", once: () => postOrder(bridge.url, BODY) },
  viaSocket("bridge, local socket", bridgeSocket),
  { name: "HTTP floor", once: () => postOrder(floorUrl, BODY) },
  { name: "Router WS RTT", once: () => router.placeOrder(ORDER) },
];
if (other !== undefined && otherSocket !== undefined) {
  contenders.push(
    { name: `gateway, HTTP [${otherLabel}]`, once: () => postOrder(other.controlUrl, BODY) },
    viaSocket(`gateway, local socket [${otherLabel}]`, otherSocket),
  );
}

try {
  console.log(
    `Sparse orders, ${runtimeLabel()}: ${WARMUP} dense warm-up orders per contender, then ${CYCLES} cycles of ` +
      `one order each, ${GAP_MS} ms apart`,
  );
  for (const c of contenders) for (let i = 0; i < WARMUP; i++) await c.once();
  const samples = new Map(contenders.map((c) => [c.name, new Float64Array(CYCLES)]));
  const random = mulberry32(0x5a5e);
  const order = [...contenders];
  for (let cycle = 0; cycle < CYCLES; cycle++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const c of order) {
      await sleep(GAP_MS / order.length);
      const t0 = performance.now();
      await c.once();
      samples.get(c.name)![cycle] = (performance.now() - t0) * 1000;
    }
  }
  const median = new Map<string, number>();
  for (const [name, s] of samples) {
    const sum = summarize(s);
    median.set(name, sum.median);
    console.log(
      `${name.padEnd(48)} median ${sum.median.toFixed(1).padStart(7)} µs   p99 ${sum.p99.toFixed(1)} µs`,
    );
  }
  const m = (name: string) => median.get(name)!;
  console.log(
    `gateway above the bridge, HTTP:         ${(m("gateway, HTTP") - m("bridge, HTTP")).toFixed(1)} µs`,
  );
  console.log(
    `gateway above the bridge, local socket: ${
      (m("gateway, local socket") - m("bridge, local socket")).toFixed(1)
    } µs`,
  );
  if (otherLabel !== undefined) {
    console.log(
      `[${otherLabel}] above the bridge, HTTP / local socket: ${
        (m(`gateway, HTTP [${otherLabel}]`) - m("bridge, HTTP")).toFixed(1)
      } / ${(m(`gateway, local socket [${otherLabel}]`) - m("bridge, local socket")).toFixed(1)} µs`,
    );
  }
} finally {
  gatewaySocket.close();
  bridgeSocket.close();
  otherSocket?.close();
  await router.close();
  await Promise.all([gateway.stop(), other?.stop(), bridge.child.stop(), floorChild.stop(), sim.stop()]);
}
