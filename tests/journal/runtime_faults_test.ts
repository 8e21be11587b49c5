/**
 * The fault matrix while running: the journal file or its directory deleted, the disk full during an intent,
 * an ack or a rotation. For each: the problem reported (once, with the path for the log and a path-free
 * reason), `health()`, what a restart recovers, and that nothing is lost or deleted.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { join } from "node:path";
import { journalObserver, type JournalProblem, OrderJournal } from "../../lib/journal/mod.ts";
import type { WriteFn } from "../../lib/journal/_append_io.ts";
import { ManualClock } from "../_manual_clock.ts";
import { journalFiles, journalLines, PLACE, withDir } from "./_helpers.ts";

/** A write call that works until `full` is set, then behaves as a full disk: a short write, then ENOSPC. */
function disk() {
  const state = { full: false, calls: 0 };
  const write: WriteFn = (fd, buffer, offset, length) => {
    state.calls++;
    if (!state.full) return fs.writeSync(fd, buffer, offset, length);
    if (length > 16) return fs.writeSync(fd, buffer, offset, Math.floor(length / 2)); // the last free blocks
    throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
  };
  return { state, write };
}

/** Opens a journal on `dir` whose problems are collected, with the file check on a manual clock. */
function openWatched(dir: string, more: { write?: WriteFn; maxFileBytes?: number } = {}) {
  const problems: JournalProblem[] = [];
  const clock = new ManualClock();
  const { journal, recovery } = OrderJournal.open({
    dir,
    fsyncIntervalMs: 0,
    timers: clock,
    onProblem: (p) => void problems.push(p),
    ...more,
  });
  return { journal, recovery, problems, clock };
}

const reopen = (dir: string) => {
  const { journal, recovery } = OrderJournal.open({ dir, fsyncIntervalMs: 0, watchIntervalMs: 0 });
  journal.close();
  return recovery;
};

test("runtime: a healthy journal says so", async () => {
  await withDir((dir) => {
    const { journal, problems } = openWatched(dir);
    journal.appendIntent("a", "order.place", PLACE);
    journal.check();
    assert.deepEqual(journal.health(), { ok: true, writeErrors: 0 });
    assert.deepEqual(problems, []);
    journal.close();
  });
});

test("runtime: the journal file deleted while running is detected on the timer, reported once, and rewritten", async () => {
  await withDir((dir) => {
    const { journal, problems, clock } = openWatched(dir);
    journal.appendIntent("a", "order.place", PLACE);
    journal.appendAck("a", 1, "NEW", { method: "order.place", symbol: "BTCUSDT" });
    journal.appendIntent("b", "order.place", PLACE);
    const path = join(dir, "journal-000001.log");
    fs.rmSync(path);
    clock.advance(999);
    assert.equal(journal.health().ok, true, "not checked yet");
    clock.advance(1); // the 1 s check
    assert.deepEqual(problems, [{
      problem:
        `journal file ${path} was deleted while open; rewritten from memory to ${dir}/journal-000002.log`,
      reason: "journal file journal-000001.log was deleted while running; rewritten from memory to " +
        "journal-000002.log",
    }]);
    assert.deepEqual(journal.health(), { ok: true, writeErrors: 0 }, "whole again: the problem is over");
    clock.advance(5000);
    assert.equal(problems.length, 1, "told once");
    // Intents go on, into the new file; a crash now loses nothing.
    journal.appendIntent("c", "order.place", PLACE);
    assert.deepEqual(journalFiles(dir), ["journal-000002.log"]);
    const recovery = reopen(dir);
    assert.deepEqual(recovery.unresolved.map((r) => r.cid), ["a", "b", "c"]);
    assert.deepEqual(recovery.damage, []);
    journal.close();
  });
});

