/**
 * Order round trip, one order in flight: `Router.placeOrder` (HMAC-signed, and Ed25519 session) against a
 * ws-fapi server in a separate process on loopback — the simulator, or with `BENCH_RTT_SERVER=node` the
 * independent Node `ws` server of bench/servers/node_ws_fapi_server.mjs — each next to the raw floor of the same auth mode —
 * this runtime's bare `WebSocket` sending pre-built frames to the same server and resolving on the answer
 * with the request's id: HMAC-signed frames for the HMAC Router; `session.logon` then unsigned frames for the
 * Ed25519 session Router (the server does less per order in a session, so only a session floor is its floor).
 * Contenders run interleaved in rounds; every order is a non-crossing LIMIT IOC (it expires, holds no margin),
 * so the order work is the same for all and only the auth work differs, by mode. Reports p50/p99/p99.9 in µs.
 *
 * Against the Node server the contenders alternate one order at a time (round of 1, the first of each round
 * rotating), so the Router and its floor see the same moment of the machine to within one round trip.
 *
 * Run: `deno run -A bench/round_trip.ts` or `bun bench/round_trip.ts`
 * (`BENCH_SIM_URL` = an already running `bench/servers/sim_server.ts`, else one is started;
 * `BENCH_RTT_SERVER=node` for the Node ws-fapi server (`deno task bench:rtt-node` runs it on both runtimes);
 * `BENCH_RTT_ROUND` = orders per contender per round; `BENCH_RTT_ORDERS`, `BENCH_QUICK=1`;
 * `BENCH_RTT_WARMUP` = orders per contender left out first, default 2,000).
 */
import process from "node:process";
import { Router } from "../lib/router/router.ts";
import { API_KEY, ED25519_API_KEY, ED25519_PRIVATE_PEM, IOC_ORDER, SECRET_KEY } from "./_fixtures.ts";
import {
  FLOOR_AUTH_LABEL,
  type FloorAuth,
  floorResultName,
  routerResultName,
} from "./_support/floor_auth.ts";
import { rawFloorSocket } from "./_support/raw_floor.ts";
import { type RoundTripContender, runInterleaved } from "./_support/interleave.ts";
import { printResults } from "./_support/print.ts";
import { recordResults, summaryResults } from "./_support/results.ts";
import { runtimeLabel } from "./_support/runtime.ts";
import { SIZES } from "./_support/settings.ts";
import { type SimProcess, startSimProcess } from "./_support/sim_process.ts";
import { type NodeFapiProcess, startNodeFapiServer } from "./_support/node_fapi_process.ts";

/** Which server the orders go to: our simulator (default) or the independent Node `ws` server. */
const SERVER = process.env.BENCH_RTT_SERVER === "node" ? "node" : "sim";
/** Result names against the Node server carry its name, so both sets live in results.json side by side. */
const SUFFIX = SERVER === "node" ? " → Node ws-fapi server" : "";
const ROUND = Number(process.env.BENCH_RTT_ROUND ?? (SERVER === "node" ? 1 : 500));

async function rawWebSocketFloor(
  url: string,
  auth: FloorAuth,
): Promise<RoundTripContender & { close(): void }> {
  const socket = await rawFloorSocket(url, auth);
  return {
    name: floorResultName("raw WebSocket", auth) + SUFFIX,
    prepareRound: (count) => socket.prepare(count),
    once: socket.once,
    verify: () => socket.verify(),
    close: () => socket.close(),
  };
}

function routerContender(name: string, router: Router): RoundTripContender {
  return {
    name,
    async once() {
      const ack = await router.placeOrder(IOC_ORDER);
      if (ack.orderId === undefined) throw new Error(`${name}: ack without orderId`);
    },
  };
}

async function main(): Promise<void> {
  let sim: SimProcess | NodeFapiProcess | undefined;
  const url = SERVER === "node"
    ? (sim = await startNodeFapiServer()).url
    : process.env.BENCH_SIM_URL ?? (sim = await startSimProcess()).url;
  const hmacRouter = await Router.connect({ url, apiKey: API_KEY, secretKey: SECRET_KEY });
  const edRouter = await Router.connect({ url, apiKey: ED25519_API_KEY, privateKeyPem: ED25519_PRIVATE_PEM });
  const hmacFloor = await rawWebSocketFloor(url, "hmac");
  const edFloor = await rawWebSocketFloor(url, "ed25519-session");
  try {
    const contenders = [
      routerContender(routerResultName("hmac") + SUFFIX, hmacRouter),
      hmacFloor,
      routerContender(routerResultName("ed25519-session") + SUFFIX, edRouter),
      edFloor,
    ];
    const orders = SIZES.rttOrders;
    const samples = await runInterleaved(contenders, {
      orders,
      round: ROUND,
      warmup: Number(process.env.BENCH_RTT_WARMUP ?? Math.min(2000, orders)),
      maxSeconds: 600,
    });
    const results = summaryResults(samples, "round trip", "µs");
    // Router ÷ floor of the same auth mode, from the same interleaved run (p50 and p99 each divided).
    for (const auth of ["hmac", "ed25519-session"] as const) {
      const router = results.find((r) => r.name === routerResultName(auth) + SUFFIX);
      const floor = results.find((r) => r.name === floorResultName("raw WebSocket", auth) + SUFFIX);
      if (router === undefined || floor === undefined) continue;
      results.push({
        name: `order RTT ratio: Router ÷ raw WebSocket floor, ${FLOOR_AUTH_LABEL[auth]}${SUFFIX}`,
        group: "round trip",
        median: router.median / floor.median,
        p99: router.p99 / floor.p99,
        unit: "ratio",
        n: router.n ?? 0,
      });
    }
    printResults(
      `order round trip, one in flight, ${runtimeLabel()} client → ${
        SERVER === "node" ? "Node ws-fapi server" : "simulator"
      } process (loopback), ${ROUND} per contender per round`,
      results,
    );
    recordResults(results);
  } finally {
    hmacFloor.close();
    edFloor.close();
    await hmacRouter.close();
    await edRouter.close();
    await sim?.stop();
  }
}

await main();
process.exit(0);
