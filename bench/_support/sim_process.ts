/**
 * Starts the simulator in its own process (`bench/servers/sim_server.ts`) and talks to it over stdin/stdout:
 * the benchmarks then measure a client and a server that do not share an event loop or a core.
 */
import type { SimulatorStats } from "../../lib/sim/mod.ts";
import { type Child, runtimeCommand, spawnChild } from "./children.ts";

/** A simulator process. */
export interface SimProcess {
  readonly url: string;
  readonly httpUrl: string;
  readonly child: Child;
  /** The simulator's counters (asks the child over stdin). */
  stats(): Promise<SimulatorStats>;
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
  const info = JSON.parse(m[1]!) as { url: string; httpUrl: string };
  let statsSeq = 0;
  return {
    url: info.url,
    httpUrl: info.httpUrl,
    child,
    async stats() {
      const seq = ++statsSeq;
      child.write(`stats ${seq}\n`);
      const s = await child.waitForLine(new RegExp(`^STATS ${seq} (\\{.*\\})$`, "m"), 10_000);
      return JSON.parse(s[1]!) as SimulatorStats;
    },
    stop: () => child.stop(),
  };
}
