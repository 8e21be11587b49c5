/**
 * Benchmark sizes, from the environment: `BENCH_QUICK=1` shrinks everything so the whole suite runs in a few
 * minutes; each size can also be set on its own (`BENCH_RTT_ORDERS`, `BENCH_SOAK_SECONDS`, `BENCH_SOAK_RATE`,
 * `BENCH_TOTAL_ORDERS`, `BENCH_CONTROL_ORDERS`, `BENCH_MICRO_MS`, `BENCH_SSE_SECONDS`, `BENCH_SSE_RATE`).
 */
import process from "node:process";

/** Whether the quick (smoke-sized) suite was asked for. */
export const QUICK: boolean = /^(1|true|yes)$/i.test(process.env.BENCH_QUICK ?? "");

function intFromEnv(name: string, full: number, quick: number): number {
  const raw = process.env[name];
  if (raw !== undefined && raw !== "") {
    const n = Number(raw);
    if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${name}: expected a whole number, got ${raw}`);
    return n;
  }
  return QUICK ? quick : full;
}

/** Sizes of every benchmark in this run. */
export const SIZES = {
  /** Minimum CPU time per micro-benchmark case (ms), as mitata's min_cpu_time. */
  microMs: intFromEnv("BENCH_MICRO_MS", 1000, 250),
  /** Orders per contender in the round-trip benchmarks (one in flight). */
  rttOrders: intFromEnv("BENCH_RTT_ORDERS", 20_000, 2_000),
  /** Orders per contender in the control-plane benchmark. */
  controlOrders: intFromEnv("BENCH_CONTROL_ORDERS", 10_000, 1_000),
  /** Paced phase of the soak: seconds at `soakRate` orders/s. */
  soakSeconds: intFromEnv("BENCH_SOAK_SECONDS", 60, 5),
  soakRate: intFromEnv("BENCH_SOAK_RATE", 1000, 1000),
  /** Orders in the whole soak (paced phase + as-fast-as-allowed phase). */
  totalOrders: intFromEnv("BENCH_TOTAL_ORDERS", 1_000_000, 30_000),
  /** SSE delivery: measured seconds of events per subscriber count (after a 1 s warm-up). */
  sseSeconds: intFromEnv("BENCH_SSE_SECONDS", 10, 3),
  /** SSE delivery: events appended per second. */
  sseRate: intFromEnv("BENCH_SSE_RATE", 1000, 1000),
} as const;
