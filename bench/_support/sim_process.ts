/**
 * Starts the simulator in its own process (`bench/servers/sim_server.ts`) and talks to it over stdin/stdout:
 * the benchmarks then measure a client and a server that do not share an event loop or a core.
 */
import { readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SimOrderView, SimulatorStats } from "../../lib/sim/mod.ts";
import { type Child, runtimeCommand, spawnChild } from "./children.ts";

/** A simulator process. */
export interface SimProcess {
  readonly url: string;
  readonly httpUrl: string;
  /** The user data stream's base URL. */
  readonly streamUrl: string;
  readonly child: Child;
  /** The simulator's counters (asks the child over stdin). */
  stats(): Promise<SimulatorStats>;
  /** Every order the simulator holds, finished ones included (asks the child over stdin, read from a file). */
  orders(): Promise<SimOrderView[]>;
  stop(): Promise<void>;
}

/** Options of {@linkcode startSimProcess}. */
export interface SimProcessOptions {
  /** Runtime of the simulator process; default `BENCH_SIM_RUNTIME` or bun. */
  runtime?: "deno" | "bun";
  /** Upper bound on the child's life (s): it exits by itself after this. */
  maxSeconds?: number;
}

/** The runtime the simulator runs on unless told otherwise. */
export function defaultSimRuntime(): "deno" | "bun" {
  const wanted = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env
    .BENCH_SIM_RUNTIME;
  return wanted === "deno" ? "deno" : "bun";
}

/** Starts the simulator process with raised rate limits and waits for its URL. */
export async function startSimProcess(options: SimProcessOptions = {}): Promise<SimProcess> {
  const runtime = options.runtime ?? defaultSimRuntime();
  const [cmd, args] = runtimeCommand(runtime, "bench/servers/sim_server.ts");
  const child = spawnChild(`simulator (${runtime})`, cmd, args, {
    env: { BENCH_SIM_MAX_SECONDS: String(options.maxSeconds ?? 3600) },
  });
  const m = await child.waitForLine(/^SIM (\{.*\})$/m, 30_000);
  const info = JSON.parse(m[1]!) as { url: string; httpUrl: string; streamUrl: string };
  let seq = 0;
  return {
    url: info.url,
    httpUrl: info.httpUrl,
    streamUrl: info.streamUrl,
    child,
    async stats() {
      const n = ++seq;
      child.write(`stats ${n}\n`);
      const s = await child.waitForLine(new RegExp(`^STATS ${n} (\\{.*\\})$`, "m"), 10_000);
      return JSON.parse(s[1]!) as SimulatorStats;
    },
    async orders() {
      const n = ++seq;
      const path = join(tmpdir(), `lightning-sim-orders-${child.pid}-${n}.json`);
      try {
        child.write(`orders ${n} ${path}\n`);
        await child.waitForLine(new RegExp(`^ORDERS ${n} \\d+$`, "m"), 60_000);
        return JSON.parse(readFileSync(path, "utf8")) as SimOrderView[];
      } finally {
        rmSync(path, { force: true });
      }
    },
    stop: () => child.stop(),
  };
}
