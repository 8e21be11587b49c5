/**
 * The ack follow-up over real sockets: MARKET and IOC orders, acked NEW as Binance's default ACK answer says,
 * while the user stream loses every event. The gateway's reconciliation runs on a clock the test moves.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Clock, ClockHandle } from "../../lib/_clock.ts";
import type { Gateway, GatewayOptions } from "../../lib/gateway/gateway.ts";
import type { AccountEvent } from "../../lib/account/event_log.ts";
import { orderUpdate } from "../orders/_order_update.ts";
import type { Simulator } from "../../lib/sim/mod.ts";
import type { PlaceOrderParams } from "../../lib/types.ts";
import { METHODS } from "../../lib/wire/methods.ts";
import { ManualClock } from "../_manual_clock.ts";
import { restingBuy, simulator, waitFor } from "../router/_harness.ts";
import { openGateway, tempDir } from "./_gateway.ts";

/** Real time plus the jumps the test makes; the timers (the reconciler's passes) fire only on a jump. */
class JumpClock implements Clock {
  readonly #timers = new ManualClock(0);
  #shift = 0;
  now = (): number => Date.now() + this.#shift;
  setTimeout = (fn: () => void, ms: number): ClockHandle => this.#timers.setTimeout(fn, ms);
  clearTimeout = (h: ClockHandle | undefined): void => this.#timers.clearTimeout(h);
  setInterval = (fn: () => void, ms: number): ClockHandle => this.#timers.setInterval(fn, ms);
  clearInterval = (h: ClockHandle | undefined): void => this.#timers.clearInterval(h);

  jump(ms: number): void {
    this.#shift += ms;
    this.#timers.advance(ms);
  }
}

/** order.status requests the gateway's router has had answered (any outcome). */
function statusQueries(gateway: Gateway): number {
  const i = METHODS["order.status"]!.index * 4;
  return [0, 1, 2, 3].reduce((n, k) => n + gateway.router.metrics.byMethod[i + k]!, 0);
}

/** Resolves once every request the gateway sent before this call has been answered (one socket, in order). */
async function drained(gateway: Gateway): Promise<void> {
  await new Promise((r) => setTimeout(r, 0)); // a pass the jump started has sent its queries by now
  await gateway.router.sessionStatus();
  await waitFor(() => gateway.router.inFlight === 0, "the answers");
}

/** 50 MARKET (alternating sides), 25 IOC that expire and 25 IOC that fill; every ack says NEW. */
async function placeOrders(gateway: Gateway): Promise<string[]> {
  const orders: PlaceOrderParams[] = [];
  for (let i = 0; i < 50; i++) {
    const side = i % 2 === 0 ? "BUY" : "SELL";
    orders.push({ symbol: "BTCUSDT", side, type: "MARKET", quantity: "0.002" });
  }
  for (let i = 0; i < 50; i++) {
    orders.push(restingBuy({ price: i % 2 === 0 ? "50000.10" : "52000", timeInForce: "IOC" }));
  }
  const cids: string[] = [];
  for (const params of orders) {
    const ack = await gateway.router.placeOrder(params);
    assert.equal(ack.status, "NEW", "Binance's default ACK answer");
    cids.push(ack.clientOrderId);
  }
  return cids;
}

function open(sim: Simulator, dataDir: string, extra: Partial<GatewayOptions> = {}): Promise<Gateway> {
  return openGateway(sim, dataDir, { streamUrl: sim.streamUrl, ackFollowUpMs: 2000, ...extra });
}

