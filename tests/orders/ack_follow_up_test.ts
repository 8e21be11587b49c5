/**
 * The ack follow-up against a stub exchange on a manual clock: which orders are looked up and when, what the
 * answers do under the tracker's precedence rules, the backoff of failed queries, and the reconciler's pacing.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { AckFollowUp } from "../../lib/orders/ack_follow_up.ts";
import { OrderTracker } from "../../lib/orders/order_tracker.ts";
import { Reconciler } from "../../lib/orders/reconciler.ts";
import { orderUpdate } from "./_order_update.ts";
import { ExchangeError } from "../../lib/errors.ts";
import type { OrderRef, OrderResult, PlaceOrderParams, RateLimit } from "../../lib/types.ts";
import { ManualClock } from "../_manual_clock.ts";
import { connect, simulator, waitFor } from "../router/_harness.ts";

const MINUTE = 60_000;
const T0 = 28_333_333 * MINUTE + 10_000; // 10 s into a minute window

const market = { symbol: "BTCUSDT", side: "BUY", type: "MARKET", quantity: "0.002" };
const limit = (timeInForce: string) => ({ ...market, type: "LIMIT", price: "50000", timeInForce });

/** An order.status that answers what the test says, recording what it was asked and how many at once. */
class StubExchange {
  connected = true;
  rateLimits: RateLimit[] = [];
  clockOffsetMs = 0;
  readonly asked: string[] = [];
  inFlight = 0;
  maxInFlight = 0;
  answer: (cid: string) => Promise<OrderResult> = (cid) => Promise.resolve(answer(cid, "FILLED", T0));

  queryOrder = async (ref: OrderRef): Promise<OrderResult> => {
    const cid = ref.origClientOrderId ?? "";
    this.asked.push(cid);
    this.maxInFlight = Math.max(this.maxInFlight, ++this.inFlight);
    try {
      return await this.answer(cid);
    } finally {
      this.inFlight--;
    }
  };
}

function answer(cid: string, status: string, updateTime: number, executedQty = "0.002"): OrderResult {
  return {
    orderId: Number(cid.replace(/\D/g, "") || 1),
    symbol: "BTCUSDT",
    status,
    clientOrderId: cid,
    price: "0",
    origQty: "0.002",
    executedQty,
    side: "BUY",
    type: "MARKET",
    timeInForce: "GTC",
    updateTime,
  };
}

const notFound = () =>
  Promise.reject(
    new ExchangeError({ status: 400, code: -2013, msg: "Order does not exist.", method: "order.status" }),
  );

/** A tracker on `clock` holding orders acked NEW (as Binance's default ACK answer says) at `T0`. */
function setup(orders: Record<string, Record<string, string>>, afterMs = 2000) {
  const clock = new ManualClock(T0);
  const tracker = new OrderTracker({ now: () => clock.now() });
  for (const [cid, params] of Object.entries(orders)) {
    tracker.intent(cid, "order.place", params, "newClientOrderId");
    tracker.ack(cid, { clientOrderId: cid, orderId: 1, status: "NEW", updateTime: T0 - 1 }, "order.place");
  }
  const exchange = new StubExchange();
  const notFoundSeen: string[] = [];
  const followUp = new AckFollowUp({
    tracker,
    queryOrder: exchange.queryOrder,
    now: () => clock.now(),
    afterMs,
    notFoundAfterMs: 7000,
    onNotFound: (cid) => notFoundSeen.push(cid),
  });
  const run = async () => {
    for (const o of followUp.due()) await followUp.resolve(o);
  };
  return { clock, tracker, exchange, followUp, run, notFoundSeen };
}

