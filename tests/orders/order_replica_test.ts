/**
 * The monitor's copy of the tracker's lists (`lib/orders/order_replica.ts`), fed by the monitor's feed
 * (`lib/monitor/_feed.ts`) as the monitor's thread is: after random work on a real tracker — places, acks,
 * rejects, unknowns, not-sent places, stream updates, adoptions, client ids reused, finished orders evicted —
 * every list of the copy reads exactly as the tracker's, in the same order, with the same JSON.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { EventLog } from "../../lib/account/event_log.ts";
import { OrderTracker, type TrackedState } from "../../lib/orders/order_tracker.ts";
import { LIST_OPS, OrderListReplica } from "../../lib/orders/order_replica.ts";
import { MonitorFeed } from "../../lib/monitor/_feed.ts";
import type { ToMonitor } from "../../lib/monitor/_messages.ts";
import { mulberry32 } from "../../lib/sim/prng.ts";
import { orderUpdate } from "./_order_update.ts";

const STATES: (TrackedState | undefined)[] = [undefined, "pending", "open", "unknown", "finished"];

/** A tracker, its copy, and the feed between them (flushed by hand: no timer runs in these tests). */
function fedCopy(tracker: OrderTracker) {
  const replica = new OrderListReplica();
  const messages: ToMonitor[] = [];
  const feed = new MonitorFeed(tracker, (m) => messages.push(m));
  const stop = feed.attach(new EventLog());
  const counts = [0, 0, 0, 0];
  const sync = () => {
    feed.flush();
    for (const m of messages.splice(0)) {
      if (m.t !== "feed") continue;
      for (let i = 0; i < m.ops.length; i += 2) counts[m.ops[i] as number]!++;
      replica.apply(m.ops, m.rows);
    }
  };
  return { replica, sync, stop, counts };
}

function assertSame(tracker: OrderTracker, replica: OrderListReplica, step: string): void {
  assert.deepEqual(
    replica.listAll().map((o) => o.json),
    tracker.listAll().map((o) => tracker.json(o)),
    `${step}: every order`,
  );
  for (const state of STATES) {
    assert.deepEqual(
      replica.list(state).map((o) => o.json),
      tracker.list(state).map((o) => tracker.json(o)),
      `${step}: list(${state})`,
    );
  }
  for (const o of replica.listAll()) {
    const parsed = JSON.parse(o.json) as { state: string; symbol: string };
    assert.equal(o.state, parsed.state);
    assert.equal(o.symbol, parsed.symbol);
  }
}

test("order replica: a random workload leaves the copy's lists equal to the tracker's", () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    const random = mulberry32(seed);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    let clock = 1_000;
    const tracker = new OrderTracker({ finishedCapacity: 12, now: () => clock });
    const { replica, sync, stop, counts } = fedCopy(tracker);
    // A small pool of client ids, so ids are reused once their order is finished.
    const ids = Array.from({ length: 30 }, (_, i) => `c${i}`);
    let orderId = 100;
    for (let step = 0; step < 1_500; step++) {
      clock += 1;
      const cid = pick(ids);
      const symbol = pick(["BTCUSDT", "ETHUSDT"]);
      const held = tracker.get(cid);
      switch (Math.floor(random() * 9)) {
        case 0:
        case 1:
          tracker.intent(cid, "order.place", {
            symbol,
            side: "BUY",
            type: "LIMIT",
            quantity: "1",
            price: "5",
          }, "");
          break;
        case 2:
          tracker.ack(cid, {
            clientOrderId: cid,
            orderId: held?.orderId ?? ++orderId,
            symbol: held?.symbol ?? symbol,
            status: pick(["NEW", "NEW", "PARTIALLY_FILLED", "FILLED", "CANCELED", "EXPIRED"]),
            executedQty: pick(["0", "0.5", "1"]),
            price: "5",
            origQty: "1",
            updateTime: clock,
          }, "order.place");
          break;
        case 3:
          tracker.rejected(cid, pick([-2010, -2011, -4164]), "no", pick(["order.place", "order.cancel"]));
          break;
        case 4:
          tracker.unknown(cid, "timeout", "order.place");
          break;
        case 5:
          tracker.notSent(cid, "order.place");
          break;
        case 6:
          tracker.applyUpdate(orderUpdate({
            clientOrderId: random() < 0.2 ? `ext${step}` : cid,
            symbol: held?.symbol ?? symbol,
            orderId: held?.orderId ?? ++orderId,
            status: pick(["NEW", "PARTIALLY_FILLED", "FILLED", "CANCELED"]),
            executedQty: pick(["0", "0.002", "0.004"]),
            time: clock,
          }));
          break;
        case 7:
          tracker.notFound(cid);
          break;
        case 8:
          if (held === undefined || held.state === "finished") {
            tracker.adopt({
              ...(held ?? tracker.listAll()[0] ?? fallbackOrder(cid, symbol)),
              clientOrderId: cid,
            }, {
              recovered: random() < 0.5,
            });
          }
          break;
      }
      // Fed now and then, as the timer does: several changes of one order often go out in one message.
      if (random() < 0.3) {
        sync();
        assertSame(tracker, replica, `seed ${seed}, step ${step}`);
      }
    }
    sync();
    assertSame(tracker, replica, `seed ${seed}, end`);
    // Every kind of list operation was replayed, finished orders evicted (and ids reused) among them.
    assert.ok(counts.every((n) => n > 20), `list operations by kind: ${counts}`);
    assert.ok(tracker.list("finished").length > 0 && tracker.list().length > 0);
    stop();
  }
});

