import { test } from "node:test";
import assert from "node:assert/strict";
import { ExchangeError, NotSentError, UnknownOrderStateError } from "../../lib/errors.ts";
import { CLIENT_ORDER_ID_PATTERN } from "../../lib/router/client_order_ids.ts";
import { Router } from "../../lib/router/router.ts";
import { connect, HMAC_KEY, restingBuy, simulator, waitFor } from "./_harness.ts";

test("Router: the public API example works as written (HMAC)", async () => {
  const sim = await simulator();
  const router = await Router.connect({
    url: sim.url,
    apiKey: HMAC_KEY,
    secretKey: "test-hmac-secret-key-0123456789",
    requestTimeoutMs: 5000,
  });
  try {
    assert.equal(router.auth, "hmac");
    const ack = await router.placeOrder({
      symbol: "BTCUSDT",
      side: "BUY",
      type: "LIMIT",
      quantity: "0.002",
      price: "50000",
      timeInForce: "GTC",
    });
    assert.equal(ack.status, "NEW");
    assert.match(ack.clientOrderId, CLIENT_ORDER_ID_PATTERN);
    const status = await router.queryOrder({ symbol: "BTCUSDT", orderId: ack.orderId });
    assert.equal(status.clientOrderId, ack.clientOrderId);
    const modified = await router.modifyOrder({
      symbol: "BTCUSDT",
      orderId: ack.orderId,
      side: "BUY",
      quantity: "0.003", // at or above the 100 USDT minimum notional (else -5029)
      price: "49990",
    });
    assert.equal(Number(modified.price), 49990);
    const canceled = await router.cancelOrder({ symbol: "BTCUSDT", origClientOrderId: ack.clientOrderId });
    assert.equal(canceled.status, "CANCELED");
    const simOrder = sim.orders().find((o) => o.clientOrderId === ack.clientOrderId);
    assert.equal(simOrder?.status, "CANCELED");
  } finally {
    await router.close();
    await sim.close();
  }
});

test("Router: Ed25519 logs on once and sends unsigned orders", async () => {
  const sim = await simulator();
  const router = await connect(sim, "ed25519");
  try {
    assert.equal(router.auth, "ed25519");
    const session = await router.sessionStatus();
    assert.equal(session.apiKey, "test-ed25519-api-key");
    const ack = await router.placeOrder(restingBuy({ newClientOrderId: "ed:order/1" }));
    assert.equal(ack.clientOrderId, "ed:order/1");
    assert.equal((await router.cancelOrder({ symbol: "BTCUSDT", orderId: ack.orderId })).status, "CANCELED");
  } finally {
    await router.close();
    await sim.close();
  }
});

test("Router: algo orders, account and user-stream methods answer", async () => {
  const sim = await simulator();
  const router = await connect(sim);
  try {
    const algo = await router.placeAlgoOrder({
      symbol: "BTCUSDT",
      side: "SELL",
      type: "STOP_MARKET",
      quantity: "0.002",
      triggerPrice: "45000",
    });
    assert.equal(algo.algoStatus, "NEW");
    assert.match(algo.clientAlgoId, CLIENT_ORDER_ID_PATTERN);
    const cancelled = await router.cancelAlgoOrder({ algoId: algo.algoId });
    assert.equal(cancelled.algoId, algo.algoId);
    assert.ok(Array.isArray(await router.accountBalance()));
    assert.ok(Array.isArray(await router.accountPositions()));
    assert.equal(typeof (await router.accountStatus()), "object");
    const key = await router.startUserDataStream();
    assert.equal(typeof key, "string");
    assert.equal(await router.pingUserDataStream(), key);
    await router.stopUserDataStream();
    assert.ok(router.rateLimits.some((l) => l.rateLimitType === "REQUEST_WEIGHT"));
  } finally {
    await router.close();
    await sim.close();
  }
});