test("AckFollowUp: only orders that cannot rest are looked up, once, afterMs after their ack; the answers finish them", async () => {
  const { clock, tracker, exchange, followUp, run } = setup({
    m: market,
    ioc: limit("IOC"),
    fok: limit("FOK"),
    gtc: limit("GTC"),
    gtx: limit("GTX"),
  });
  exchange.answer = (cid) => Promise.resolve(answer(cid, cid === "m" ? "FILLED" : "EXPIRED", T0 + 5, "0"));
  clock.advance(1999);
  assert.deepEqual(followUp.due(), [], "not before afterMs");
  clock.advance(1);
  assert.deepEqual(followUp.due().map((o) => o.clientOrderId), ["m", "ioc", "fok"], "oldest first");
  await run();
  assert.deepEqual(exchange.asked, ["m", "ioc", "fok"]);
  assert.deepEqual(
    ["m", "ioc", "fok"].map((cid) => [tracker.get(cid)?.state, tracker.get(cid)?.status]),
    [["finished", "FILLED"], ["finished", "EXPIRED"], ["finished", "EXPIRED"]],
  );
  assert.deepEqual(tracker.list().map((o) => o.clientOrderId), ["gtc", "gtx"], "resting orders stay open");
  clock.advance(60_000);
  await run();
  assert.equal(exchange.asked.length, 3, "nothing is asked twice");
  assert.equal(followUp.queries, 3);
  assert.equal(followUp.retrying, 0);
});

test("AckFollowUp: an order a stream event finished, or changed lately, is not looked up", async () => {
  const { clock, tracker, exchange, run } = setup({ a: market, b: limit("IOC") });
  clock.advance(1500);
  const update = orderUpdate({
    eventTime: T0 + 1500,
    time: T0 + 1500,
    orderType: "MARKET",
    quantity: "0.002",
    price: "0",
    avgPrice: "51000",
    execution: "TRADE",
    status: "FILLED",
    orderId: 1,
    lastQty: "0.002",
    executedQty: "0.002",
    lastPrice: "51000",
    tradeId: 9,
  });
  tracker.applyUpdate(update); // a's fill, on the stream
  tracker.applyUpdate({ ...update, clientOrderId: "b", status: "PARTIALLY_FILLED", executedQty: "0.001" });
  clock.advance(500); // 2 s after the acks: b changed 0.5 s ago
  await run();
  assert.deepEqual(exchange.asked, []);
  clock.advance(1500); // 2 s after b's partial fill
  await run();
  assert.deepEqual(exchange.asked, ["b"]);
});

test("AckFollowUp: a stale answer never undoes a newer event, and a later event older than the answer changes nothing", async () => {
  const { clock, tracker, exchange, run } = setup({ a: market });
  clock.advance(2000);
  exchange.answer = (cid) => Promise.resolve(answer(cid, "FILLED", T0 + 100));
  await run();
  const finished = { ...tracker.get("a")! };
  assert.deepEqual([finished.state, finished.status, finished.executedQty], ["finished", "FILLED", "0.002"]);
  // The stream's NEW (transaction time before the fill) arrives late: ignored.
  tracker.applyUpdate(
    orderUpdate({ eventTime: T0, time: T0, orderType: "MARKET", quantity: "0.002", price: "0", orderId: 1 }),
  );
  assert.deepEqual(tracker.get("a"), finished);
  // An answer older than what the order reflects changes nothing either.
  tracker.apply(answer("a", "NEW", T0 + 50, "0"), "a");
  assert.deepEqual(tracker.get("a"), finished);
});

test("AckFollowUp: a failed or unfinished answer is asked again with backoff (2, 4, 8 … at most retryMaxMs), never resent", async () => {
  const { clock, tracker, exchange, followUp, run } = setup({ a: market });
  exchange.answer = () => Promise.reject(new Error("request timed out"));
  const askedAt: number[] = [];
  for (let i = 0; i < 130; i++) {
    const before = exchange.asked.length;
    await run();
    if (exchange.asked.length > before) askedAt.push(clock.now() - T0);
    clock.advance(500);
  }
  // First at 2 s, then after 2, 4, 8, 16 s; each later wait is capped at 30 s.
  assert.deepEqual(askedAt, [2000, 4000, 8000, 16000, 32000, 62000]);
  assert.equal(followUp.retrying, 1);
  exchange.answer = (cid) => Promise.resolve(answer(cid, "NEW", T0 + 1, "0")); // still working: asked again
  clock.advance(30_000);
  await run();
  assert.equal(tracker.get("a")?.state, "open");
  exchange.answer = (cid) => Promise.resolve(answer(cid, "FILLED", T0 + 2));
  clock.advance(30_000);
  await run();
  assert.equal(tracker.get("a")?.status, "FILLED");
  assert.equal(followUp.retrying, 0);
  assert.ok(exchange.asked.every((cid) => cid === "a"));
});

