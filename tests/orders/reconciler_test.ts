import { test } from "node:test";
import assert from "node:assert/strict";
import { OrderTracker } from "../../lib/orders/order_tracker.ts";
import { type OrderQuery, Reconciler, type ReconcilerOptions } from "../../lib/orders/reconciler.ts";
import { ExchangeError, UnknownOrderStateError } from "../../lib/errors.ts";
import type { OrderRef, OrderResult } from "../../lib/types.ts";
import { ManualClock } from "../_manual_clock.ts";
import { connect, restingBuy, simulator, waitFor } from "../router/_harness.ts";

test("Reconciler: orders lost in a dropped connection are resolved against the exchange", async () => {
  const sim = await simulator();
  const tracker = new OrderTracker();
  const router = await connect(sim, "hmac", { observer: tracker, requestTimeoutMs: 5000 });
  const resolved: [string, string][] = [];
  const reconciler = new Reconciler({
    router,
    tracker,
    sink: { resolved: (cid, status) => resolved.push([cid, status]) },
    marginMs: 0,
    recvWindowMs: 200,
    intervalMs: 50,
  });
  try {
    sim.setFaults({ responseDelayMs: 50, dropAfterRequests: 12, dropExecutes: true });
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => router.placeOrder(restingBuy({ newClientOrderId: `rec-${i}` }))),
    );
    const unknown = results.filter((r) =>
      r.status === "rejected" && r.reason instanceof UnknownOrderStateError
    );
    assert.ok(unknown.length > 0, "some orders must be in flight when the connection drops");
    assert.equal(tracker.count("unknown"), unknown.length);
    sim.setFaults({});
    await waitFor(() => router.connected, "reconnect");
    reconciler.start();
    await waitFor(() => tracker.count("unknown") === 0, "reconciliation", 10_000);
    // Every order the exchange holds is tracked as open; every order it does not hold was never placed.
    const onExchange = new Set(
      sim.orders().filter((o) => o.clientOrderId.startsWith("rec-")).map((o) => o.clientOrderId),
    );
    const tracked = new Set(tracker.list().map((o) => o.clientOrderId));
    assert.deepEqual([...tracked].sort(), [...onExchange].sort());
    assert.equal(resolved.length, unknown.length);
    for (const [cid, status] of resolved) assert.equal(status === "NOT_FOUND", !onExchange.has(cid), cid);
    // Nothing was sent twice.
    const counts = new Map<string, number>();
    for (const o of sim.orders()) counts.set(o.clientOrderId, (counts.get(o.clientOrderId) ?? 0) + 1);
    assert.ok([...counts.values()].every((n) => n === 1));
  } finally {
    reconciler.stop();
    await router.close();
    await sim.close();
  }
});

// ---- unit tests: a stub exchange and a manual clock ----------------------------------------------------------

/** An order.status that answers what the test says, recording what it was asked. */
class StubExchange implements OrderQuery {
  connected = true;
  readonly asked: string[] = [];
  answer: (cid: string) => Promise<OrderResult> = (cid) => Promise.resolve(result(cid, "NEW"));

  queryOrder(ref: OrderRef): Promise<OrderResult> {
    const cid = ref.origClientOrderId ?? "";
    this.asked.push(cid);
    return this.answer(cid);
  }
}

function result(cid: string, status: string): OrderResult {
  return {
    orderId: 7,
    symbol: "BTCUSDT",
    status,
    clientOrderId: cid,
    price: "50000.00",
    origQty: "0.002",
    executedQty: "0",
    side: "BUY",
    type: "LIMIT",
    timeInForce: "GTC",
    updateTime: 0,
  };
}

const notFound = () =>
  Promise.reject(
    new ExchangeError({ status: 400, code: -2013, msg: "Order does not exist.", method: "order.status" }),
  );

/** A tracker holding unknown orders `cids`, their intents recorded at `intentAt`; a reconciler on `clock`. */
function setup(cids: string[], intentAt: number, options: Partial<ReconcilerOptions> = {}) {
  const clock = new ManualClock(intentAt);
  const tracker = new OrderTracker();
  for (const cid of cids) tracker.restore(cid, "order.place", restingBuy(), intentAt);
  const exchange = new StubExchange();
  const resolved: string[] = [];
  const reconciler = new Reconciler({
    router: exchange,
    tracker,
    sink: { resolved: (cid, status, orderId) => resolved.push(`${cid} ${status} ${orderId}`) },
    clock,
    ...options,
  });
  return { clock, tracker, exchange, resolved, reconciler };
}

const T0 = 1_700_000_000_000;

test("Reconciler: passes run every intervalMs on the clock until stopped", async () => {
  const { clock, tracker, exchange, resolved, reconciler } = setup(["a"], T0, { intervalMs: 500 });
  exchange.answer = () => new Promise<OrderResult>(() => {}); // no answer yet: the order stays unknown
  reconciler.start();
  reconciler.start(); // already running: one timer
  assert.equal(clock.pending, 1);
  clock.advance(499);
  assert.equal(reconciler.passes, 0);
  clock.advance(1);
  assert.equal(reconciler.passes, 1);
  assert.deepEqual(exchange.asked, ["a"]);
  clock.advance(500);
  assert.equal(reconciler.passes, 1, "a pass still waiting for its answer is not overlapped");
  reconciler.stop();
  assert.equal(clock.pending, 0);
  assert.equal(await reconciler.runOnce(), 1, "the first pass is still running");
  assert.equal(tracker.get("a")?.state, "unknown");
  assert.deepEqual(resolved, []);
});

