/** Fills in the journal: kept across restarts and rotations, each execution once, bounded, never refused. */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { join } from "node:path";
import { OrderJournal } from "../../lib/journal/mod.ts";
import { fillJson, RecentFills } from "../../lib/journal/_fills.ts";
import { droppedFillsJson, frameLine } from "../../lib/journal/records.ts";
import type { JournalRecovery } from "../../lib/journal/recovery.ts";
import { dayStartOf, FillTally } from "../../lib/account/fill_tally.ts";
import { fill, journalFiles, journalLines, PLACE, withDir } from "./_helpers.ts";

const fillLines = (dir: string) => journalLines(dir).filter((l) => l.includes('"t":"fill"'));

test("fills: survive close and reopen, oldest first, and again from the restart's checkpoint", async () => {
  await withDir((dir) => {
    const { journal, recovery } = OrderJournal.open({ dir, fsyncIntervalMs: 0 });
    assert.deepEqual(recovery.fills, []);
    const fills = [
      fill(3),
      fill(1, { symbol: "ETHUSDT", side: "SELL" }),
      fill(2, { realizedProfit: "-1.5" }),
    ];
    journal.appendIntent("open", "order.place", PLACE);
    for (const f of fills) assert.equal(journal.appendFill(f), true);
    journal.close();
    assert.equal(journal.appendFill(fill(4)), false, "closed: not journaled");
    assert.equal(journal.stats.writeErrors, 0, "and not even tried");

    const first = OrderJournal.open({ dir, fsyncIntervalMs: 0 });
    first.journal.close();
    assert.deepEqual(first.recovery.fills, fills);
    assert.deepEqual(first.recovery.unresolved.map((r) => r.cid), ["open"], "orders are carried as before");
    assert.equal(first.recovery.records, 4);
    assert.equal(fillLines(dir).length, 3, "the checkpoint carries the fills");

    const second = OrderJournal.open({ dir, fsyncIntervalMs: 0 });
    second.journal.close();
    assert.deepEqual(second.recovery.fills, fills);
    assert.deepEqual(journalFiles(dir), ["journal-000003.log"]);
  });
});

test("fills: survive rotations, and a crash right after them", async () => {
  await withDir((dir) => {
    const { journal } = OrderJournal.open({ dir, maxFileBytes: 2048, fsyncIntervalMs: 0 });
    const fills = [];
    for (let i = 0; journal.stats.rotations < 4; i++) {
      journal.appendIntent(`o-${i}`, "order.place", PLACE);
      journal.appendAck(`o-${i}`, i, "FILLED");
      fills.push(fill(i));
      assert.equal(journal.appendFill(fills[i]!), true);
      journal.flush(); // rotates once past the limit, as the timer would
    }
    assert.equal(journalFiles(dir).length, 1, "each rotation deleted the file before it");
    // No close: the process "dies" here.
    const { journal: after, recovery } = OrderJournal.open({ dir, fsyncIntervalMs: 0 });
    after.close();
    journal.close();
    assert.deepEqual(recovery.fills, fills);
    assert.deepEqual(recovery.unresolved, []);
    assert.deepEqual(recovery.corrupt, []);
  });
});

test("fills: a fill journaled twice appears once, whether appended again or found twice in the files", async () => {
  await withDir((dir) => {
    const { journal } = OrderJournal.open({ dir, fsyncIntervalMs: 0 });
    assert.equal(journal.appendFill(fill(1)), true);
    const { records, bytes } = journal.stats;
    assert.equal(journal.appendFill(fill(1, { price: "1" })), true, "already journaled");
    assert.deepEqual([journal.stats.records, journal.stats.bytes], [records, bytes], "nothing written");
    assert.equal(journal.appendFill(fill(1, { symbol: "ETHUSDT" })), true, "another symbol's trade 1");
    journal.close();
    assert.equal(fillLines(dir).length, 2);
    // A later file that repeats fills (as a leftover file and the checkpoint after it do), at other times.
    const lines = [fillJson(1, fill(2)), fillJson(2, fill(1)), fillJson(3, fill(2, { qty: "9" }))];
    fs.writeFileSync(join(dir, "journal-000009.log"), lines.map(frameLine).join(""));

    const { journal: again, recovery } = OrderJournal.open({ dir, fsyncIntervalMs: 0 });
    again.close();
    assert.equal(recovery.records, 5);
    assert.deepEqual(recovery.fills, [fill(1), fill(1, { symbol: "ETHUSDT" }), fill(2)], "first seen kept");
    assert.equal(fillLines(dir).length, 3);
  });
});

