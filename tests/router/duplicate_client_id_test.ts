/**
 * A place whose client id an order in flight, open or of unknown outcome already has is refused on this
 * machine (-4116): the exchange refuses a duplicate id only among its open orders, so an IOC or MARKET order
 * sent twice under one id (a client's retry) would fill twice.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { FilterRefusedError } from "../../lib/errors.ts";
import { OrderTracker } from "../../lib/orders/order_tracker.ts";
import { connect, restingBuy, simulator, waitFor } from "./_harness.ts";
import { openGateway, tempDir } from "../gateway/_gateway.ts";

const isDuplicate = (e: unknown) =>
  e instanceof FilterRefusedError && e.code === -4116 && e.local && e.filter === "CLIENT_ORDER_ID";

test("duplicate client id: refused while the first order is in flight, open or unknown; free once finished", async () => {
  const sim = await simulator();
  const tracker = new OrderTracker();
  const router = await connect(sim, "hmac", { observer: tracker });
  try {
    // Two IOC orders under one id in one turn: the second is refused before anything is sent.
    const ioc = { ...restingBuy({ newClientOrderId: "retry-1" }), timeInForce: "IOC" as const };
    const [first, second] = await Promise.allSettled([router.placeOrder(ioc), router.placeOrder(ioc)]);
    assert.equal(first.status, "fulfilled");
    assert.ok(
      second.status === "rejected" && isDuplicate(second.reason),
      String((second as { reason?: unknown }).reason),
    );
    assert.equal(sim.stats().ordersPlaced, 1);
    // The IOC has finished (expired). Its ack said NEW (Binance's default ACK answer), so until a query or an
    // event says so the tracker holds it open, and the id stays taken.
    await assert.rejects(router.placeOrder(restingBuy({ newClientOrderId: "retry-1" })), isDuplicate);
    const ended = await router.queryOrder({ symbol: "BTCUSDT", origClientOrderId: "retry-1" });
    assert.equal(ended.status, "EXPIRED");
    assert.equal(tracker.get("retry-1")?.state, "finished");
    // Finished: its id may be used again, as the exchange allows.
    await router.placeOrder(restingBuy({ newClientOrderId: "retry-1" }));
    assert.equal(sim.stats().ordersPlaced, 2);
    // Now it rests: the same id again is refused here, as the exchange would (-4116).
    await assert.rejects(router.placeOrder(restingBuy({ newClientOrderId: "retry-1" })), isDuplicate);
    await assert.rejects(
      router.placeAlgoOrder({
        symbol: "BTCUSDT",
        side: "SELL",
        type: "STOP_MARKET",
        quantity: "0.002",
        triggerPrice: "45000",
        clientAlgoId: "retry-1",
      }),
      isDuplicate,
    );
    assert.equal(sim.stats().ordersPlaced, 2, "nothing more was sent");
    await router.cancelOrder({ symbol: "BTCUSDT", origClientOrderId: "retry-1" });
    await router.placeOrder(restingBuy({ newClientOrderId: "retry-1" }));
    assert.equal(sim.stats().ordersPlaced, 3);
  } finally {
    await router.close();
    await sim.close();
  }
});

test("duplicate client id: without an order tracker the exchange judges (nothing is refused here)", async () => {
  const sim = await simulator();
  const router = await connect(sim);
  try {
    await router.placeOrder(restingBuy({ newClientOrderId: "plain-1" }));
    await assert.rejects(router.placeOrder(restingBuy({ newClientOrderId: "plain-1" })), (e: unknown) => {
      assert.ok(!(e instanceof FilterRefusedError), "the exchange's -4116, not a local one");
      assert.equal((e as { code?: number }).code, -4116);
      return true;
    });
  } finally {
    await router.close();
    await sim.close();
  }
});

test("duplicate client id: a MARKET order the stream shows FILLED before its place is answered still holds its id", async () => {
  const sim = await simulator();
  const gateway = await openGateway(sim, tempDir(), { streamUrl: sim.streamUrl });
  try {
    await waitFor(() => gateway.userStream?.state === "up", "the user stream");
    sim.setFaults({ responseDelayMs: 300 }); // the answer comes late; the stream's events do not
    const market = { symbol: "BTCUSDT", side: "BUY" as const, type: "MARKET" as const, quantity: "0.002" };
    const first = gateway.router.placeOrder({ ...market, newClientOrderId: "mkt-retry-1" });
    await waitFor(() => gateway.tracker.get("mkt-retry-1")?.status === "FILLED", "the fill on the stream");
    // The client retries (its answer is late): refused here, nothing sent, so nothing fills twice.
    await assert.rejects(
      gateway.router.placeOrder({ ...market, newClientOrderId: "mkt-retry-1" }),
      isDuplicate,
    );
    assert.equal((await first).clientOrderId, "mkt-retry-1");
    assert.equal(sim.stats().ordersPlaced, 1);
    // Answered and finished: the id is free again, as on the exchange.
    sim.setFaults({});
    await gateway.router.placeOrder({ ...market, newClientOrderId: "mkt-retry-1" });
    assert.equal(sim.stats().ordersPlaced, 2);
  } finally {
    sim.setFaults({});
    await gateway.close();
    await sim.close();
  }
});
