/**
 * CPU per order, as the kernel counts it: the gateway (main.ts) and the plain bridge
 * (`servers/bridge_floor_server.ts`, none of this project's code) take the same orders, over HTTP and over the
 * local socket, in blocks; for each block, the process's user and system CPU per order per thread
 * (`/proc/<pid>/task/<tid>/stat`), and its voluntary and involuntary context switches. Round-trip medians on
 * two shared cores move by more than a few µs of work; the CPU each process spent does not depend on who
 * waited for whom. It showed, for instance, that Bun's JIT worker thread compiles for ~20,000 orders after a
 * start (bench/README.md, tenth round).
 *
 * Run: `deno run -A bench/profile/cpu_per_order.ts` or `bun bench/profile/cpu_per_order.ts`. Environment:
 * `BENCH_CPU_ORDERS` per block (3,000), `BENCH_CPU_ROUNDS` (2), `BENCH_COMPARE_MAIN=<other tree>/main.ts`
 * (that gateway takes its blocks too), `BENCH_CPU_STRACE=1` (system calls per order, counted by `strace -c`,
 * which slows everything it watches), and the gateway's own `BENCH_GATEWAY_FLAGS` / `BENCH_GATEWAY_ENV`
 * (`BENCH_BRIDGE_FLAGS` for the bridge), e.g. `--cpu-prof --cpu-prof-dir=DIR` for `inclusive_cpuprofile.ts`.
 * Linux only.
 */
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import process from "node:process";
import { IOC_ORDER } from "../_fixtures.ts";
import { startBridgeFloor } from "../_support/bridge_floor.ts";
import { LocalSocketClient, postOrder, startGateway, startTaskV8Flags } from "../_support/gateway_process.ts";
import { runtimeLabel, runtimeName } from "../_support/runtime.ts";
import { startSimProcess } from "../_support/sim_process.ts";

/** RESULT: the ack already says EXPIRED, so no order stays tracked (as in control_plane.ts). */
const ORDER = { ...IOC_ORDER, newOrderRespType: "RESULT" } as const;
const BODY = JSON.stringify(ORDER);
const ORDERS = Number(process.env.BENCH_CPU_ORDERS ?? 3000);
const ROUNDS = Number(process.env.BENCH_CPU_ROUNDS ?? 2);
const STRACE = process.env.BENCH_CPU_STRACE === "1";
/** The kernel's clock ticks per second (`getconf CLK_TCK`, 100 on Linux x64). */
const TICK_MS = 10;

/** CPU ms per thread ("name#tid user" / "name#tid system"). */
function threadCpu(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    const raw = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
    const name = raw.slice(raw.indexOf("(") + 1, raw.lastIndexOf(")"));
    const fields = raw.slice(raw.lastIndexOf(")") + 2).split(" ");
    out.set(`${name}#${tid} user`, Number(fields[11]) * TICK_MS);
    out.set(`${name}#${tid} system`, Number(fields[12]) * TICK_MS);
  }
  return out;
}

/** Voluntary and involuntary context switches, summed over the threads. */
function switches(pid: number): [number, number] {
  let voluntary = 0;
  let involuntary = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    const status = readFileSync(`/proc/${pid}/task/${tid}/status`, "utf8");
    voluntary += Number(/^voluntary_ctxt_switches:\s+(\d+)/m.exec(status)?.[1] ?? 0);
    involuntary += Number(/^nonvoluntary_ctxt_switches:\s+(\d+)/m.exec(status)?.[1] ?? 0);
  }
  return [voluntary, involuntary];
}