test("ack follow-up: with the stream losing events, 100 MARKET/IOC orders acked NEW are finished by one order.status each, journaled, and left alone by halt and late events", async () => {
  const sim = await simulator();
  const clock = new JumpClock();
  const dataDir = tempDir("lr-follow-up-");
  const gateway = await open(sim, dataDir, { clock });
  let cids: string[] = [];
  try {
    await waitFor(() => gateway.userStream?.state === "up", "the user stream");
    sim.setFaults({ streamPaused: true }); // every event from here on is lost
    cids = await placeOrders(gateway);
    assert.ok(sim.stats().eventsLost >= 100, "the stream told nothing");
    const open = () => cids.filter((cid) => gateway.tracker.get(cid)?.state !== "finished");
    assert.equal(open().length, 100, "all still open on the acks alone");

    clock.jump(1000);
    await drained(gateway);
    assert.equal(statusQueries(gateway), 0, "not before the follow-up time");
    assert.equal(open().length, 100);

    clock.jump(1000); // 2 s after the last ack
    await waitFor(() => open().length === 0, "the follow-up", 20_000);
    await drained(gateway);
    assert.equal(statusQueries(gateway), 100, "one query per order");
    assert.equal(gateway.tracker.list().length, 0, "nothing left in the tracker's open view");
    const truth = new Map(sim.orders().map((o) => [o.clientOrderId, o.status]));
    const statuses = cids.map((cid) => gateway.tracker.get(cid)!.status);
    assert.deepEqual(statuses, cids.map((cid) => truth.get(cid)));
    assert.equal(statuses.filter((s) => s === "FILLED").length, 75);
    assert.equal(statuses.filter((s) => s === "EXPIRED").length, 25);

    clock.jump(60_000); // later passes ask nothing more
    await drained(gateway);
    assert.equal(statusQueries(gateway), 100);

    // Halt finds none of them open: nothing to cancel.
    const report = await gateway.halt("test");
    assert.deepEqual([report.canceled, report.alreadyFinished, report.failed], [[], [], []]);
    gateway.resume();

    // The stream's events for these orders, delivered late (the NEW, and the final one again), change nothing.
    const events: AccountEvent[] = [];
    gateway.account.subscribe((e) => void events.push(e), ["order"]);
    for (const cid of cids) {
      const o = gateway.tracker.get(cid)!;
      const snapshot = { ...o };
      const late = orderUpdate({
        eventTime: o.updateTime,
        time: o.updateTime - 1,
        symbol: o.symbol,
        clientOrderId: cid,
        side: o.side,
        orderType: o.type,
        quantity: o.quantity,
        price: o.price,
        orderId: o.orderId!,
      });
      gateway.account.apply(late);
      gateway.account.apply({ ...late, time: o.updateTime, status: o.status, executedQty: o.executedQty });
      assert.deepEqual(gateway.tracker.get(cid), snapshot, cid);
    }
    assert.deepEqual(events, [], "no order changed");
  } finally {
    await gateway.close();
  }
  // The journal recorded them finished: a restart restores none of them.
  const again = await open(sim, dataDir);
  try {
    assert.equal(again.restored, 0);
    assert.deepEqual(again.tracker.list(), []);
  } finally {
    await again.close();
    await sim.close();
  }
});

test("ack follow-up: with the stream live, the stream finishes the orders first and no query is made", async () => {
  const sim = await simulator();
  const clock = new JumpClock();
  const gateway = await open(sim, tempDir("lr-follow-up-"), { clock });
  try {
    await waitFor(() => gateway.userStream?.state === "up", "the user stream");
    const cids = await placeOrders(gateway);
    await waitFor(
      () => cids.every((cid) => gateway.tracker.get(cid)?.state === "finished"),
      "the stream's final events",
    );
    clock.jump(2000);
    clock.jump(60_000);
    await drained(gateway);
    assert.equal(statusQueries(gateway), 0);
    const truth = new Map(sim.orders().map((o) => [o.clientOrderId, o.status]));
    assert.deepEqual(
      cids.map((cid) => gateway.tracker.get(cid)!.status),
      cids.map((cid) => truth.get(cid)),
    );
  } finally {
    await gateway.close();
    await sim.close();
  }
});

test("ack follow-up: without a user stream at all, the orders are finished the same way", async () => {
  const sim = await simulator();
  const clock = new JumpClock();
  const gateway = await openGateway(sim, tempDir("lr-follow-up-"), { clock });
  try {
    assert.equal(gateway.userStream, undefined);
    const cids = (await placeOrders(gateway)).slice(45, 55); // MARKET and IOC
    clock.jump(2000);
    await waitFor(() => gateway.tracker.list().length === 0, "the follow-up", 20_000);
    const truth = new Map(sim.orders().map((o) => [o.clientOrderId, o.status]));
    assert.deepEqual(
      cids.map((cid) => gateway.tracker.get(cid)!.status),
      cids.map((cid) => truth.get(cid)),
    );
    await drained(gateway);
    assert.equal(statusQueries(gateway), 100);
  } finally {
    await gateway.close();
    await sim.close();
  }
});
