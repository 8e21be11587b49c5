import { test } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import * as fs from "node:fs";
import { join } from "node:path";
import { OrderJournal } from "../../lib/journal/mod.ts";
import { SCRATCH_NAME } from "../../lib/journal/_warm_scratch.ts";
import { fill, journalFiles, journalLines, PLACE, until, withDir } from "./_helpers.ts";

const cancel = (cid: string) => ({ symbol: "BTCUSDT", origClientOrderId: cid });

test("unresolved: exactly the orders not known to be finished, each by the intent that opened it", async () => {
  await withDir((dir) => {
    const { journal } = OrderJournal.open({ dir, fsyncIntervalMs: 0 });
    journal.appendIntent("lost", "order.place", PLACE); // never answered
    journal.appendIntent("unknown", "order.place", PLACE);
    journal.appendUnknown("unknown", "timeout"); // an unknown does not resolve
    journal.appendIntent("open", "order.place", PLACE);
    journal.appendAck("open", 1, "NEW"); // live on the exchange: a restart must know it
    journal.appendIntent("filled", "order.place", PLACE);
    journal.appendAck("filled", 2, "FILLED");
    journal.appendIntent("rejected", "order.place", PLACE);
    journal.appendRejected("rejected", -2019, "Margin is insufficient.");
    journal.appendIntent("notsent", "order.place", PLACE);
    journal.appendRejected("notsent", 0, "not sent");
    journal.appendIntent("notfound", "order.place", PLACE);
    journal.appendUnknown("notfound", "disconnect");
    journal.appendResolved("notfound", "NOT_FOUND");
    journal.appendIntent("reconciled-open", "order.place", PLACE);
    journal.appendUnknown("reconciled-open", "timeout");
    journal.appendResolved("reconciled-open", "NEW", 3);
    journal.appendIntent("cancel-refused", "order.place", PLACE);
    journal.appendAck("cancel-refused", 4, "NEW");
    journal.appendIntent("cancel-refused", "order.cancel", cancel("cancel-refused"));
    journal.appendRejected("cancel-refused", -1015, "Too many new orders"); // the order is still open
    journal.appendIntent("cancelled", "order.place", PLACE);
    journal.appendAck("cancelled", 5, "NEW");
    journal.appendIntent("cancelled", "order.cancel", cancel("cancelled"));
    journal.appendAck("cancelled", 5, "CANCELED");
    journal.appendIntent("gone", "order.place", PLACE);
    journal.appendAck("gone", 6, "NEW");
    journal.appendIntent("gone", "order.cancel", cancel("gone"));
    journal.appendRejected("gone", -2011, "Unknown order sent."); // the exchange does not hold it
    journal.appendIntent("dup", "order.place", PLACE);
    journal.appendAck("dup", 7, "NEW");
    journal.appendIntent("dup", "order.place", { ...PLACE, price: "1" }); // same cid again
    journal.appendRejected("dup", -4116, "ClientOrderId is duplicated."); // the first order lives on
    journal.appendIntent("algo", "algoOrder.place", { ...PLACE, type: "STOP_MARKET" });
    journal.appendAck("algo", 8, "NEW");
    journal.close();

    const { journal: again, recovery } = OrderJournal.open({ dir, fsyncIntervalMs: 0 });
    const byCid = new Map(recovery.unresolved.map((r) => [r.cid, r]));
    assert.deepEqual([...byCid.keys()], [
      "lost",
      "unknown",
      "open",
      "reconciled-open",
      "cancel-refused",
      "dup",
      "algo",
    ]);
    assert.equal(byCid.get("cancel-refused")!.method, "order.place", "a cancel does not replace the order");
    assert.deepEqual(byCid.get("dup")!.params, PLACE, "the duplicate does not replace the live order");
    assert.equal(recovery.records, 35);
    assert.deepEqual(recovery.corrupt, []);
    again.close();
  });
});

