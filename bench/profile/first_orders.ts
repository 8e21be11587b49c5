/**
 * How fast a freshly started gateway answers its first orders: `POST /orders` medians over blocks of orders
 * since its start (the last 200 of each block), against a simulator and a client already warmed up by a first
 * gateway of 5,000 orders, so that only the new gateway is cold. A trader who places a few orders an hour
 * lives in the first block (bench/README.md, tenth round).
 *
 * Run: `deno run -A bench/profile/first_orders.ts` or `bun bench/profile/first_orders.ts`.
 * `BENCH_FIRST_MARKS` (default `100,300,1000,3000,10000`): where the blocks end; `BENCH_FIRST_IDLE_MS`
 * (default 0): how long the fresh gateway stands idle after its start before its first order, as a trader's
 * router does (its order path's warm-up runs meanwhile, unless `BENCH_GATEWAY_ENV=ROUTER_WARM_MS=0`);
 * `BENCH_GATEWAY_ENV` / `BENCH_GATEWAY_FLAGS` as for every gateway the benchmarks start.
 */
import process from "node:process";
import { IOC_ORDER } from "../_fixtures.ts";
import { postOrder, startGateway } from "../_support/gateway_process.ts";
import { runtimeLabel } from "../_support/runtime.ts";
import { startSimProcess } from "../_support/sim_process.ts";

const ORDER = { ...IOC_ORDER, newOrderRespType: "RESULT" } as const;
const BODY = JSON.stringify(ORDER);
const MARKS = (process.env.BENCH_FIRST_MARKS ?? "100,300,1000,3000,10000").split(",").map(Number);
const IDLE_MS = Number(process.env.BENCH_FIRST_IDLE_MS ?? 0);

async function place(controlUrl: string): Promise<number> {
  const t0 = performance.now();
  await postOrder(controlUrl, BODY);
  return (performance.now() - t0) * 1000;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

const sim = await startSimProcess();
try {
  const first = await startGateway(sim.url);
  for (let i = 0; i < 5000; i++) await place(first.controlUrl);
  await first.stop();
  const fresh = await startGateway(sim.url);
  try {
    if (IDLE_MS > 0) await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
    const idle = IDLE_MS > 0 ? `, idle ${IDLE_MS} ms after its start` : "";
    console.log(`first orders of a fresh gateway${idle}, ${runtimeLabel()} (POST /orders → ack, µs)`);
    let done = 0;
    for (const mark of MARKS) {
      const block: number[] = [];
      while (done < mark) {
        block.push(await place(fresh.controlUrl));
        done++;
      }
      const from = done - block.length + 1;
      console.log(`orders ${from}–${done}: median ${median(block.slice(-200)).toFixed(0)} (its last 200)`);
    }
  } finally {
    await fresh.stop();
  }
} finally {
  await sim.stop();
}
