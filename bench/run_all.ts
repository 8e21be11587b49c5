/**
 * `deno task bench`: runs the whole benchmark suite and prints the report. Micro-benchmarks (mitata) on Deno
 * and Bun, the journal's cost per order (warm and with cold caches), the `deno bench` file, round trips on
 * Deno and Bun and the public SDKs on Node against one simulator process, the control plane on Deno and Bun
 * (HTTP, local socket, micro-benchmarks), contention between readers and orders (readers on the control port,
 * then on the monitor port), memory against the bare-server floor, SSE delivery (`GET /events`) on Deno and
 * Bun, the soak and the gateway's soak (fresh simulator each) on Deno and Bun, and — in full runs or with
 * BENCH_PROFILE=1 — CPU profiles of the hot paths with their top self-time functions.
 * Results merge into bench/results.json (name + runtime); a quick run (`BENCH_QUICK=1`, a few minutes)
 * writes to node_modules/.cache/lightning-bench/results.quick.json instead unless BENCH_RESULTS is set.
 * Every child is bounded in time and killed at the end.
 *
 * Run: `deno task bench` or `BENCH_QUICK=1 deno task bench`;
 * `BENCH_ONLY=micro,rtt,control,contention,memory,sse,soak,profile` runs a subset.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { REPO, spawnChild } from "./_support/children.ts";
import { resultsPath } from "./_support/results.ts";
import { API_KEY, SECRET_KEY } from "./_fixtures.ts";
import { startTaskV8Flags } from "./_support/gateway_process.ts";
import { QUICK } from "./_support/settings.ts";
import { startSimProcess } from "./_support/sim_process.ts";
import { Progress } from "./_support/progress.ts";
import { report } from "./report.ts";
import { formatSelfTimes, selfTimes } from "./profile/summarize_cpuprofile.ts";

const CACHE = join(REPO, "node_modules/.cache/lightning-bench");
mkdirSync(CACHE, { recursive: true });
const RESULTS = process.env.BENCH_RESULTS ?? (QUICK ? join(CACHE, "results.quick.json") : resultsPath());
const ONLY = new Set(
  (process.env.BENCH_ONLY ?? "micro,rtt,control,contention,memory,sse,soak,profile").split(","),
);
const PROFILE = ONLY.has("profile") && (!QUICK || process.env.BENCH_PROFILE === "1");
const failures: string[] = [];
/** Steps each part runs (for the progress line's percent and ETA; a terminal only). */
const STEPS: Readonly<Record<string, number>> = { micro: 5, rtt: 4, control: 2, sse: 2, soak: 4, profile: 8 };
const plannedSteps = [...ONLY].filter((part) => part !== "profile" || PROFILE)
  .reduce((sum, part) => sum + (STEPS[part] ?? 0), 0);
const progress = new Progress();
let stepsDone = 0;

/** Runs one step to completion with its output shown; a failure is noted and the suite goes on. */
async function step(
  title: string,
  command: string,
  args: string[],
  env: Record<string, string> = {},
  maxMinutes = 30,
) {
  console.log(`\n=== ${title}\n$ ${command} ${args.join(" ")}`);
  progress.update(title, stepsDone, Math.max(plannedSteps, stepsDone + 1));
  const child = spawnChild(title, command, args, { env: { BENCH_RESULTS: RESULTS, ...env }, inherit: true });
  const timer = setTimeout(() => {
    console.error(`${title}: still running after ${maxMinutes} min; stopping it`);
    void child.stop();
  }, maxMinutes * 60_000);
  const code = await child.exited;
  clearTimeout(timer);
  stepsDone++;
  if (code !== 0) failures.push(`${title} (exit ${code})`);
}

async function withSim<T>(fn: (url: string) => Promise<T>): Promise<T> {
  const sim = await startSimProcess();
  try {
    return await fn(sim.url);
  } finally {
    await sim.stop();
  }
}