test("restart: the journal is compacted into one file that begins with the checkpoint, and reopens the same", async () => {
  await withDir((dir) => {
    const { journal } = OrderJournal.open({ dir, fsyncIntervalMs: 0 });
    for (let i = 0; i < 20; i++) {
      journal.appendIntent(`o-${i}`, "order.place", PLACE);
      if (i % 2 === 0) journal.appendAck(`o-${i}`, i, "FILLED");
    }
    journal.close();
    const first = OrderJournal.open({ dir, fsyncIntervalMs: 0 });
    first.journal.close();
    assert.deepEqual(journalFiles(dir), ["journal-000002.log"]);
    assert.equal(journalLines(dir).length, 10, "only the 10 open orders are carried");
    const second = OrderJournal.open({ dir, fsyncIntervalMs: 0 });
    second.journal.close();
    assert.deepEqual(second.recovery.unresolved, first.recovery.unresolved, "ts and params survive exactly");
    assert.deepEqual(journalFiles(dir), ["journal-000003.log"]);
  });
});

test("crash without close: a second open recovers every intent written, and buffered outcomes are optional", async () => {
  await withDir((dir) => {
    const { journal } = OrderJournal.open({ dir, fsyncIntervalMs: 1_000_000 });
    for (let i = 0; i < 500; i++) {
      journal.appendIntent(`c-${i}`, "order.place", PLACE, "newClientOrderId");
      if (i % 2 === 1) journal.appendAck(`c-${i}`, i, "FILLED");
    }
    // No close, no flush: the process "dies" here.
    const { journal: after, recovery } = OrderJournal.open({ dir });
    const cids = recovery.unresolved.map((r) => r.cid);
    // Every unanswered intent is there; acks rode along with the next intent, so only the last one is lost
    // (and that order is merely reconciled once more).
    const expected = Array.from({ length: 250 }, (_, i) => `c-${2 * i}`).concat("c-499");
    assert.deepEqual(cids, expected);
    assert.equal(recovery.unresolved[0]!.params.newClientOrderId, "c-0");
    after.close();
    journal.close();
  });
});

test("corruption: garbled lines are reported and skipped, later records used; the damaged file is kept aside", async () => {
  await withDir((dir) => {
    const { journal } = OrderJournal.open({ dir, fsyncIntervalMs: 0 });
    for (const cid of ["a", "b", "c", "d"]) journal.appendIntent(cid, "order.place", PLACE);
    journal.close();
    const [name] = journalFiles(dir);
    const path = join(dir, name!);
    const lines = fs.readFileSync(path, "utf8").split("\n");
    lines[1] = lines[1]!.replace('"b"', '"x"'); // garbled: the checksum no longer matches
    lines.splice(2, 0, "not a journal line at all", "");
    const bytes = Buffer.from(lines.join("\n"));
    bytes[bytes.indexOf('"c"') + 1] = 0xff; // a byte that is not UTF-8 inside c's line
    fs.writeFileSync(path, bytes.subarray(0, bytes.length - 20)); // torn: d's line is cut short

    const { journal: j2, recovery } = OrderJournal.open({ dir, fsyncIntervalMs: 0 });
    assert.deepEqual(recovery.unresolved.map((r) => r.cid), ["a"]);
    assert.deepEqual(recovery.corrupt.map((c) => [c.line, c.reason]), [
      [2, "checksum mismatch"],
      [3, "malformed line"],
      [5, "checksum mismatch"],
      [6, "checksum mismatch"], // cut short, but in a damaged file: no torn tail there
    ]);
    assert.deepEqual(recovery.damage, [{
      file: name,
      what: "lines 2–3, 5–6 unreadable",
      keptAs: `${name}.corrupt`,
      recordsAfter: 0,
    }]);
    assert.ok(recovery.corrupt.every((c) => c.file === path && c.bytes > 0));
    assert.equal(recovery.records, 1);
    assert.equal(j2.stats.corruptTails, 4);
    j2.close();
    // The garbled file is kept for inspection under a name that is never read again.
    assert.deepEqual(journalFiles(dir, true), ["journal-000001.log.corrupt", "journal-000002.log"]);
    const { journal: j3, recovery: r3 } = OrderJournal.open({ dir, fsyncIntervalMs: 0 });
    assert.deepEqual(r3.corrupt, []);
    assert.deepEqual(r3.unresolved.map((r) => r.cid), ["a"]);
    j3.close();
  });
});

