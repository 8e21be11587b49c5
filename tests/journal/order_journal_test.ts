import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OrderJournal } from "../../lib/journal/mod.ts";
import { crc32Hex } from "../../lib/journal/_crc32.ts";

const place = { symbol: "BTCUSDT", side: "BUY", type: "LIMIT", quantity: "0.002", price: "50000" };

function tempDir(): string {
  return fs.mkdtempSync(join(tmpdir(), "lr-journal-"));
}

function journalText(dir: string): string {
  return fs.readdirSync(dir).sort().map((f) => fs.readFileSync(join(dir, f), "utf8")).join("");
}

test("crc32Hex: the standard check value", () => {
  assert.equal(crc32Hex("123456789"), "cbf43926");
});

test("OrderJournal: after a restart, exactly the orders not known to be finished are unresolved", () => {
  const dir = tempDir();
  try {
    const { journal } = OrderJournal.open({ dir, fsyncIntervalMs: 0 });
    journal.appendIntent("open-1", "order.place", place); // acked NEW: may still be open
    journal.appendAck("open-1", 1, "NEW");
    journal.appendIntent("filled", "order.place", place);
    journal.appendAck("filled", 2, "FILLED");
    journal.appendIntent("rejected", "order.place", place);
    journal.appendRejected("rejected", -4164, "notional");
    journal.appendIntent("lost", "order.place", place); // never answered
    journal.appendIntent("unknown", "order.place", place);
    journal.appendUnknown("unknown", "timeout");
    journal.appendIntent("notfound", "order.place", place);
    journal.appendUnknown("notfound", "disconnect");
    journal.appendResolved("notfound", "NOT_FOUND");
    journal.appendIntent("cancel-refused", "order.place", place);
    journal.appendAck("cancel-refused", 3, "NEW");
    journal.appendIntent("cancel-refused", "order.cancel", {
      symbol: "BTCUSDT",
      origClientOrderId: "cancel-refused",
    });
    journal.appendRejected("cancel-refused", -1015, "too many"); // the order is still open
    journal.appendIntent("cancelled", "order.place", place);
    journal.appendAck("cancelled", 4, "NEW");
    journal.appendIntent("cancelled", "order.cancel", { symbol: "BTCUSDT", origClientOrderId: "cancelled" });
    journal.appendAck("cancelled", 4, "CANCELED");
    journal.close();
    const { journal: again, recovery } = OrderJournal.open({ dir, fsyncIntervalMs: 0 });
    assert.deepEqual(recovery.unresolved.map((r) => r.cid).sort(), [
      "cancel-refused",
      "lost",
      "open-1",
      "unknown",
    ]);
    const refused = recovery.unresolved.find((r) => r.cid === "cancel-refused")!;
    assert.equal(refused.method, "order.place", "a cancel intent does not replace the order's place intent");
    assert.equal(recovery.corrupt.length, 0);
    assert.equal(recovery.records, 20);
    again.close();
    // The restart compacted the journal into one checkpoint file of the four.
    assert.equal(fs.readdirSync(dir).length, 1);
    const { recovery: third } = OrderJournal.open({ dir, fsyncIntervalMs: 0 });
    assert.equal(third.unresolved.length, 4);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("OrderJournal: a torn last line and a garbled middle line are reported, never fatal", () => {
  const dir = tempDir();
  try {
    const { journal } = OrderJournal.open({ dir, fsyncIntervalMs: 0 });
    journal.appendIntent("a", "order.place", place);
    journal.appendIntent("b", "order.place", place);
    journal.appendIntent("c", "order.place", place);
    journal.close();
    const [file] = fs.readdirSync(dir);
    const path = join(dir, file!);
    const lines = fs.readFileSync(path, "utf8").split("\n");
    lines[1] = lines[1]!.replace('"b"', '"x"'); // garbled: checksum no longer matches
    fs.writeFileSync(path, lines.join("\n").slice(0, -25)); // torn: the last line is cut short
    const { journal: j2, recovery } = OrderJournal.open({ dir, fsyncIntervalMs: 0 });
    assert.deepEqual(recovery.unresolved.map((r) => r.cid), ["a"]);
    assert.deepEqual(recovery.corrupt.map((c) => c.reason), ["checksum mismatch", "truncated last line"]);
    assert.equal(j2.stats.corruptTails, 2);
    j2.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("OrderJournal: rotation by size carries open orders forward and keeps the directory bounded", () => {
  const dir = tempDir();
  try {
    const { journal } = OrderJournal.open({ dir, maxFileBytes: 4096, fsyncIntervalMs: 0 });
    journal.appendIntent("keeper", "order.place", place);
    journal.appendAck("keeper", 1, "NEW");
    for (let i = 0; i < 500; i++) {
      journal.appendIntent(`tmp-${i}`, "order.place", place);
      journal.appendAck(`tmp-${i}`, i, "FILLED");
    }
    journal.close();
    assert.ok(journal.stats.rotations >= 10, `rotations ${journal.stats.rotations}`);
    assert.ok(fs.readdirSync(dir).length <= 2, fs.readdirSync(dir).join());
    const { journal: j2, recovery } = OrderJournal.open({ dir });
    assert.deepEqual(recovery.unresolved.map((r) => r.cid), ["keeper"]);
    j2.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("OrderJournal: secrets are never written; an unusable directory is named in the error", () => {
  const dir = tempDir();
  try {
    const { journal } = OrderJournal.open({ dir });
    journal.appendIntent("s", "order.place", { ...place, apiKey: "KEY-SECRET-1", signature: "SIG-SECRET-2" });
    journal.close();
    const text = journalText(dir);
    assert.ok(!text.includes("KEY-SECRET-1") && !text.includes("SIG-SECRET-2"));
    assert.ok(text.includes('"symbol":"BTCUSDT"'));
    const file = join(dir, "not-a-dir");
    fs.writeFileSync(file, "x");
    assert.throws(() => OrderJournal.open({ dir: join(file, "sub") }), /journal directory .*not-a-dir/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test(
  "OrderJournal: intents written by a process killed with SIGKILL are all recovered",
  { timeout: 60_000 },
  async () => {
    const dir = tempDir();
    try {
      const { spawnScript } = await import("../cli/_child.ts");
      const child = spawnScript("tests/journal/_crash_writer.ts", [dir, "300"]);
      await child.waitForStderr(/wrote 300/);
      child.kill("SIGKILL");
      await child.exited();
      const { journal, recovery } = OrderJournal.open({ dir });
      // Every intent was acked with NEW except every 3rd (never answered): all are open or unknown.
      assert.equal(recovery.unresolved.length, 300);
      journal.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
);
