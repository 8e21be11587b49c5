/**
 * Hot-path micro-benchmarks with mitata, on whichever runtime runs this file (Deno and Bun): order build +
 * sign next to Web Crypto, node:crypto and the public SDKs' signing paths; Ed25519-session builds; bare
 * HMAC-SHA256; ack resolution; the client CPU of one order without a socket; and the whole pre-trade check. Every signed frame is
 * checked against the simulator's independent verifier before it is timed. Medians and p99s are over
 * mitata's samples (each a batch mean for sub-microsecond operations), in ns.
 *
 * Run: `deno run -A bench/micro.ts` or `bun bench/micro.ts` (`BENCH_MICRO_MS` = CPU time per
 * case, `BENCH_FILTER` = regex on case names).
 */
import process from "node:process";
import { measure } from "mitata";
import { verifySignature } from "../lib/sim/auth.ts";
import { SECRET_KEY } from "./_fixtures.ts";
import { buildSignCases, type MicroCase } from "./cases/build_sign_cases.ts";
import {
  ackCases,
  clientCpuPerOrder,
  GROUP_ACK,
  GROUP_CLIENT,
  jsonParseOnly,
  measureOptionsOf,
  perAck,
} from "./cases/ack_cases.ts";
import { GROUP_STREAM, streamFrameToState } from "./cases/stream_cases.ts";
import { GROUP_RISK, preTradeCheckCase } from "./cases/risk_cases.ts";
import { printResults } from "./_support/print.ts";
import { type NewResult, recordResults } from "./_support/results.ts";
import { runtimeLabel } from "./_support/runtime.ts";
import { SIZES } from "./_support/settings.ts";

const filter = new RegExp(process.env.BENCH_FILTER ?? ".");
const minCpuNs = SIZES.microMs * 1e6;

async function checkFrame(c: MicroCase): Promise<void> {
  const out = await c.run();
  if (typeof out !== "string" || out.length === 0) throw new Error(`${c.name}: built nothing`);
  if (!c.signedFrame) return;
  const params = (JSON.parse(out) as { params: Record<string, unknown> }).params;
  if (!(await verifySignature({ kind: "hmac", secret: SECRET_KEY }, params))) {
    throw new Error(`${c.name}: its frame's signature does not verify:\n${out}`);
  }
}

function toResult(
  group: string,
  name: string,
  stats: { p50: number; p99: number; ticks: number },
): NewResult {
  return { group, name, median: stats.p50, p99: stats.p99, unit: "ns", n: stats.ticks };
}

async function main(): Promise<void> {
  const results: NewResult[] = [];
  for (const c of await buildSignCases()) {
    if (!filter.test(c.name)) continue;
    await checkFrame(c);
    const stats = await measure(c.run, { min_cpu_time: minCpuNs });
    results.push(toResult(c.group, c.name, stats));
  }
  for (const c of ackCases()) {
    if (!filter.test(c.name)) continue;
    const check = c.prepare();
    if ((await c.settle(check)) !== 336829446) throw new Error(`${c.name}: wrong result`);
    const stats = await measure(function* () {
      yield {
        [0]: () => c.prepare(),
        bench: (pending: ReturnType<typeof c.prepare>) => c.settle(pending),
      };
    }, { min_cpu_time: minCpuNs, ...measureOptionsOf(c) });
    results.push(toResult(c.group, c.name, perAck(c, stats)));
  }
  if (filter.test("JSON.parse")) {
    const parse = jsonParseOnly();
    results.push(
      toResult(GROUP_ACK, "JSON.parse(ack frame) alone", await measure(parse, { min_cpu_time: minCpuNs })),
    );
  }
  if (filter.test("pipeline")) {
    const order = clientCpuPerOrder();
    results.push(
      toResult(
        GROUP_CLIENT,
        "Lightning pipeline.send (HMAC) + ack via onFrame → await",
        await measure(order, { min_cpu_time: minCpuNs }),
      ),
    );
  }
  if (filter.test("stream")) {
    const { next, account } = streamFrameToState();
    const stats = await measure(next, { min_cpu_time: minCpuNs });
    if (account.fills.total === 0) throw new Error("stream case: no fill was recorded");
    results.push(
      toResult(GROUP_STREAM, "user stream: ORDER_TRADE_UPDATE frame → account state updated", stats),
    );
  }
  for (const type of ["LIMIT", "MARKET"] as const) {
    const name = `pre-trade check, whole (filters + limits), ${type} order`;
    if (!filter.test(name)) continue;
    const { next } = preTradeCheckCase(type);
    results.push(toResult(GROUP_RISK, name, await measure(next, { min_cpu_time: minCpuNs })));
  }
  printResults(`micro-benchmarks on ${runtimeLabel()} (ns per operation)`, results);
  recordResults(results);
}

await main();
process.exit(0);