test("fills: at most fillsKept, the newest; the checkpoint holds no more, and dropped ones stay dropped", async () => {
  await withDir((dir) => {
    const { journal } = OrderJournal.open({ dir, fillsKept: 5, maxFileBytes: 1024, fsyncIntervalMs: 0 });
    for (let i = 1; i <= 8; i++) assert.equal(journal.appendFill(fill(i)), true);
    journal.flush();
    assert.equal(journal.stats.rotations, 1);
    assert.equal(fillLines(dir).length, 5, "the rotation's checkpoint: the 5 newest fills");
    journal.close();
    // Each fill pays 0.04 USDT: the day's PnL is -0.32 whatever number of them is carried one by one.
    const day = dayStartOf(fill(1).time);
    const dayPnl = (r: JournalRecovery) =>
      Math.round(
        (r.droppedFills.find((d) => d.day === day)?.tally.realized ?? 0) * 1e8 -
          r.fills.reduce((sum, f) => sum + Number(f.commission), 0) * 1e8,
      ) / 1e8;

    const first = OrderJournal.open({ dir, fillsKept: 5, fsyncIntervalMs: 0 });
    first.journal.close();
    assert.deepEqual(first.recovery.fills, [4, 5, 6, 7, 8].map((t) => fill(t)));
    assert.equal(dayPnl(first.recovery), -0.32, "the 3 dropped fills are in the checkpoint's tally");
    const wider = OrderJournal.open({ dir, fsyncIntervalMs: 0 }); // default: 10,000
    wider.journal.close();
    assert.deepEqual(wider.recovery.fills.map((f) => f.tradeId), [4, 5, 6, 7, 8]);
    assert.equal(dayPnl(wider.recovery), -0.32);
    const narrower = OrderJournal.open({ dir, fillsKept: 2, fsyncIntervalMs: 0 });
    narrower.journal.close();
    assert.deepEqual(narrower.recovery.fills.map((f) => f.tradeId), [7, 8]);
    assert.equal(dayPnl(narrower.recovery), -0.32, "not counted twice after another checkpoint");

    // 0 keeps none: a fill is still written, but not carried into the next file.
    const none = OrderJournal.open({ dir, fillsKept: 0, fsyncIntervalMs: 0 });
    assert.deepEqual(none.recovery.fills, []);
    assert.equal(none.journal.appendFill(fill(9)), true);
    none.journal.close();
    assert.deepEqual(fillLines(dir).map((l) => JSON.parse(l.slice(9)).tradeId), [9]);
  });
});

test("RecentFills: bounded, the oldest dropped first; a dropped key is new again", () => {
  const line = (t: number) => frameLine(fillJson(0, fill(t)));
  const kept = new RecentFills(3);
  for (const t of [1, 2, 3, 4, 5]) assert.equal(kept.add(`K:${t}`, line(t)), true);
  assert.equal(kept.size, 3);
  assert.deepEqual([1, 2, 3, 4, 5].map((t) => kept.has(`K:${t}`)), [false, false, true, true, true]);
  assert.equal(kept.add("K:4", line(9)), false, "kept already");
  assert.equal(kept.add("K:1", line(1)), true, "dropped, so new again");
  assert.deepEqual(kept.list().map((f) => f.tradeId), [4, 5, 1]);
  // Fills 1, 2 and 3 were dropped: their fees (0.04 each) stay, as the day's tally, before the kept lines.
  const dropped = new FillTally();
  for (const t of [1, 2, 3]) dropped.add(fill(t));
  const tallyLine = frameLine(droppedFillsJson(7, dayStartOf(fill(1).time), dropped));
  assert.equal(kept.checkpoint(7), tallyLine + line(4) + line(5) + line(1));
  assert.equal(kept.checkpointRecords, 4);
  const none = new RecentFills(0);
  assert.equal(none.add("K:1", line(1)), false);
  assert.deepEqual([none.size, none.list()], [0, []]);
  assert.equal(none.droppedFills()[0]?.tally.realized, -0.04, "kept none, counted still");
});