/** Starts `strace -c` on every thread of `pid`; the returned function stops it and gives its table. */
async function traceSyscalls(pid: number): Promise<() => Promise<string>> {
  const tids = readdirSync(`/proc/${pid}/task`);
  const tracer = spawn("strace", ["-c", "-qq", ...tids.flatMap((t) => ["-p", t])], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let table = "";
  tracer.stderr!.on("data", (d) => table += d);
  await new Promise((resolve) => setTimeout(resolve, 1000)); // attached
  return async () => {
    tracer.kill("SIGINT");
    await new Promise((resolve) => tracer.on("exit", resolve));
    return table;
  };
}

async function block(name: string, pid: number, once: () => Promise<void>): Promise<void> {
  const stopTrace = STRACE ? await traceSyscalls(pid) : undefined;
  const cpu0 = threadCpu(pid);
  const [v0, i0] = switches(pid);
  const t0 = performance.now();
  for (let i = 0; i < ORDERS; i++) await once();
  const wall = performance.now() - t0;
  const cpu1 = threadCpu(pid);
  const [v1, i1] = switches(pid);
  const perOrder = (ms: number) => (ms / ORDERS * 1000).toFixed(0);
  let total = 0;
  const threads: string[] = [];
  for (const [key, ms] of cpu1) {
    const spent = ms - (cpu0.get(key) ?? 0);
    total += spent;
    if (spent > 0) threads.push(`${key} ${perOrder(spent)}`);
  }
  console.log(
    `${name.padEnd(30)} wall ${perOrder(wall)} µs/order, CPU ${perOrder(total)} µs/order, context switches ` +
      `${((v1 - v0) / ORDERS).toFixed(2)} voluntary, ${
        ((i1 - i0) / ORDERS).toFixed(2)
      } involuntary per order`,
  );
  console.log(`${"".padEnd(30)} µs/order by thread: ${threads.join(", ")}`);
  if (stopTrace !== undefined) {
    for (const line of (await stopTrace()).split("\n")) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 5 || !/^\d+$/.test(cols[3]!)) continue;
      console.log(
        `${"".padEnd(30)} ${cols.at(-1)!.padEnd(14)} ${(Number(cols[3]) / ORDERS).toFixed(3)} per order`,
      );
    }
  }
}

const http = (controlUrl: string) => () => postOrder(controlUrl, BODY);
const socket = (client: LocalSocketClient) => async () => void await client.request("place", ORDER);

const sim = await startSimProcess();
const bridgeFlags = (process.env.BENCH_BRIDGE_FLAGS ?? "").split(" ").filter(Boolean);
const gateways = [{ name: "gateway", process: await startGateway(sim.url) }];
const compareMain = process.env.BENCH_COMPARE_MAIN;
if (compareMain !== undefined) {
  gateways.push({ name: "compared gateway", process: await startGateway(sim.url, compareMain) });
}
const bridge = await startBridgeFloor(sim.url, [
  ...(runtimeName() === "bun" ? [] : startTaskV8Flags()),
  ...bridgeFlags,
]);
const contenders = [
  ...gateways.map((g) => ({ name: g.name, pid: g.process.child.pid, url: g.process.controlUrl })),
  { name: "bridge", pid: bridge.child.pid, url: bridge.url },
];
const sockets = await Promise.all(contenders.map((c) => LocalSocketClient.connect(c.url)));
try {
  console.log(
    `CPU per order, ${runtimeLabel()}: ${ORDERS} orders per block, after 2,000 warm-up orders each`,
  );
  for (const [k, c] of contenders.entries()) {
    for (let i = 0; i < 1000; i++) await http(c.url)();
    for (let i = 0; i < 1000; i++) await socket(sockets[k]!)();
  }
  for (let round = 1; round <= ROUNDS; round++) {
    console.log(`round ${round}`);
    for (const c of contenders) await block(`${c.name}, HTTP`, c.pid, http(c.url));
    for (const [k, c] of contenders.entries()) {
      await block(`${c.name}, local socket`, c.pid, socket(sockets[k]!));
    }
  }
} finally {
  for (const s of sockets) s.close();
  for (const g of gateways) await g.process.stop();
  await bridge.child.stop();
  await sim.stop();
}
