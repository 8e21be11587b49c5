/**
 * Control-plane overhead: `POST /orders` to the gateway (main.ts on this runtime, in its own process, in
 * custom-endpoint mode against the simulator process) until the ack JSON is read, next to the WebSocket round
 * trip of the same order through a `Router` in this process to the same simulator, and next to the bare HTTP
 * floor (this runtime's own HTTP server answering a fixed ack, `bench/servers/http_floor_server.ts`).
 * Overhead = HTTP median − WS median (and the same for p99, as a rough bound). Interleaved rounds, one
 * request in flight. Note the 2-core machine runs client, gateway and simulator at once here.
 *
 * Run: `deno run -A bench/control_plane.ts` or `bun bench/control_plane.ts` (`BENCH_SIM_URL` optional,
 * `BENCH_CONTROL_ORDERS`, `BENCH_QUICK=1`).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { Router } from "../lib/router/router.ts";
import { API_KEY, IOC_ORDER, SECRET_KEY } from "./_fixtures.ts";
import { type Child, runtimeCommand, spawnChild } from "./_support/children.ts";
import { type RoundTripContender, runInterleaved } from "./_support/interleave.ts";
import { printResults } from "./_support/print.ts";
import { type NewResult, recordResults } from "./_support/results.ts";
import { runtimeLabel, runtimeName } from "./_support/runtime.ts";
import { SIZES } from "./_support/settings.ts";
import { type SimProcess, startSimProcess } from "./_support/sim_process.ts";
import { summarize } from "./_support/stats.ts";

const BODY = JSON.stringify(IOC_ORDER);

function httpContender(name: string, url: string): RoundTripContender {
  return {
    name,
    async once() {
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: BODY,
      });
      const ack = await res.json() as { orderId?: number };
      if (res.status !== 200 || ack.orderId === undefined) {
        throw new Error(`${name}: HTTP ${res.status} ${JSON.stringify(ack)}`);
      }
    },
  };
}

async function startGateway(simUrl: string, dataDir: string): Promise<{ child: Child; controlUrl: string }> {
  const runtime = runtimeName() === "bun" ? "bun" : "deno";
  const [cmd, args] = runtimeCommand(runtime, "main.ts");
  const child = spawnChild(`gateway (${runtime})`, cmd, [...args, "--port", "0", "--data-dir", dataDir], {
    env: { BINANCE_WS_URL: simUrl, BINANCE_API_KEY: API_KEY, BINANCE_SECRET_KEY: SECRET_KEY, NO_COLOR: "1" },
  });
  const m = await child.waitForLine(/control\s+(http:\/\/127\.0\.0\.1:\d+)/, 30_000);
  return { child, controlUrl: m[1]! };
}

async function startHttpFloor(): Promise<{ child: Child; url: string }> {
  const runtime = runtimeName() === "bun" ? "bun" : "deno";
  const [cmd, args] = runtimeCommand(runtime, "bench/servers/http_floor_server.ts");
  const child = spawnChild(`HTTP floor (${runtime})`, cmd, args);
  const m = await child.waitForLine(/^HTTP_FLOOR (http:\/\/127\.0\.0\.1:\d+)$/m, 30_000);
  return { child, url: m[1]! };
}

async function main(): Promise<void> {
  let sim: SimProcess | undefined;
  const simUrl = process.env.BENCH_SIM_URL ?? (sim = await startSimProcess()).url;
  const dataDir = mkdtempSync(join(tmpdir(), "lightning-bench-gateway-"));
  const gateway = await startGateway(simUrl, dataDir);
  const floor = await startHttpFloor();
  const router = await Router.connect({ url: simUrl, apiKey: API_KEY, secretKey: SECRET_KEY });
  try {
    const http = "control plane: HTTP POST /orders → ack";
    const ws = "control plane: same order, Router WS RTT";
    const bare = `control plane: bare HTTP POST floor (${runtimeName()} server, fixed ack)`;
    const contenders: RoundTripContender[] = [
      httpContender(http, `${gateway.controlUrl}/orders`),
      {
        name: ws,
        async once() {
          const ack = await router.placeOrder(IOC_ORDER);
          if (ack.orderId === undefined) throw new Error("router: ack without orderId");
        },
      },
      httpContender(bare, `${floor.url}/orders`),
    ];
    const orders = SIZES.controlOrders;
    const samples = await runInterleaved(contenders, {
      orders,
      round: 250,
      warmup: Math.min(1000, orders),
      maxSeconds: 600,
    });
    const s = new Map([...samples].map(([name, v]) => [name, summarize(v)]));
    const results: NewResult[] = [...s].map(([name, sum]) => ({
      name,
      group: "control plane",
      median: sum.median,
      p99: sum.p99,
      p999: sum.p999,
      n: sum.n,
      unit: "µs",
    }));
    results.push({
      name: "control-plane overhead (HTTP POST − WS RTT)",
      group: "control plane",
      median: s.get(http)!.median - s.get(ws)!.median,
      p99: s.get(http)!.p99 - s.get(ws)!.p99,
      unit: "µs",
      note: "difference of medians (p99: difference of p99s)",
    });
    results.push({
      name: "control-plane overhead above bare HTTP (HTTP POST − WS RTT − HTTP floor)",
      group: "control plane",
      median: s.get(http)!.median - s.get(ws)!.median - s.get(bare)!.median,
      p99: s.get(http)!.p99 - s.get(ws)!.p99 - s.get(bare)!.p99,
      unit: "µs",
      note: "gateway work beyond what any HTTP round trip costs on this runtime",
    });
    printResults(`control plane, ${runtimeLabel()} client + gateway, simulator process`, results);
    recordResults(results);
  } finally {
    await router.close();
    await gateway.child.stop();
    await floor.child.stop();
    await sim?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
process.exit(0);