test("runtime: a deleted file is also found by a rotation (no timer); a new file at its path is not deleted", async () => {
  await withDir((dir) => {
    const problems: JournalProblem[] = [];
    const { journal } = OrderJournal.open({
      dir,
      fsyncIntervalMs: 0,
      maxFileBytes: 100, // one intent passes it (but not twice it: no inline rotation)
      watchIntervalMs: 0,
      onProblem: (p) => void problems.push(p),
    });
    journal.appendIntent("a", "order.place", PLACE);
    const path = join(dir, "journal-000001.log");
    fs.rmSync(path);
    fs.writeFileSync(path, "someone else's file\n"); // a new file at the path: not ours to delete
    journal.flush(); // past the size limit: rotates
    assert.equal(problems.length, 1);
    // Its file was unlinked (and another put at its path): "deleted" is what happened to it.
    assert.match(problems[0]!.problem, /journal-000001\.log was deleted while open; rewritten from memory/);
    assert.equal(fs.readFileSync(path, "utf8"), "someone else's file\n");
    journal.close();
    fs.rmSync(path);
    assert.deepEqual(reopen(dir).unresolved.map((r) => r.cid), ["a"]);
  });
});

test("runtime: the data directory deleted while running: detected, intents refused without a path, healed when it is back", async () => {
  await withDir((parent) => {
    const dir = join(parent, "data");
    const { journal, problems, clock } = openWatched(dir);
    journal.appendIntent("a", "order.place", PLACE);
    fs.rmSync(dir, { recursive: true, force: true }); // rm -rf
    clock.advance(1000);
    assert.equal(problems.length, 1);
    assert.match(
      problems[0]!.problem,
      new RegExp(
        `^journal file ${dir}/journal-000001\\.log was deleted with its directory while open; cannot rewrite it: ENOENT`,
      ),
    );
    assert.equal(
      problems[0]!.reason,
      "journal file journal-000001.log was deleted with its directory while running; cannot be rewritten (ENOENT)",
    );
    const h = journal.health();
    assert.deepEqual([h.ok, h.reason], [false, problems[0]!.reason]);
    assert.ok(h.writeErrors >= 1, "the failed rewrite counts");
    // No durable intent, no order: refused, and the message names no path (it can reach an API answer).
    assert.throws(() => journal.appendIntent("b", "order.place", PLACE), (e: Error) => {
      assert.match(
        e.message,
        /^order journal: cannot write intent b: order journal: journal file journal-000001\.log was deleted/,
      );
      assert.ok(!e.message.includes(parent), e.message);
      return true;
    });
    clock.advance(3000);
    assert.equal(problems.length, 1, "each retry fails the same way: told once");
    fs.mkdirSync(dir); // the operator puts the directory back, with the usual umask's mode
    fs.chmodSync(dir, 0o755);
    clock.advance(1000);
    assert.equal(problems.length, 2);
    assert.match(problems[1]!.reason, /rewritten from memory to journal-000002\.log$/);
    assert.equal(journal.health().ok, true);
    assert.equal(fs.statSync(dir).mode & 0o777, 0o700, "the directory put back is made private, as at start");
    journal.appendIntent("c", "order.place", PLACE);
    journal.close();
    assert.deepEqual(reopen(dir).unresolved.map((r) => r.cid), ["a", "c"]);
  });
});

test("runtime: disk full during an intent: refused without a path, reported once with it, no torn line left", async () => {
  await withDir((dir) => {
    const { state, write } = disk();
    const { journal, problems } = openWatched(dir, { write });
    journal.appendIntent("a", "order.place", PLACE);
    state.full = true;
    assert.throws(() => journal.appendIntent("b", "order.place", PLACE), (e: Error) => {
      assert.equal(e.message, "order journal: cannot write intent b: ENOSPC");
      return true;
    });
    assert.throws(() => journal.appendIntent("b2", "order.place", PLACE), /ENOSPC/);
    assert.equal(journal.stats.writeErrors, 2);
    assert.deepEqual(problems, [{
      problem: `journal write failed on ${dir}/journal-000001.log: ENOSPC: no space left on device, write`,
      reason: "journal write failed (ENOSPC) on journal-000001.log",
    }]);
    assert.deepEqual(journal.health(), { ok: false, ...problems[0]!, writeErrors: 2 });
    // The short writes were cut back off the file: only whole lines are in it.
    assert.deepEqual(journalLines(dir).map((l) => JSON.parse(l.slice(9)).cid), ["a"]);
    state.full = false;
    journal.appendIntent("c", "order.place", PLACE);
    assert.deepEqual(journal.health(), { ok: true, writeErrors: 2 }, "over once a write succeeds");
    state.full = true;
    assert.throws(() => journal.appendIntent("d", "order.place", PLACE), /ENOSPC/);
    assert.equal(problems.length, 2, "back after it was over: told again");
    assert.equal(journal.health().ok, false);
    state.full = false;
    journal.close();
    const recovery = reopen(dir);
    assert.deepEqual(recovery.unresolved.map((r) => r.cid), ["a", "c"]);
    assert.deepEqual([recovery.corrupt, recovery.damage], [[], []]);
  });
});