test("corruption: a file of garbage, an empty file and a directory in the file's name do not stop open", async () => {
  await withDir((dir) => {
    fs.writeFileSync(join(dir, "journal-000001.log"), new Uint8Array(5000).map((_, i) => (i * 7919) % 256));
    fs.writeFileSync(join(dir, "journal-000002.log"), "");
    fs.mkdirSync(join(dir, "journal-000003.log"));
    fs.writeFileSync(join(dir, "notes.txt"), "not ours");
    const { journal, recovery } = OrderJournal.open({ dir, fsyncIntervalMs: 0 });
    assert.deepEqual(recovery.unresolved, []);
    assert.ok(recovery.corrupt.length > 0);
    assert.ok(
      recovery.corrupt.some((c) => c.file.endsWith("journal-000003.log") && /unreadable/.test(c.reason)),
    );
    journal.appendIntent("after", "order.place", PLACE);
    journal.close();
    // The unreadable entry is left alone, the empty file removed, and the new file numbered after them all.
    assert.ok(fs.existsSync(join(dir, "notes.txt")));
    assert.ok(fs.existsSync(join(dir, "journal-000003.log")));
    assert.ok(!fs.existsSync(join(dir, "journal-000002.log")));
    assert.ok(fs.existsSync(join(dir, "journal-000004.log")));
  });
});

test("rotation: by size, carrying open orders forward, so the directory stays bounded even in a burst", async () => {
  await withDir((dir) => {
    const { journal } = OrderJournal.open({ dir, maxFileBytes: 4096, fsyncIntervalMs: 0 });
    journal.appendIntent("keeper", "order.place", PLACE);
    journal.appendAck("keeper", 1, "NEW");
    let maxFile = 0;
    for (let i = 0; i < 1000; i++) {
      journal.appendIntent(`tmp-${i}`, "order.place", PLACE);
      journal.appendAck(`tmp-${i}`, i, "FILLED");
      const files = journalFiles(dir);
      assert.equal(files.length, 1, files.join());
      maxFile = Math.max(maxFile, fs.statSync(join(dir, files[0]!)).size);
    }
    assert.ok(journal.stats.rotations >= 20, `rotations ${journal.stats.rotations}`);
    // A burst that never yields to the timer rotates inline at twice the limit (plus the line that crossed it).
    assert.ok(maxFile <= 2 * 4096 + 400, `largest file ${maxFile}`);
    // Crash here (no close): the keeper has been carried through every rotation. (The last ack was still
    // buffered, so that order is merely reconciled once more.)
    const { journal: j2, recovery } = OrderJournal.open({ dir });
    assert.deepEqual(recovery.unresolved.map((r) => r.cid), ["keeper", "tmp-999"]);
    j2.close();
    journal.close();
  });
});

test("rotation: the intent that triggers it is in the checkpoint, even if the process dies right after", async () => {
  await withDir((dir) => {
    const { journal } = OrderJournal.open({ dir, maxFileBytes: 2048, fsyncIntervalMs: 0 });
    let written = 0;
    while (journal.stats.rotations < 3) journal.appendIntent(`r-${written++}`, "order.place", PLACE);
    // The last intent made the rotation: no close, reopen at once.
    const { journal: j2, recovery } = OrderJournal.open({ dir });
    assert.equal(recovery.unresolved.length, written);
    assert.equal(recovery.unresolved.at(-1)!.cid, `r-${written - 1}`);
    j2.close();
    journal.close();
  });
});

test("rotation: a cancel in flight across it keeps its order open when the cancel is refused", async () => {
  await withDir((dir) => {
    const { journal } = OrderJournal.open({ dir, maxFileBytes: 256, fsyncIntervalMs: 0 });
    journal.appendIntent("live", "order.place", PLACE);
    journal.appendAck("live", 1, "NEW");
    journal.appendIntent("live", "order.cancel", cancel("live"));
    journal.flush(); // past the limit: rotates (off the hot path, as the timer would)
    assert.equal(journal.stats.rotations, 1);
    // Refused after the rotation: without the cancel in the checkpoint, a restart would take this refusal
    // for a refused place and forget an order that is open on the exchange.
    journal.appendRejected("live", -1015, "Too many new orders");
    journal.close();
    const { journal: j2, recovery } = OrderJournal.open({ dir });
    assert.deepEqual(recovery.unresolved.map((r) => [r.cid, r.method]), [["live", "order.place"]]);
    j2.close();
  });
});