async function profiles(): Promise<void> {
  const dir = join(CACHE, "profiles");
  rmSync(dir, { recursive: true, force: true });
  const seconds = { BENCH_PROFILE_SECONDS: QUICK ? "2" : "6" };
  const runs: [string, string, string[]][] = [];
  for (const mode of ["build-sign", "client-cpu"]) {
    runs.push([`deno ${mode}`, "deno", [
      "run",
      "-A",
      "--cpu-prof",
      `--cpu-prof-dir=${dir}/deno-${mode}`,
      "bench/profile/hot_loop.ts",
      mode,
    ]]);
    runs.push([`bun ${mode}`, "bun", [
      "--cpu-prof",
      `--cpu-prof-dir=${dir}/bun-${mode}`,
      "bench/profile/hot_loop.ts",
      mode,
    ]]);
  }
  for (const [title, cmd, args] of runs) await step(`profile: ${title}`, cmd, args, seconds, 5);
  await withSim(async (url) => {
    await step(
      "profile: deno rtt",
      "deno",
      ["run", "-A", "--cpu-prof", `--cpu-prof-dir=${dir}/deno-rtt`, "bench/profile/hot_loop.ts", "rtt"],
      { ...seconds, BENCH_SIM_URL: url },
      5,
    );
    await step(
      "profile: bun rtt",
      "bun",
      ["--cpu-prof", `--cpu-prof-dir=${dir}/bun-rtt`, "bench/profile/hot_loop.ts", "rtt"],
      { ...seconds, BENCH_SIM_URL: url },
      5,
    );
  });
  // The gateway (main.ts) profiled while a client POSTs orders to it: where the control plane's time goes.
  await withSim(async (url) => {
    for (const runtime of ["deno", "bun"] as const) {
      const data = mkdtempSync(join(tmpdir(), "lightning-bench-profile-"));
      const prof = [`--cpu-prof`, `--cpu-prof-dir=${dir}/${runtime}-gateway`];
      const args = runtime === "deno" ? ["run", "-A", ...prof, "main.ts"] : [...prof, "main.ts"];
      const gateway = spawnChild(`gateway (${runtime}, profiled)`, runtime, [
        ...args,
        "--port",
        "0",
        "--data-dir",
        data,
      ], {
        env: { BINANCE_WS_URL: url, BINANCE_API_KEY: API_KEY, BINANCE_SECRET_KEY: SECRET_KEY, NO_COLOR: "1" },
      });
      try {
        const m = await gateway.waitForLine(/control\s+(http:\/\/127\.0\.0\.1:\d+)/, 30_000);
        const loop = runtime === "deno"
          ? ["run", "-A", "bench/profile/hot_loop.ts", "http"]
          : ["bench/profile/hot_loop.ts", "http"];
        await step(`profile: ${runtime} gateway under POST /orders`, runtime, loop, {
          ...seconds,
          BENCH_CONTROL_URL: m[1]!,
        }, 5);
      } finally {
        await gateway.stop(10_000); // SIGTERM: a clean exit writes the profile
        rmSync(data, { recursive: true, force: true });
      }
    }
  });
  for (const sub of readdirSync(dir).sort()) {
    for (const file of readdirSync(join(dir, sub)).filter((f) => f.endsWith(".cpuprofile"))) {
      const rows = selfTimes(JSON.parse(readFileSync(join(dir, sub, file), "utf8")));
      console.log(`\n--- top self time: ${sub} (${join(dir, sub, file)})\n${formatSelfTimes(rows, 12)}`);
    }
  }
}