test("Router: exchange rejects become ExchangeError with Binance's code", async () => {
  const sim = await simulator();
  const router = await connect(sim);
  try {
    await assert.rejects(router.cancelOrder({ symbol: "BTCUSDT", orderId: 123456 }), (e: unknown) => {
      assert.ok(e instanceof ExchangeError);
      assert.equal(e.code, -2011);
      assert.equal(e.status, 400);
      return true;
    });
    await assert.rejects(router.queryOrder({ symbol: "BTCUSDT", origClientOrderId: "nope" }), {
      code: -2013,
    });
    await assert.rejects(router.placeOrder(restingBuy({ price: "50000.05" })), { code: -4014 });
    await assert.rejects(
      router.request("order.place", { ...restingBuy(), type: "STOP_MARKET", stopPrice: "40000" }),
      { code: -4120 },
    );
    const ack = await router.placeOrder(restingBuy({ newClientOrderId: "dup-1" }));
    await assert.rejects(router.placeOrder(restingBuy({ newClientOrderId: "dup-1" })), { code: -4116 });
    await router.cancelOrder({ symbol: "BTCUSDT", orderId: ack.orderId });
    assert.equal(router.metrics.byMethod.reduce((a, b) => a + b, 0) > 0, true);
  } finally {
    await router.close();
    await sim.close();
  }
});

test("Router: a timed-out order is UnknownOrderStateError carrying its clientOrderId", async () => {
  const sim = await simulator();
  const router = await connect(sim, "hmac", { requestTimeoutMs: 150, deadLinkMs: 60_000 });
  try {
    sim.setFaults({ responseDelayMs: 600 });
    await assert.rejects(router.placeOrder(restingBuy({ newClientOrderId: "slow-1" })), (e: unknown) => {
      assert.ok(e instanceof UnknownOrderStateError);
      assert.equal(e.clientOrderId, "slow-1");
      assert.equal(e.reason, "timeout");
      return true;
    });
    // The exchange did execute it: that is exactly why it must be reconciled, not resent.
    await waitFor(
      () => sim.orders().some((o) => o.clientOrderId === "slow-1"),
      "the simulator to hold slow-1",
    );
    await waitFor(() => router.metrics.lateAnswers > 0, "the late answer");
  } finally {
    await router.close();
    await sim.close();
  }
});

test("Router: a dropped connection fails every in-flight order at once, then reconnects and logs on again", async () => {
  const sim = await simulator();
  const events: string[] = [];
  const router = await connect(sim, "ed25519", {
    requestTimeoutMs: 10_000,
    onEvent: (e) => events.push(e.type),
  });
  try {
    sim.setFaults({ responseDelayMs: 100, dropAfterRequests: 10, dropExecutes: true });
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => router.placeOrder(restingBuy({ newClientOrderId: `drop-${i}` }))),
    );
    for (const r of results) {
      assert.equal(r.status, "rejected");
      assert.ok(r.reason instanceof UnknownOrderStateError, String(r.reason));
      // "disconnect", not "timeout": failed by the drop itself, not by the 10 s request timeout.
      assert.equal(r.reason.reason, "disconnect");
    }
    assert.deepEqual(
      results.map((r) => (r as PromiseRejectedResult).reason.clientOrderId).sort(),
      Array.from({ length: 10 }, (_, i) => `drop-${i}`).sort(),
    );
    sim.setFaults({});
    await waitFor(() => router.connected && router.metrics.reconnects >= 1, "reconnect");
    const ack = await router.placeOrder(restingBuy());
    assert.equal(ack.status, "NEW");
    assert.ok(events.includes("disconnected"));
    assert.ok(sim.stats().connectionsTotal >= 2);
  } finally {
    await router.close();
    await sim.close();
  }
});

test("Router: requests while disconnected are refused as not sent", async () => {
  const sim = await simulator();
  const router = await connect(sim, "hmac", { backoffBaseMs: 5_000, backoffMaxMs: 5_000 });
  try {
    await sim.close();
    await waitFor(() => !router.connected, "disconnect");
    await assert.rejects(router.placeOrder(restingBuy()), (e: unknown) => {
      assert.ok(e instanceof NotSentError);
      assert.equal(e.reason, "disconnected");
      return true;
    });
  } finally {
    await router.close();
  }
  await assert.rejects(router.queryOrder({ symbol: "BTCUSDT", orderId: 1 }), { reason: "closed" });
});

