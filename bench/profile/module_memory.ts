/**
 * What loading code costs in memory, as source modules and as one bundled file: each case is a fresh process
 * of this runtime that imports one thing and prints its RSS after a forced full GC (the median of
 * `BENCH_MODULE_RUNS` processes, default 5), against a process that imports nothing.
 *
 * - A minimal reproduction with no code of this project: `MODULES` (330, about what the gateway loads with
 *   zod and hono) generated modules of twelve small functions each, imported one by one from an index, and the
 *   same functions in one file.
 * - The gateway's service (`lib/cli/service.ts`, what `main.ts` starts) and the library (`lib/mod.ts`, what a
 *   strategy imports), from source as `deno task start` loads them (its V8 flags, import map and lock; `bun`
 *   runs the file itself), and bundled into one file by the runtime's own bundler (`deno bundle`,
 *   `bun build`; neither minifies). A bundle also leaves out what nothing imports, such as zod's 50 locales.
 *   On Deno also the service without V8's code cache (`--no-code-cache`), which Deno otherwise keeps between
 *   runs and reads back when a module loads.
 *
 * Run: `deno run -A bench/profile/module_memory.ts` or `bun bench/profile/module_memory.ts`. Needs the dev
 * dependencies installed; on Deno, `deno bundle` fetches esbuild on its first use.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { pathToFileURL } from "node:url";
import { REPO } from "../_support/children.ts";
import { startTaskV8Flags } from "../_support/gateway_process.ts";
import { runtimeLabel, runtimeName } from "../_support/runtime.ts";
import { quantile } from "../_support/stats.ts";

const MODULES = 330;
const FUNCTIONS = 12;
const RUNS = Number(process.env.BENCH_MODULE_RUNS ?? 5);
const MB = 2 ** 20;
const bun = runtimeName() === "bun";

/** The probe each process runs: import `argv`'s URL (if any), collect, print RSS. Plain JS for both runtimes. */
const PROBE = `
const g = globalThis;
const target = g.Deno ? g.Deno.args[0] : g.process.argv[2];
if (target) await import(target);
for (let i = 0; i < 3; i++) {
  if (g.Bun) g.Bun.gc(true); else g.gc();
  await new Promise((resolve) => setTimeout(resolve, 20));
}
console.log(g.Deno ? g.Deno.memoryUsage().rss : g.process.memoryUsage().rss);
`;

/** Twelve small functions, distinct per module. */
function functions(m: number): string {
  let text = "";
  for (let f = 0; f < FUNCTIONS; f++) {
    const body = `let s = ${f}; for (let k = 0; k < n; k++) s += (k * ${f + 1}) ^ ${m}; return s;`;
    text += `export function f${m}_${f}(n) { ${body} }\n`;
  }
  return text;
}

const dir = mkdtempSync(join(tmpdir(), "lightning-module-memory-"));
try {
  const probe = join(dir, "probe.mjs");
  writeFileSync(probe, PROBE);
  let index = "";
  let one = "";
  for (let m = 0; m < MODULES; m++) {
    writeFileSync(join(dir, `m${m}.mjs`), functions(m));
    index += `export * as m${m} from "./m${m}.mjs";\n`;
    one += functions(m);
  }
  writeFileSync(join(dir, "many.mjs"), index);
  writeFileSync(join(dir, "one.mjs"), one);

  /** Bundles `entry` (a path in this repository) into `out` with the runtime's bundler. */
  const bundle = (entry: string, out: string): string => {
    const args = bun ? ["build", "--target=bun", "--format=esm", `--outfile=${out}`, entry] : [
      "bundle",
      "--quiet",
      "--no-config",
      "--import-map=start.imports.json",
      "--lock=start.lock",
      "--frozen",
      "--node-modules-dir=none",
      "--platform=deno",
      `--output=${out}`,
      entry,
    ];
    execFileSync(process.execPath, args, { cwd: REPO, env: { ...process.env, DENO_NO_PACKAGE_JSON: "1" } });
    return pathToFileURL(out).href;
  };
  const source = (path: string) => pathToFileURL(join(REPO, path)).href;

  /**
   * RSS (bytes) of a fresh process that imported `target` (nothing when undefined), median of RUNS. On Deno with
   * the start task's V8 flags, and `denoFlags`.
   */
  const rssAfter = (target: string | undefined, denoFlags: string[] = []): number => {
    const flags = bun ? [] : [
      "run",
      "--allow-all",
      "--no-config",
      "--import-map=start.imports.json",
      "--lock=start.lock",
      "--frozen",
      "--node-modules-dir=none",
      ...startTaskV8Flags().map((f) => `${f},--expose-gc`),
      ...denoFlags,
    ];
    const readings: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const out = execFileSync(
        process.execPath,
        [...flags, probe, ...(target === undefined ? [] : [target])],
        {
          cwd: REPO,
          env: { ...process.env, DENO_NO_PACKAGE_JSON: "1" },
          encoding: "utf8",
        },
      );
      readings.push(Number(out.trim().split("\n").pop()));
    }
    return quantile(readings.sort((a, b) => a - b), 0.5);
  };

  const empty = rssAfter(undefined);
  const rows: [string, number][] = [
    [
      `${MODULES} generated modules, ${FUNCTIONS} functions each`,
      rssAfter(pathToFileURL(join(dir, "many.mjs")).href),
    ],
    ["the same functions in one file", rssAfter(pathToFileURL(join(dir, "one.mjs")).href)],
    ["the gateway's service (lib/cli/service.ts), source", rssAfter(source("lib/cli/service.ts"))],
    ...(bun ? [] : [[
      "… source, without V8's code cache (--no-code-cache)",
      rssAfter(source("lib/cli/service.ts"), ["--no-code-cache"]),
    ] as [string, number]]),
    ["… bundled", rssAfter(bundle("lib/cli/service.ts", join(dir, "service.bundle.js")))],
    ["the library (lib/mod.ts), source", rssAfter(source("lib/mod.ts"))],
    ["… bundled", rssAfter(bundle("lib/mod.ts", join(dir, "mod.bundle.js")))],
  ];
  console.log(
    `\nmodule memory, ${runtimeLabel()}: RSS after a forced full GC, median of ${RUNS} processes, MB` +
      ` (a process that imports nothing: ${(empty / MB).toFixed(1)})`,
  );
  for (const [name, rss] of rows) {
    console.log(
      `${name.padEnd(56)} ${(rss / MB).toFixed(1).padStart(7)}   +${((rss - empty) / MB).toFixed(1)}`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.exit(0);
