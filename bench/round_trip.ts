/**
 * Order round trip, one order in flight: `Router.placeOrder` (HMAC-signed, and Ed25519 session) against the
 * simulator running in a separate process on loopback, each next to the raw floor of the same auth mode —
 * this runtime's bare `WebSocket` sending pre-built frames to the same server and resolving on the answer
 * with the request's id: HMAC-signed frames for the HMAC Router; `session.logon` then unsigned frames for the
 * Ed25519 session Router (the server does less per order in a session, so only a session floor is its floor).
 * Contenders run interleaved in rounds; every order is a non-crossing LIMIT IOC (it expires, holds no margin),
 * so the order work is the same for all and only the auth work differs, by mode. Reports p50/p99/p99.9 in µs.
 *
 * Run: `deno run -A bench/round_trip.ts` or `bun bench/round_trip.ts`
 * (`BENCH_SIM_URL` = an already running `bench/servers/sim_server.ts`, else one is started;
 * `BENCH_RTT_ORDERS`, `BENCH_QUICK=1`).
 */
import process from "node:process";
import { Router } from "../lib/router/router.ts";
import { API_KEY, ED25519_API_KEY, ED25519_PRIVATE_PEM, IOC_ORDER, SECRET_KEY } from "./_fixtures.ts";
import { type FloorAuth, floorResultName, routerResultName } from "./_support/floor_auth.ts";
import { rawFloorSocket } from "./_support/raw_floor.ts";
import { type RoundTripContender, runInterleaved } from "./_support/interleave.ts";
import { printResults } from "./_support/print.ts";
import { recordResults, summaryResults } from "./_support/results.ts";
import { runtimeLabel } from "./_support/runtime.ts";
import { SIZES } from "./_support/settings.ts";
import { type SimProcess, startSimProcess } from "./_support/sim_process.ts";

async function rawWebSocketFloor(
  url: string,
  auth: FloorAuth,
): Promise<RoundTripContender & { close(): void }> {
  const socket = await rawFloorSocket(url, auth);
  return {
    name: floorResultName("raw WebSocket", auth),
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
  let sim: SimProcess | undefined;
  const url = process.env.BENCH_SIM_URL ?? (sim = await startSimProcess()).url;
  const hmacRouter = await Router.connect({ url, apiKey: API_KEY, secretKey: SECRET_KEY });
  const edRouter = await Router.connect({ url, apiKey: ED25519_API_KEY, privateKeyPem: ED25519_PRIVATE_PEM });
  const hmacFloor = await rawWebSocketFloor(url, "hmac");
  const edFloor = await rawWebSocketFloor(url, "ed25519-session");
  try {
    const contenders = [
      routerContender(routerResultName("hmac"), hmacRouter),
      hmacFloor,
      routerContender(routerResultName("ed25519-session"), edRouter),
      edFloor,
    ];
    const orders = SIZES.rttOrders;
    const samples = await runInterleaved(contenders, {
      orders,
      round: 500,
      warmup: Math.min(2000, orders),
      maxSeconds: 600,
    });
    const results = summaryResults(samples, "round trip", "µs");
    printResults(
      `order round trip, one in flight, ${runtimeLabel()} client → simulator process (loopback)`,
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
