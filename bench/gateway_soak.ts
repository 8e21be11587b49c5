/**
 * The gateway's memory over a long run: does it grow? The service runs in this process as `main.ts` runs it
 * (custom-endpoint mode against the simulator in its own process), so that its memory can be read after a
 * forced full GC (Deno with `--v8-flags=--expose-gc`; Bun's `Bun.gc(true)`). The load is `memory.ts`'s mix
 * (`_support/load.ts`: 70 % resting LIMIT placed then cancelled, 15 % MARKET, 15 % IOC) over the local socket,
 * as fast as the gateway takes them (up to 32 in progress, topped up every 10 ms), after a 30 s warm-up (its
 * history rings full, its heap at its working size), in `SEGMENTS` parts with the memory settled after each;
 * growth per 1M orders is the least-squares slope over all those readings, with its standard error: settled
 * readings still scatter by ±1–2 MB, so many of them over the whole run are what resolves a slope of a few MB
 * per 1M orders (eight readings over its later half moved from −3.3 to +9.2 MB between two runs).
 * The client shares the process: its own state is a map of at most 32 waiting requests. At the end no order
 * may be left tracked (open, pending, unknown): every order of the mix finished or was cancelled.
 *
 * `memory.ts` measures the gateway in its own process at 1,000 orders/s against the runtime's floors; its
 * slope over a minute follows the heap's swings between collections (±15 MB), which this benchmark's settled
 * readings leave out.
 *
 * Run: `deno run -A --v8-flags=--expose-gc,--max-semi-space-size=4,--heap-growing-percent=20
 * bench/gateway_soak.ts` (`deno task bench` passes the start task's V8 flags) or `bun bench/gateway_soak.ts`
 * (`BENCH_GATEWAY_SOAK_SECONDS`, default 320, quick 40: the loaded time, split into the parts;
 * `BENCH_GATEWAY_SOAK_WARM_SECONDS`, default 30, quick 5: the warm-up before the first reading).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { startService } from "../lib/cli/service.ts";
import { LocalSocketClient } from "./_support/gateway_process.ts";
import { startInProcess } from "./_support/in_process_gateway.ts";
import { runOrderLoad } from "./_support/load.ts";
import { settledMemory } from "./_support/memory.ts";
import { printResults } from "./_support/print.ts";
import { GATEWAY_SOAK_GROWTH_NAME, type NewResult, recordResults } from "./_support/results.ts";
import { runtimeLabel } from "./_support/runtime.ts";
import { QUICK } from "./_support/settings.ts";
import { startSimProcess } from "./_support/sim_process.ts";
import { slope, slopeError } from "./_support/stats.ts";

const SECONDS = Number(process.env.BENCH_GATEWAY_SOAK_SECONDS ?? (QUICK ? 40 : 320));
const SEGMENTS = 32;
const WARM_SECONDS = Number(process.env.BENCH_GATEWAY_SOAK_WARM_SECONDS ?? (QUICK ? 5 : 30));
const MB = 2 ** 20;

const simUrl = process.env.BENCH_SIM_URL;
const sim = simUrl === undefined ? await startSimProcess({ maxSeconds: 3600 }) : undefined;
const dataDir = mkdtempSync(join(tmpdir(), "lightning-bench-gateway-soak-"));
const service = await startInProcess(startService, simUrl ?? sim!.url, dataDir);
try {
  const url = service.server.url;
  const socket = await LocalSocketClient.connect(url);
  /** One part of the load: as many orders as the gateway takes in `seconds`. */
  const load = (seconds: number) => runOrderLoad({ url, rate: 100_000, seconds, socket, maxInFlight: 32 });
  const warm = await load(WARM_SECONDS);
  const before = await settledMemory();
  const readings: [orders: number, rss: number][] = [];
  /** The JavaScript heap in use at each reading: tells the process's own objects from the rest of its RSS. */
  const heaps: [orders: number, heapUsed: number][] = [];
  let orders = 0;
  let seconds = 0;
  let failed = warm.failed;
  const failures = [...warm.failures];
  for (let part = 0; part < SEGMENTS; part++) {
    const t0 = performance.now();
    const counts = await load(SECONDS / SEGMENTS);
    seconds += (performance.now() - t0) / 1000;
    orders += counts.orders;
    failed += counts.failed;
    failures.push(...counts.failures.slice(0, Math.max(0, 5 - failures.length)));
    const settled = await settledMemory();
    readings.push([orders, settled.rss]);
    heaps.push([orders, settled.heapUsed]);
  }
  socket.close();
  const tracked = (await (await fetch(`${url}/orders`)).json() as unknown[]).length;
  const growth = slope(readings) * 1_000_000 / MB;
  const error = slopeError(readings) * 1_000_000 / MB;
  const after = readings[readings.length - 1]![1];
  const gc = before.gcForced ? "after forced full GC" : "no forced GC (run Deno with --v8-flags=--expose-gc)";
  const mb = readings.map(([, rss]) => (rss / MB).toFixed(1)).join(", ");
  const row = (
    name: string,
    median: number,
    unit: string,
    n: number,
    note: string,
    p99 = median,
  ): NewResult => ({
    name,
    group: "soak",
    median,
    p99,
    n,
    unit,
    note,
  });
  const results: NewResult[] = [
    row(
      GATEWAY_SOAK_GROWTH_NAME,
      growth,
      "MB",
      orders,
      `least-squares slope ± ${
        error.toFixed(1)
      } MB (standard error) over ${SEGMENTS} readings (${gc}): ${mb} MB; heap in use ${
        (slope(heaps) * 1_000_000 / MB).toFixed(2)
      } ± ${(slopeError(heaps) * 1_000_000 / MB).toFixed(2)} MB per 1M orders, ${
        (heaps[0]![1] / MB).toFixed(1)
      } → ${(heaps[heaps.length - 1]![1] / MB).toFixed(1)} MB`,
    ),
    row(
      "gateway soak: RSS after the warm-up → after all orders",
      before.rss / MB,
      "MB",
      orders,
      `median column = after ${warm.orders} warm-up orders; p99 column = at the end (${gc})`,
      after / MB,
    ),
    row(
      "gateway soak: orders still tracked at the end (target 0)",
      tracked,
      "orders",
      orders,
      `${failed} requests failed${failures.length > 0 ? `: ${failures.join(" | ")}` : ""}`,
    ),
    row(
      "gateway soak: orders per second, local socket, up to 32 in progress",
      orders / seconds,
      "orders/s",
      orders,
      "70 % resting LIMIT placed then cancelled, 15 % MARKET, 15 % IOC; client in the gateway's process",
    ),
  ];
  printResults(`gateway soak on ${runtimeLabel()}: ${orders} orders (+${warm.orders} warm-up)`, results);
  if (failed > 0) throw new Error(`gateway soak: ${failed} requests failed: ${failures.join(" | ")}`);
  recordResults(results);
} finally {
  await service.shutdown();
  await sim?.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
process.exit(0);
