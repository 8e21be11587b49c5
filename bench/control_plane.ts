/**
 * Control-plane overhead: `POST /orders` to the gateway (main.ts on this runtime, in its own process, in
 * custom-endpoint mode against the simulator process) until the ack JSON is read, next to the WebSocket round
 * trip of the same order through a `Router` in this process to the same simulator, and next to the bare HTTP
 * floor (this runtime's own HTTP server answering a fixed ack, `bench/servers/http_floor_server.ts`).
 * Also the local order socket (`GET /ws` of the same gateway, one persistent WebSocket): its place → ack
 * against the target 1.1 × the Router's WS RTT + 15 µs, and next to the runtime's own WebSocket server
 * answering the same message with the fixed ack (the floor server's `GET /ws`): the extra loopback hop alone.
 * And the bare bridge floor (`bench/servers/bridge_floor_server.ts`): a plain bridge of none of this
 * project's code — the runtime's HTTP and WebSocket servers, `node:crypto` HMAC, the runtime's WebSocket to
 * the same simulator — in the gateway's place, over HTTP and as a local socket: what the topology costs (a
 * second process, a second loopback hop) before any gateway does anything, so the gateway's own cost is what it
 * adds above the bridge.
 * Overhead = HTTP median − WS median (and the same for p99, as a rough bound). Interleaved rounds, one
 * request in flight. Note the 2-core machine runs client, gateway and simulator at once here.
 *
 * Run: `deno run -A bench/control_plane.ts` or `bun bench/control_plane.ts` (`BENCH_SIM_URL` optional,
 * `BENCH_CONTROL_ORDERS`, `BENCH_QUICK=1`). `BENCH_COMPARE_MAIN=<other tree>/main.ts` also runs that version's
 * gateway against the same simulator and interleaves its HTTP and local-socket rows with these (a before/after
 * in one run; nothing is recorded then). `BENCH_COMPARE_LIVE=1` runs that second gateway (this tree's, unless
 * BENCH_COMPARE_MAIN says otherwise) as a user does, with the simulator's REST and stream URLs: its user stream,
 * audits and open-order adoption. The first gateway, like every recorded row, has neither.
 */
import process from "node:process";
import { Router } from "../lib/router/router.ts";
import { API_KEY, IOC_ORDER, SECRET_KEY } from "./_fixtures.ts";
import { startBridgeFloor } from "./_support/bridge_floor.ts";
import { type Child, runtimeCommand, spawnChild } from "./_support/children.ts";
import { LocalSocketClient, startGateway } from "./_support/gateway_process.ts";
import { type RoundTripContender, runInterleaved } from "./_support/interleave.ts";
import { printResults } from "./_support/print.ts";
import { type NewResult, recordResults } from "./_support/results.ts";
import { runtimeLabel, runtimeName } from "./_support/runtime.ts";
import { SIZES } from "./_support/settings.ts";
import { type SimProcess, startSimProcess } from "./_support/sim_process.ts";
import { summarize } from "./_support/stats.ts";

/**
 * RESULT: the ack already says EXPIRED, so the gateway's tracker lets the order go. With the default ACK it
 * says NEW and, without a user data stream, the order would stay tracked as open until the local
 * max-open-orders check (-2025) refused new ones.
 */
const ORDER = { ...IOC_ORDER, newOrderRespType: "RESULT" } as const;
const BODY = JSON.stringify(ORDER);

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

async function startHttpFloor(): Promise<{ child: Child; url: string }> {
  const runtime = runtimeName() === "bun" ? "bun" : "deno";
  const [cmd, args] = runtimeCommand(runtime, "bench/servers/http_floor_server.ts");
  const child = spawnChild(`HTTP floor (${runtime})`, cmd, args);
  const m = await child.waitForLine(/^HTTP_FLOOR (http:\/\/127\.0\.0\.1:\d+)$/m, 30_000);
  return { child, url: m[1]! };
}

/**
 * A derived row: the first contender's median (and p99) minus the others'. The p99 of a difference is only a
 * rough bound: p99s do not subtract.
 */
function difference(
  name: string,
  s: Map<string, { median: number; p99: number }>,
  [first, ...rest]: string[],
  note: string,
): NewResult {
  let median = s.get(first!)!.median;
  let p99 = s.get(first!)!.p99;
  for (const other of rest) {
    median -= s.get(other)!.median;
    p99 -= s.get(other)!.p99;
  }
  return { name, group: "control plane", median, p99, unit: "µs", note };
}

