/**
 * The journal's cost per order on the order's path: `appendIntent` (the write-ahead record, one `write`
 * before the order is sent) and `appendAck` (buffered, it rides along with the next intent's write), as the
 * gateway calls them. Twice: warm (back to back), and with cold caches, the way a gateway meets them once per
 * order while the other processes ran in between: 8 MB written between orders evicts the core's caches.
 * Medians per order in µs (the first 500 of each left out); fsync stays on its timer.
 *
 * Run: `deno run -A bench/journal_cost.ts` or `bun bench/journal_cost.ts` (`BENCH_QUICK=1` for fewer orders).
 * `BENCH_COMPARE_LIB=<other tree>/lib` also runs that tree's journal, alternating with this one in blocks of
 * 64 orders, and prints both (a before/after in one process; nothing is recorded then).
 */
import * as fs from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { OrderJournal } from "../lib/journal/mod.ts";
import { LIMIT_ORDER } from "./_fixtures.ts";
import { printResults } from "./_support/print.ts";
import { type NewResult, recordResults } from "./_support/results.ts";
import { runtimeLabel } from "./_support/runtime.ts";
import { QUICK } from "./_support/settings.ts";
import { summarize } from "./_support/stats.ts";

type Journal = Pick<OrderJournal, "appendIntent" | "appendAck" | "close">;

/** The order as the router hands it to the journal: the benchmarks' LIMIT order with its recvWindow. */
const PARAMS = { ...LIMIT_ORDER, recvWindow: 5000 };
const ORDERS = QUICK ? 3_000 : 12_000;
const SKIP = 500;
const EVICT = new Uint8Array(8 << 20);

function evictCaches(): void {
  for (let i = 0; i < EVICT.length; i += 64) EVICT[i]!++;
}

/** µs per order for each journal, taking turns in blocks of 64 orders. */
function measure(journals: Journal[], cold: boolean): number[][] {
  const samples = journals.map(() => [] as number[]);
  for (let i = 0; i < ORDERS * journals.length; i++) {
    const k = (i >> 6) % journals.length;
    const journal = journals[k]!;
    const cid = `lr-bench-${cold ? "c" : "w"}-${i}`;
    if (cold) evictCaches();
    const t0 = performance.now();
    journal.appendIntent(cid, "order.place", PARAMS, "newClientOrderId");
    journal.appendAck(cid, i, "NEW");
    samples[k]!.push((performance.now() - t0) * 1000);
  }
  return samples.map((s) => s.slice(SKIP));
}

const dirs: string[] = [];
function open(Journal: typeof OrderJournal): Journal {
  const dir = fs.mkdtempSync(join(tmpdir(), "lightning-bench-journal-"));
  dirs.push(dir);
  return Journal.open({ dir }).journal;
}

const compareLib = process.env.BENCH_COMPARE_LIB;
const journals = [open(OrderJournal)];
const labels = ["this tree"];
if (compareLib !== undefined) {
  const other = await import(join(compareLib, "journal/mod.ts")) as { OrderJournal: typeof OrderJournal };
  journals.push(open(other.OrderJournal));
  labels.push(compareLib);
}
try {
  const results: NewResult[] = [];
  for (const cold of [false, true]) {
    const samples = measure(journals, cold);
    samples.forEach((s, k) => {
      const sum = summarize(s);
      const tag = compareLib === undefined ? "" : ` [${labels[k]}]`;
      results.push({
        name: `journal: intent + ack per order, ${cold ? "cold caches" : "warm"}${tag}`,
        group: "journal",
        median: sum.median,
        p99: sum.p99,
        n: sum.n,
        unit: "µs",
        note: cold ? "8 MB written between orders" : "back to back",
      });
    });
  }
  printResults(`journal cost, ${runtimeLabel()}`, results);
  if (compareLib === undefined) recordResults(results);
} finally {
  for (const journal of journals) journal.close();
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
}
