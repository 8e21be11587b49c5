/**
 * The tracker's per-order JSON cache (`GET /orders` polls): after any sequence of changes through every way
 * the tracker changes an order, the cached text of each order is exactly `JSON.stringify` of it, and so is
 * the whole list answered by `GET /orders`.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { OrderTracker, type TrackedOrder } from "../../lib/orders/order_tracker.ts";
import { newOrder } from "../../lib/orders/tracked_order.ts";
import { jsonArrayResponse } from "../../lib/control/_json_stream.ts";
import { orderUpdate } from "./_order_update.ts";

/** A small deterministic PRNG (mulberry32): the same "random" changes on every run. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STATUSES = ["NEW", "PARTIALLY_FILLED", "FILLED", "CANCELED", "EXPIRED"];

/** One random change of order `cid` through one of the tracker's mutators. */
function mutate(t: OrderTracker, rnd: () => number, cid: string, step: number): void {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const qty = String(Math.floor(rnd() * 5) / 1000);
  switch (Math.floor(rnd() * 9)) {
    case 0:
      t.intent(cid, "order.place", { symbol: "BTCUSDT", side: "BUY", type: "LIMIT", quantity: "0.004" }, "");
      break;
    case 1:
      t.ack(cid, {
        clientOrderId: cid,
        orderId: 1000 + step,
        status: pick(STATUSES),
        executedQty: qty,
        avgPrice: String(50000 + step),
        price: String(49000 + step),
        updateTime: step,
      }, "order.place");
      break;
    case 2:
      t.applyUpdate(orderUpdate({
        clientOrderId: cid,
        orderId: 2000 + step,
        status: pick(STATUSES),
        executedQty: qty,
        avgPrice: String(51000 + step),
        time: step,
      }));
      break;
    case 3:
      t.rejected(cid, pick([-2011, -4164]), "refused", pick(["order.place", "order.cancel"]));
      break;
    case 4:
      t.unknown(cid, "timeout", "order.place");
      break;
    case 5:
      t.notFound(cid);
      break;
    case 6:
      t.notSent(cid, "order.place");
      break;
    case 7: {
      const o: TrackedOrder = newOrder(cid, "ETHUSDT", "SELL", "LIMIT", "1", "3000", false, step);
      o.status = "NEW";
      o.state = "open";
      t.adopt(o, { recovered: rnd() < 0.5 });
      break;
    }
    default:
      t.restore(
        cid,
        "order.place",
        { symbol: "BTCUSDT", side: "SELL", type: "MARKET", quantity: "0.001" },
        step,
      );
  }
}

test("OrderTracker.json: the cached text equals JSON.stringify after random changes by every mutator", async () => {
  const rnd = prng(42);
  const t = new OrderTracker({ finishedCapacity: 300, now: () => 1_000 });
  const ids = Array.from({ length: 400 }, (_, i) => `c${i}`);
  let checked = 0;
  for (let step = 1; step <= 5000; step++) {
    mutate(t, rnd, ids[Math.floor(rnd() * ids.length)]!, step);
    if (step % 25 !== 0) continue;
    const all = t.listAll();
    // Every order read, so the cache is filled before the next changes (a stale entry would show).
    for (const o of all) {
      assert.equal(t.json(o), JSON.stringify(o), `order ${o.clientOrderId} at step ${step}`);
    }
    checked += all.length;
  }
  assert.ok(checked > 5000, `orders checked: ${checked}`);
  const all = t.listAll();
  assert.ok(all.length > 200, "a list long enough to be streamed in slices");
  const body = await jsonArrayResponse(all, {}, (o) => t.json(o)).text();
  assert.equal(body, JSON.stringify(all));
});

test("OrderTracker.json: a record the tracker does not hold is serialized, not cached", () => {
  const t = new OrderTracker();
  const loose = newOrder("x", "BTCUSDT", "BUY", "LIMIT", "1", "1", false, 0);
  assert.equal(t.json(loose), JSON.stringify(loose));
  loose.status = "CHANGED";
  assert.equal(t.json(loose), JSON.stringify(loose));
});
