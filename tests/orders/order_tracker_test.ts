import { test } from "node:test";
import assert from "node:assert/strict";
import { OrderTracker } from "../../lib/orders/order_tracker.ts";
import type { OrderUpdate } from "../../lib/account/user_events.ts";

const place = { symbol: "BTCUSDT", side: "BUY", type: "LIMIT", quantity: "0.002", price: "50000" };

test("OrderTracker: intent → pending, ack NEW → open, ack FILLED → finished (kept for look-up, not listed)", () => {
  const t = new OrderTracker();
  t.intent("a", "order.place", place, "newClientOrderId");
  assert.equal(t.get("a")?.state, "pending");
  t.ack("a", { clientOrderId: "a", orderId: 7, status: "NEW", symbol: "BTCUSDT" }, "order.place");
  assert.equal(t.get("a")?.state, "open");
  assert.equal(t.clientOrderIdOf("BTCUSDT", 7), "a");
  t.ack("", { clientOrderId: "a", orderId: 7, status: "FILLED" }, "order.place");
  assert.equal(t.get("a")?.state, "finished");
  assert.equal(t.get("a")?.status, "FILLED");
  assert.deepEqual(t.list(), []);
  assert.deepEqual(t.list("finished").map((o) => o.clientOrderId), ["a"]);
});

test("OrderTracker: a rejected place is finished, an unsent one dropped; a duplicate id never overwrites the live order", () => {
  const t = new OrderTracker();
  t.intent("a", "order.place", place, "");
  t.rejected("a", -4164, "min notional", "order.place");
  assert.equal(t.get("a")?.status, "REJECTED");
  assert.equal(t.get("a")?.state, "finished");
  t.intent("b", "order.place", place, "");
  t.notSent("b", "order.place");
  assert.equal(t.get("b"), undefined);
  t.intent("c", "order.place", place, "");
  t.ack("c", { clientOrderId: "c", orderId: 1, status: "NEW" }, "order.place");
  t.intent("c", "order.place", { ...place, price: "1" }, "");
  t.rejected("c", -4116, "duplicate", "order.place");
  assert.equal(t.get("c")?.state, "open");
  assert.equal(t.get("c")?.price, "50000");
});

test("OrderTracker: unknown outcomes are listed until reconciliation applies the truth", () => {
  const t = new OrderTracker();
  t.intent("u1", "order.place", place, "");
  t.intent("u2", "order.place", place, "");
  t.unknown("u1", "timeout", "order.place");
  t.unknown("u2", "disconnect", "order.place");
  assert.deepEqual(t.list("unknown").map((o) => o.clientOrderId), ["u1", "u2"]);
  t.apply({ clientOrderId: "u1", orderId: 3, status: "NEW" });
  t.notFound("u2");
  assert.equal(t.get("u1")?.state, "open");
  assert.equal(t.get("u2")?.status, "NOT_FOUND");
  assert.deepEqual(t.list().map((o) => o.clientOrderId), ["u1"]);
  assert.equal(t.resolvedTotal, 2);
  assert.deepEqual(t.symbols(), ["BTCUSDT"]);
});

test("OrderTracker: a cancel the exchange no longer knows (-2011) means the order is finished", () => {
  const t = new OrderTracker();
  t.intent("x", "order.place", place, "");
  t.ack("x", { clientOrderId: "x", orderId: 9, status: "NEW" }, "order.place");
  t.rejected("x", -2011, "Unknown order sent.", "order.cancel");
  assert.equal(t.get("x")?.state, "finished");
  assert.deepEqual(t.list(), []);
});

const update = (over: Partial<OrderUpdate>): OrderUpdate => ({
  type: "order",
  eventTime: 100,
  time: 100,
  symbol: "BTCUSDT",
  clientOrderId: "a",
  side: "BUY",
  orderType: "LIMIT",
  quantity: "0.004",
  price: "50000",
  avgPrice: "0",
  execution: "NEW",
  status: "NEW",
  orderId: 7,
  lastQty: "0",
  executedQty: "0",
  lastPrice: "0",
  tradeId: 0,
  maker: false,
  commission: "0",
  commissionAsset: "USDT",
  realizedProfit: "0",
  positionSide: "BOTH",
  ...over,
});

