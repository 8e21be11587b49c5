/**
 * The pre-trade check's own time at a trader's pace: one order every `BENCH_PACE_GAP_MS` (default 5), the
 * process asleep in between, as a gateway is between two orders from curl or a strategy that trades on a
 * signal. Three modes take turns in phases of `BENCH_PACE_PER_PHASE` orders (default 40;
 * `BENCH_PACE_PHASES`, default 60): the two clock reads alone (the floor), the check with no warm-up, and the
 * check while `PreTradeCheck.warm` runs every `BENCH_PACE_WARM_MS` (default 2, the gateway's `--warm-ms`). The
 * check is `cases/risk_cases.ts`'s (BTCUSDT filters, a fresh mark, every limit set); each LIMIT order is a new
 * object made just before it is timed, as a parsed request is. Back to back (mitata) the same check
 * takes 40–60 ns; here its code and its symbol's slots have left the core's caches.
 *
 * Run: `deno run -A bench/profile/check_pace.ts` or `bun bench/profile/check_pace.ts`. Prints medians and
 * p90s in ns, and each mode's median less the floor's.
 */
import process from "node:process";
import { preTradeCheckCase } from "../cases/risk_cases.ts";
import { runtimeLabel } from "../_support/runtime.ts";
import type { PlaceOrderParams } from "../../lib/types.ts";

const GAP_MS = Number(process.env.BENCH_PACE_GAP_MS ?? 5);
const WARM_MS = Number(process.env.BENCH_PACE_WARM_MS ?? 2);
const PHASES = Number(process.env.BENCH_PACE_PHASES ?? 60);
const PER_PHASE = Number(process.env.BENCH_PACE_PER_PHASE ?? 40);
const MODES = ["clock reads alone (floor)", "check, no warm-up", `check, warm-up every ${WARM_MS} ms`];

const { next, check, advance } = preTradeCheckCase("LIMIT");
// Back to back first, so that every mode meets code the JIT has optimized. Then the case's clock moves with
// the pace (its mark renewed each second): every paced order passes.
for (let i = 0; i < 200_000; i++) next();

/** A LIMIT order the case's limits pass, made now with strings of its own, as a request's parse makes it. */
function freshOrder(k: number): PlaceOrderParams {
  return {
    symbol: "BTCUSDT",
    side: k % 2 === 0 ? "BUY" : "SELL",
    type: "LIMIT",
    timeInForce: "GTC",
    quantity: (0.002 + (k % 50) / 1000).toFixed(3),
    price: (50_500 + (k % 100) / 10).toFixed(1),
  };
}

let mode = 0;
let sink = 0;
const warmer = setInterval(() => {
  if (mode === 2) sink += check.warm();
}, WARM_MS);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const samples: number[][] = MODES.map(() => []);
for (let phase = 0; phase < PHASES; phase++) {
  mode = phase % MODES.length;
  for (let i = 0; i < PER_PHASE; i++) {
    await pause(GAP_MS);
    advance(GAP_MS);
    const order = freshOrder(phase * PER_PHASE + i);
    const t0 = performance.now();
    if (mode !== 0) sink += check.checkPlace(order);
    const t1 = performance.now();
    samples[mode]!.push((t1 - t0) * 1e6);
  }
}
clearInterval(warmer);

const pct = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length * p)]!;
const floor = pct(samples[0]!, 0.5);
console.log(
  `pre-trade check at one order every ${GAP_MS} ms, ${runtimeLabel()} (ns, median / p90; less the floor)`,
);
MODES.forEach((name, m) => {
  const s = samples[m]!;
  const less = m === 0 ? "" : `   ${(pct(s, 0.5) - floor).toFixed(0)}`;
  console.log(
    `${name.padEnd(30)} ${pct(s, 0.5).toFixed(0)} / ${pct(s, 0.9).toFixed(0)}${less}   (n=${s.length})`,
  );
});
if (sink !== 0) throw new Error("a check refused a benchmark order");
process.exit(0);