async function main(): Promise<void> {
  console.log(`results → ${RESULTS}${QUICK ? " (quick run)" : ""}`);
  if (ONLY.has("micro")) {
    await step("micro-benchmarks (Deno)", "deno", ["run", "-A", "bench/micro.ts"]);
    await step("micro-benchmarks (Bun)", "bun", ["bench/micro.ts"]);
    await step("journal cost per order (Deno)", "deno", ["run", "-A", "bench/journal_cost.ts"], {}, 5);
    await step("journal cost per order (Bun)", "bun", ["bench/journal_cost.ts"], {}, 5);
    await step("deno bench (interactive view of the same cases)", "deno", [
      "bench",
      "-A",
      "bench/hot_path_bench.ts",
    ]);
  }
  if (ONLY.has("rtt")) {
    await withSim(async (url) => {
      const env = { BENCH_SIM_URL: url };
      await step("order round trip (Deno)", "deno", ["run", "-A", "bench/round_trip.ts"], env);
      await step("order round trip (Bun)", "bun", ["bench/round_trip.ts"], env);
      const bundle = join(CACHE, "sdk_round_trip.mjs");
      await step("bundle the SDK round trip for Node", "bun", [
        "build",
        "bench/node/sdk_round_trip.ts",
        "--target=node",
        "--packages=external",
        `--outfile=${bundle}`,
      ]);
      await step("SDK round trips (Node)", "node", [bundle], env);
    });
    // The same Router rows against an independent server (Node + ws, bench/servers/node_ws_fapi_server.mjs),
    // interleaved one order at a time with the runtime's own raw floor; each step starts its own server.
    const nodeServer = { BENCH_RTT_SERVER: "node" };
    await step(
      "order round trip vs Node ws-fapi server (Deno)",
      "deno",
      ["run", "-A", "bench/round_trip.ts"],
      nodeServer,
    );
    await step("order round trip vs Node ws-fapi server (Bun)", "bun", ["bench/round_trip.ts"], nodeServer);
  }
  if (ONLY.has("control")) {
    await withSim(async (url) => {
      await step("control plane (Deno)", "deno", ["run", "-A", "bench/control_plane.ts"], {
        BENCH_SIM_URL: url,
      });
      await step("control plane (Bun)", "bun", ["bench/control_plane.ts"], { BENCH_SIM_URL: url });
    });
    await step(
      "control-plane layers, one process (Deno)",
      "deno",
      ["run", "-A", "bench/control_layers.ts"],
      {},
      10,
    );
    await step("control-plane layers, one process (Bun)", "bun", ["bench/control_layers.ts"], {}, 10);
    await step(
      "control-plane micro-benchmarks (Deno)",
      "deno",
      ["run", "-A", "bench/control_micro.ts"],
      {},
      5,
    );
    await step("control-plane micro-benchmarks (Bun)", "bun", ["bench/control_micro.ts"], {}, 5);
  }
  if (ONLY.has("contention")) {
    await withSim(async (url) => {
      await step("contention: readers vs orders (Deno)", "deno", ["run", "-A", "bench/contention.ts"], {
        BENCH_SIM_URL: url,
      }, 15);
    });
    await withSim((url) =>
      step("contention: readers vs orders (Bun)", "bun", ["bench/contention.ts"], { BENCH_SIM_URL: url }, 15)
    );
    // The same readers on the gateway's monitor port (`--monitor-port`), served by a thread of their own.
    const monitor = { BENCH_READERS_MONITOR: "1" };
    await withSim((url) =>
      step("contention: readers on the monitor port (Deno)", "deno", ["run", "-A", "bench/contention.ts"], {
        ...monitor,
        BENCH_SIM_URL: url,
      }, 15)
    );
    await withSim((url) =>
      step("contention: readers on the monitor port (Bun)", "bun", ["bench/contention.ts"], {
        ...monitor,
        BENCH_SIM_URL: url,
      }, 15)
    );
  }
  if (ONLY.has("memory")) {
    // Fresh simulator each (started by the step itself: it first measures the bare server alone).
    await step("memory vs the bare-server floor (Deno)", "deno", ["run", "-A", "bench/memory.ts"], {}, 10);
    await step("memory vs the bare-server floor (Bun)", "bun", ["bench/memory.ts"], {}, 10);
  }
  if (ONLY.has("sse")) {
    // Server and readers are children of the step, on its runtime; no simulator needed.
    await step("SSE delivery (Deno)", "deno", ["run", "-A", "bench/sse_delivery.ts"], {}, 5);
    await step("SSE delivery (Bun)", "bun", ["bench/sse_delivery.ts"], {}, 5);
  }
  if (ONLY.has("soak")) {
    // The V8 flags a user's Deno router runs with (deno task start, the compiled binary; the README asks a
    // strategy importing the library to pass them too), and --expose-gc for the soak's settled readings.
    const v8Flags = ["--expose-gc", ...startTaskV8Flags().map((f) => f.slice("--v8-flags=".length))];
    await withSim((url) =>
      step("soak (Deno)", "deno", ["run", "-A", `--v8-flags=${v8Flags.join(",")}`, "bench/soak.ts"], {
        BENCH_SIM_URL: url,
      }, 60)
    );
    await withSim((url) => step("soak (Bun)", "bun", ["bench/soak.ts"], { BENCH_SIM_URL: url }, 60));
    await withSim((url) =>
      step("gateway soak (Deno)", "deno", [
        "run",
        "-A",
        `--v8-flags=${v8Flags.join(",")}`,
        "bench/gateway_soak.ts",
      ], {
        BENCH_SIM_URL: url,
      }, 20)
    );
    await withSim((url) =>
      step("gateway soak (Bun)", "bun", ["bench/gateway_soak.ts"], { BENCH_SIM_URL: url }, 20)
    );
  }
  if (PROFILE) await profiles();
  progress.update("report", stepsDone, stepsDone);
  console.log(`\n=== report (${RESULTS})\n`);
  console.log(report(RESULTS));
  if (failures.length > 0) {
    console.error(`\nfailed steps:\n  ${failures.join("\n  ")}`);
    process.exit(1);
  }
  process.exit(0);
}

await main();
