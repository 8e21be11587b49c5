/**
 * Memory of the gateway against the runtime's own floor, at a steady HTTP order load (`_support/load.ts`:
 * 1,000 orders/s; 70 % resting LIMIT placed then cancelled, 15 % MARKET, 15 % IOC). First the bare server of
 * this runtime (`servers/http_floor_server.ts`: `Deno.serve` / `Bun.serve` answering a fixed ~1 KB ack), then
 * the same answers from a bare `node:http` server (the server API the control plane runs on: its own share),
 * then the bridge floor (`servers/bridge_floor_server.ts`: the runtime's own HTTP server and `WebSocket`
 * relaying each order to the simulator process, none of this project's code — what any HTTP-to-ws-fapi
 * gateway holds; on Deno with the gateway's V8 flags), then the gateway (main.ts, its own process, against the same simulator process), each for
 * `BENCH_MEMORY_SECONDS`
 * (60; quick 15) under the same load. RSS is read from /proc every second; "steady" is the median of the
 * second half, the slope the least-squares fit after the first third, per 1M orders (RSS read between
 * collections swings by ±15 MB within a minute: `gateway_soak.ts` reads growth after forced GCs). At the end
 * the gateway's `GET /orders` (open, pending, unknown) must be empty: orders that finished at once leave
 * nothing tracked.
 * Target: steady RSS ≤ 20 MB above the floor.
 *
 * Run: `deno run -A bench/memory.ts` or `bun bench/memory.ts` (`BENCH_SIM_URL` optional,
 * `BENCH_MEMORY_SECONDS`, `BENCH_MEMORY_RATE`; experiments: `BENCH_MEMORY_VIA=socket` sends the gateway's load
 * over `GET /ws`, `BENCH_GATEWAY_FLAGS` adds runtime flags to the gateway, `BENCH_GATEWAY_ENV="K=V …"` sets its
 * environment (e.g. `BUN_JSC_useGenerationalGC=0`), `BENCH_GATEWAY_MAIN` runs another entry (another tree's
 * main.ts, or a probe importing it), `BENCH_GATEWAY_BINARY` a compiled gateway; `BENCH_MEMORY_FLOORS=0` measures
 * the gateway alone and prints one line (RSS, CPU per 1k orders, place round trip) without recording;
 * `BENCH_MEMORY_TRACE=1` prints every second's sample; `BENCH_MEMORY_LIVE=1` runs the gateway with the
 * simulator's REST and stream URLs, as a user does: its user data stream and audits). Linux only (/proc).
 */
import { readFileSync } from "node:fs";
import process from "node:process";
import { startBridgeFloor } from "./_support/bridge_floor.ts";
import { runtimeCommand, spawnChild } from "./_support/children.ts";
import { LocalSocketClient, startGateway, startTaskV8Flags } from "./_support/gateway_process.ts";
import { type LoadCounts, runOrderLoad } from "./_support/load.ts";
import { printResults } from "./_support/print.ts";
import { type NewResult, recordResults } from "./_support/results.ts";
import { slope } from "./_support/stats.ts";
import { runtimeLabel, runtimeName } from "./_support/runtime.ts";
import { QUICK } from "./_support/settings.ts";
import { type SimProcess, startSimProcess } from "./_support/sim_process.ts";

const SECONDS = Number(process.env.BENCH_MEMORY_SECONDS ?? (QUICK ? 15 : 60));
const RATE = Number(process.env.BENCH_MEMORY_RATE ?? 1000);
const MB = 1024 * 1024;
/** `BENCH_MEMORY_VIA=socket`: the gateway's load goes over the local socket (an experiment: HTTP's share). */
const VIA_SOCKET = process.env.BENCH_MEMORY_VIA === "socket";
/** `BENCH_MEMORY_FLOORS=0`: measure only the gateway (experiments; the floor rows are then absent). */
const FLOORS = process.env.BENCH_MEMORY_FLOORS !== "0";
/** `BENCH_MEMORY_TRACE=1`: print every second's sample (orders, RSS MB). */
const TRACE = process.env.BENCH_MEMORY_TRACE === "1";
const LIVE = process.env.BENCH_MEMORY_LIVE === "1";

/** Resident set size of process `pid`, bytes. */
function rssOf(pid: number): number {
  let status = "";
  try {
    status = readFileSync(`/proc/${pid}/status`, "utf8");
  } catch {
    return NaN; // gone (the load then reports its failures)
  }
  const m = /VmRSS:\s+(\d+) kB/.exec(status);
  if (m === null) throw new Error(`no VmRSS for ${pid}`);
  return Number(m[1]) * 1024;
}

