/**
 * The journal's intent write at a trader's pace: one intent line appended every `BENCH_JOURNAL_GAP_MS` (5 ms),
 * the process asleep in between, timed around `JournalFile.append` (encode, then the `write` system call).
 * Three modes take turns in phases of `BENCH_JOURNAL_PER_PHASE` (40) lines, while a timer every 2 ms (the
 * gateway's default `--warm-ms`) runs the journal's warm-up or nothing: no warm-up; `JournalFile.warm` alone
 * (the line encoded and a write of zero bytes to the journal's file, the twelfth round's); and with the
 * scratch file (`_warm_scratch.ts`: the line written to `journal-warm.tmp` too, the thirteenth round's). The
 * files are in a directory under `BENCH_JOURNAL_DIR` (default: the current directory, which is where a
 * trader's `--data-dir` usually lies; `/tmp` may be another file system). Medians and p90 in µs.
 *
 * Run: `deno run -A bench/profile/journal_pace.ts` or `bun bench/profile/journal_pace.ts`
 * (`BENCH_JOURNAL_PHASES`, default 5 per mode).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { setTimeout as sleep } from "node:timers/promises";
import { crc32 } from "../../lib/journal/_crc32.ts";
import { JournalFile } from "../../lib/journal/_file.ts";
import { WarmScratch } from "../../lib/journal/_warm_scratch.ts";
import { intentJson } from "../../lib/journal/records.ts";
import { DEFAULT_WARM_MS } from "../../lib/gateway/gateway.ts";
import { CANNED_CLIENT_ORDER_ID, CANNED_ORDER } from "../../lib/wire/canned_order.ts";
import { runtimeLabel } from "../_support/runtime.ts";

const GAP_MS = Number(process.env.BENCH_JOURNAL_GAP_MS ?? 5);
const PER_PHASE = Number(process.env.BENCH_JOURNAL_PER_PHASE ?? 40);
const PHASES = Number(process.env.BENCH_JOURNAL_PHASES ?? 5);
const WARM_MS = DEFAULT_WARM_MS;
const MODES = ["no warm-up", "write of zero bytes", "zero bytes + scratch file"] as const;

const dir = mkdtempSync(join(process.env.BENCH_JOURNAL_DIR ?? ".", ".bench-journal-pace-"));
const file = JournalFile.create(dir, 1);
const scratch = WarmScratch.open(dir);
if (scratch === undefined) throw new Error(`cannot open a scratch file in ${dir}`);
let mode = 0;
let sink = 0;
const warmJson = intentJson(1, CANNED_CLIENT_ORDER_ID, "order.place", CANNED_ORDER, "newClientOrderId");
const warmCrc = crc32(warmJson);
const timer = setInterval(() => {
  if (mode === 1) sink += file.warm(warmJson, warmCrc);
  else if (mode === 2) sink += file.warm(warmJson, warmCrc, scratch);
}, WARM_MS);
const samples = MODES.map(() => [] as number[]);
let seq = 0;
try {
  for (let phase = 0; phase < PHASES; phase++) {
    for (mode = 0; mode < MODES.length; mode++) {
      for (let i = 0; i < PER_PHASE; i++) {
        await sleep(GAP_MS);
        const json = intentJson(Date.now(), `lr-${++seq}`, "order.place", CANNED_ORDER, "newClientOrderId");
        const crc = crc32(json);
        const t0 = performance.now();
        file.append("", json, crc);
        const us = (performance.now() - t0) * 1000;
        if (i >= 2) samples[mode]!.push(us); // the first lines of a phase meet the previous mode's state
      }
    }
  }
} finally {
  clearInterval(timer);
  file.close();
  scratch.close();
  rmSync(dir, { recursive: true, force: true });
}
const at = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * q)]!.toFixed(1);
console.log(
  `journal intent append every ${GAP_MS} ms, warm-up every ${WARM_MS} ms, ${runtimeLabel()}, µs median (p90), ` +
    `${samples[0]!.length} lines each:`,
);
MODES.forEach((name, k) => console.log(`  ${name}: ${at(samples[k]!, 0.5)} (${at(samples[k]!, 0.9)})`));
if (sink < 0) console.log(sink);
