/**
 * The control plane's `GET /events` in a process of its own, for the SSE delivery benchmark
 * (bench/sse_delivery.ts): an `AccountState`, the control app built over it (`createControlApp`, with a
 * router stand-in that refuses every call: no order route is used) and `serve` on 127.0.0.1:0. Prints
 * `SSE_SERVER http://127.0.0.1:PORT`, then waits for a line on stdin:
 *
 * - `go <events> <rate> <tickMs>`: appends `events` order events to `account.events` at `rate` per second
 *   on a `tickMs` interval, drift-corrected (each tick appends every event due by then, so a late tick is
 *   caught up rather than lost). Each event's data is an order as the tracker logs it plus `seq` (1, 2, …)
 *   and `sentAt`, the wall clock (`performance.timeOrigin + performance.now()`, epoch ms) read right before
 *   its `append`. When done, prints `SENT {…}` (pace actually kept, time inside `append`, clock offset,
 *   readers dropped for being slow).
 *
 * Exits on SIGTERM/SIGINT, when stdin closes, or after BENCH_SERVER_MAX_SECONDS (default 600).
 *
 * Run: `deno run -A bench/servers/sse_server.ts` or `bun bench/servers/sse_server.ts`.
 */
import process from "node:process";
import { AccountState } from "../../lib/account/account_state.ts";
import { createControlApp, type RouterApi } from "../../lib/control/app.ts";
import { serve } from "../../lib/control/server.ts";
import type { TrackedOrder } from "../../lib/orders/tracked_order.ts";
import { PipelineMetrics } from "../../lib/pipeline/pipeline_metrics.ts";
import { summarize } from "../_support/stats.ts";
import { wallClockOffsetMs } from "../_support/wall_clock.ts";

/** What each benchmark event carries: an order as the tracker logs it, its sequence number and send time. */
type BenchOrderEvent = TrackedOrder & { seq: number; sentAt: number };

const refuse = () => Promise.reject(new Error("the SSE benchmark server has no router"));

/** Satisfies the app's router type; /events never touches it, and an order route would answer 500. */
const router: RouterApi = {
  placeOrder: refuse,
  modifyOrder: refuse,
  cancelOrder: refuse,
  queryOrder: refuse,
  placeAlgoOrder: refuse,
  cancelAlgoOrder: refuse,
  accountBalance: refuse,
  accountPositions: refuse,
  accountStatus: refuse,
  halt: refuse,
  cancelAllOpenOrders: refuse,
  flatten: refuse,
  resume: () => {},
  halted: undefined,
  connected: true,
  auth: "hmac",
  rateLimits: [],
  rateLimitBlock: undefined,
  lastCredentialsRefusal: undefined,
  clockOffsetMs: 0,
  inFlight: 0,
  metrics: new PipelineMetrics(),
};

const account = new AccountState();
const shutdownSignal = new AbortController();
const bound: { port?: number } = {};
let slowDrops = 0;
const app = createControlApp({
  router,
  account,
  mode: "custom",
  endpoint: "none",
  guard: { port: () => bound.port },
  signal: shutdownSignal.signal,
  onNotice: (level, msg, fields) => {
    if (msg.includes("slow subscriber dropped")) slowDrops += Number(fields.dropped ?? 1);
    process.stderr.write(`${level} ${msg} ${JSON.stringify(fields)}\n`);
  },
});
const server = await serve({ hostname: "127.0.0.1", port: 0, fetch: app.fetch });
bound.port = server.port;

function orderEvent(seq: number): BenchOrderEvent {
  const now = Date.now();
  return {
    seq,
    sentAt: 0,
    clientOrderId: `bench-sse-${seq}`,
    symbol: "BTCUSDT",
    side: "BUY",
    type: "LIMIT",
    quantity: "0.002",
    price: "50000",
    timeInForce: "GTC",
    positionSide: "BOTH",
    orderId: 4_000_000_000 + seq,
    status: "NEW",
    state: "open",
    executedQty: "0",
    avgPrice: "0",
    algo: false,
    external: false,
    recovered: false,
    intentAt: now,
    updatedAt: now,
    updateTime: now,
  };
}

