/**
 * The journal-fault soak (bench/journal_soak.ts), short: 20 s at 1,000 orders/s over HTTP against the router
 * in its own process (main.ts, or the binary in LIGHTNING_BINARY) and the simulator in another, with two
 * faults under load: the disk full for 2 s, then kill -9 and a restart. Every client id sent is checked
 * against the simulator's orders: 0 lost, 0 duplicated. `deno task soak:journal` runs the full 5 minutes.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { formatSummary, journalSoak } from "../../bench/journal_soak.ts";

test(
  "journal soak, short: 1,000 orders/s for 20 s, disk full then kill -9 under load → 0 lost, 0 duplicated",
  {
    timeout: 120_000,
  },
  async () => {
    const s = await journalSoak({
      seconds: 20,
      rate: 1000,
      firstFaultS: 4,
      faultEveryS: 7,
      quietTailS: 5,
      fullS: 2,
      faults: ["disk-full", "kill-9"],
    });
    const text = formatSummary(s);
    console.log(text);
    assert.deepEqual(s.anomalies, [], text);
    assert.deepEqual(s.faultCounts, { "disk-full": 1, "kill-9": 1 }, text);
    assert.equal(s.restarts, 1);
    assert.ok(s.accepted > 0 && s.refusedHeld > 0 && s.canceled > 0, text);
    assert.equal(s.duplicated, 0, text);
    assert.equal(s.lost, 0, text);
  },
);
