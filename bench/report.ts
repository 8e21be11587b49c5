/**
 * Prints the README's benchmark tables from bench/results.json (or BENCH_RESULTS): every figure (median, p99,
 * p99.9, unit, runtime) grouped as measured, then each of issue #4's targets as met or missed with the
 * measured value it was judged on.
 *
 * Run: `deno task bench:report` (= `deno run -A bench/report.ts`)
 */
import process from "node:process";
import {
  FLOOR_AUTH_LABEL,
  FLOOR_AUTHS,
  type FloorAuth,
  floorResultName,
  routerResultName,
  soakFloorName,
} from "./_support/floor_auth.ts";
import {
  type BenchResult,
  GATEWAY_SOAK_GROWTH_NAME,
  readResults,
  resultsPath,
  SOAK_GROWTH_NAME,
  SOAK_OVERALL_GROWTH_NAME,
} from "./_support/results.ts";
import type { RuntimeName } from "./_support/runtime.ts";

const GROUP_ORDER = [
  "order build + HMAC sign",
  "order build, Ed25519 session",
  "HMAC-SHA256 of one order payload",
  "ack resolution",
  "client CPU per order (no socket)",
  "round trip",
  "control plane",
  "SSE delivery",
  "soak",
];
const RUNTIME_ORDER: RuntimeName[] = ["deno", "bun", "node"];

function fmt(v: number | null | undefined, unit: string): string {
  if (v === null || v === undefined || Number.isNaN(v)) return "–";
  if (unit === "ratio") return v.toFixed(2) + "×";
  if (unit === "ns" || unit === "B" || unit === "orders/s") return Math.round(v).toLocaleString("en-US");
  if (unit === "MB") return v.toFixed(1);
  return Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(1);
}

function find(results: BenchResult[], name: string, runtime: RuntimeName): BenchResult | undefined {
  return results.find((r) => r.name === name && r.runtime === runtime);
}

/**
 * A growth target (≤ 2 MB per 1M orders) judged on the slope row `name`; `overAll` names a row with the
 * difference over the whole run, shown beside it.
 */
function growthTarget(what: string, name: string, runtime: RuntimeName, overAll?: string): Target {
  return {
    what,
    runtime,
    limit: 2,
    unit: "MB",
    measure: (results) => {
      const r = find(results, name, runtime);
      if (!r) return undefined;
      const all = overAll === undefined ? undefined : find(results, overAll, runtime);
      const whole = all
        ? `; ${all.median.toFixed(1)} MB from the warm-up's end to the last of ${all.n} orders`
        : "";
      return { value: r.median, detail: `slope after forced GCs over the last ${r.n} orders${whole}` };
    },
  };
}

/** One target: how to get the measured value, and its limit. */
interface Target {
  what: string;
  runtime: RuntimeName;
  limit: number;
  unit: string;
  measure(results: BenchResult[]): { value: number; detail: string } | undefined;
}

function median(name: string, runtime: RuntimeName, scale = 1) {
  return (results: BenchResult[]) => {
    const r = find(results, name, runtime);
    return r ? { value: r.median * scale, detail: `${name}` } : undefined;
  };
}

/**
 * The target "Router RTT / this runtime's raw WebSocket floor ≤ 1.10×", both in `auth` mode: an Ed25519
 * session Router over an HMAC floor would be credited with the HMAC verification the server skips.
 */
function floorRatio(auth: FloorAuth, runtime: RuntimeName): Target {
  const label = FLOOR_AUTH_LABEL[auth];
  return {
    what: `order RTT / raw WebSocket floor, both ${label}`,
    runtime,
    limit: 1.1,
    unit: "×",
    measure: (results) => {
      const ours = find(results, routerResultName(auth), runtime);
      const floor = find(results, floorResultName("raw WebSocket", auth), runtime);
      if (!ours || !floor) return undefined;
      return {
        value: ours.median / floor.median,
        detail: `${fmt(ours.median, "µs")} / ${fmt(floor.median, "µs")} µs`,
      };
    },
  };
}

/** The SDKs' round trips under Node (bench/node/sdk_round_trip.ts), by the auth mode each runs in. */
const SDK_RTTS: Readonly<Record<FloorAuth, readonly string[]>> = {
  hmac: [
    "order RTT: binance SDK submitNewFuturesOrder (HMAC)",
    "order RTT: official connector newOrder (HMAC)",
    "order RTT: ccxt createOrderWs (HMAC)",
  ],
  "ed25519-session": ["order RTT: binance SDK submitNewFuturesOrder (Ed25519 session)"],
};

/**
 * The target "our client overhead ≤ 0.2× the fastest SDK's", in `auth` mode: (Router − our raw floor) /
 * (fastest SDK − Node ws floor), every term in that mode, so each overhead is over the floor it shares its
 * server-side work with.
 */
function sdkOverhead(auth: FloorAuth, runtime: RuntimeName): Target {
  const label = FLOOR_AUTH_LABEL[auth];
  return {
    what: `client overhead vs fastest SDK, all ${label}: (ours − our floor) / (SDK − Node ws floor)`,
    runtime,
    limit: 0.2,
    unit: "×",
    measure: (results) => {
      const ours = find(results, routerResultName(auth), runtime);
      const floor = find(results, floorResultName("raw WebSocket", auth), runtime);
      const nodeFloor = find(results, floorResultName("Node ws", auth), "node");
      const sdks = SDK_RTTS[auth].map((n) => find(results, n, "node")).filter((r) => r !== undefined);
      if (!ours || !floor || !nodeFloor || sdks.length === 0) return undefined;
      const fastest = sdks.reduce((a, b) => (b.median < a.median ? b : a));
      const value = (ours.median - floor.median) / (fastest.median - nodeFloor.median);
      return {
        value,
        detail: `(${fmt(ours.median, "µs")} − ${fmt(floor.median, "µs")}) / (${fmt(fastest.median, "µs")} ${
          fastest.name.replace("order RTT: ", "")
        } − ${fmt(nodeFloor.median, "µs")}) µs`,
      };
    },
  };
}

