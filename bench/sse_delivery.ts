/**
 * SSE delivery latency of the control plane's `GET /events`: the time from `account.events.append(…)` in the
 * server process to the moment a reader in another process has read and parsed that message. Two children
 * on this runtime (Deno when run with deno, Bun with bun), fresh for each case:
 *
 * - `servers/sse_server.ts`: an `AccountState` and the control app over it, served on 127.0.0.1:0; on `go`
 *   it appends order events at BENCH_SSE_RATE per second (default 1000) on a drift-corrected
 *   BENCH_SSE_TICK_MS timer (default 10 ms: each tick appends the events due by then, about 10), each
 *   stamped with the wall clock (`performance.timeOrigin + performance.now()`) just before its `append`;
 * - `sse_subscribers.ts`: N readers (fetch + streaming body) that stamp each message after parsing it and
 *   check that every reader got every event once, in id order (the run fails otherwise).
 *
 * Cases: 10 readers, then 1 (for scale); 1 s of warm-up events (checked, not timed), then BENCH_SSE_SECONDS
 * (default 10, quick 3) of timed events. Both processes check their wall clock against the system clock
 * (`_support/wall_clock.ts`); the difference, which would add to every figure, is printed and noted.
 * A reader the hub drops for being slow, or a pace the server could not keep, fails the run.
 *
 * With 10 ms ticks both processes sleep between bursts, so each burst's latency includes waking them up; on
 * the 2-core VM this was measured on, that is most of it (one event per 10 ms took about 400 µs, events 1 ms
 * apart 100–250 µs). `BENCH_SSE_TICK_MS=1` spreads the events out (one or two per tick) and keeps both
 * processes busier; such rows carry the tick in their name.
 *
 * Run: `deno run -A bench/sse_delivery.ts` or `bun bench/sse_delivery.ts` (`BENCH_SSE_SECONDS`,
 * `BENCH_SSE_RATE`, `BENCH_SSE_TICK_MS`, `BENCH_QUICK=1`).
 */
import process from "node:process";
import { type Child, runtimeCommand, spawnChild } from "./_support/children.ts";
import { printResults } from "./_support/print.ts";
import { type NewResult, recordResults } from "./_support/results.ts";
import { runtimeLabel, runtimeName } from "./_support/runtime.ts";
import { SIZES } from "./_support/settings.ts";

const GROUP = "SSE delivery";
const CASES = [10, 1];
const WARMUP_SECONDS = 1;
const DEFAULT_TICK_MS = 10;
const TICK_MS = Number(process.env.BENCH_SSE_TICK_MS ?? DEFAULT_TICK_MS);

/** What `servers/sse_server.ts` prints after `go` (see there). */
interface SentReport {
  events: number;
  seconds: number;
  achievedRate: number;
  maxPerTick: number;
  appendUs: { median: number; p99: number; max: number };
  clockOffsetUs: [number, number];
  slowDrops: number;
}

/** What `sse_subscribers.ts` prints (see there); latencies in µs. */
interface ReadersReport {
  ok: boolean;
  count: number;
  median: number;
  p99: number;
  p999: number;
  max: number;
  perSubscriber: { median: number; p99: number }[];
  clockOffsetUs: [number, number];
  errors: string[];
}

