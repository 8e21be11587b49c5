/**
 * Top self-time functions of a V8/JSC `.cpuprofile` (Chrome format, as `deno --cpu-prof` and `bun --cpu-prof`
 * write it): sample time summed per function (name + file + line), biggest first.
 *
 * Run: `deno run -A bench/profile/summarize_cpuprofile.ts FILE.cpuprofile [TOP]`
 */
import { readFileSync } from "node:fs";
import process from "node:process";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** One row of the summary. */
export interface SelfTime {
  fn: string;
  where: string;
  selfMs: number;
  share: number;
}

/** Self time per function, descending. */
export function selfTimes(profile: CpuProfile): SelfTime[] {
  const byNode = new Map<number, ProfileNode>(profile.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, { fn: string; where: string; us: number }>();
  let all = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byNode.get(profile.samples[i]!);
    const us = Math.max(0, profile.timeDeltas[i + 1] ?? profile.timeDeltas[i] ?? 0);
    if (!node) continue;
    all += us;
    const f = node.callFrame;
    const file = f.url.replace(/^file:\/\//, "").replace(/^.*\/(lib|bench|node_modules)\//, "$1/");
    const where = file ? `${file}:${f.lineNumber + 1}` : "";
    const fn = f.functionName || "(anonymous)";
    const key = `${fn}@${where}`;
    const t = totals.get(key) ?? { fn, where, us: 0 };
    t.us += us;
    totals.set(key, t);
  }
  return [...totals.values()]
    .sort((a, b) => b.us - a.us)
    .map((t) => ({ fn: t.fn, where: t.where, selfMs: t.us / 1000, share: all ? t.us / all : 0 }));
}

/** The summary as text lines. */
export function formatSelfTimes(rows: SelfTime[], top: number): string {
  return rows.slice(0, top).map((r) =>
    `${(r.share * 100).toFixed(1).padStart(5)}%  ${r.selfMs.toFixed(0).padStart(7)} ms  ${r.fn}  ${r.where}`
  ).join("\n");
}

if (import.meta.main) {
  const file = process.argv[2];
  if (!file) throw new Error("usage: summarize_cpuprofile.ts FILE.cpuprofile [TOP]");
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  console.log(formatSelfTimes(selfTimes(profile), Number(process.argv[3] ?? 15)));
}