test("OrderTracker: stream events fill an order; stale, replayed and out-of-order events change nothing", () => {
  const changes: string[] = [];
  const t = new OrderTracker({ onChange: (o) => void changes.push(`${o.status} ${o.executedQty}`) });
  t.intent("a", "order.place", { ...place, quantity: "0.004" }, "");
  t.applyUpdate(update({}));
  const partial = update({ time: 200, execution: "TRADE", status: "PARTIALLY_FILLED", executedQty: "0.001" });
  assert.equal(t.applyUpdate(partial)?.executedQty, "0.001");
  assert.equal(t.applyUpdate(partial), undefined, "the same event twice");
  const filled = update({
    time: 300,
    execution: "TRADE",
    status: "FILLED",
    executedQty: "0.004",
    avgPrice: "50000",
  });
  t.applyUpdate(filled);
  assert.equal(
    t.applyUpdate(update({ time: 250, status: "PARTIALLY_FILLED", executedQty: "0.002" })),
    undefined,
  );
  // An order.status answer older than the fill (updateTime 200) must not undo it.
  t.apply({ clientOrderId: "a", status: "PARTIALLY_FILLED", executedQty: "0.001", updateTime: 200 });
  // Nor may an ack that says NEW with nothing executed (Binance's default ACK answer), even at the same time.
  t.ack("a", { clientOrderId: "a", status: "NEW", executedQty: "0", updateTime: 300 }, "order.place");
  const o = t.get("a")!;
  assert.deepEqual([o.state, o.status, o.executedQty, o.avgPrice], ["finished", "FILLED", "0.004", "50000"]);
  assert.deepEqual(changes, ["NEW 0", "PARTIALLY_FILLED 0.001", "FILLED 0.004"], "one change per new state");
});

test("OrderTracker: an order this router did not place is tracked as external and never cancelled by halt", () => {
  const t = new OrderTracker();
  t.applyUpdate(update({ clientOrderId: "web_123" }));
  assert.equal(t.get("web_123")?.external, true);
  assert.equal(t.get("web_123")?.state, "open");
  assert.deepEqual(t.openOrders(), []);
  assert.deepEqual(t.symbols(), []);
});

test("OrderTracker: finished orders are kept up to the capacity, oldest dropped first", () => {
  const t = new OrderTracker({ finishedCapacity: 2 });
  for (const cid of ["a", "b", "c"]) {
    t.intent(cid, "order.place", place, "");
    t.ack(cid, { clientOrderId: cid, orderId: cid.charCodeAt(0), status: "FILLED" }, "order.place");
  }
  assert.deepEqual(t.list("finished").map((o) => o.clientOrderId), ["b", "c"]);
  assert.equal(t.get("a"), undefined);
  assert.equal(t.clientOrderIdOf("BTCUSDT", "a".charCodeAt(0)), undefined);
});

test("OrderTracker: a refused cancel or modify leaves the order as it was; one that never went out too", () => {
  const t = new OrderTracker();
  t.intent("p", "order.place", place, "");
  t.rejected("p", -1021, "Timestamp outside recvWindow", "order.cancel"); // the place is still unanswered
  t.notSent("p", "order.modify");
  assert.equal(t.get("p")?.state, "pending");
  t.ack("p", { clientOrderId: "p", orderId: 5, status: "NEW" }, "order.place");
  t.rejected("p", -5027, "No need to modify the order.", "order.modify");
  assert.equal(t.get("p")?.state, "open");
  assert.equal(t.get("p")?.status, "NEW");
});

test("OrderTracker: intentAt and updatedAt come from the injected time", () => {
  let now = 1_000;
  const t = new OrderTracker({ now: () => now });
  t.intent("a", "order.place", place, "");
  now = 1_500;
  t.ack("a", { clientOrderId: "a", orderId: 1, status: "NEW" }, "order.place");
  assert.deepEqual([t.get("a")?.intentAt, t.get("a")?.updatedAt], [1_000, 1_500]);
  now = 2_000;
  t.ack("a", { clientOrderId: "a", orderId: 1, status: "FILLED", executedQty: "0.002" }, "order.status");
  assert.deepEqual([t.get("a")?.state, t.get("a")?.updatedAt], ["finished", 2_000]);
});