test("runtime: disk full mid-line where the write throws without saying how much it wrote (Deno): the part is cut back too", async () => {
  await withDir((dir) => {
    // Deno's writeSync on a disk that fills up mid-write: part of the line lands, then it throws; the
    // caller never hears how many bytes went out.
    const state = { full: false };
    const write: WriteFn = (fd, buffer, offset, length) => {
      if (!state.full) return fs.writeSync(fd, buffer, offset, length);
      fs.writeSync(fd, buffer, offset, Math.floor(length / 2));
      throw Object.assign(new Error("No space left on device (os error 28)"), { code: "ENOSPC" });
    };
    const { journal, problems } = openWatched(dir, { write });
    journal.appendIntent("a", "order.place", PLACE);
    const path = join(dir, "journal-000001.log");
    const before = fs.statSync(path).size;
    state.full = true;
    assert.throws(() => journal.appendIntent("b", "order.place", PLACE), /cannot write intent b: ENOSPC/);
    assert.equal(fs.statSync(path).size, before, "the half line is cut back off");
    assert.equal(problems.length, 1);
    state.full = false; // space freed: the next line starts where the cut-back one did
    journal.appendIntent("c", "order.place", PLACE);
    assert.deepEqual(journalLines(dir).map((l) => JSON.parse(l.slice(9)).cid), ["a", "c"]);
    journal.close();
    const recovery = reopen(dir);
    assert.deepEqual(recovery.unresolved.map((r) => r.cid), ["a", "c"]);
    assert.deepEqual([recovery.corrupt, recovery.damage], [[], []]);
  });
});

test("runtime: an I/O error without a code (Deno's EFBIG) is named by the OS error number in its message", async () => {
  await withDir((dir) => {
    const state = { full: false };
    const write: WriteFn = (fd, buffer, offset, length) => {
      if (!state.full) return fs.writeSync(fd, buffer, offset, length);
      throw new Error("File too large (os error 27)"); // as Deno throws it: no `code`
    };
    const { journal, problems } = openWatched(dir, { write });
    state.full = true;
    assert.throws(() => journal.appendIntent("a", "order.place", PLACE), (e: Error) => {
      assert.equal(e.message, "order journal: cannot write intent a: EFBIG");
      return true;
    });
    assert.deepEqual(problems.map((p) => p.reason), ["journal write failed (EFBIG) on journal-000001.log"]);
    state.full = false;
    journal.close();
  });
});

test("runtime: disk full during an ack: flush throws and it is reported; the ack is kept and written later", async () => {
  await withDir((dir) => {
    const { state, write } = disk();
    const { journal, problems } = openWatched(dir, { write });
    journal.appendIntent("a", "order.place", PLACE);
    journal.appendIntent("b", "order.place", PLACE);
    journal.appendAck("a", 1, "FILLED", { method: "order.place", symbol: "BTCUSDT" });
    state.full = true;
    assert.throws(() => journal.flush(), /ENOSPC/);
    assert.equal(problems.length, 1);
    assert.match(problems[0]!.problem, /^journal write failed on .*journal-000001\.log: ENOSPC/);
    assert.ok(journal.stats.writeErrors >= 1);
    // A crash now would lose the ack: "a" would merely be reconciled once more. (Read from a copy: one
    // journal per directory.)
    const crashed = join(dir, "crashed");
    fs.mkdirSync(crashed);
    fs.copyFileSync(join(dir, "journal-000001.log"), join(crashed, "journal-000001.log"));
    assert.deepEqual(reopen(crashed).unresolved.map((r) => r.cid), ["a", "b"]);
    state.full = false;
    journal.flush();
    journal.close();
    const recovery = reopen(dir);
    assert.deepEqual(recovery.unresolved.map((r) => r.cid), ["b"]);
    assert.deepEqual([recovery.corrupt, recovery.damage], [[], []]);
  });
});