/** What `go` reports when every event is appended. */
interface SentReport {
  events: number;
  rate: number;
  tickMs: number;
  /** Seconds from the first append to the last. */
  seconds: number;
  /** Events per second actually kept. */
  achievedRate: number;
  /** Most events one tick had to append (1 + those a late tick caught up). */
  maxPerTick: number;
  /** Time inside `account.events.append` (serialise once, queue or hand to every reader), µs. */
  appendUs: { median: number; p99: number; max: number };
  /** This process's wall clock minus the system clock, µs (start, end). */
  clockOffsetUs: [number, number];
  /** Readers the hub dropped for not keeping up. */
  slowDrops: number;
}

function run(events: number, rate: number, tickMs: number): Promise<SentReport> {
  const clockStart = wallClockOffsetMs() * 1000;
  const inAppend = new Float64Array(events);
  let sent = 0;
  let maxPerTick = 0;
  let firstAt = 0;
  let lastAt = 0;
  const start = performance.now();
  return new Promise((resolve) => {
    const tick = () => {
      // Event k (0-based) is due at start + k/rate: append every one due by now.
      const due = Math.min(events, Math.floor(((performance.now() - start) * rate) / 1000) + 1);
      maxPerTick = Math.max(maxPerTick, due - sent);
      while (sent < due) {
        const data = orderEvent(sent + 1);
        const t0 = performance.now();
        data.sentAt = performance.timeOrigin + t0; // = wallClockMs(), with t0 kept for the append's own time
        account.events.append("order", data);
        const t1 = performance.now();
        inAppend[sent] = (t1 - t0) * 1000;
        if (sent === 0) firstAt = t0;
        lastAt = t1;
        sent++;
      }
      if (sent < events) return;
      clearInterval(timer);
      // The clock check spins for ~10 ms: not before the last events have left (the runtime writes them
      // after this callback returns), or it would delay them.
      setTimeout(() => {
        const s = summarize(inAppend);
        const seconds = (lastAt - firstAt) / 1000;
        resolve({
          events,
          rate,
          tickMs,
          seconds,
          achievedRate: seconds > 0 ? (events - 1) / seconds : events,
          maxPerTick,
          appendUs: { median: s.median, p99: s.p99, max: s.max },
          clockOffsetUs: [clockStart, wallClockOffsetMs() * 1000],
          slowDrops,
        });
      }, 500);
    };
    const timer = setInterval(tick, tickMs);
    tick();
  });
}

let closing = false;
async function shutdown(code: number): Promise<void> {
  if (closing) return;
  closing = true;
  clearTimeout(lifetime);
  shutdownSignal.abort(); // ends the open /events streams, so close() need not wait for them
  await server.close();
  process.exit(code);
}

const lifetime = setTimeout(
  () => void shutdown(3),
  Number(process.env.BENCH_SERVER_MAX_SECONDS ?? 600) * 1000,
);
process.on("SIGTERM", () => void shutdown(0));
process.on("SIGINT", () => void shutdown(0));

let running = false;
let pending = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk: string) => {
  pending += chunk;
  for (let nl = pending.indexOf("\n"); nl >= 0; nl = pending.indexOf("\n")) {
    const line = pending.slice(0, nl).trim();
    pending = pending.slice(nl + 1);
    const m = /^go (\d+) (\d+) (\d+)$/.exec(line);
    if (m === null) {
      process.stderr.write(`sse_server: unknown command ${JSON.stringify(line)}\n`);
      continue;
    }
    if (running) {
      process.stderr.write("sse_server: already running\n");
      continue;
    }
    running = true;
    void run(Number(m[1]), Number(m[2]), Number(m[3])).then((report) => {
      process.stdout.write(`SENT ${JSON.stringify(report)}\n`);
    });
  }
});
process.stdin.on("end", () => void shutdown(0));

process.stdout.write(`SSE_SERVER ${server.url}\n`);
