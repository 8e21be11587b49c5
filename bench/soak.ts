/**
 * Sustained load and memory of the router process: a Router (HMAC) in this process against a fresh simulator
 * process with raised rate limits. After a warm-up, (1) a paced phase at BENCH_SOAK_RATE orders/s (default
 * 1000) for BENCH_SOAK_SECONDS (default 60), one order in flight, every round trip timed — its p99.9/p50 is
 * the GC-induced tail; (2) a bulk phase up to BENCH_TOTAL_ORDERS orders in all (default 1,000,000), with
 * BENCH_SOAK_WINDOW (default 8) in flight, in 8 parts with the memory settled after each (growth per 1M
 * orders: the slope over the later half). RSS and heap are read after forced GCs before and after, RSS is
 * sampled every second of the paced phase (steady RSS), and allocations per order are estimated from the
 * rises of heapUsed (see _support/memory.ts). Between (1) and (2), the same pacing through the runtime's bare
 * WebSocket (HMAC-signed pre-built frames, like the Router's) for up to 20 s tells the network path's and
 * simulator's own tail apart from the router's.
 * Orders are non-crossing LIMIT IOCs: they expire, hold no margin.
 *
 * Run: `deno run -A --v8-flags=--expose-gc,--max-semi-space-size=4,--heap-growing-percent=20 bench/soak.ts`
 * (`deno task bench` adds the start task's V8 flags, as a user's router runs) or `bun bench/soak.ts`. Without
 * those flags V8 grows its young generation to its default maximum (within the bulk's first eighth; over
 * ~750,000 orders one at a time): RSS steps up by ~45–50 MB to a plateau, which the difference over all orders
 * reads as growth and the later half's slope does not (bench/README.md, fifteenth round).
 */
import process from "node:process";
import { Router } from "../lib/router/router.ts";
import { API_KEY, IOC_ORDER, SECRET_KEY } from "./_fixtures.ts";
import { AllocationMeter, memoryNow, settledMemory } from "./_support/memory.ts";
import { printResults } from "./_support/print.ts";
import {
  type NewResult,
  recordResults,
  SOAK_GROWTH_NAME,
  SOAK_OVERALL_GROWTH_NAME,
} from "./_support/results.ts";
import { runtimeLabel } from "./_support/runtime.ts";
import { SIZES } from "./_support/settings.ts";
import { rawFloorSocket } from "./_support/raw_floor.ts";
import { soakFloorName } from "./_support/floor_auth.ts";
import { slope, summarize } from "./_support/stats.ts";

const MB = 1024 * 1024;
const WARMUP_ORDERS = Math.min(20_000, Math.max(1000, Math.floor(SIZES.totalOrders / 50)));
const WINDOW = Number(process.env.BENCH_SOAK_WINDOW ?? 8);
const METER_EVERY = 16;
const FLOOR_SECONDS = Math.min(SIZES.soakSeconds, 20);
/** The bulk phase runs in this many parts, memory settled after each (its later half gives the growth). */
const BULK_SEGMENTS = 8;

const isBun = typeof (globalThis as { Bun?: unknown }).Bun === "object";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type PlaceOne = () => Promise<unknown>;

function routerOrder(router: Router): PlaceOne {
  return async () => {
    const ack = await router.placeOrder(IOC_ORDER);
    if (ack.orderId === undefined) throw new Error("ack without orderId");
  };
}

/** Paced phase: `total` orders at `rate`/s, one in flight; fills `latencyUs`, samples RSS each second. */
async function pacedPhase(
  placeOne: PlaceOne,
  rate: number,
  total: number,
  latencyUs: Float64Array,
  meter: AllocationMeter,
  beforeEachSecond?: (count: number) => void,
) {
  const rss: number[] = [];
  const start = performance.now();
  const deadline = start + (total / rate) * 1000 * 2 + 30_000;
  let nextRssAt = start;
  let i = 0;
  while (i < total && performance.now() < deadline) {
    const now = performance.now();
    const due = Math.min(total, Math.floor(((now - start) * rate) / 1000) + 1);
    while (i < due) {
      const t0 = performance.now();
      await placeOne();
      latencyUs[i] = (performance.now() - t0) * 1000;
      i++;
      if (i % METER_EVERY === 0) meter.sample();
    }
    if (performance.now() >= nextRssAt) {
      rss.push(memoryNow().rss);
      nextRssAt += 1000;
      beforeEachSecond?.(rate);
    }
    const wait = start + (i * 1000) / rate - performance.now();
    if (wait > 0) await sleep(wait);
  }
  return { sent: i, seconds: (performance.now() - start) / 1000, rss };
}