/** CPU time (user + system) of process `pid` so far, ms; NaN once it is gone. */
function cpuMsOf(pid: number): number {
  try {
    // Fields after the closing parenthesis of the command: state (3rd), …, utime (14th), stime (15th), in
    // clock ticks of 10 ms (USER_HZ 100 on Linux).
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

/** The `q` quantile of `values` (nearest rank). */
function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

interface MemoryRun {
  idle: number;
  steady: number;
  /** RSS slope after the first third, bytes per 1M orders (between collections: not growth). */
  slope: number;
  peak: number;
  /** The server's CPU time during the load, ms. */
  cpuMs: number;
  counts: LoadCounts;
}

async function measure(pid: number, url: string, socket?: LocalSocketClient): Promise<MemoryRun> {
  await new Promise((r) => setTimeout(r, 1000));
  const idle = rssOf(pid);
  const samples: [orders: number, rss: number][] = [];
  const cpuBefore = cpuMsOf(pid);
  const counts = await runOrderLoad({
    url,
    ...(socket === undefined ? {} : { socket }),
    rate: RATE,
    seconds: SECONDS,
    onSecond: (orders) => {
      samples.push([orders, rssOf(pid)]);
      if (TRACE) console.log(`  ${orders} orders, RSS ${(samples.at(-1)![1] / MB).toFixed(1)} MB`);
    },
  });
  const cpuMs = cpuMsOf(pid) - cpuBefore;
  const second = samples.slice(Math.floor(samples.length / 2)).map(([, r]) => r).sort((a, b) => a - b);
  const steady = second[Math.floor(second.length / 2)] ?? NaN;
  const perMillion = slope(samples.slice(Math.floor(samples.length / 3))) * 1_000_000;
  return { idle, steady, slope: perMillion, peak: Math.max(...samples.map(([, r]) => r)), cpuMs, counts };
}

async function measureFloor(kind: "native" | "node"): Promise<MemoryRun> {
  const runtime = runtimeName() === "bun" ? "bun" : "deno";
  const [cmd, args] = runtimeCommand(runtime, "bench/servers/http_floor_server.ts");
  const child = spawnChild(`HTTP floor (${runtime}, ${kind})`, cmd, args, {
    env: kind === "node" ? { HTTP_FLOOR_KIND: "node" } : {},
  });
  try {
    const url = (await child.waitForLine(/^HTTP_FLOOR (http:\/\/127\.0\.0\.1:\d+)$/m, 30_000))[1]!;
    return await measure(child.pid, url);
  } finally {
    await child.stop();
  }
}

async function measureBridge(simUrl: string): Promise<MemoryRun> {
  // With the gateway's V8 flags on Deno (the start task's), so that the two differ by code alone.
  const bridge = await startBridgeFloor(simUrl, runtimeName() === "bun" ? [] : startTaskV8Flags());
  try {
    const socket = VIA_SOCKET ? await LocalSocketClient.connect(bridge.url) : undefined;
    const run = await measure(bridge.child.pid, bridge.url, socket);
    socket?.close();
    return run;
  } finally {
    await bridge.child.stop();
  }
}

async function main(): Promise<void> {
  const runtime = runtimeName() === "bun" ? "bun" : "deno";
  const floor = FLOORS ? await measureFloor("native") : undefined;
  const nodeFloor = FLOORS ? await measureFloor("node") : undefined;
  let sim: SimProcess | undefined;
  const simUrl = process.env.BENCH_SIM_URL ?? (sim = await startSimProcess()).url;
  const bridge = FLOORS ? await measureBridge(simUrl) : undefined;
  // `BENCH_GATEWAY_MAIN`: another entry (e.g. a probe that imports main.ts and samples its heap).
  // `BENCH_MEMORY_LIVE=1`: the gateway as a user runs it, with the simulator's REST and stream URLs (its user
  // data stream, audits and open-order adoption); without, custom-endpoint mode has neither.
  if (LIVE && sim === undefined) throw new Error("BENCH_MEMORY_LIVE needs the benchmark's own simulator");
  const live = LIVE ? { BINANCE_REST_URL: sim!.httpUrl, BINANCE_STREAM_URL: sim!.streamUrl } : {};
  const gateway = await startGateway(simUrl, process.env.BENCH_GATEWAY_MAIN, live);
  let router: MemoryRun;
  let gatewayOutput = "";
  let tracked: number;
  try {
    const socket = VIA_SOCKET ? await LocalSocketClient.connect(gateway.controlUrl) : undefined;
    router = await measure(gateway.child.pid, gateway.controlUrl, socket);
    socket?.close();
    const res = await fetch(`${gateway.controlUrl}/orders`);
    tracked = (await res.json() as unknown[]).length;
    if (LIVE) {
      const health = await (await fetch(`${gateway.controlUrl}/health`)).json() as {
        userStream: { state: string };
      };
      if (health.userStream.state !== "up") {
        throw new Error(`BENCH_MEMORY_LIVE: the gateway's user stream is ${health.userStream.state}, not up`);
      }
    }
  } finally {
    gatewayOutput = gateway.child.output();
    await gateway.stop();
    await sim?.stop();
  }
  const flags = [process.env.BENCH_GATEWAY_ENV, process.env.BENCH_GATEWAY_FLAGS].filter((f) => f).join(" ");
  if (floor === undefined || nodeFloor === undefined || bridge === undefined) {
    // An experiment: the gateway alone, printed, not recorded.
    console.log(
      `gateway${LIVE ? " (user stream on)" : ""} ${flags === "" ? "(no flags)" : flags}: idle ${
        (router.idle / MB).toFixed(1)
      } MB, steady ` +
        `${(router.steady / MB).toFixed(1)} MB, peak ${(router.peak / MB).toFixed(1)} MB, slope ` +
        `${(router.slope / MB).toFixed(0)} MB per 1M orders, ${router.counts.rate.toFixed(0)} orders/s, ` +
        `CPU ${(router.cpuMs / router.counts.orders * 1000).toFixed(0)} ms per 1k orders, place RTT µs ` +
        `${quantile(router.counts.placeMicros, 0.5).toFixed(0)} (p99 ${
          quantile(router.counts.placeMicros, 0.99).toFixed(0)
        }), ` +
        `${router.counts.failed} failed, ${tracked} tracked`,
    );
    if (router.counts.failed > 0) {
      console.error("failures:", router.counts.failures, "\ngateway output:", gatewayOutput.slice(-2000));
    }
    return;
  }
  const note = `${SECONDS} s at ${RATE} orders/s asked; achieved: floor ${floor.counts.rate.toFixed(0)}/s, ` +
    `node:http ${nodeFloor.counts.rate.toFixed(0)}/s, bridge ${bridge.counts.rate.toFixed(0)}/s, gateway ${
      router.counts.rate.toFixed(0)
    }/s` +
    `${VIA_SOCKET ? " over the local socket" : ""}${LIVE ? ", gateway with its user stream" : ""}${
      flags === "" ? "" : `; gateway flags/env: ${flags}`
    }`;
  const row = (name: string, median: number, unit = "MB", extra = note): NewResult => ({
    name,
    group: "memory",
    median,
    p99: median,
    unit,
    note: extra,
  });
  const results: NewResult[] = [
    row("memory: floor RSS, idle (bare server)", floor.idle / MB),
    row("memory: floor RSS, steady under load (bare server, fixed ~1 KB ack)", floor.steady / MB),
    row("memory: bare node:http server RSS, steady under load (same answers)", nodeFloor.steady / MB),
    row(
      "memory: bridge floor RSS, steady under load (runtime server + WebSocket, no project code)",
      bridge.steady / MB,
    ),
    row("memory: gateway RSS, idle", router.idle / MB),
    row("memory: gateway RSS, steady under load", router.steady / MB),
    row("memory: gateway RSS, peak under load", router.peak / MB),
    row("memory: gateway steady RSS above the floor (target ≤ 20 MB)", (router.steady - floor.steady) / MB),
    row(
      "memory: gateway steady RSS above the bridge floor (what this project's code holds)",
      (router.steady - bridge.steady) / MB,
    ),
    row(
      "memory: gateway RSS slope per 1M orders, the run's last two thirds (no forced GC: swings, not growth)",
      router.slope / MB,
    ),
    row(
      "memory: orders still tracked after the load (target 0)",
      tracked,
      "orders",
      `${note}; gateway: ${router.counts.ok} ok / ${router.counts.failed} failed ${
        router.counts.failures.join(" | ")
      }`,
    ),
  ];
  printResults(`memory, ${runtimeLabel()} gateway vs ${runtime} bare server`, results);
  if (router.counts.failed > 0 || floor.counts.failed > 0 || bridge.counts.failed > 0) {
    console.error("failures:", router.counts.failures, floor.counts.failures, bridge.counts.failures);
  }
  recordResults(results);
}

await main();
process.exit(0);