test("fills: a torn last fill line is reported and the rest recovered; a garbled one is skipped", async () => {
  await withDir((dir) => {
    const { journal } = OrderJournal.open({ dir, fsyncIntervalMs: 0 });
    for (let i = 1; i <= 4; i++) journal.appendFill(fill(i));
    journal.close();
    const path = join(dir, journalFiles(dir)[0]!);
    fs.writeFileSync(path, fs.readFileSync(path, "utf8").slice(0, -30)); // a crash cut fill 4 short

    const torn = OrderJournal.open({ dir, fsyncIntervalMs: 0 });
    torn.journal.close();
    assert.deepEqual(torn.recovery.fills, [fill(1), fill(2), fill(3)]);
    assert.deepEqual(torn.recovery.corrupt.map((c) => [c.file, c.line, c.reason]), [
      [path, 4, "truncated last line (checksum mismatch)"],
    ]);
    assert.equal(torn.journal.stats.corruptTails, 1);
    assert.deepEqual(journalFiles(dir, true), ["journal-000002.log"], "a torn tail is not kept aside");

    const next = join(dir, "journal-000002.log");
    const lines = fs.readFileSync(next, "utf8").split("\n");
    lines[1] = lines[1]!.replace('"qty":"0.002"', '"qty":"2.000"');
    fs.writeFileSync(next, lines.join("\n"));
    const garbled = OrderJournal.open({ dir, fsyncIntervalMs: 0 });
    garbled.journal.close();
    assert.deepEqual(garbled.recovery.fills, [fill(1), fill(3)]);
    assert.deepEqual(garbled.recovery.corrupt.map((c) => [c.line, c.reason]), [[2, "checksum mismatch"]]);
    assert.deepEqual(journalFiles(dir, true), ["journal-000002.log.corrupt", "journal-000003.log"]);
  });
});

test("fills: a fill that cannot be written is reported, never thrown; the journal keeps going", {
  skip: !fs.existsSync("/dev/full") && "needs /dev/full",
}, async () => {
  await withDir((dir) => {
    const { journal } = OrderJournal.open({ dir, maxFileBytes: 512, fsyncIntervalMs: 0, fillsKept: 0 });
    // The next file is the full device: with nothing open and no fills kept, the rotation writes nothing.
    fs.symlinkSync("/dev/full", join(dir, "journal-000002.log"));
    for (let i = 0; journal.stats.rotations === 0; i++) {
      journal.appendIntent(`o-${i}`, "order.place", PLACE);
      journal.appendAck(`o-${i}`, i, "FILLED");
      journal.flush();
    }
    assert.equal(journal.stats.writeErrors, 0);
    assert.equal(journal.appendFill(fill(1)), false);
    assert.equal(journal.stats.writeErrors, 1);
    assert.match(String(journal.lastError?.message), /space|ENOSPC/i);
    assert.equal(journal.appendFill(fill(2)), false, "still not refused, still reported");
    assert.equal(journal.stats.writeErrors, 2);
    assert.throws(() => journal.appendIntent("x", "order.place", PLACE), /cannot write intent x/);
    journal.close();
  });
});

test("fills: fillsKept must be a whole number >= 0", () => {
  for (const fillsKept of [-1, 1.5, NaN, Infinity]) {
    assert.throws(() => OrderJournal.open({ dir: "/nonexistent-never-created", fillsKept }), RangeError);
  }
});