test("Reconciler: an answer resolves the order in the tracker and the sink", async () => {
  const { tracker, exchange, resolved, reconciler } = setup(["a", "b"], T0);
  exchange.answer = (cid) => Promise.resolve(result(cid, cid === "a" ? "NEW" : "FILLED"));
  assert.equal(await reconciler.runOnce(), 0);
  assert.deepEqual(exchange.asked.sort(), ["a", "b"]);
  assert.deepEqual(resolved.sort(), ["a NEW 7", "b FILLED 7"]);
  assert.equal(tracker.get("a")?.state, "open");
  assert.equal(tracker.get("b")?.state, "finished", "a finished order is no longer open");
  assert.equal(tracker.resolvedTotal, 2);
});

test("Reconciler: 'not found' is final only after recvWindow + margin from the intent", async () => {
  const { clock, tracker, exchange, resolved, reconciler } = setup(["a"], T0, {
    recvWindowMs: 5000,
    marginMs: 2000,
  });
  exchange.answer = notFound;
  clock.advance(7000); // the exchange could still accept a request stamped at T0
  assert.equal(await reconciler.runOnce(), 1);
  assert.equal(tracker.get("a")?.state, "unknown");
  assert.deepEqual(resolved, []);
  clock.advance(1);
  assert.equal(await reconciler.runOnce(), 0);
  assert.equal(tracker.get("a")?.status, "NOT_FOUND");
  assert.deepEqual(resolved, ["a NOT_FOUND undefined"]);
  assert.equal(tracker.resolvedTotal, 1);
});

test("Reconciler: other failures, a disconnected router and algo orders leave orders for later", async () => {
  const { tracker, exchange, resolved, reconciler } = setup(["a"], T0 - 60_000);
  exchange.answer = () => Promise.reject(new Error("request timed out"));
  assert.equal(await reconciler.runOnce(), 1, "a timeout is not an answer");
  exchange.answer = () =>
    Promise.reject(new ExchangeError({ status: 400, code: -1021, msg: "late", method: "order.status" }));
  assert.equal(await reconciler.runOnce(), 1, "only -2013 means not found");
  exchange.connected = false;
  assert.equal(await reconciler.runOnce(), 1);
  assert.equal(reconciler.passes, 2, "no pass while disconnected");
  assert.equal(exchange.asked.length, 2);
  tracker.intent("algo-1", "algoOrder.place", { symbol: "BTCUSDT" }, "clientAlgoId");
  tracker.unknown("algo-1", "timeout", "algoOrder.place");
  exchange.connected = true;
  exchange.answer = (cid) => Promise.resolve(result(cid, "NEW"));
  assert.equal(await reconciler.runOnce(), 0, "an algo order cannot be queried and is not counted");
  assert.deepEqual(exchange.asked.slice(2), ["a"]);
  assert.deepEqual(resolved, ["a NEW 7"]);
  assert.equal(tracker.get("algo-1")?.state, "unknown");
});

test("Reconciler: settle passes every intervalMs until nothing is unknown", async () => {
  const { clock, exchange, reconciler } = setup(["a"], T0, { intervalMs: 500 });
  let calls = 0;
  exchange.answer = (cid) =>
    ++calls < 3 ? Promise.reject(new Error("no answer")) : Promise.resolve(result(cid, "NEW"));
  let left: number | undefined;
  const settled = reconciler.settle(60_000).then((n) => left = n);
  for (let pass = 1; pass < 3; pass++) {
    await clock.whenScheduled();
    assert.deepEqual(clock.timeouts, [T0 + 500 * pass], `pass ${pass} sleeps one interval`);
    clock.advance(500);
  }
  await settled;
  assert.equal(left, 0);
  assert.equal(reconciler.passes, 3);
  assert.equal(clock.pending, 0);
});

test("Reconciler: settle gives up at its timeout on the clock and says how many are left", async () => {
  const { clock, exchange, reconciler } = setup(["a", "b"], T0, { intervalMs: 500, recvWindowMs: 60_000 });
  exchange.answer = notFound; // never final within the timeout
  let left: number | undefined;
  const settled = reconciler.settle(1200).then((n) => left = n);
  // Passes at 0, 500 and 1000; the last sleep is cut to the 200 ms left, then a final pass at 1200.
  for (const sleep of [500, 500, 200]) {
    await clock.whenScheduled();
    assert.equal(left, undefined);
    assert.deepEqual(clock.timeouts, [clock.now() + sleep]);
    clock.advance(sleep);
  }
  await settled;
  assert.equal(left, 2);
  assert.equal(reconciler.passes, 4);
  assert.equal(clock.now(), T0 + 1200);
});
