/**
 * Inclusive time of a `.cpuprofile` (as `deno --cpu-prof` writes it), per order: each function with
 * everything it called. Self times (`summarize_cpuprofile.ts`) spread a cold order path over hundreds of
 * functions of a µs or two each; inclusive times show which stage they add up to (the journal's intent, the
 * order tracker's ack, the answer's write). With a pattern, the functions directly below the first match
 * of each sample's stack instead: where that stage's time goes.
 *
 * Run: `deno run -A bench/profile/inclusive_cpuprofile.ts FILE ORDERS [MATCH] [TOP]`, e.g. after
 * `cpu_per_order.ts` with `BENCH_GATEWAY_FLAGS="--cpu-prof --cpu-prof-dir=DIR"` (ORDERS: every order the
 * gateway took, warm-up included). Without MATCH it lists this project's functions (`lib/`).
 */
import { readFileSync } from "node:fs";
import process from "node:process";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function label(node: ProfileNode): string {
  const f = node.callFrame;
  const where = f.url.replace(/^file:\/\/.*?\/(lib|bench)\//, "$1/");
  return `${f.functionName || "(anonymous)"} ${where}:${f.lineNumber + 1}`;
}

/** µs per sample's stack (leaf first), for every sample. */
function stacks(profile: CpuProfile): { us: number; stack: string[] }[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const out: { us: number; stack: string[] }[] = [];
  for (let i = 0; i < profile.samples.length; i++) {
    const us = Math.max(0, profile.timeDeltas[i + 1] ?? 0);
    const stack: string[] = [];
    for (let id: number | undefined = profile.samples[i]; id !== undefined; id = parent.get(id)) {
      stack.push(label(byId.get(id)!));
    }
    out.push({ us, stack });
  }
  return out;
}

/** Inclusive µs per function (a function counted once per sample, however deep it recurses). */
export function inclusiveTimes(profile: CpuProfile): Map<string, number> {
  const totals = new Map<string, number>();
  for (const { us, stack } of stacks(profile)) {
    for (const name of new Set(stack)) totals.set(name, (totals.get(name) ?? 0) + us);
  }
  return totals;
}

/** µs per function called directly by the first function matching `match` in each stack ("(self)": none). */
export function timeBelow(profile: CpuProfile, match: RegExp): Map<string, number> {
  const totals = new Map<string, number>();
  for (const { us, stack } of stacks(profile)) {
    const at = stack.findIndex((name) => match.test(name));
    if (at < 0) continue;
    const below = at === 0 ? "(self)" : stack[at - 1]!;
    totals.set(below, (totals.get(below) ?? 0) + us);
  }
  return totals;
}

if (import.meta.main) {
  const [file, ordersArg, matchArg, topArg] = process.argv.slice(2);
  if (!file || !ordersArg) throw new Error("usage: inclusive_cpuprofile.ts FILE ORDERS [MATCH] [TOP]");
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const orders = Number(ordersArg);
  const rows = matchArg === undefined
    ? [...inclusiveTimes(profile)].filter(([name]) => / lib\//.test(name))
    : [...timeBelow(profile, new RegExp(matchArg))];
  for (const [name, us] of rows.sort((a, b) => b[1] - a[1]).slice(0, Number(topArg ?? 40))) {
    console.log(`${(us / orders).toFixed(2).padStart(8)} µs/order  ${name}`);
  }
}