test("Router: the runtime's WebSocket answers server pings with the same payload", async () => {
  const sim = await simulator({ pingIntervalMs: 30 });
  const router = await connect(sim);
  try {
    await waitFor(() => sim.stats().pongsOk >= 3, "three matching pongs");
    assert.equal(sim.stats().pongsBad, 0);
    assert.ok(router.connected);
  } finally {
    await router.close();
    await sim.close();
  }
});

test("Router: concurrent requests resolve to the right callers", async () => {
  const sim = await simulator({ limits: { ordersPer10s: 10_000, ordersPerMinute: 10_000 } });
  const router = await connect(sim);
  try {
    const cids = Array.from({ length: 200 }, (_, i) => `conc-${i}`);
    const acks = await Promise.all(cids.map((c) => router.placeOrder(restingBuy({ newClientOrderId: c }))));
    assert.deepEqual(acks.map((a) => a.clientOrderId), cids);
    assert.equal(new Set(acks.map((a) => a.orderId)).size, 200);
  } finally {
    await router.close();
    await sim.close();
  }
});

test("Router: a skewed host clock does not cause -1021 (server offset tracked)", async () => {
  for (const clockOffsetMs of [30_000, -30_000]) {
    const sim = await simulator({ clockOffsetMs });
    const router = await connect(sim);
    try {
      assert.ok(Math.abs(router.clockOffsetMs - clockOffsetMs) < 1000, `offset ${router.clockOffsetMs}`);
      const ack = await router.placeOrder(restingBuy());
      assert.equal(ack.status, "NEW");
    } finally {
      await router.close();
      await sim.close();
    }
  }
});

/** A simulator whose clock is real time plus a shift the test moves (the exchange's clock drifting). */
async function simulatorWithMovableClock() {
  let shift = 0;
  const sim = await simulator({
    clock: { now: () => Date.now() + shift, setTimeout: (f, ms) => setTimeout(f, ms), clearTimeout },
  });
  return { sim, setShift: (ms: number) => void (shift = ms) };
}

test("Router: the exchange's clock moving after connect is followed at the first -1021, even when answers are slow", async () => {
  // Connected over fast answers (a precise offset); then the exchange's clock is 30 s behind and every answer
  // takes 300 ms: the resync's sample is slower than the best one, yet it shows the old offset wrong.
  const { sim, setShift } = await simulatorWithMovableClock();
  const router = await connect(sim);
  try {
    assert.ok(Math.abs(router.clockOffsetMs) < 1000);
    setShift(-30_000);
    sim.setFaults({ responseDelayMs: 300 });
    await assert.rejects(router.placeOrder(restingBuy()), { code: -1021 });
    await waitFor(() => Math.abs(router.clockOffsetMs + 30_000) < 1000, "the offset to follow the exchange");
    assert.equal((await router.placeOrder(restingBuy())).status, "NEW", "the next order is on time");
  } finally {
    await router.close();
    await sim.close();
  }
});

test("Router: the keep-alive probes' serverTime follows the exchange's clock with no order sent", async () => {
  const { sim, setShift } = await simulatorWithMovableClock();
  const router = await connect(sim, "hmac", { deadLinkMs: 600 }); // a probe after 200 ms of quiet
  try {
    assert.ok(Math.abs(router.clockOffsetMs) < 1000);
    setShift(20_000);
    await waitFor(() => Math.abs(router.clockOffsetMs - 20_000) < 1000, "the offset to follow the exchange");
  } finally {
    await router.close();
    await sim.close();
  }
});