/** Bulk phase: `total` orders, `window` in flight. */
async function bulkPhase(placeOne: PlaceOne, total: number, window: number, meter: AllocationMeter) {
  const start = performance.now();
  const deadline = start + 1_800_000;
  let issued = 0;
  let peakRss = 0;
  const worker = async () => {
    while (issued < total && performance.now() < deadline) {
      issued++;
      await placeOne();
      if (issued % METER_EVERY === 0) meter.sample();
      if (issued % 50_000 === 0) peakRss = Math.max(peakRss, memoryNow().rss);
    }
  };
  await Promise.all(Array.from({ length: window }, worker));
  return { sent: issued, seconds: (performance.now() - start) / 1000, peakRss };
}

/**
 * The same pacing through this runtime's bare WebSocket (pre-built frames): the tail the network path and
 * the simulator cause on their own, to tell the router's share of the p99.9 apart. Kept in its own function
 * so its socket and frames are garbage before the memory is read again.
 */
async function pacedFloorPhase(url: string, rate: number, seconds: number) {
  const floor = await rawFloorSocket(url, "hmac"); // the soak's Router signs with HMAC too
  const total = rate * seconds;
  const us = new Float64Array(total);
  floor.prepare(2 * rate);
  const paced = await pacedPhase(
    floor.once,
    rate,
    total,
    us,
    new AllocationMeter(),
    (n) => floor.prepare(2 * n),
  );
  floor.verify();
  floor.close();
  return summarize(us, paced.sent);
}

