/**
 * The gateway's journal side (lib/gateway/_journal.ts, data_dir_lock.ts): the damage sentence and the orders
 * restored at open, runtime problems, and the modes of the data directory, the journal and the lock under a
 * permissive umask.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { DisposalStack } from "../../lib/gateway/_disposal_stack.ts";
import { openJournal, restoreRecovered, watchDataDirLock, watchJournal } from "../../lib/gateway/_journal.ts";
import { DataDirLock } from "../../lib/gateway/data_dir_lock.ts";
import { readLock } from "../../lib/gateway/_lock_owner.ts";
import type { GatewayEvent } from "../../lib/gateway/gateway_events.ts";
import { type JournalProblem, OrderJournal } from "../../lib/journal/mod.ts";
import { OrderTracker } from "../../lib/orders/order_tracker.ts";
import { journalFiles, PLACE, withDir } from "./_helpers.ts";
import { ManualClock } from "../_manual_clock.ts";

const options = (dataDir: string) => ({ url: "", apiKey: "k", secretKey: "s", dataDir });
const mode = (path: string) => fs.statSync(path).mode & 0o777;

/** Runs `body` with the process umask set to `umask`, restored afterwards. */
async function withUmask(umask: number, body: () => void | Promise<void>): Promise<void> {
  const before = process.umask(umask);
  try {
    await body();
  } finally {
    process.umask(before);
  }
}

/** A journal whose "x" order (acked NEW on ETHUSDT) has its intent line garbled; "a" is intact. */
function damagedJournal(dir: string): void {
  const { journal } = OrderJournal.open({ dir, fsyncIntervalMs: 0, watchIntervalMs: 0 });
  journal.appendIntent("a", "order.place", PLACE);
  journal.appendIntent("x", "algoOrder.place", { ...PLACE, symbol: "ETHUSDT", type: "STOP_MARKET" });
  journal.appendAck("x", 12, "NEW", { method: "algoOrder.place", symbol: "ETHUSDT" });
  journal.close();
  const path = join(dir, "journal-000001.log");
  fs.writeFileSync(path, fs.readFileSync(path, "utf8").replace('"cid":"x","method"', '"cid":"y","method"'));
}

test("openJournal: damage comes back as one path-free sentence; orphans and intents are restored to the tracker", async () => {
  await withDir(async (dir) => {
    damagedJournal(dir);
    const stack = new DisposalStack();
    const events: GatewayEvent[] = [];
    const { journal, recovery, damage } = openJournal(options(dir), stack, (e) => void events.push(e));
    try {
      assert.equal(
        damage,
        "journal damaged: journal-000001.log line 2 unreadable (kept as journal-000001.log.corrupt); 2 " +
          "unfinished orders recovered, 1 of them only from outcome records (their intent unreadable); 1 " +
          "records read after damaged lines",
      );
      assert.ok(!damage!.includes(dir));
      assert.deepEqual(events.map((e) => e.type), ["journal-corrupt"]);

      const tracker = new OrderTracker();
      assert.equal(restoreRecovered(tracker, recovery), 2);
      const a = tracker.get("a")!;
      assert.deepEqual([a.symbol, a.state, a.algo], ["BTCUSDT", "unknown", false]);
      const x = tracker.get("x")!;
      assert.deepEqual([x.symbol, x.algo], ["ETHUSDT", true], "an orphan of an algo order stays one");
      assert.ok(journal.health().ok);
    } finally {
      await stack.dispose();
    }
    assert.ok(!fs.existsSync(join(dir, "router.lock")), "the stack released the lock");
  });
});

test("openJournal: an intact journal reports no damage", async () => {
  await withDir(async (dir) => {
    const stack = new DisposalStack();
    const { journal, damage } = openJournal(options(dir), stack, () => {});
    journal.appendIntent("a", "order.place", PLACE);
    await stack.dispose();
    assert.equal(damage, undefined);
    const again = openJournal(options(dir), new DisposalStack(), () => {});
    assert.equal(again.damage, undefined);
    assert.deepEqual(again.recovery.unresolved.map((r) => r.cid), ["a"]);
    again.journal.close();
  });
});

test("restoreRecovered: an orphan without a symbol (older records) is not restored", () => {
  const tracker = new OrderTracker();
  const n = restoreRecovered(tracker, {
    unresolved: [],
    orphans: [{ cid: "old", orderId: 1, status: "NEW", ts: 1 }, { cid: "new", symbol: "BTCUSDT", ts: 2 }],
    damage: [],
    fills: [],
    droppedFills: [],
    owed: [],
    records: 2,
    corrupt: [],
  });
  assert.equal(n, 1);
  assert.equal(tracker.get("old"), undefined);
  assert.equal(tracker.get("new")?.symbol, "BTCUSDT");
});

test("watchJournal: the gateway hears of a deleted journal once, with a reason fit for a halt", async () => {
  await withDir(async (dir) => {
    const stack = new DisposalStack();
    const { journal } = openJournal(options(dir), stack, () => {});
    const heard: JournalProblem[] = [];
    const stop = watchJournal(journal, (p) => void heard.push(p));
    fs.rmSync(join(dir, journalFiles(dir)[0]!));
    journal.check();
    journal.check();
    assert.equal(heard.length, 1);
    assert.match(heard[0]!.reason, /^journal file journal-000001\.log was deleted while running; rewritten/);
    assert.ok(!heard[0]!.reason.includes(dir));
    assert.ok(heard[0]!.problem.includes(dir), "the log line names the file");
    stop();
    await stack.dispose();
  });
});