test(
  "runtime: disk full during a rotation: reported, the old file kept and still written, rotated once possible",
  {
    skip: !fs.existsSync("/dev/full") && "needs /dev/full",
  },
  async () => {
    await withDir((dir) => {
      const modeBefore = fs.statSync("/dev/full").mode;
      const { journal, problems } = openWatched(dir, { maxFileBytes: 1024 });
      journal.appendIntent("keeper", "order.place", PLACE);
      journal.appendAck("keeper", 1, "NEW");
      // The next file is on a full device: its checkpoint (the keeper) cannot be written.
      const next = join(dir, "journal-000002.log");
      fs.symlinkSync("/dev/full", next);
      for (let i = 0; journal.stats.writeErrors === 0; i++) {
        journal.appendIntent(`o-${i}`, "order.place", PLACE);
        journal.appendAck(`o-${i}`, i, "FILLED");
        try {
          journal.flush();
        } catch (e) {
          assert.match(String(e), /ENOSPC|space/);
        }
      }
      assert.equal(journal.stats.rotations, 0);
      assert.equal(problems.length, 1);
      assert.match(
        problems[0]!.problem,
        new RegExp(`^journal rotation failed on ${dir}/journal-000001\\.log: .*ENOSPC|space`),
      );
      assert.ok(
        fs.lstatSync(next).isSymbolicLink(),
        "a file that was there before is neither deleted nor chmodded",
      );
      assert.equal(fs.statSync("/dev/full").mode, modeBefore);
      journal.appendIntent("during", "order.place", PLACE); // the old file still takes intents
      fs.rmSync(next);
      assert.equal(journal.health().ok, false);
      journal.flush(); // the retried rotation now works
      assert.equal(journal.stats.rotations, 1);
      assert.equal(journal.health().ok, true);
      assert.equal(problems.length, 1);
      journal.close();
      const recovery = reopen(dir);
      assert.deepEqual(recovery.unresolved.map((r) => r.cid), ["keeper", "during"]);
      assert.deepEqual(recovery.damage, []);
    });
  },
);

test("runtime: a listener added late hears of the problems already seen; a throwing listener changes nothing", async () => {
  await withDir((dir) => {
    const { state, write } = disk();
    const { journal } = OrderJournal.open({
      dir,
      fsyncIntervalMs: 0,
      watchIntervalMs: 0,
      write,
      onProblem: () => {
        throw new Error("a buggy listener");
      },
    });
    state.full = true;
    assert.throws(() => journal.appendIntent("a", "order.place", PLACE), /cannot write intent a: ENOSPC/);
    const heard: string[] = [];
    const stop = journal.watch((p) => void heard.push(p.reason));
    assert.deepEqual(heard, ["journal write failed (ENOSPC) on journal-000001.log"]);
    stop();
    journal.close();
  });
});

test("runtime: a full disk refuses an order's intent, but not one that can only reduce a position (the panic button)", async () => {
  await withDir((dir) => {
    const { state, write } = disk();
    const { journal } = openWatched(dir, { write });
    const observer = journalObserver(journal);
    state.full = true;
    const open = { ...PLACE, side: "BUY" };
    assert.throws(
      () => observer.intent("a", "order.place", open, "newClientOrderId"),
      /cannot write intent a/,
    );
    for (
      const [cid, params] of [
        ["r1", { ...PLACE, side: "SELL", type: "MARKET", reduceOnly: true }],
        ["r2", { ...PLACE, side: "SELL", type: "MARKET", reduceOnly: "true" }],
        ["r3", { ...PLACE, side: "SELL", type: "MARKET", positionSide: "LONG" }],
        ["r4", { ...PLACE, side: "BUY", type: "MARKET", positionSide: "SHORT" }],
      ] as const
    ) {
      observer.intent(cid, "order.place", params, "newClientOrderId"); // goes out unrecorded
    }
    assert.throws(
      () =>
        observer.intent(
          "o",
          "order.place",
          { ...PLACE, side: "BUY", positionSide: "LONG" },
          "newClientOrderId",
        ),
      /cannot write intent o/,
      "a BUY on LONG opens",
    );
    assert.equal(journal.health().ok, false, "the failure is reported all the same");
    journal.close();
  });
});