async function main(): Promise<void> {
  // A fresh simulator per soak; started here only when the driver did not (keeps node:child_process out
  // of the measured process when run from bench/run_all.ts).
  let sim: { url: string; stop(): Promise<void> } | undefined;
  let simUrl = process.env.BENCH_SIM_URL;
  if (simUrl === undefined) {
    const { startSimProcess } = await import("./_support/sim_process.ts");
    sim = await startSimProcess({ maxSeconds: 3600 });
    simUrl = sim.url;
  }
  const router = await Router.connect({ url: simUrl, apiKey: API_KEY, secretKey: SECRET_KEY });
  const placeOne = routerOrder(router);
  try {
    const pacedTotal = Math.min(SIZES.soakRate * SIZES.soakSeconds, SIZES.totalOrders);
    const latencyUs = new Float64Array(pacedTotal);
    const meter = new AllocationMeter();
    for (let i = 0; i < WARMUP_ORDERS; i++) await placeOne();
    const before = await settledMemory();
    meter.reset();

    const paced = await pacedPhase(placeOne, SIZES.soakRate, pacedTotal, latencyUs, meter);
    const pacedAlloc = { bytes: meter.allocated, collections: meter.collections };
    const floorLat = await pacedFloorPhase(simUrl, SIZES.soakRate, FLOOR_SECONDS);
    meter.reset();
    const bulkTotal = Math.max(0, SIZES.totalOrders - paced.sent); // the warm-up comes on top
    // The bulk in segments, memory settled after each: the slope over the later half tells growth (a leak)
    // apart from the rise to a working set that a before → after difference also holds.
    const bulk = { sent: 0, seconds: 0, peakRss: 0 };
    const checkpoints: [orders: number, rss: number][] = [];
    let after = before;
    for (let segment = 0; segment < BULK_SEGMENTS; segment++) {
      const part = await bulkPhase(
        placeOne,
        Math.floor((bulkTotal * (segment + 1)) / BULK_SEGMENTS) - bulk.sent,
        WINDOW,
        meter,
      );
      bulk.sent += part.sent;
      bulk.seconds += part.seconds;
      bulk.peakRss = Math.max(bulk.peakRss, part.peakRss);
      after = await settledMemory();
      checkpoints.push([bulk.sent, after.rss]);
    }
    const lateGrowth = slope(checkpoints.slice(Math.floor(BULK_SEGMENTS / 2) - 1)) * 1_000_000;

    const orders = paced.sent + bulk.sent;
    const lat = summarize(latencyUs, paced.sent);
    const steadyRss = summarize(paced.rss);
    const allocated = pacedAlloc.bytes + meter.allocated;
    const collections = pacedAlloc.collections + meter.collections;
    const gcNote = before.gcForced
      ? "after forced full GC"
      : "no forced GC available (run Deno with --v8-flags=--expose-gc)";
    const results: NewResult[] = [
      {
        name: `soak: order RTT at ${SIZES.soakRate} orders/s`,
        group: "soak",
        median: lat.median,
        p99: lat.p99,
        p999: lat.p999,
        n: lat.n,
        unit: "µs",
        note: `${paced.sent} orders in ${paced.seconds.toFixed(1)} s, one in flight`,
      },
      {
        name: `soak: p99.9 / p50 at ${SIZES.soakRate} orders/s`,
        group: "soak",
        median: lat.p999 / lat.median,
        p99: lat.p99 / lat.median,
        unit: "ratio",
        note: "median column = p99.9/p50; p99 column = p99/p50",
      },
      {
        name: soakFloorName(SIZES.soakRate),
        group: "soak",
        median: floorLat.median,
        p99: floorLat.p99,
        p999: floorLat.p999,
        n: floorLat.n,
        unit: "µs",
        note: `same pacing, pre-built frames, right after the router's paced phase; p99.9/p50 = ${
          (floorLat.p999 / floorLat.median).toFixed(1)
        }`,
      },
      {
        name: `soak: steady RSS at ${SIZES.soakRate} orders/s`,
        group: "soak",
        median: steadyRss.median / MB,
        p99: steadyRss.max / MB,
        n: steadyRss.n,
        unit: "MB",
        note: "RSS sampled each second; p99 column = max",
      },
      {
        name: "soak: RSS before (after warm-up)",
        group: "soak",
        median: before.rss / MB,
        p99: before.rss / MB,
        unit: "MB",
        note: gcNote,
      },
      {
        name: "soak: RSS after all orders",
        group: "soak",
        median: after.rss / MB,
        p99: Math.max(after.rss, bulk.peakRss) / MB,
        n: orders,
        unit: "MB",
        note: `${gcNote}; p99 column = peak seen during the bulk phase`,
      },
      {
        name: SOAK_OVERALL_GROWTH_NAME,
        group: "soak",
        median: (after.rss - before.rss) / MB,
        p99: (after.rss - before.rss) / MB,
        n: orders,
        unit: "MB",
      },
      {
        name: SOAK_GROWTH_NAME,
        group: "soak",
        median: lateGrowth / MB,
        p99: lateGrowth / MB,
        n: bulk.sent - checkpoints[Math.floor(BULK_SEGMENTS / 2) - 1]![0],
        unit: "MB",
        note: `least-squares slope of the RSS read after a forced GC at the end of each of the bulk's last ${
          BULK_SEGMENTS - Math.floor(BULK_SEGMENTS / 2) + 1
        } of ${BULK_SEGMENTS} checkpoints: ${checkpoints.map(([, r]) => (r / MB).toFixed(1)).join(", ")} MB`,
      },
      {
        name: "soak: heap used before → after",
        group: "soak",
        median: before.heapUsed / MB,
        p99: after.heapUsed / MB,
        n: orders,
        unit: "MB",
        note: "median column = before, p99 column = after",
      },
      {
        name: "soak: heap growth over all orders",
        group: "soak",
        median: (after.heapUsed - before.heapUsed) / MB,
        p99: (after.heapUsed - before.heapUsed) / MB,
        n: orders,
        unit: "MB",
      },
      ...(isBun ? [] : [{
        name: "soak: allocations per order (heap rises)",
        group: "soak",
        median: allocated / orders,
        p99: allocated / orders,
        n: orders,
        unit: "B",
        note:
          `${collections} collections seen (${((collections / orders) * 1000).toFixed(2)} per 1k orders); ` +
          `heapUsed sampled every ${METER_EVERY} orders, so slightly low`,
      }]),
      {
        name: `soak: bulk throughput, ${WINDOW} in flight`,
        group: "soak",
        median: bulk.sent / bulk.seconds,
        p99: bulk.sent / bulk.seconds,
        n: bulk.sent,
        unit: "orders/s",
      },
    ];
    printResults(
      `soak on ${runtimeLabel()}: ${orders} orders (+${WARMUP_ORDERS} warm-up)`,
      results,
    );
    recordResults(results);
  } finally {
    await router.close();
    await sim?.stop();
  }
}

await main();
process.exit(0);
