/**
 * A halt survives a restart: the reasons only a resume lifts are kept in the data directory, so a router halted
 * for news that is restarted (or crashes) comes back halted until an operator resumes.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Gateway, GatewayEvent } from "../../lib/gateway/gateway.ts";
import type { Simulator } from "../../lib/sim/mod.ts";
import { restingBuy, simulator } from "../router/_harness.ts";
import { openGateway } from "./_gateway.ts";

const open = (sim: Simulator, dataDir: string, events: GatewayEvent[] = []): Promise<Gateway> =>
  openGateway(sim, dataDir, { restUrl: sim.httpUrl, onEvent: (e) => void events.push(e) });

test("halt kept: halted for news, restarted → still halted for news until resumed; resumed, restarted → trading", async () => {
  const sim = await simulator();
  const dir = mkdtempSync(join(tmpdir(), "lr-halt-kept-"));
  try {
    const first = await open(sim, dir);
    await first.router.placeOrder(restingBuy());
    const report = await first.halt("news at 14:30");
    assert.equal(report.canceled.length, 1);
    first.router.holdNewOrders("a hold that lifts itself", { liftsItself: true });
    first.router.holdNewOrders("a condition's hold (an IP ban)");
    const firstRunLastId = first.account.events.lastId;
    await first.close();
    const kept = JSON.parse(readFileSync(join(dir, "halt.json"), "utf8"));
    assert.deepEqual(kept.reasons, ["news at 14:30"]); // the kill switch's only: not "shutting down", no hold
    assert.equal(statSync(join(dir, "halt.json")).mode & 0o777, 0o600);

    const events: GatewayEvent[] = [];
    const second = await open(sim, dir, events);
    assert.equal(second.router.halted, "news at 14:30");
    // Event ids go on above the last run's: an /events reader resuming with one of those is told "restarted".
    assert.ok(second.account.events.firstId > firstRunLastId, `${second.account.events.firstId}`);
    assert.ok(second.account.events.lastId >= second.account.events.firstId, "the halt was an event");
    assert.deepEqual(events.find((e) => e.type === "halt-restored"), {
      type: "halt-restored",
      reasons: ["news at 14:30"],
    });
    await assert.rejects(second.router.placeOrder(restingBuy()), { reason: "halted" });
    assert.equal(sim.orders().length, 1, "nothing reached the exchange while halted");
    second.resume();
    assert.equal(existsSync(join(dir, "halt.json")), false);
    await second.close();

    const third = await open(sim, dir);
    try {
      assert.equal(third.router.halted, undefined);
      assert.equal((await third.router.placeOrder(restingBuy())).status, "NEW");
    } finally {
      await third.close();
    }
  } finally {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("halt kept: a resume of one reason keeps the others; a damaged halt file holds new orders, naming it", async () => {
  const sim = await simulator();
  const dir = mkdtempSync(join(tmpdir(), "lr-halt-kept-"));
  try {
    const first = await open(sim, dir);
    await first.halt("news");
    await first.halt("risk review");
    first.resume("news");
    await first.close();
    const second = await open(sim, dir);
    assert.equal(second.router.halted, "risk review");
    await second.close();

    // A reason POST /halt would refuse (a bidi override, a blank one) is no halt list of this router's either,
    // and nor is a link to nothing.
    for (const reasons of [["a\u202eb"], ["   "]]) {
      writeFileSync(join(dir, "halt.json"), JSON.stringify({ reasons }));
      const g = await open(sim, dir);
      assert.match(g.router.halted ?? "", /^halt\.json damaged/, JSON.stringify(reasons));
      await g.close();
    }
    rmSync(join(dir, "halt.json"));
    symlinkSync(join(dir, "nowhere.json"), join(dir, "halt.json"));
    const dangling = await open(sim, dir);
    assert.match(dangling.router.halted ?? "", /^halt\.json unreadable \(ENOENT\)/);
    await dangling.close();
    rmSync(join(dir, "halt.json"));
    writeFileSync(join(dir, "halt.json"), '{"reasons":["risk rev');
    const third = await open(sim, dir);
    try {
      assert.match(third.router.halted ?? "", /halt\.json damaged.*POST \/resume once checked/);
      await assert.rejects(third.router.placeOrder(restingBuy()), { reason: "halted" });
      third.resume();
      assert.equal(existsSync(join(dir, "halt.json")), false);
      assert.equal((await third.router.placeOrder(restingBuy())).status, "NEW");
    } finally {
      await third.close();
    }
  } finally {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
