/**
 * What the pre-trade check adds to an order, inside the round trip: two routers on one simulator (in this
 * process, limits raised), one with the checks (a risk file with per-order limits and a price band) and one with
 * `preTrade: false`, alternating in rounds of 250 IOC orders (they expire: no margin builds up). Reported per
 * router: the median and p99 of the synchronous part of `placeOrder` (check + build + sign + send) and of the
 * whole round trip, in µs, and the check's excess in the synchronous part: the median over rounds of (the
 * round's median with checks − the round's median without), in ns (paired rounds: the load of this shared VM
 * moves both alike). The in-process simulator shares the thread, so compare the two rows, not the absolute
 * figures, with those of `round_trip.ts`.
 *
 * Run: `deno run -A bench/risk_rtt.ts` or `bun bench/risk_rtt.ts` (`BENCH_RISK_ROUNDS`, default 40;
 * `BENCH_RISK_WARMUP`, rounds left out, default 4: on Deno the check reaches TurboFan after about 45,000
 * orders, i.e. 180 rounds, and runs in Maglev before).
 */
import process from "node:process";
import { Router } from "../lib/router/router.ts";
import { startSimulator } from "../lib/sim/mod.ts";
import { runtimeLabel } from "./_support/runtime.ts";

const ROUNDS = Number(process.env.BENCH_RISK_ROUNDS ?? 40);
const WARMUP_ROUNDS = Number(process.env.BENCH_RISK_WARMUP ?? 4);
const PER_ROUND = 250;
const ORDER = {
  symbol: "BTCUSDT",
  side: "BUY",
  type: "LIMIT",
  quantity: "0.002",
  price: "50000",
  timeInForce: "IOC",
} as const;

const sim = await startSimulator({
  hmacKeys: [{ apiKey: "bench-key", secretKey: "bench-secret" }],
  limits: { ordersPer10s: 1e7, ordersPerMinute: 1e7, weightPerMinute: 1e8 },
});
const credentials = { url: sim.url, apiKey: "bench-key", secretKey: "bench-secret" };
const routers: [string, Router][] = [
  [
    "with pre-trade checks",
    await Router.connect({
      ...credentials,
      risk: { symbols: { "*": { maxOrderQty: 1, maxOrderNotional: 100_000, priceBandPct: 5 } } },
    }),
  ],
  ["preTrade: false", await Router.connect({ ...credentials, preTrade: false })],
];
const sync = new Map<string, number[]>(routers.map(([name]) => [name, []]));
const rtt = new Map<string, number[]>(routers.map(([name]) => [name, []]));
const roundMedians = new Map<string, number[]>(routers.map(([name]) => [name, []]));
const pct = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length * p)]!;
for (let round = 0; round < ROUNDS; round++) {
  const order = round % 2 === 0 ? routers : [...routers].reverse();
  for (const [name, router] of order) {
    const round_: number[] = [];
    for (let i = 0; i < PER_ROUND; i++) {
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
console.log(`pre-trade check in the round trip, ${runtimeLabel()} (µs, median / p99)`);
for (const [name] of routers) {
  const s = sync.get(name)!;
  const r = rtt.get(name)!;
  console.log(
    `${name.padEnd(24)} placeOrder sync ${pct(s, 0.5).toFixed(2)} / ${pct(s, 0.99).toFixed(2)}` +
      `   round trip ${pct(r, 0.5).toFixed(1)} / ${pct(r, 0.99).toFixed(1)}   (n=${s.length})`,
  );
}
const on = roundMedians.get(routers[0]![0])!;
const off = roundMedians.get(routers[1]![0])!;
const excess = pct(on.map((v, i) => v - off[i]!), 0.5) * 1000;
console.log(
  `check's excess in placeOrder sync: ${excess.toFixed(0)} ns (median of ${on.length} paired rounds)`,
);
for (const [, router] of routers) await router.close();
await sim.close();
process.exit(0);