function targets(): Target[] {
  const list: Target[] = [
    {
      what: "order build + HMAC sign",
      runtime: "bun",
      limit: 1.0,
      unit: "µs",
      measure: median("Lightning FrameEncoder (bun-native HMAC)", "bun", 1e-3),
    },
    {
      what: "order build + HMAC sign",
      runtime: "deno",
      limit: 1.5,
      unit: "µs",
      measure: median("Lightning FrameEncoder (typescript HMAC)", "deno", 1e-3),
    },
  ];
  for (const runtime of ["deno", "bun"] as const) {
    list.push(
      {
        what: "Ed25519-session order build",
        runtime,
        limit: 0.3,
        unit: "µs",
        measure: median("Lightning FrameEncoder (session, unsigned)", runtime, 1e-3),
      },
      {
        what: "ack resolution",
        runtime,
        limit: 250,
        unit: "ns",
        measure: median("Lightning RequestPipeline.onFrame → await", runtime),
      },
      ...FLOOR_AUTHS.map((auth) => floorRatio(auth, runtime)),
      ...FLOOR_AUTHS.map((auth) => sdkOverhead(auth, runtime)),
      {
        what: "control-plane overhead p50 (HTTP POST − WS RTT)",
        runtime,
        limit: 60,
        unit: "µs",
        measure: median("control-plane overhead (HTTP POST − WS RTT)", runtime),
      },
      {
        what: "steady RSS at 1k orders/s",
        runtime,
        limit: runtime === "bun" ? 40 : 60,
        unit: "MB",
        measure: median("soak: steady RSS at 1000 orders/s", runtime),
      },
      growthTarget("RSS growth per 1M orders", SOAK_GROWTH_NAME, runtime, SOAK_OVERALL_GROWTH_NAME),
      growthTarget("gateway RSS growth per 1M orders", GATEWAY_SOAK_GROWTH_NAME, runtime),
      {
        what: "p99.9 / p50 at 1k orders/s",
        runtime,
        limit: 3,
        unit: "×",
        measure: (results) => {
          const r = find(results, "soak: p99.9 / p50 at 1000 orders/s", runtime);
          const floor = find(results, soakFloorName(1000), runtime);
          if (!r) return undefined;
          return {
            value: r.median,
            detail: floor ? `raw floor at the same pace: ${(floor.p999! / floor.median).toFixed(1)}×` : "",
          };
        },
      },
    );
  }
  return list;
}

/** The report as markdown. */
export function report(path = resultsPath()): string {
  const file = readResults(path);
  const results = file.results;
  if (results.length === 0) return `no results in ${path}; run \`deno task bench\` first`;
  const out: string[] = [];
  const dates = results.map((r) => r.date).sort();
  const versions = [...new Set(results.map((r) => r.runtimeVersion))].sort().join(", ");
  out.push(
    `Machine: ${file.machine}. Runtimes: ${versions}. Measured ${dates[0]} … ${dates[dates.length - 1]}.`,
  );
  out.push("");
  out.push("| group | benchmark | runtime | median | p99 | p99.9 | unit | n |");
  out.push("| --- | --- | --- | ---: | ---: | ---: | --- | ---: |");
  const groups = [...new Set(results.map((r) => r.group))].sort((a, b) =>
    (GROUP_ORDER.indexOf(a) + 1 || 99) - (GROUP_ORDER.indexOf(b) + 1 || 99)
  );
  for (const group of groups) {
    const rows = results.filter((r) => r.group === group);
    const names = [...new Set(rows.map((r) => r.name))];
    for (const name of names) {
      for (const runtime of RUNTIME_ORDER) {
        const r = rows.find((x) => x.name === name && x.runtime === runtime);
        if (!r) continue;
        out.push(
          `| ${group} | ${name} | ${r.runtimeVersion} | ${fmt(r.median, r.unit)} | ${fmt(r.p99, r.unit)} | ${
            fmt(r.p999, r.unit)
          } | ${r.unit} | ${r.n?.toLocaleString("en-US") ?? ""} |`,
        );
      }
    }
  }
  out.push("");
  out.push("| target | runtime | measured | limit | verdict | from |");
  out.push("| --- | --- | ---: | ---: | --- | --- |");
  for (const t of targets()) {
    const m = t.measure(results);
    const measured = m === undefined
      ? "not measured"
      : `${m.value.toFixed(t.unit === "×" ? 2 : t.unit === "ns" ? 0 : 2)} ${t.unit}`;
    const verdict = m === undefined ? "–" : m.value <= t.limit ? "**met**" : "**missed**";
    out.push(
      `| ${t.what} | ${t.runtime} | ${measured} | ≤ ${t.limit} ${t.unit} | ${verdict} | ${m?.detail ?? ""} |`,
    );
  }
  return out.join("\n");
}

if (import.meta.main) {
  console.log(report(process.env.BENCH_RESULTS ?? resultsPath()));
}
