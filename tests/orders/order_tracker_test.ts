import { test } from "node:test";
import assert from "node:assert/strict";
import { OrderTracker } from "../../lib/orders/order_tracker.ts";

const place = { symbol: "BTCUSDT", side: "BUY", type: "LIMIT", quantity: "0.002", price: "50000" };

test("OrderTracker: intent → pending, ack NEW → open, ack FILLED → forgotten", () => {
  const t = new OrderTracker();
  t.intent("a", "order.place", place, "newClientOrderId");
  assert.equal(t.get("a")?.state, "pending");
  t.ack("a", { clientOrderId: "a", orderId: 7, status: "NEW", symbol: "BTCUSDT" }, "order.place");
  assert.equal(t.get("a")?.state, "open");
  assert.equal(t.clientOrderIdOf("BTCUSDT", 7), "a");
  t.ack("", { clientOrderId: "a", orderId: 7, status: "FILLED" }, "order.place");
  assert.equal(t.get("a"), undefined);
  assert.equal(t.clientOrderIdOf("BTCUSDT", 7), undefined);
});

test("OrderTracker: a rejected or unsent place is dropped; a duplicate id never overwrites the live order", () => {
  const t = new OrderTracker();
  t.intent("a", "order.place", place, "");
  t.rejected("a", -4164, "min notional");
  assert.equal(t.get("a"), undefined);
  t.intent("b", "order.place", place, "");
  t.notSent("b");
  assert.equal(t.get("b"), undefined);
  t.intent("c", "order.place", place, "");
  t.ack("c", { clientOrderId: "c", orderId: 1, status: "NEW" }, "order.place");
  t.intent("c", "order.place", { ...place, price: "1" }, "");
  t.rejected("c", -4116, "duplicate");
  assert.equal(t.get("c")?.state, "open");
  assert.equal(t.get("c")?.price, "50000");
});

test("OrderTracker: unknown outcomes are listed until reconciliation applies the truth", () => {
  const t = new OrderTracker();
  t.intent("u1", "order.place", place, "");
  t.intent("u2", "order.place", place, "");
  t.unknown("u1", "timeout");
  t.unknown("u2", "disconnect");
  assert.deepEqual(t.list("unknown").map((o) => o.clientOrderId), ["u1", "u2"]);
  t.apply({ clientOrderId: "u1", orderId: 3, status: "NEW" });
  t.notFound("u2");
  assert.equal(t.get("u1")?.state, "open");
  assert.equal(t.get("u2"), undefined);
  assert.equal(t.resolvedTotal, 2);
  assert.deepEqual(t.symbols(), ["BTCUSDT"]);
});

test("OrderTracker: a cancel the exchange no longer knows (-2011) means the order is finished", () => {
  const t = new OrderTracker();
  t.intent("x", "order.place", place, "");
  t.ack("x", { clientOrderId: "x", orderId: 9, status: "NEW" }, "order.place");
  t.rejected("x", -2011, "Unknown order sent.");
  assert.equal(t.get("x"), undefined);
});
