import { test } from "node:test";
import assert from "node:assert/strict";
import { LIMIT_ORDER, startStack } from "./_stack.ts";

test("POST /orders places a LIMIT order and returns the exchange's result as-is", async () => {
  const s = await startStack();
  try {
    const r = await s.call("POST", "/orders", { json: { ...LIMIT_ORDER, newClientOrderId: "my-order_1" } });
    assert.equal(r.status, 200);
    assert.equal(r.body.status, "NEW");
    assert.equal(r.body.clientOrderId, "my-order_1");
    assert.equal(r.body.symbol, "BTCUSDT");
    assert.equal(typeof r.body.orderId, "number");
    const held = s.sim.orders();
    assert.equal(held.length, 1);
    assert.equal(held[0]!.clientOrderId, "my-order_1");
    assert.equal(held[0]!.orderId, r.body.orderId);
  } finally {
    await s.close();
  }
});

test("POST /orders accepts JSON numbers for decimals and MARKET orders", async () => {
  const s = await startStack();
  try {
    const r = await s.call("POST", "/orders", { json: { ...LIMIT_ORDER, quantity: 0.002, price: 50000 } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.origQty, "0.002");
    const m = await s.call("POST", "/orders", {
      json: {
        symbol: "BTCUSDT",
        side: "SELL",
        type: "MARKET",
        quantity: "0.003",
        newOrderRespType: "RESULT",
      },
    });
    assert.equal(m.status, 200, JSON.stringify(m.body));
    assert.equal(m.body.type, "MARKET");
  } finally {
    await s.close();
  }
});

test("GET /orders queries by orderId and by origClientOrderId", async () => {
  const s = await startStack();
  try {
    const placed = await s.call("POST", "/orders", { json: { ...LIMIT_ORDER, newClientOrderId: "q-1" } });
    const byId = await s.call("GET", `/orders?symbol=BTCUSDT&orderId=${placed.body.orderId}`);
    assert.equal(byId.status, 200);
    assert.equal(byId.body.clientOrderId, "q-1");
    const byCid = await s.call("GET", "/orders?symbol=BTCUSDT&origClientOrderId=q-1");
    assert.equal(byCid.status, 200);
    assert.equal(byCid.body.orderId, placed.body.orderId);
  } finally {
    await s.close();
  }
});

test("PATCH /orders modifies a LIMIT order", async () => {
  const s = await startStack();
  try {
    const placed = await s.call("POST", "/orders", { json: LIMIT_ORDER });
    const r = await s.call("PATCH", "/orders", {
      json: {
        symbol: "BTCUSDT",
        orderId: placed.body.orderId,
        side: "BUY",
        quantity: "0.003",
        price: "49990",
      },
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.orderId, placed.body.orderId);
    assert.equal(r.body.origQty, "0.003");
    assert.equal(s.sim.orders()[0]!.price, r.body.price);
    assert.match(r.body.price, /^49990(\.0+)?$/);
  } finally {
    await s.close();
  }
});

test("DELETE /orders cancels by orderId and by origClientOrderId", async () => {
  const s = await startStack();
  try {
    const a = await s.call("POST", "/orders", { json: LIMIT_ORDER });
    const b = await s.call("POST", "/orders", { json: { ...LIMIT_ORDER, newClientOrderId: "cancel-me" } });
    const r1 = await s.call("DELETE", `/orders?symbol=BTCUSDT&orderId=${a.body.orderId}`);
    assert.equal(r1.status, 200);
    assert.equal(r1.body.status, "CANCELED");
    const r2 = await s.call("DELETE", "/orders?symbol=BTCUSDT&origClientOrderId=cancel-me");
    assert.equal(r2.status, 200);
    assert.equal(r2.body.orderId, b.body.orderId);
    assert.deepEqual(s.sim.orders().map((o) => o.status), ["CANCELED", "CANCELED"]);
  } finally {
    await s.close();
  }
});

test("POST /orders routes STOP_MARKET to algoOrder.place (stopPrice → triggerPrice); DELETE ?algoId= cancels it", async () => {
  const s = await startStack();
  try {
    const r = await s.call("POST", "/orders", {
      json: {
        symbol: "BTCUSDT",
        side: "SELL",
        type: "STOP_MARKET",
        quantity: "0.002",
        stopPrice: "45000",
        newClientOrderId: "stop-1",
      },
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.algoStatus, "NEW");
    assert.equal(r.body.clientAlgoId, "stop-1");
    const held = s.sim.algoOrders();
    assert.equal(held.length, 1);
    assert.match(held[0]!.triggerPrice, /^45000(\.0+)?$/);
    assert.equal(s.sim.orders().length, 0, "nothing went through order.place");
    const c = await s.call("DELETE", `/orders?algoId=${r.body.algoId}`);
    assert.equal(c.status, 200, JSON.stringify(c.body));
    assert.equal(s.sim.algoOrders()[0]!.algoStatus, "CANCELED");
    // A post-only (GTX) stop-limit: a time in force Binance's algo order pages list.
    const gtx = await s.call("POST", "/orders", {
      json: {
        symbol: "BTCUSDT",
        side: "SELL",
        type: "STOP",
        quantity: "0.002",
        price: "45000",
        stopPrice: "45000",
        timeInForce: "GTX",
      },
    });
    assert.equal(gtx.status, 200, JSON.stringify(gtx.body));
    assert.deepEqual([gtx.body.algoStatus, gtx.body.timeInForce], ["NEW", "GTX"]);
  } finally {
    await s.close();
  }
});

test("an exchange reject is a 400 carrying the exchange's code and message", async () => {
  const s = await startStack();
  try {
    const cancel = await s.call("DELETE", "/orders?symbol=BTCUSDT&orderId=123456");
    assert.equal(cancel.status, 400);
    assert.equal(cancel.body.code, -2011);
    assert.equal(typeof cancel.body.msg, "string");
    const query = await s.call("GET", "/orders?symbol=BTCUSDT&origClientOrderId=nope");
    assert.equal(query.status, 400);
    assert.equal(query.body.code, -2013);
    s.sim.setFaults({ rejectEveryNthOrder: 1, rejectCode: -2019 });
    const place = await s.call("POST", "/orders", { json: LIMIT_ORDER });
    assert.equal(place.status, 400);
    assert.equal(place.body.code, -2019);
  } finally {
    await s.close();
  }
});

test("the exchange refusing the key while running (-2015): /health says degraded and names the refusal", async () => {
  const s = await startStack();
  try {
    const before = await s.call("GET", "/health");
    assert.deepEqual([before.body.status, before.body.credentialsRefused], ["ok", undefined]);
    s.sim.setFaults({ rejectEveryNthOrder: 1, rejectCode: -2015 });
    const place = await s.call("POST", "/orders", { json: LIMIT_ORDER });
    assert.deepEqual([place.status, place.body.code], [400, -2015]);
    const health = (await s.call("GET", "/health")).body;
    assert.equal(health.status, "degraded");
    assert.deepEqual(
      [health.credentialsRefused.code, health.credentialsRefused.method, typeof health.credentialsRefused.at],
      [-2015, "order.place", "number"],
    );
  } finally {
    await s.close();
  }
});

test("after the exchange's 429: /health names the block and when it ends; new orders refused locally, cancels go out", async () => {
  const s = await startStack();
  try {
    const resting = await s.call("POST", "/orders", { json: LIMIT_ORDER });
    assert.equal(resting.status, 200);
    assert.equal((await s.call("GET", "/health")).body.rateLimitBlock, undefined);
    s.sim.setFaults({ rejectEveryNthOrder: 1, rejectCode: -1015 }); // "Too many new orders" (429)
    const refused = await s.call("POST", "/orders", { json: LIMIT_ORDER });
    assert.equal(refused.status, 429);
    s.sim.setFaults({});
    const health = (await s.call("GET", "/health")).body;
    assert.equal(health.status, "degraded", "every new order is refused until it ends");
    const block = health.rateLimitBlock;
    assert.match(block.reason, /429/);
    assert.ok(Date.parse(block.until) > Date.now() - 1000, block.until);
    const held = await s.call("POST", "/orders", { json: LIMIT_ORDER });
    assert.deepEqual([held.status, held.body.code], [429, -13]);
    const canceled = await s.call("DELETE", `/orders?symbol=BTCUSDT&orderId=${resting.body.orderId}`);
    assert.equal(canceled.status, 200, JSON.stringify(canceled.body));
  } finally {
    await s.close();
  }
});

test("an order whose outcome is unknown is a 504 with the clientOrderId to look up", async () => {
  const s = await startStack({ faults: { unknownEveryNthOrder: 1 } });
  try {
    const r = await s.call("POST", "/orders", { json: { ...LIMIT_ORDER, newClientOrderId: "maybe-1" } });
    assert.equal(r.status, 504);
    assert.equal(r.body.code, -15);
    assert.equal(r.body.clientOrderId, "maybe-1");
    assert.equal(r.body.exchangeCode, -1007);
    const look = await s.call("GET", "/orders?symbol=BTCUSDT&origClientOrderId=maybe-1");
    assert.equal(look.status, 200, "the simulator did execute it");
  } finally {
    await s.close();
  }
});

test("a burst of one client id: one order reaches the exchange, the rest are refused here with -4116", async () => {
  const s = await startStack();
  try {
    const ioc = { ...LIMIT_ORDER, timeInForce: "IOC", newClientOrderId: "burst-1" };
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => s.call("POST", "/orders", { json: ioc })),
    );
    const ok = answers.filter((a) => a.status === 200);
    const refused = answers.filter((a) => a.status === 400 && a.body.code === -4116 && a.body.local === true);
    assert.equal(ok.length, 1, JSON.stringify(answers.map((a) => a.body)));
    assert.equal(refused.length, 19);
    assert.match(refused[0]!.body.msg, /burst-1 is in flight, open or of unknown outcome/);
    assert.equal(s.sim.stats().ordersPlaced, 1, "an IOC sent twice under one id could fill twice");
  } finally {
    await s.close();
  }
});
