/**
 * The order path's warm-up: ticks run every part only while no order is answered, a part that throws is
 * dropped, the interval is checked; a gateway warms by default (router and journal parts) and sends, writes
 * and records nothing doing it, and `warmMs: 0` turns it off.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { OrderPathWarmer } from "../../lib/gateway/order_path_warmer.ts";
import { DEFAULT_WARM_MS } from "../../lib/gateway/gateway.ts";
import { warmOrderLane } from "../../lib/control/order_lane.ts";
import { warmLocalSocket } from "../../lib/control/local_socket.ts";
import { jsonText } from "../../lib/wire/lazy_result.ts";
import { SCRATCH_NAME } from "../../lib/journal/_warm_scratch.ts";
import { fastPlaceRequest } from "../../lib/control/place_fast_path.ts";
import { CANNED_CLIENT_ORDER_ID, CANNED_ORDER_BODY, cannedOrderResult } from "../../lib/wire/canned_order.ts";
import { ManualClock } from "../_manual_clock.ts";
import { openGateway, tempDir } from "./_gateway.ts";
import { restingBuy, simulator } from "../router/_harness.ts";

test("OrderPathWarmer: each tick runs every part while no order is answered, and skips one after orders flowed", () => {
  const clock = new ManualClock();
  let answered = 0;
  const ran: string[] = [];
  const warmer = new OrderPathWarmer({ intervalMs: 2, activity: () => answered, timers: clock });
  warmer.add(() => (ran.push("a"), 1));
  warmer.add(() => (ran.push("b"), 2));
  assert.equal(warmer.parts, 2);
  warmer.start();
  clock.advance(2); // the first tick only reads the count
  assert.deepEqual(ran, []);
  clock.advance(2);
  assert.deepEqual(ran, ["a", "b"]);
  answered++; // an order was answered since: its code is warm, this tick is skipped
  clock.advance(2);
  assert.deepEqual(ran, ["a", "b"]);
  clock.advance(2);
  assert.deepEqual(ran, ["a", "b", "a", "b"]);
  assert.equal(warmer.passes, 2);
  warmer.stop();
  clock.advance(20);
  assert.equal(warmer.passes, 2, "no tick after stop");
});

test("OrderPathWarmer: a part that throws is dropped and the others still run; the interval is checked", () => {
  const warmer = new OrderPathWarmer({ intervalMs: 1, activity: () => 0 });
  let calls = 0;
  warmer.add(() => {
    throw new Error("a bug in a warm-up");
  });
  warmer.add(() => ++calls);
  assert.equal(warmer.tick(), false, "the first tick sees the count for the first time");
  assert.equal(warmer.tick(), true);
  assert.equal(warmer.tick(), true);
  assert.equal(calls, 2);
  assert.equal(warmer.parts, 1, "the throwing part was dropped");
  for (const intervalMs of [0, -1, 1.5, Number.NaN]) {
    assert.throws(
      () => new OrderPathWarmer({ intervalMs, activity: () => 0 }),
      /intervalMs: expected a whole/,
    );
  }
});

test("the canned order takes the control plane's fast path, so the lane's warm-up runs the common code", () => {
  assert.ok(fastPlaceRequest(JSON.parse(CANNED_ORDER_BODY)) !== undefined);
  assert.ok(warmOrderLane() > 0);
});

test("the local socket's warm-up answers its canned place with the canned result's frame, at once", () => {
  const answer = `{"id":0,"status":200,"result":${jsonText(cannedOrderResult())}}`;
  assert.equal(JSON.parse(answer).result.clientOrderId, CANNED_CLIENT_ORDER_ID);
  const frame = 4 + new TextEncoder().encode(answer).length; // FIN + text, 16-bit length, no mask
  assert.equal(warmLocalSocket(), frame);
  assert.equal(warmLocalSocket(), frame, "again: a connection of its own each time");
});

test("Gateway: warms by default with the router's and the journal's parts, sending and writing nothing; warmMs 0 turns it off", async () => {
  const sim = await simulator();
  const dir = tempDir();
  const gateway = await openGateway(sim, dir);
  const files = () =>
    readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith(".log")).map((f) =>
      `${f}:${statSync(join(dir, f)).size}`
    ).sort().join(" ");
  try {
    assert.equal(DEFAULT_WARM_MS, 2);
    const warmer = gateway.warmer!;
    assert.equal(warmer.intervalMs, DEFAULT_WARM_MS);
    assert.equal(warmer.parts, 2);
    const requests = sim.stats().requests;
    const written = files();
    assert.notEqual(written, "", "the journal has a file");
    warmer.tick();
    assert.equal(warmer.tick(), true);
    assert.equal(warmer.parts, 2, "no part threw");
    assert.equal(sim.stats().requests, requests, "nothing reached the exchange");
    assert.equal(files(), written, "nothing was written to the journal");
    const scratchFiles = readdirSync(dir, { recursive: true }).map(String).filter((f) =>
      f.endsWith(SCRATCH_NAME)
    );
    assert.equal(scratchFiles.length, 1, "the journal's line went to the scratch file beside it");
    assert.equal(gateway.tracker.list().length, 0, "nothing was tracked");
    assert.equal(gateway.router.inFlight, 0);
    // An order still gets its answer, and its round trip is counted: the next tick is skipped.
    const ack = await gateway.router.placeOrder(restingBuy());
    assert.equal(ack.status, "NEW");
    assert.equal(warmer.tick(), false);
  } finally {
    await gateway.close();
  }
  const scratch = readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith(SCRATCH_NAME));
  assert.deepEqual(scratch, [], "the warm-up's scratch file is gone once the gateway is closed");
  // With the trader's limits, a pass checks the latest order again and counts nothing toward them.
  const limited = await openGateway(sim, tempDir(), {
    risk: { symbols: { "*": { maxOrdersPerSecond: 5 } } },
  });
  try {
    const check = limited.router.preTrade!.check;
    let checked = 0;
    const warm = check.warm.bind(check);
    Object.defineProperty(check, "warm", { value: () => (checked++, warm()) });
    assert.equal((await limited.router.placeOrder(restingBuy())).status, "NEW");
    assert.equal((await limited.router.placeOrder(restingBuy({ price: "50001" }))).status, "NEW");
    limited.warmer!.tick(); // orders were answered since the last tick: skipped
    assert.equal(limited.warmer!.tick(), true);
    assert.equal(limited.warmer!.tick(), true);
    assert.equal(checked, 2);
    assert.equal(check.verdict.code, 0, "the latest order passed again");
    const sent = [...check.state("BTCUSDT")!.rateRing].filter(Number.isFinite).length;
    assert.equal(sent, 2, "the per-second limit counts the two orders sent, not the passes");
  } finally {
    await limited.close();
  }
  const off = await openGateway(sim, tempDir(), { warmMs: 0 });
  try {
    assert.equal(off.warmer, undefined);
  } finally {
    await off.close();
    await sim.close();
  }
});