test("Router: a silent exchange is detected as a dead link and the router reconnects", async () => {
  const sim = await simulator();
  const router = await connect(sim, "hmac", { requestTimeoutMs: 200, deadLinkMs: 300 });
  try {
    sim.setFaults({ silentAfterRequests: 1 });
    await router.sessionStatus(); // the last answer before the exchange goes silent
    await assert.rejects(
      router.placeOrder(restingBuy({ newClientOrderId: "silent-1" })),
      UnknownOrderStateError,
    );
    await waitFor(() => router.metrics.reconnects >= 1 && router.connected, "reconnect after silence");
    // The silent simulator drops requests unexecuted; the query on the new link gives a definite answer.
    await assert.rejects(router.queryOrder({ symbol: "BTCUSDT", origClientOrderId: "silent-1" }), {
      code: -2013,
    });
    assert.equal((await router.placeOrder(restingBuy())).status, "NEW");
  } finally {
    await router.close();
    await sim.close();
  }
});

test(
  "Router: a request timed out on a socket that then stays silent drops it in 5 s, not at the dead-link time",
  {
    timeout: 20_000,
  },
  async () => {
    const sim = await simulator();
    // The dead-link time is the default 30 s; the silence after a timeout is cut at 5 s.
    const router = await connect(sim, "hmac", { requestTimeoutMs: 300 });
    try {
      sim.setFaults({ silentAfterRequests: 1 });
      await router.sessionStatus(); // the last answer before the socket goes silent (it stays open)
      await assert.rejects(
        router.placeOrder(restingBuy({ newClientOrderId: "quiet-1" })),
        UnknownOrderStateError,
      );
      await waitFor(
        () => router.metrics.reconnects >= 1 && router.connected,
        "reconnect after the silence",
        15_000,
      );
      assert.equal((await router.placeOrder(restingBuy())).status, "NEW");
    } finally {
      await router.close();
      await sim.close();
    }
  },
);

test("Router: a slow answer on a socket that keeps talking does not drop it", async () => {
  const sim = await simulator();
  const router = await connect(sim, "hmac", { requestTimeoutMs: 300 });
  try {
    sim.setFaults({ placeDelayMs: 600 }); // the place is late; the query behind it is answered meanwhile
    const late = router.placeOrder(restingBuy({ newClientOrderId: "slow-1" }));
    const queried = router.queryOrder({ symbol: "BTCUSDT", orderId: 1 }).catch((e) => e);
    await assert.rejects(late, UnknownOrderStateError);
    await queried;
    assert.equal(router.metrics.reconnects, 0);
    assert.ok(router.connected);
  } finally {
    await router.close();
    await sim.close();
  }
});

test("Router: malformed frames are counted and the connection survives", async () => {
  const sim = await simulator();
  const router = await connect(sim);
  try {
    sim.setFaults({ malformedEveryNthReply: 2 });
    for (let i = 0; i < 6; i++) await router.queryOrder({ symbol: "BTCUSDT", orderId: 1 }).catch(() => {});
    assert.ok(router.metrics.malformedFrames >= 2);
    assert.ok(router.connected);
    assert.equal(router.metrics.reconnects, 0);
  } finally {
    await router.close();
    await sim.close();
  }
});

test("Router: halt stops new orders but lets cancels through", async () => {
  const sim = await simulator();
  const router = await connect(sim);
  try {
    const ack = await router.placeOrder(restingBuy());
    router.halt("test");
    await assert.rejects(router.placeOrder(restingBuy()), { reason: "halted" });
    assert.equal((await router.cancelOrder({ symbol: "BTCUSDT", orderId: ack.orderId })).status, "CANCELED");
    router.resume();
    assert.equal((await router.placeOrder(restingBuy())).status, "NEW");
  } finally {
    await router.close();
    await sim.close();
  }
});

test("Router.connect: bad credentials fail with a message that names the problem", async () => {
  const sim = await simulator();
  try {
    await assert.rejects(Router.connect({ url: sim.url, apiKey: "k" }), /exactly one of secretKey/);
    await assert.rejects(
      Router.connect({ url: sim.url, apiKey: "k", privateKeyPem: "not a pem" }),
      /PKCS#8 PEM/,
    );
    await assert.rejects(
      Router.connect({
        url: "ws://127.0.0.1:1/ws-fapi/v1",
        apiKey: "k",
        secretKey: "s",
        connectTimeoutMs: 500,
      }),
      /cannot connect|closed|timed out/,
    );
  } finally {
    await sim.close();
  }
});
