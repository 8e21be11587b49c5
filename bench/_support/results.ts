/**
 * `bench/results.json`: every figure any benchmark measured, keyed by name + runtime, merged across runs so
 * Deno, Bun and Node entries of one comparison live in one file. `BENCH_RESULTS` overrides the path.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { runtimeLabel, type RuntimeName, runtimeName } from "./runtime.ts";
import { summarize } from "./stats.ts";

/** One measured figure. `median` and `p99` are in `unit`. */
export interface BenchResult {
  /** What was measured, e.g. "order RTT: Router (HMAC)". */
  name: string;
  /** Group in the report table, e.g. "build+sign". */
  group: string;
  /** deno | bun | node: the key, with `name`. */
  runtime: RuntimeName;
  /** Runtime and version, e.g. "Deno 2.9.6". */
  runtimeVersion: string;
  median: number;
  p99: number;
  unit: string;
  /** ISO time of the measurement. */
  date: string;
  p999?: number;
  n?: number;
  note?: string;
}

/**
 * Result name of the soak's growth per 1M orders over its bulk phase's later half (bench/soak.ts; judged by
 * bench/report.ts).
 *
 * @example
 * ```ts
 * SOAK_GROWTH_NAME; // "soak: RSS growth per 1M orders, the bulk's later half (target ≤ 2 MB)"
 * ```
 */
export const SOAK_GROWTH_NAME = "soak: RSS growth per 1M orders, the bulk's later half (target ≤ 2 MB)";

/**
 * Result name of the soak's RSS difference from the warm-up's end to its last order (bench/soak.ts; shown
 * beside the growth target by bench/report.ts).
 *
 * @example
 * ```ts
 * SOAK_OVERALL_GROWTH_NAME; // "soak: RSS growth over all orders"
 * ```
 */
export const SOAK_OVERALL_GROWTH_NAME = "soak: RSS growth over all orders";

/**
 * Result name of the gateway's growth per 1M orders over its soak, after its warm-up (bench/gateway_soak.ts;
 * judged by bench/report.ts).
 *
 * @example
 * ```ts
 * GATEWAY_SOAK_GROWTH_NAME; // "gateway soak: RSS growth per 1M orders after the warm-up (target ≤ 2 MB)"
 * ```
 */
export const GATEWAY_SOAK_GROWTH_NAME =
  "gateway soak: RSS growth per 1M orders after the warm-up (target ≤ 2 MB)";

/** The file. */
export interface ResultsFile {
  version: 1;
  machine: string;
  results: BenchResult[];
}

/** What a benchmark passes to {@linkcode recordResults}; runtime and date are filled in. */
export type NewResult = Omit<BenchResult, "runtime" | "runtimeVersion" | "date">;

/** Median, p99, p99.9 and n of each named sample set, as results of `group` in `unit`. */
export function summaryResults(
  samples: Iterable<[string, ArrayLike<number>]>,
  group: string,
  unit: string,
): NewResult[] {
  const out: NewResult[] = [];
  for (const [name, s] of samples) {
    const sum = summarize(s);
    out.push({ name, group, median: sum.median, p99: sum.p99, p999: sum.p999, n: sum.n, unit });
  }
  return out;
}

/** Where the results file is. */
export function resultsPath(): string {
  return process.env.BENCH_RESULTS ?? fileURLToPath(new URL("../results.json", import.meta.url));
}

/** Reads the results file (empty when missing). */
export function readResults(path = resultsPath()): ResultsFile {
  if (!existsSync(path)) return { version: 1, machine: "", results: [] };
  return JSON.parse(readFileSync(path, "utf8")) as ResultsFile;
}

function machineLabel(): string {
  try {
    const cpu = /model name\s*:\s*(.+)/.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? "unknown CPU";
    const cores = readFileSync("/proc/cpuinfo", "utf8").match(/^processor\s*:/gm)?.length ?? 0;
    return `${cores} cores, ${cpu.trim()}, ${process.platform} ${process.arch}`;
  } catch {
    return `${process.platform} ${process.arch}`;
  }
}

/** Merges `entries` (measured on this runtime, now) into the results file, replacing same name + runtime. */
export function recordResults(entries: NewResult[], path = resultsPath()): void {
  const file = readResults(path);
  const runtime = runtimeName();
  const runtimeVersion = runtimeLabel();
  const date = new Date().toISOString();
  for (const entry of entries) {
    const full: BenchResult = { ...entry, runtime, runtimeVersion, date };
    const i = file.results.findIndex((r) => r.name === entry.name && r.runtime === runtime);
    if (i >= 0) file.results[i] = full;
    else file.results.push(full);
  }
  file.machine = machineLabel();
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(file, null, 2) + "\n");
  renameSync(tmp, path);
}
