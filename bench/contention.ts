/**
 * Contention between readers and the order path: order round trips to the gateway (main.ts on this runtime,
 * its own process, against the simulator process), over HTTP `POST /orders` and over the local socket
 * (`GET /ws`), in alternating phases — idle, then loaded by a readers process (`servers/contention_readers.ts`:
 * `/metrics` and `GET /orders?state=all` polled at 50 Hz each, 10 `/events` subscribers) — so drift falls on
 * both alike. Before the first phase, 5,000 IOC orders are placed (through the local socket): the tracker keeps
 * them as recently finished, so every `GET /orders?state=all` lists at least 5,000 orders (the simulator's
 * 10,000 USDT wallet cannot hold 5,000 resting ones). Targets: loaded p99 ≤ 1.2× idle p99, p50 ≤ 1.05×.
 *
 * Run: `deno run -A bench/contention.ts` or `bun bench/contention.ts` (`BENCH_SIM_URL` optional,
 * `BENCH_CONTENTION_PHASES` (6; quick 2) phases of `BENCH_CONTENTION_ORDERS` (1,000; quick 300) orders per
 * contender, alternating idle/loaded; `BENCH_READERS_NICE=19` runs the readers process at that `nice` level;
 * `BENCH_GATEWAY_MAIN` runs another entry as the gateway, e.g. a probe that imports main.ts;
 * `BENCH_READERS_MONITOR=1` runs the gateway with its monitor port (`--monitor-port`) and points the readers
 * at it. Experiments: `BENCH_READERS_APART=1` points the pollers at a second gateway on the same simulator,
 * filled alike, which reads the user data stream: they then cost the order path only the machine's CPU, not
 * the gateway's loop — the floor of any design that serves them off the order path; `=all` moves the
 * `/events` subscribers there too, where every order of the first gateway arrives as a stream event).
 */
import process from "node:process";
import { IOC_ORDER } from "./_fixtures.ts";
import { runtimeCommand, spawnChild } from "./_support/children.ts";
import { type GatewayProcess, LocalSocketClient, startGateway } from "./_support/gateway_process.ts";
import { type RoundTripContender, runInterleaved } from "./_support/interleave.ts";
import { printResults } from "./_support/print.ts";
import { type NewResult, recordResults } from "./_support/results.ts";
import { runtimeLabel, runtimeName } from "./_support/runtime.ts";
import { QUICK } from "./_support/settings.ts";
import { type SimProcess, startSimProcess } from "./_support/sim_process.ts";
import { summarize } from "./_support/stats.ts";

const PHASES = Number(process.env.BENCH_CONTENTION_PHASES ?? (QUICK ? 2 : 6));
const ORDERS = Number(process.env.BENCH_CONTENTION_ORDERS ?? (QUICK ? 300 : 1000));
const TRACKED = 5000;
/**
 * `BENCH_READERS_NICE=19`: the readers process runs at that `nice` level (Linux), so that the scheduler gives
 * the gateway the CPU first: what the readers' own CPU use costs the order path on two shared cores, apart
 * from the gateway's work for them. An experiment; nothing is recorded differently.
 */
const NICE = process.env.BENCH_READERS_NICE || undefined;
const APART = process.env.BENCH_READERS_APART === "1" || process.env.BENCH_READERS_APART === "all";
const EVENTS_APART = process.env.BENCH_READERS_APART === "all";
/** `BENCH_READERS_MONITOR=1`: the gateway runs its monitor port, and the readers read it. */
const MONITOR = process.env.BENCH_READERS_MONITOR === "1";
/** The results' name: each way of placing the readers has rows of its own in results.json. */
const LABEL = MONITOR
  ? "contention, readers on the monitor port"
  : APART
  ? `contention, readers on a second gateway (${EVENTS_APART ? "all" : "pollers"})`
  : "contention";
/**
 * RESULT: the ack already says EXPIRED, so the gateway's tracker lets the order go. With the default ACK it
 * says NEW and, without a user data stream, the order would stay tracked as open until the local
 * max-open-orders check (-2025) refused new ones.
 */
const ORDER = { ...IOC_ORDER, newOrderRespType: "RESULT" } as const;
const BODY = JSON.stringify(ORDER);