test("order replica: a copy started late begins from the lists as they are", () => {
  const tracker = new OrderTracker({ now: () => 5 });
  tracker.intent("a", "order.place", { symbol: "BTCUSDT", side: "BUY", type: "LIMIT", quantity: "1" }, "");
  tracker.intent("b", "order.place", { symbol: "ETHUSDT", side: "SELL", type: "MARKET", quantity: "2" }, "");
  tracker.ack(
    "b",
    { clientOrderId: "b", orderId: 9, status: "FILLED", executedQty: "2", updateTime: 7 },
    "order.place",
  );
  const { replica, sync, stop } = fedCopy(tracker);
  sync();
  assertSame(tracker, replica, "start");
  assert.deepEqual(replica.list("finished").map((o) => o.symbol), ["ETHUSDT"]);
  stop();
  tracker.intent("c", "order.place", { symbol: "BTCUSDT", side: "BUY", type: "LIMIT", quantity: "1" }, "");
  sync();
  assert.equal(replica.listAll().length, 2, "a stopped feed sends nothing more");
});

test("order replica: list operations replay as Map operations (a set of a held key keeps its place)", () => {
  const replica = new OrderListReplica();
  const row = (id: string, state: TrackedState) =>
    [id, state, "BTCUSDT", `"${id}"`] as [string, TrackedState, string, string];
  replica.apply([LIST_OPS.LIVE_SET, "a", LIST_OPS.LIVE_SET, "b"], [row("a", "open"), row("b", "pending")]);
  replica.apply([LIST_OPS.LIVE_SET, "a"], [row("a", "unknown")]);
  assert.deepEqual(replica.listAll().map((o) => o.json), ['"a"', '"b"']);
  assert.deepEqual(replica.list("unknown").map((o) => o.json), ['"a"']);
  replica.apply([LIST_OPS.LIVE_DELETE, "a", LIST_OPS.FINISHED_SET, "a"], [
    row("a", "finished"),
    row("zz", "open"),
  ]);
  assert.deepEqual(
    replica.listAll().map((o) => o.json),
    ['"b"', '"a"'],
    "a row for an order not held is dropped",
  );
  replica.apply([LIST_OPS.FINISHED_DELETE, "a"], []);
  assert.equal(replica.size, 1);
});

function fallbackOrder(cid: string, symbol: string) {
  const t = new OrderTracker();
  t.intent(cid, "order.place", { symbol, side: "BUY", type: "LIMIT", quantity: "1", price: "5" }, "");
  return t.get(cid)!;
}