/** The row's name; a tick other than the default 10 ms is named, as it changes what is measured. */
function resultName(subscribers: number, rate: number): string {
  const who = subscribers === 1 ? "1 subscriber" : `${subscribers} subscribers`;
  const tick = TICK_MS === DEFAULT_TICK_MS ? "" : `, ${TICK_MS} ms ticks`;
  return `SSE delivery: append → parsed by a subscriber (${who}, ${rate} events/s${tick})`;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function runCase(runtime: "deno" | "bun", subscribers: number): Promise<NewResult> {
  const rate = SIZES.sseRate;
  const warmup = rate * WARMUP_SECONDS;
  const events = warmup + rate * SIZES.sseSeconds;
  const runMs = (events / rate) * 1000;
  const [serverCmd, serverArgs] = runtimeCommand(runtime, "bench/servers/sse_server.ts");
  const server = spawnChild(`SSE server (${runtime})`, serverCmd, serverArgs, {
    env: { BENCH_SERVER_MAX_SECONDS: String(Math.ceil(runMs / 1000) + 120) },
  });
  let readers: Child | undefined;
  try {
    const url = (await server.waitForLine(/^SSE_SERVER (http:\/\/127\.0\.0\.1:\d+)$/m, 30_000))[1]!;
    const [readersCmd, readersArgs] = runtimeCommand(runtime, "bench/sse_subscribers.ts");
    readers = spawnChild(`SSE subscribers (${runtime})`, readersCmd, readersArgs, {
      env: {
        BENCH_SSE_URL: url,
        BENCH_SSE_SUBSCRIBERS: String(subscribers),
        BENCH_SSE_EVENTS: String(events),
        BENCH_SSE_WARMUP: String(warmup),
        BENCH_SSE_TIMEOUT_S: String(Math.ceil(runMs / 1000) + 60),
      },
    });
    await readers.waitForLine(/^READY$/m, 30_000);
    server.write(`go ${events} ${rate} ${TICK_MS}\n`);
    const sentLine = await server.waitForLine(/^SENT (\{.*\})$/m, runMs + 30_000);
    const sent = JSON.parse(sentLine[1]!) as SentReport;
    const code = await withTimeout(readers.exited, 30_000, "subscribers");
    const line = /^RESULT (\{.*\})$/m.exec(readers.output());
    if (line === null) throw new Error(`subscribers exited (${code}) without a result:\n${readers.output()}`);
    const got = JSON.parse(line[1]!) as ReadersReport;
    if (code !== 0 || !got.ok) {
      throw new Error(`subscribers failed (exit ${code}):\n  ${got.errors.join("\n  ")}`);
    }
    if (sent.slowDrops > 0) throw new Error(`the hub dropped ${sent.slowDrops} slow reader(s)`);
    if (sent.achievedRate < rate * 0.95) {
      throw new Error(`the server kept only ${sent.achievedRate.toFixed(0)} of ${rate} events/s`);
    }
    // Latency as measured = true latency + (reader's clock − server's clock): how far apart they were.
    const skews = [0, 1].map((i) => got.clockOffsetUs[i]! - sent.clockOffsetUs[i]!);
    const skew = skews.reduce((a, b) => (Math.abs(b) > Math.abs(a) ? b : a));
    const perReader = got.perSubscriber.map((s) => s.median.toFixed(0)).join("/");
    console.log(
      `${subscribers} reader(s): ${sent.events} events in ${sent.seconds.toFixed(2)} s ` +
        `(${sent.achievedRate.toFixed(0)}/s, at most ${sent.maxPerTick} per tick); append() itself ` +
        `median ${sent.appendUs.median.toFixed(1)} µs, p99 ${sent.appendUs.p99.toFixed(1)} µs; ` +
        `reader medians ${perReader} µs; clocks apart ${skew.toFixed(1)} µs`,
    );
    if (Math.abs(skew) > 20) {
      console.warn(`warning: the two processes' clocks are ${skew.toFixed(1)} µs apart; figures include it`);
    }
    return {
      name: resultName(subscribers, rate),
      group: GROUP,
      median: got.median,
      p99: got.p99,
      p999: got.p999,
      n: got.count,
      unit: "µs",
      note: `${events - warmup} events × ${subscribers} after ${warmup} warm-up, ${TICK_MS} ms ticks; ` +
        `append() median ${sent.appendUs.median.toFixed(1)} µs; clocks apart ${skew.toFixed(1)} µs`,
    };
  } finally {
    await readers?.stop();
    await server.stop();
  }
}

async function main(): Promise<void> {
  if (!Number.isSafeInteger(TICK_MS) || TICK_MS < 1) throw new Error("BENCH_SSE_TICK_MS: whole ms ≥ 1");
  const runtime = runtimeName();
  if (runtime === "node") throw new Error("run with deno or bun: the server and readers use this runtime");
  const results: NewResult[] = [];
  for (const subscribers of CASES) results.push(await runCase(runtime, subscribers));
  printResults(`SSE delivery, ${runtimeLabel()} server and readers in separate processes`, results);
  recordResults(results);
}

await main();
process.exit(0);