async function main(): Promise<void> {
  let sim: SimProcess | undefined;
  const simUrl = process.env.BENCH_SIM_URL ?? (sim = await startSimProcess()).url;
  const apart = APART ? await startReadersTarget(simUrl, sim?.streamUrl) : undefined;
  const gateway = await startGateway(
    simUrl,
    process.env.BENCH_GATEWAY_MAIN ?? "main.ts",
    MONITOR ? { ROUTER_MONITOR_PORT: "0" } : {},
  );
  const socket = await LocalSocketClient.connect(gateway.controlUrl);
  const readersUrls = [apart?.gateway.controlUrl ?? gateway.monitorUrl ?? gateway.controlUrl];
  if (apart !== undefined && !EVENTS_APART) readersUrls.push(gateway.controlUrl);
  try {
    await fill(socket);
    const contenders: RoundTripContender[] = [
      {
        name: "HTTP POST /orders",
        async once() {
          const res = await fetch(`${gateway.controlUrl}/orders`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: BODY,
          });
          await res.arrayBuffer();
          if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
        },
      },
      { name: "local socket place", once: () => socket.request("place", ORDER) },
    ];
    const samples = new Map<string, number[]>();
    const [cmd, args] = runtimeCommand(
      runtimeName() === "bun" ? "bun" : "deno",
      "bench/servers/contention_readers.ts",
    );
    const readerStats: string[] = [];
    for (let phase = 0; phase < PHASES; phase++) {
      const loaded = phase % 2 === 1;
      const readers = loaded
        ? NICE === undefined
          ? spawnChild("contention readers", cmd, [...args, ...readersUrls])
          : spawnChild("contention readers", "nice", ["-n", NICE, cmd, ...args, ...readersUrls])
        : undefined;
      if (readers !== undefined) await readers.waitForLine(/^READERS_READY$/m, 30_000);
      const got = await runInterleaved(contenders, {
        orders: ORDERS,
        round: 100,
        warmup: phase === 0 ? 500 : 0,
        maxSeconds: 300,
      });
      if (readers !== undefined) {
        await readers.stop();
        readerStats.push(/READERS (\{.*\})/.exec(readers.output())?.[1] ?? "{}");
      }
      for (const [name, v] of got) {
        const key = `${name} (${loaded ? "readers" : "idle"})`;
        samples.set(key, [...(samples.get(key) ?? []), ...v]);
      }
    }
    const results: NewResult[] = [];
    for (const [name, v] of samples) {
      const s = summarize(v);
      results.push({
        name: `${LABEL}: ${name}`,
        group: "contention",
        median: s.median,
        p99: s.p99,
        p999: s.p999,
        n: s.n,
        unit: "µs",
      });
    }
    for (const c of contenders) {
      const idle = summarize(samples.get(`${c.name} (idle)`)!);
      const busy = summarize(samples.get(`${c.name} (readers)`)!);
      results.push({
        name: `${LABEL}: ${c.name}, readers ÷ idle (target p50 ≤ 1.05, p99 ≤ 1.2)`,
        group: "contention",
        median: busy.median / idle.median,
        p99: busy.p99 / idle.p99,
        unit: "×",
        note: `readers: ${readerStats.join(" ")}`,
      });
    }
    const where = MONITOR
      ? ", readers on the monitor port"
      : EVENTS_APART
      ? ", readers on a second gateway"
      : APART
      ? ", pollers on a second gateway"
      : "";
    printResults(`contention, ${runtimeLabel()} client + gateway, simulator process${where}`, results);
    recordResults(results);
  } finally {
    socket.close();
    await gateway.stop();
    await sim?.stop();
    await apart?.stop();
  }
}

/** 5,000 tracked orders (64 in flight). */
async function fill(socket: LocalSocketClient): Promise<void> {
  for (let sent = 0; sent < TRACKED; sent += 64) {
    await Promise.all(Array.from({ length: 64 }, () => socket.request("place", ORDER)));
  }
}

/**
 * `BENCH_READERS_APART`: a second gateway on the same simulator and account, filled like the first, for the
 * readers alone. Its user data stream (when the simulator was started here) carries the first gateway's
 * orders, so its `/events` subscribers get an event per order as they would from the first.
 */
async function startReadersTarget(
  simUrl: string,
  streamUrl: string | undefined,
): Promise<{ gateway: GatewayProcess; stop(): Promise<void> }> {
  const env: Record<string, string> = streamUrl === undefined ? {} : { BINANCE_STREAM_URL: streamUrl };
  const gateway = await startGateway(simUrl, process.env.BENCH_GATEWAY_MAIN ?? "main.ts", env);
  const socket = await LocalSocketClient.connect(gateway.controlUrl);
  await fill(socket);
  socket.close();
  return { gateway, stop: () => gateway.stop() };
}

await main();
process.exit(0);