test("outcomes: buffered until the next intent or the timer, which writes and fsyncs them without help", {
  timeout: 30_000,
}, async () => {
  await withDir(async (dir) => {
    const { journal } = OrderJournal.open({ dir, fsyncIntervalMs: 5 });
    journal.appendIntent("t", "order.place", PLACE);
    const fsyncs = journal.stats.fsyncs;
    journal.appendAck("t", 1, "FILLED");
    await until(() => journalLines(dir).some((l) => l.includes('"t":"ack"')));
    await until(() => journal.stats.fsyncs > fsyncs);
    journal.close();
  });
});

test("stats, flush and close: counts match the file; fsyncIntervalMs 0 never fsyncs; close is final", async () => {
  await withDir((dir) => {
    const { journal } = OrderJournal.open({ dir, fsyncIntervalMs: 0 });
    journal.appendIntent("s", "order.place", PLACE);
    journal.appendAck("s", 1, "NEW");
    journal.appendUnknown("s", "x");
    journal.flush();
    const file = join(dir, journalFiles(dir)[0]!);
    assert.deepEqual(
      { ...journal.stats },
      { records: 3, bytes: fs.statSync(file).size, fsyncs: 0, rotations: 0, corruptTails: 0, writeErrors: 0 },
    );
    journal.close();
    journal.close(); // idempotent
    journal.appendAck("s", 1, "FILLED"); // ignored: reconciliation covers it
    journal.flush();
    assert.throws(
      () => journal.appendIntent("late", "order.place", PLACE),
      /closed: intent late not written/,
    );
    assert.equal(journalLines(dir).length, 3);
    assert.equal(journal.lastError, undefined);

    const { journal: synced } = OrderJournal.open({ dir });
    assert.equal(synced.stats.fsyncs, 1, "the restart checkpoint is fsynced");
    synced.appendIntent("f", "order.place", PLACE);
    synced.flush();
    assert.equal(synced.stats.fsyncs, 2);
    synced.close();
  });
});

test("secrets: apiKey, signature and keys are never written (intents, fills), even through a restart's checkpoint", async () => {
  await withDir((dir) => {
    const { journal } = OrderJournal.open({ dir });
    const secrets = {
      apiKey: "KEY-SECRET-1",
      signature: "SIG-SECRET-2",
      secretKey: "S-3",
      privateKey: "P-4",
    };
    journal.appendIntent("s", "order.place", { ...PLACE, ...secrets });
    journal.appendIntent("s2", "order.cancel", { ...cancel("s"), ...secrets }, "signature");
    assert.equal(journal.appendFill(Object.assign(fill(1), secrets)), true); // an object with more than a Fill
    journal.close();
    OrderJournal.open({ dir }).journal.close();
    const text = journalLines(dir).join("\n");
    for (const v of Object.values(secrets)) assert.ok(!text.includes(v), v);
    assert.ok(text.includes('"symbol":"BTCUSDT"') && text.includes('"t":"fill"'), text);
  });
});

test("open: an unusable directory is named in the error; bad options are refused", async () => {
  await withDir((dir) => {
    const file = join(dir, "not-a-dir");
    fs.writeFileSync(file, "x");
    assert.throws(() => OrderJournal.open({ dir: join(file, "sub") }), /journal directory .*not-a-dir/);
    assert.throws(() => OrderJournal.open({ dir: file }), /journal directory .*not-a-dir/);
    assert.throws(() => OrderJournal.open({ dir, maxFileBytes: 0 }), RangeError);
    assert.throws(() => OrderJournal.open({ dir, fsyncIntervalMs: -1 }), RangeError);
    assert.throws(() => OrderJournal.open({ dir, fsyncIntervalMs: NaN }), RangeError);
  });
});