test("permissions: under umask 022, the data dir is 0700 and the journal, rotated, .corrupt and lock files 0600", async () => {
  await withUmask(0o022, () =>
    withDir((parent) => {
      const dir = join(parent, "lightning-data", "production");
      const lock = DataDirLock.take(dir);
      assert.equal(mode(dir), 0o700);
      assert.equal(mode(join(dir, "router.lock")), 0o600);
      lock.release();

      const { journal } = OrderJournal.open({
        dir,
        maxFileBytes: 100,
        fsyncIntervalMs: 0,
        watchIntervalMs: 0,
      });
      journal.appendIntent("a", "order.place", PLACE);
      journal.flush(); // rotates: a file created later is 0600 too
      assert.equal(journal.stats.rotations, 1);
      journal.close();
      assert.deepEqual(journalFiles(dir).map((f) => mode(join(dir, f))), [0o600]);

      // A file written by an older version (0644) and damaged: kept aside as 0600.
      const old = join(dir, "journal-000009.log");
      fs.writeFileSync(old, "damaged\n{}\n", { mode: 0o644 });
      assert.equal(mode(old), 0o644);
      OrderJournal.open({ dir, fsyncIntervalMs: 0, watchIntervalMs: 0 }).journal.close();
      assert.equal(mode(`${old}.corrupt`), 0o600);
    }));
});

test("permissions: an existing data dir that others can read is made 0700", async () => {
  await withUmask(0o022, () =>
    withDir((parent) => {
      const dir = join(parent, "data");
      fs.mkdirSync(dir, { mode: 0o755 });
      assert.equal(mode(dir), 0o755);
      OrderJournal.open({ dir, fsyncIntervalMs: 0, watchIntervalMs: 0 }).journal.close();
      assert.equal(mode(dir), 0o700);
      fs.chmodSync(dir, 0o755);
      DataDirLock.take(dir).release();
      assert.equal(mode(dir), 0o700);
    }));
});

test("DataDirLock.check: a deleted lock is written again (the directory made 0700); another live pid's is reported", async () => {
  await withUmask(0o022, () =>
    withDir((parent) => {
      const dir = join(parent, "data");
      const lock = DataDirLock.take(dir);
      const path = join(dir, "router.lock");
      assert.equal(lock.check(), "held");

      fs.rmSync(path);
      assert.equal(lock.check(), "retaken");
      assert.deepEqual([readLock(path).pid, mode(path)], [process.pid, 0o600]);
      assert.equal(lock.check(), "held");

      fs.rmSync(dir, { recursive: true });
      assert.equal(lock.check(), "missing", "never creates the directory (it may be an unmounted volume)");
      assert.equal(fs.existsSync(dir), false);
      fs.mkdirSync(dir, { mode: 0o755 }); // put back by hand
      assert.equal(lock.check(), "retaken");
      assert.equal(mode(dir), 0o700);

      // A second router started while the lock was gone wrote its own: reported, and never deleted by us.
      fs.rmSync(path);
      fs.writeFileSync(path, String(process.ppid));
      assert.deepEqual(lock.check(), { other: process.ppid });
      lock.release();
      assert.equal(fs.readFileSync(path, "utf8"), String(process.ppid), "another router's lock stays");
      fs.rmSync(path);

      // A lock naming no live process at our path (rewritten by hand): ours again.
      const again = DataDirLock.take(dir);
      fs.writeFileSync(path, "999999999");
      assert.equal(again.check(), "retaken");
      assert.equal(readLock(path).pid, process.pid);
      again.release();
      assert.equal(fs.existsSync(path), false);
    }));
});

test("watchDataDirLock: a deleted lock is told once, not held; another router's is held once per pid", async () => {
  await withDir((dir) => {
    const lock = DataDirLock.take(dir);
    const clock = new ManualClock();
    const told: [string, boolean][] = [];
    const holds: string[] = [];
    const stop = watchDataDirLock(lock, clock, 1000, {
      onProblem: (p, held) => void told.push([p.reason, held]),
      hold: (reason) => void holds.push(reason),
    });
    const path = join(dir, "router.lock");
    clock.advance(1000);
    assert.deepEqual(told, []);
    fs.rmSync(path);
    clock.advance(1000);
    clock.advance(1000);
    assert.deepEqual(told, [[
      "data directory lock router.lock was deleted while running; written again",
      false,
    ]]);
    assert.deepEqual(holds, []);

    fs.rmSync(path);
    fs.writeFileSync(path, String(process.ppid));
    clock.advance(1000);
    clock.advance(1000);
    const reason =
      `data directory in use by another router (pid ${process.ppid}): its lock replaced this one's`;
    assert.deepEqual(holds, [reason]);
    assert.deepEqual(told.slice(1), [[reason, true]]);
    stop();
    fs.rmSync(path);
    clock.advance(1000);
    assert.equal(fs.existsSync(path), false, "stopped: no more checks");
    lock.release();
  });
});
