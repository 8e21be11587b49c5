/**
 * What the pre-trade check adds to an order, inside the round trip: three routers on one simulator (in this
 * process, limits raised): one with the checks (a risk file with per-order limits and a price band), one with
 * `preTrade: false`, and one with the same checks whose `checkPlace` is replaced by a function that passes at
 * once (what the call costs, apart from the check's own work), in rounds of 250 IOC orders (they expire: no
 * margin builds up), in a seeded random order per round. Reported per router: the median and p99 of the
 * synchronous part of `placeOrder` (check + build + sign + send) and of the whole round trip, in µs; then the
 * check's excess in the synchronous part, the median over rounds of (the round's median with checks − the
 * round's median without), in ns (paired rounds: the load of this shared VM moves all alike), split into the
 * call and the check's body. The in-process simulator shares the thread, so compare the rows, not the absolute
 * figures, with those of `round_trip.ts`.
 *
 * Run: `deno run -A bench/risk_rtt.ts` or `bun bench/risk_rtt.ts` (`BENCH_RISK_ROUNDS`, default 40;
 * `BENCH_RISK_WARMUP`, rounds left out, default 4: on Deno the check reaches TurboFan after about 45,000
 * orders, i.e. 180 rounds, and runs in Maglev before). `BENCH_RISK_SIM=process` runs the simulator in a process
 * of its own (`_support/sim_process.ts`, the benchmark accounts): the router's thread then runs nothing else
 * between its orders, as on a VPS, where the in-process simulator evicts the router's code and data from the
 * core's caches between two orders.
 *
 * At a trader's pace: `BENCH_RISK_GAP_MS` (default 0, back to back) waits that long between two orders, and
 * `BENCH_RISK_WARM_MS` (default 0, off) gives each router the gateway's `OrderPathWarmer` at that interval,
 * running `Router.warm` (build and sign, the ack's scan, and the check of the latest order) while it is idle.
 * `BENCH_RISK_PER_ROUND` sets the orders per router and round (default 250).
 */
import process from "node:process";
import { Router } from "../lib/router/router.ts";
import { OrderPathWarmer } from "../lib/gateway/order_path_warmer.ts";
import { mulberry32 } from "../lib/sim/prng.ts";
import { startSimulator } from "../lib/sim/mod.ts";
import { runtimeLabel } from "./_support/runtime.ts";
import { startSimProcess } from "./_support/sim_process.ts";
import { API_KEY, SECRET_KEY } from "./_fixtures.ts";

const ROUNDS = Number(process.env.BENCH_RISK_ROUNDS ?? 40);
const WARMUP_ROUNDS = Number(process.env.BENCH_RISK_WARMUP ?? 4);
const PER_ROUND = Number(process.env.BENCH_RISK_PER_ROUND ?? 250);
const GAP_MS = Number(process.env.BENCH_RISK_GAP_MS ?? 0);
const WARM_MS = Number(process.env.BENCH_RISK_WARM_MS ?? 0);
const ORDER = {
  symbol: "BTCUSDT",
  side: "BUY",
  type: "LIMIT",
  quantity: "0.002",
  price: "50000",
  timeInForce: "IOC",
} as const;

const SIM_APART = process.env.BENCH_RISK_SIM === "process";
const sim = SIM_APART ? await startSimProcess() : await startSimulator({
  hmacKeys: [{ apiKey: API_KEY, secretKey: SECRET_KEY }],
  limits: { ordersPer10s: 1e7, ordersPerMinute: 1e7, weightPerMinute: 1e8 },
});
const LIMITS = { symbols: { "*": { maxOrderQty: 1, maxOrderNotional: 100_000, priceBandPct: 5 } } };
const credentials = { url: sim.url, apiKey: API_KEY, secretKey: SECRET_KEY };
const routers: [string, Router][] = [
  [
    "with pre-trade checks",
    await Router.connect({
      ...credentials,
      risk: LIMITS,
    }),
  ],
  ["preTrade: false", await Router.connect({ ...credentials, preTrade: false })],
  ["checkPlace passes at once", await Router.connect({ ...credentials, risk: LIMITS })],
];
// An own property in front of the prototype's method: the same call site, a check that does nothing.
Object.defineProperty(routers[2]![1].preTrade!.check, "checkPlace", { value: () => 0 });
const warmers = WARM_MS <= 0 ? [] : routers.map(([, router]) => {
  const warmer = new OrderPathWarmer({ intervalMs: WARM_MS, activity: () => router.metrics.rttCount });
  warmer.add(() => router.warm());
  warmer.start();
  return warmer;
});
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const sync = new Map<string, number[]>(routers.map(([name]) => [name, []]));
const rtt = new Map<string, number[]>(routers.map(([name]) => [name, []]));
const roundMedians = new Map<string, number[]>(routers.map(([name]) => [name, []]));
const random = mulberry32(0x5eed);
/** A copy of `items` in a random order (Fisher–Yates on the seeded generator). */
function shuffled<T>(items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
const pct = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length * p)]!;
for (let round = 0; round < ROUNDS; round++) {
  const order = shuffled(routers);
  for (const [name, router] of order) {
    const round_: number[] = [];
    for (let i = 0; i < PER_ROUND; i++) {
      if (GAP_MS > 0) await pause(GAP_MS);
      const t0 = performance.now();
      const answer = router.placeOrder(ORDER);
      const t1 = performance.now();
      await answer;
      const t2 = performance.now();
      if (round < WARMUP_ROUNDS) continue;
      sync.get(name)!.push((t1 - t0) * 1000);
      rtt.get(name)!.push((t2 - t0) * 1000);
      round_.push((t1 - t0) * 1000);
    }
    if (round_.length > 0) roundMedians.get(name)!.push(pct(round_, 0.5));
  }
}
for (const warmer of warmers) warmer.stop();
const pace = GAP_MS > 0
  ? `, one order every ${GAP_MS} ms, warm-up ${WARM_MS > 0 ? `every ${WARM_MS} ms` : "off"}`
  : "";
const where = (SIM_APART ? "simulator in its own process" : "simulator in this thread") + pace;
console.log(`pre-trade check in the round trip, ${runtimeLabel()}, ${where} (µs, median / p99)`);
for (const [name] of routers) {
  const s = sync.get(name)!;
  const r = rtt.get(name)!;
  console.log(
    `${name.padEnd(26)} placeOrder sync ${pct(s, 0.5).toFixed(2)} / ${pct(s, 0.99).toFixed(2)}` +
      `   round trip ${pct(r, 0.5).toFixed(1)} / ${pct(r, 0.99).toFixed(1)}   (n=${s.length})`,
  );
}
const [on, off, call] = routers.map(([name]) => roundMedians.get(name)!) as [number[], number[], number[]];
/** Median over the paired rounds of a − b, ns. */
const excess = (a: number[], b: number[]) => pct(a.map((v, i) => v - b[i]!), 0.5) * 1000;
const rounds = `median of ${on.length} paired rounds`;
console.log(
  `check's excess in placeOrder sync: ${excess(on, off).toFixed(0)} ns (${rounds}): ` +
    `the call ${excess(call, off).toFixed(0)} ns, the check's body ${excess(on, call).toFixed(0)} ns`,
);
for (const [, router] of routers) await router.close();
await ("stop" in sim ? sim.stop() : sim.close());
process.exit(0);