test("warm: a write of zero bytes to the journal and of the line to the scratch file; the journal unchanged", async () => {
  await withDir((dir) => {
    const writes: { fd: number; bytes: number }[] = [];
    const { journal } = OrderJournal.open({
      dir,
      fsyncIntervalMs: 0,
      write: (
        fd,
        buffer,
        offset,
        length,
      ) => (writes.push({ fd, bytes: length }), fs.writeSync(fd, buffer, offset, length)),
    });
    journal.appendIntent("a", "order.place", PLACE);
    journal.appendAck("a", 1, "NEW"); // buffered: it rides with the next intent, not with a warm-up
    const [file] = journalFiles(dir);
    const path = join(dir, file!);
    const before = fs.statSync(path);
    const text = fs.readFileSync(path, "utf8");
    writes.length = 0;
    const scratch = join(dir, SCRATCH_NAME);
    assert.equal(fs.existsSync(scratch), false, "no scratch file before the first warm-up");
    assert.ok(journal.warm() > 0);
    assert.ok(journal.warm() > 0);
    const lines = fs.readFileSync(scratch, "utf8").split("\n");
    assert.equal(lines.length, 3, "two lines in the scratch file");
    const unstamped = (line: string) => line.slice(9).replace(/"ts":\d+/, "");
    assert.equal(unstamped(lines[0]!), unstamped(lines[1]!), "the same canned line (its time aside)");
    assert.match(lines[0]!, /^[0-9a-f]{8} \{"t":"intent",.*"cid":"lr-warm-0"/);
    const line = Buffer.byteLength(lines[0]!) + 1;
    const journalFd = writes[0]!.fd;
    assert.deepEqual(writes.map((w) => w.bytes), [0, line, 0, line], "per warm-up: nothing, then the line");
    assert.deepEqual(writes.map((w) => w.fd === journalFd), [true, false, true, false]);
    assert.equal(fs.statSync(scratch).mode & 0o777, 0o600);
    const after = fs.statSync(path);
    assert.equal(fs.readFileSync(path, "utf8"), text);
    assert.deepEqual([after.size, after.mtimeMs, after.ctimeMs], [
      before.size,
      before.mtimeMs,
      before.ctimeMs,
    ]);
    journal.appendIntent("b", "order.place", PLACE); // the buffered ack, then b's intent, as without them
    const records = journalLines(dir).slice(-3).map((l) => JSON.parse(l.slice(l.indexOf(" ") + 1)));
    assert.deepEqual(records.map((r) => `${r.t} ${r.cid}`), ["intent a", "ack a", "intent b"]);
    journal.close();
    assert.equal(fs.existsSync(scratch), false, "the scratch file is deleted on close");
    assert.deepEqual(fs.readdirSync(dir).filter((f) => f.endsWith(".tmp")), []);
  });
});

test("owed fills: listed by recovery until paid, across the restart's compaction", async () => {
  await withDir((dir) => {
    const { journal } = OrderJournal.open({ dir, fsyncIntervalMs: 0 });
    journal.appendIntent("a", "order.place", PLACE);
    journal.appendAck("a", 1, "FILLED", { method: "order.place", symbol: "BTCUSDT" });
    journal.appendOwed("a", "BTCUSDT", "BUY", "0.002");
    journal.appendOwed("b", "ETHUSDT", "SELL", "0.010");
    journal.appendPaid("b");
    journal.close();
    const { journal: again, recovery } = OrderJournal.open({ dir, fsyncIntervalMs: 0 });
    assert.deepEqual(recovery.unresolved, [], "finished");
    assert.deepEqual(
      recovery.owed.map((r) => [r.cid, r.symbol, r.side, r.executedQty]),
      [["a", "BTCUSDT", "BUY", "0.002"]],
    );
    again.close(); // compacted: the debt is carried by the checkpoint
    const { journal: third, recovery: later } = OrderJournal.open({ dir, fsyncIntervalMs: 0 });
    assert.deepEqual(later.owed.map((r) => r.cid), ["a"]);
    third.appendPaid("a");
    third.close();
    const { journal: fourth, recovery: last } = OrderJournal.open({ dir, fsyncIntervalMs: 0 });
    assert.deepEqual(last.owed, []);
    fourth.close();
  });
});
