/**
 * What the pre-trade check adds to an order, timed where it runs: one Router with the checks, its
 * `checkPlace` replaced once (before any order) by an own property that brackets the real check with two
 * clock reads, and on every other order brackets nothing and passes. The two kinds of order alternate in a
 * seeded random order per pair, on the same router, objects and code: the difference of the two medians is
 * the check's own time inside a real round trip, with the caches as the round trip leaves them, and none of
 * the bias that separate routers carry (`risk_rtt.ts` compares three routers; its "call" row, which should
 * read ~0, read −160 to +250 ns over 300 paired rounds on this VM).
 *
 * Run: `deno run -A bench/profile/check_in_place.ts` or `bun bench/profile/check_in_place.ts`.
 * `BENCH_PLACE_ORDERS` (default 30,000 per kind, after `BENCH_PLACE_WARMUP`, default 6,000, left out),
 * `BENCH_PLACE_GAP_MS` (default 0: back to back; e.g. 5 for a trader's pace, with fewer orders),
 * `BENCH_RISK_SIM=process` (the simulator in its own process, as against the exchange).
 */
import process from "node:process";
import { Router } from "../../lib/router/router.ts";
import { PreTradeCheck } from "../../lib/risk/pre_trade_check.ts";
import { mulberry32 } from "../../lib/sim/prng.ts";
import { startSimulator } from "../../lib/sim/mod.ts";
import type { PlaceOrderParams } from "../../lib/types.ts";
import { runtimeLabel } from "../_support/runtime.ts";
import { startSimProcess } from "../_support/sim_process.ts";
import { API_KEY, IOC_ORDER, SECRET_KEY } from "../_fixtures.ts";

const ORDERS = Number(process.env.BENCH_PLACE_ORDERS ?? 30_000);
const WARMUP = Number(process.env.BENCH_PLACE_WARMUP ?? 6_000);
const GAP_MS = Number(process.env.BENCH_PLACE_GAP_MS ?? 0);
const SIM_APART = process.env.BENCH_RISK_SIM === "process";
/** The benchmarks' IOC below the mark: it expires at once and holds no margin. */
const ORDER = IOC_ORDER;
const LIMITS = { symbols: { "*": { maxOrderQty: 1, maxOrderNotional: 100_000, priceBandPct: 5 } } };

const sim = SIM_APART ? await startSimProcess() : await startSimulator({
  hmacKeys: [{ apiKey: API_KEY, secretKey: SECRET_KEY }],
  limits: { ordersPer10s: 1e7, ordersPerMinute: 1e7, weightPerMinute: 1e8 },
});
const router = await Router.connect({ url: sim.url, apiKey: API_KEY, secretKey: SECRET_KEY, risk: LIMITS });
const check = router.preTrade!.check;

const KINDS = ["the check", "nothing (clock reads alone)"] as const;
const REAL = PreTradeCheck.prototype.checkPlace;
let kind = 0;
let last = 0;
// One own property, set before the first order: the call site sees one shape for the whole run.
Object.defineProperty(check, "checkPlace", {
  value(this: PreTradeCheck, p: PlaceOrderParams, at?: number): number {
    let code = 0;
    const t0 = performance.now();
    if (kind === 0) code = REAL.call(this, p, at);
    last = performance.now() - t0;
    return code;
  },
});

const samples: number[][] = KINDS.map(() => []);
const random = mulberry32(0x5eed);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const order = [0, 1];
for (let n = 0; n < WARMUP + ORDERS; n++) {
  // The two kinds in a new random order each time round.
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  for (const k of order) {
    if (GAP_MS > 0) await pause(GAP_MS);
    kind = k;
    await router.placeOrder(ORDER);
    if (n >= WARMUP) samples[k]!.push(last * 1e6);
  }
}

const pct = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length * p)]!;
const floor = pct(samples[1]!, 0.5);
const where = (SIM_APART ? "simulator in its own process" : "simulator in this thread") +
  (GAP_MS > 0 ? `, one order every ${GAP_MS} ms` : ", back to back");
console.log(
  `pre-trade check timed in place, ${runtimeLabel()}, ${where} (ns, median / p90; less the clock reads)`,
);
KINDS.forEach((name, k) => {
  const s = samples[k]!;
  const less = k === 1 ? "" : `   ${(pct(s, 0.5) - floor).toFixed(0)} ns more`;
  console.log(
    `${name.padEnd(28)} ${pct(s, 0.5).toFixed(0)} / ${pct(s, 0.9).toFixed(0)}${less}   (n=${s.length})`,
  );
});
await router.close();
await ("stop" in sim ? sim.stop() : sim.close());
process.exit(0);
