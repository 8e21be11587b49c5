/** Journal recovery: reading a file back line by line, what stays unresolved, bad lines, and retiring files. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import * as fs from "node:fs";
import { join } from "node:path";
import { RecentFills } from "../../lib/journal/_fills.ts";
import { OpenOrders } from "../../lib/journal/_open_orders.ts";
import {
  ackJson,
  frameLine,
  intentJson,
  rejectedJson,
  resolvedJson,
  unknownJson,
} from "../../lib/journal/records.ts";
import { retireFiles } from "../../lib/journal/_open.ts";
import { type JournalRecovery, readJournalFile, unresolvedIntents } from "../../lib/journal/recovery.ts";
import { PLACE, withDir } from "./_helpers.ts";

const emptyRecovery = (): JournalRecovery => ({
  unresolved: [],
  orphans: [],
  damage: [],
  fills: [],
  droppedFills: [],
  owed: [],
  records: 0,
  corrupt: [],
});

/** Reads `path` into a fresh state; returns the verdict, the state and how often a bad line was counted. */
function read(path: string) {
  const open = new OpenOrders();
  const recovery = emptyRecovery();
  let counted = 0;
  const verdict = readJournalFile(path, { open, fills: new RecentFills(10) }, recovery, () => counted++);
  return { verdict, open, recovery, counted };
}

test("readJournalFile: outcomes settle orders; live acks, unknowns and bare intents stay unresolved", async () => {
  await withDir((dir) => {
    const path = join(dir, "journal-000001.log");
    const lines = [
      intentJson(1, "a", "order.place", PLACE, "newClientOrderId"),
      ackJson(2, "a", 11, "NEW"), // live on the exchange: kept
      intentJson(3, "b", "order.place", PLACE),
      ackJson(4, "b", 12, "FILLED"),
      intentJson(5, "c", "order.place", PLACE),
      rejectedJson(6, "c", -2019, "Margin is insufficient."),
      intentJson(7, "d", "order.place", PLACE),
      unknownJson(8, "d", "timeout"), // does not resolve
      intentJson(9, "e", "order.place", PLACE),
      resolvedJson(10, "e", "NOT_FOUND", undefined),
      intentJson(11, "f", "algoOrder.place", { symbol: "BTCUSDT", triggerPrice: "45000" }),
      intentJson(12, "a", "order.cancel", { symbol: "BTCUSDT" }),
      rejectedJson(13, "a", -1021, "late"), // a rejected cancel leaves the order open
    ];
    fs.writeFileSync(path, lines.map(frameLine).join(""));
    const { verdict, open, recovery, counted } = read(path);
    assert.equal(verdict, "ok");
    assert.equal(recovery.records, lines.length);
    assert.deepEqual(recovery.corrupt, []);
    assert.equal(counted, 0);
    const unresolved = unresolvedIntents(open);
    assert.deepEqual(unresolved.map((r) => r.cid), ["a", "d", "f"], "first seen first");
    assert.deepEqual(unresolved[0], {
      t: "intent",
      ts: 1,
      cid: "a",
      method: "order.place",
      params: { ...PLACE, newClientOrderId: "a" },
    });
    assert.equal(unresolved[2]?.method, "algoOrder.place");
  });
});

test("readJournalFile: a torn last line is expected after a crash; a bad line before good ones is damage", async () => {
  await withDir((dir) => {
    const good = frameLine(intentJson(1, "a", "order.place", PLACE));
    const torn = frameLine(intentJson(2, "b", "order.place", PLACE)).slice(0, -15);
    const tornOnly = join(dir, "torn.log");
    fs.writeFileSync(tornOnly, good + torn);
    const t = read(tornOnly);
    assert.equal(t.verdict, "ok", "a torn tail is not worth keeping");
    assert.deepEqual(t.recovery.corrupt, [{
      file: tornOnly,
      line: 2,
      bytes: Buffer.byteLength(torn),
      reason: "truncated last line (checksum mismatch)",
    }]);
    assert.deepEqual(unresolvedIntents(t.open).map((r) => r.cid), ["a"]);
    assert.deepEqual(t.recovery.damage, []);

    const garbled = join(dir, "garbled.log");
    const flipped = good.replace('"a"', '"x"');
    fs.writeFileSync(garbled, good + "\n" + flipped + "not a record\n" + good.trimEnd());
    const g = read(garbled);
    assert.equal(g.verdict, "damaged");
    assert.deepEqual(g.recovery.corrupt.map((c) => [c.line, c.reason, c.bytes]), [
      [3, "checksum mismatch", Buffer.byteLength(flipped) - 1], // line 2 is empty: skipped, still counted
      [4, "malformed line", 12],
    ]);
    assert.equal(g.counted, 2);
    assert.equal(g.recovery.records, 2, "a complete last record without its newline still reads");
    assert.deepEqual(g.recovery.damage, [{
      file: "garbled.log",
      what: "lines 3–4 unreadable",
      keptAs: "garbled.log.corrupt",
      recordsAfter: 1,
    }]);
  });
});