async function main(): Promise<void> {
  let sim: SimProcess | undefined;
  const simUrl = process.env.BENCH_SIM_URL ?? (sim = await startSimProcess()).url;
  const gateway = await startGateway(simUrl);
  const floor = await startHttpFloor();
  const bridge = await startBridgeFloor(simUrl);
  const router = await Router.connect({ url: simUrl, apiKey: API_KEY, secretKey: SECRET_KEY });
  const socket = await LocalSocketClient.connect(gateway.controlUrl);
  const floorSocket = await LocalSocketClient.connect(floor.url);
  const bridgeSocket = await LocalSocketClient.connect(bridge.url);
  // A second gateway interleaved with the first: another tree's (BENCH_COMPARE_MAIN), and/or this one as a
  // user runs it, with the simulator's REST and stream URLs (BENCH_COMPARE_LIVE=1: user stream, audits, adoption).
  const live = process.env.BENCH_COMPARE_LIVE === "1" && sim !== undefined
    ? { BINANCE_REST_URL: sim.httpUrl, BINANCE_STREAM_URL: sim.streamUrl }
    : undefined;
  const compareMain = process.env.BENCH_COMPARE_MAIN ?? (live === undefined ? undefined : "main.ts");
  const compareLabel = `${compareMain}${live === undefined ? "" : ", live: user stream + audits"}`;
  const other = compareMain === undefined ? undefined : await startGateway(simUrl, compareMain, live);
  const otherSocket = other === undefined ? undefined : await LocalSocketClient.connect(other.controlUrl);
  try {
    const http = "control plane: HTTP POST /orders → ack";
    const ws = "control plane: same order, Router WS RTT";
    const bare = `control plane: bare HTTP POST floor (${runtimeName()} server, fixed ack)`;
    const bridged = `control plane: bare bridge floor (${runtimeName()} server + WebSocket, HTTP POST → ack)`;
    const local = "control plane: local socket (GET /ws) place → ack";
    const localFloor = `control plane: bare WebSocket floor (${runtimeName()} server, fixed ack)`;
    const localBridged =
      `control plane: bare bridge floor (${runtimeName()} server + WebSocket, local socket → ack)`;
    const contenders: RoundTripContender[] = [
      httpContender(http, `${gateway.controlUrl}/orders`),
      {
        name: ws,
        async once() {
          const ack = await router.placeOrder(ORDER);
          if (ack.orderId === undefined) throw new Error("router: ack without orderId");
        },
      },
      httpContender(bare, `${floor.url}/orders`),
      httpContender(bridged, `${bridge.url}/orders`),
      {
        name: local,
        async once() {
          const ack = await socket.request("place", ORDER) as { orderId?: number };
          if (ack.orderId === undefined) throw new Error("local socket: ack without orderId");
        },
      },
      {
        name: localFloor,
        async once() {
          const ack = await floorSocket.request("place", ORDER) as { orderId?: number };
          if (ack.orderId === undefined) throw new Error("WebSocket floor: ack without orderId");
        },
      },
      {
        name: localBridged,
        async once() {
          const ack = await bridgeSocket.request("place", ORDER) as { orderId?: number };
          if (ack.orderId === undefined) throw new Error("bridge floor: ack without orderId");
        },
      },
    ];
    if (other !== undefined && otherSocket !== undefined) {
      contenders.push(httpContender(`${http} [${compareLabel}]`, `${other.controlUrl}/orders`), {
        name: `${local} [${compareLabel}]`,
        async once() {
          const ack = await otherSocket.request("place", ORDER) as { orderId?: number };
          if (ack.orderId === undefined) throw new Error("local socket: ack without orderId");
        },
      });
    }
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
    results.push(
      difference(
        "control-plane overhead (HTTP POST − WS RTT)",
        s,
        [http, ws],
        "difference of medians (p99: difference of p99s)",
      ),
    );
    results.push(
      difference("control-plane overhead above bare HTTP (HTTP POST − WS RTT − HTTP floor)", s, [
        http,
        ws,
        bare,
      ], "gateway work beyond what any HTTP round trip costs on this runtime"),
    );
    results.push(
      difference(
        "bare bridge above the floors (bridge − WS RTT − HTTP floor)",
        s,
        [bridged, ws, bare],
        "what the topology costs with no gateway work: a plain bridge in the gateway's place",
      ),
    );
    results.push(
      difference(
        "control-plane overhead above the bare bridge (HTTP POST − bridge)",
        s,
        [http, bridged],
        "the gateway's own work: checks, journal, order state, events, its HTTP server in JavaScript",
      ),
    );
    const target = 1.1 * s.get(ws)!.median + 15;
    results.push({
      name: "local socket RTT − (1.1 × Router WS RTT + 15 µs) (target ≤ 0)",
      group: "control plane",
      median: s.get(local)!.median - target,
      p99: s.get(local)!.p99 - (1.1 * s.get(ws)!.p99 + 15),
      unit: "µs",
      note: `local socket ${s.get(local)!.median.toFixed(1)} µs vs target ${target.toFixed(1)} µs (medians)`,
    });
    results.push(
      difference("local-socket overhead above bare WebSocket (local socket − WS RTT − WebSocket floor)", s, [
        local,
        ws,
        localFloor,
      ], "gateway work beyond the extra loopback hop any local WebSocket costs on this runtime"),
    );
    results.push(
      difference("local-socket overhead above the bare bridge (local socket − bridge's local socket)", s, [
        local,
        localBridged,
      ], "the gateway's own work on the local socket, next to a plain bridge in its place"),
    );
    printResults(`control plane, ${runtimeLabel()} client + gateway, simulator process`, results);
    if (other === undefined) recordResults(results);
  } finally {
    otherSocket?.close();
    await other?.stop();
    socket.close();
    floorSocket.close();
    bridgeSocket.close();
    await router.close();
    await gateway.stop();
    await floor.child.stop();
    await bridge.child.stop();
    await sim?.stop();
  }
}

await main();
process.exit(0);