test("AckFollowUp: 'not found' ends an order only once its request can no longer be accepted", async () => {
  const { clock, tracker, exchange, run, notFoundSeen } = setup({ a: market });
  exchange.answer = notFound;
  clock.advance(2000);
  await run();
  assert.equal(tracker.get("a")?.state, "open", "7 s after the intent it could still be accepted");
  clock.advance(6000); // retried 2 s later: 8 s after the intent
  await run();
  assert.equal(exchange.asked.length, 2);
  assert.deepEqual([tracker.get("a")?.state, tracker.get("a")?.status], ["finished", "NOT_FOUND"]);
  assert.deepEqual(notFoundSeen, ["a"]);
});

test("AckFollowUp: the reconciler's passes run the follow-ups a few at a time, within its weight share", async () => {
  const cids = Array.from({ length: 20 }, (_, i) => `o${i}`);
  const { clock, tracker, exchange } = setup(Object.fromEntries(cids.map((cid) => [cid, market])));
  const weight: RateLimit = {
    rateLimitType: "REQUEST_WEIGHT",
    interval: "MINUTE",
    intervalNum: 1,
    limit: 20,
    count: 0,
  };
  exchange.rateLimits = [weight];
  let held: (() => void)[] = [];
  exchange.answer = (cid) =>
    new Promise((resolve) => {
      weight.count++; // as the pipeline counts a request when it sends it
      held.push(() => resolve(answer(cid, "FILLED", T0 + 10)));
    });
  /** Answers what is held, round after round, until `done` (bounded). */
  const answerUntil = async (done: () => boolean) => {
    for (let round = 0; round < 50 && !done(); round++) {
      await new Promise((r) => setTimeout(r, 0));
      assert.ok(exchange.inFlight <= 4, `at most 4 in flight: ${exchange.inFlight}`);
      const now = held;
      held = [];
      for (const release of now) release();
    }
    assert.ok(done(), "bounded wait");
  };
  const reconciler = new Reconciler({ router: exchange, tracker, clock, intervalMs: 500 });
  await reconciler.runOnce();
  assert.deepEqual(exchange.asked, [], "nothing due before 2 s");
  clock.advance(2000);
  const pass = reconciler.runOnce();
  await answerUntil(() => clock.timeouts.length > 0 && held.length === 0 && exchange.inFlight === 0);
  const first = exchange.asked.length;
  assert.ok(first >= 10 && first <= 11, `half of the 20 weight (one more may refresh the count): ${first}`);
  assert.equal(tracker.list().length, 20 - first, "the rest wait for the window to roll");
  weight.count = 0;
  weight.limit = 100; // room for the rest in the next window
  clock.advance(MINUTE);
  await answerUntil(() => tracker.list().length === 0);
  await pass;
  assert.equal(reconciler.followUpQueries, 20, "one query per order");
  assert.deepEqual([...exchange.asked].sort(), [...cids].sort());
  assert.ok(
    exchange.maxInFlight <= 4 && exchange.maxInFlight > 1,
    `a few at a time: ${exchange.maxInFlight}`,
  );
});

test("AckFollowUp: a bare Router with a tracker and a Reconciler gets the follow-up over real sockets", async () => {
  const sim = await simulator();
  const clock = new ManualClock(Date.now());
  const tracker = new OrderTracker({ now: () => clock.now() });
  const router = await connect(sim, "hmac", { observer: tracker });
  const reconciler = new Reconciler({ router, tracker, clock });
  try {
    reconciler.start();
    const cids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const params = i < 10 ? { ...market, side: i % 2 === 0 ? "BUY" : "SELL" } : limit("IOC");
      const ack = await router.placeOrder(params as PlaceOrderParams);
      assert.equal(ack.status, "NEW");
      cids.push(ack.clientOrderId);
    }
    assert.equal(tracker.list("open").length, 20);
    clock.advance(2000);
    await waitFor(() => tracker.list().length === 0, "the follow-up");
    const truth = new Map(sim.orders().map((o) => [o.clientOrderId, o.status]));
    assert.deepEqual(cids.map((cid) => tracker.get(cid)?.status), cids.map((cid) => truth.get(cid)));
    assert.equal(reconciler.followUpQueries, 20);
  } finally {
    reconciler.stop();
    await router.close();
    await sim.close();
  }
});