test("readJournalFile: lines that pass the checksum but are not records, and bytes that are not UTF-8", async () => {
  await withDir((dir) => {
    const path = join(dir, "odd.log");
    const ack = frameLine(ackJson(1, "é", 5, "NEW"));
    const bad = Buffer.from(ack);
    bad[bad.indexOf(0xc3)] = 0xff; // not UTF-8: decodes to U+FFFD, which breaks the checksum
    fs.writeFileSync(
      path,
      Buffer.concat([
        Buffer.from(frameLine("not json") + frameLine('{"t":"ack","ts":"1","cid":"a"}') + frameLine("[]")),
        bad,
      ]),
    );
    const { verdict, recovery } = read(path);
    assert.equal(verdict, "damaged");
    assert.deepEqual(recovery.corrupt.map((c) => [c.line, c.reason]), [
      [1, "invalid JSON"],
      [2, "not a journal record"],
      [3, "not a journal record"],
      [4, "checksum mismatch"],
    ]);
    assert.equal(recovery.records, 0);
  });
});

test("readJournalFile: an unreadable file is reported, never thrown, and must be left alone", async () => {
  await withDir((dir) => {
    for (const path of [join(dir, "missing.log"), dir]) {
      const { verdict, recovery, counted } = read(path);
      assert.equal(verdict, "unreadable", path);
      assert.equal(counted, 1);
      assert.equal(recovery.corrupt.length, 1);
      const [entry] = recovery.corrupt;
      assert.deepEqual([entry?.file, entry?.line, entry?.bytes], [path, 0, 0]);
      assert.match(entry!.reason, /^unreadable: /);
    }
  });
});

test("readJournalFile: every bad line is counted; at most 1000 are listed", async () => {
  await withDir((dir) => {
    const path = join(dir, "noise.log");
    fs.writeFileSync(path, "garbage line\n".repeat(1005));
    const recovery = emptyRecovery();
    recovery.corrupt.push({ file: "earlier.log", line: 1, bytes: 1, reason: "from an earlier file" });
    let counted = 0;
    readJournalFile(path, { open: new OpenOrders(), fills: new RecentFills(10) }, recovery, () => counted++);
    assert.equal(counted, 1005);
    assert.equal(recovery.corrupt.length, 1000, "the cap spans files");
    assert.equal(recovery.corrupt[999]?.line, 999);
  });
});

test("unresolvedIntents: only intent records come back, whatever the open set holds", () => {
  const open = new OpenOrders();
  open.intent("a", intentJson(1, "a", "order.place", PLACE));
  open.intent("b", "{broken");
  open.intent("c", ackJson(1, "c", 1, "NEW"));
  assert.deepEqual(unresolvedIntents(open).map((r) => r.cid), ["a"]);
  assert.deepEqual(unresolvedIntents(new OpenOrders()), []);
});

test("retireFiles: read files are deleted, damaged ones kept as .corrupt, unreadable ones left alone", async () => {
  await withDir((dir) => {
    const ok = join(dir, "journal-000001.log");
    const garbled = join(dir, "journal-000002.log");
    const unreadable = join(dir, "journal-000003.log");
    for (const p of [ok, garbled, unreadable]) fs.writeFileSync(p, "x\n");
    retireFiles([
      { path: ok, verdict: "ok" },
      { path: garbled, verdict: "damaged" },
      { path: unreadable, verdict: "unreadable" },
      { path: join(dir, "gone.log"), verdict: "ok" }, // already gone: ignored
    ]);
    assert.deepEqual(fs.readdirSync(dir).sort(), ["journal-000002.log.corrupt", "journal-000003.log"]);
    assert.equal(fs.readFileSync(join(dir, "journal-000002.log.corrupt"), "utf8"), "x\n");
  });
});
