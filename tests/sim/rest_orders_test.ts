import { test } from "node:test";
import assert from "node:assert/strict";
import { startSimulator } from "../../lib/sim/mod.ts";
import { ManualClock } from "../_manual_clock.ts";
import {
  HMAC_KEY,
  HMAC_KEY_B,
  HMAC_KEYS,
  HMAC_SECRET,
  HMAC_SECRET_B,
  hmacHex,
  limitOrder,
  TestClient,
} from "./_helpers.ts";

type Sim = Awaited<ReturnType<typeof startSimulator>>;

/** The sim's clock stands still 20 s ahead of real time: no rate window rolls during a test. */
function frozenClock(): ManualClock {
  return new ManualClock(Date.now() + 20_000);
}

/** A signed REST GET (timestamps are real time, so recvWindow is the maximum). */
async function get(
  sim: Sim,
  path: string,
  query = "",
  apiKey = HMAC_KEY,
  secret = HMAC_SECRET,
): Promise<{ status: number; body: unknown }> {
  const signed = `${query}${query ? "&" : ""}recvWindow=60000&timestamp=${Date.now()}`;
  const res = await fetch(`${sim.httpUrl}${path}?${signed}&signature=${hmacHex(secret, signed)}`, {
    headers: { "X-MBX-APIKEY": apiKey },
  });
  return { status: res.status, body: await res.json() };
}

/** The REQUEST_WEIGHT count after one ticker.price (weight 1). */
async function weight(client: TestClient): Promise<number> {
  const reply = await client.request("ticker.price", { symbol: "BTCUSDT" });
  return reply.rateLimits!.find((l) => l.rateLimitType === "REQUEST_WEIGHT")!.count;
}

const ORDER_KEYS = [
  "avgPrice",
  "clientOrderId",
  "closePosition",
  "cumQuote",
  "executedQty",
  "goodTillDate",
  "orderId",
  "origQty",
  "origType",
  "positionSide",
  "price",
  "priceMatch",
  "priceProtect",
  "reduceOnly",
  "selfTradePreventionMode",
  "side",
  "status",
  "stopPrice",
  "symbol",
  "time",
  "timeInForce",
  "type",
  "updateTime",
  "workingType",
];

test("rest: openOrders lists the caller's resting orders in Binance's shape, weight 1 per symbol or 40", async () => {
  const sim = await startSimulator({ hmacKeys: HMAC_KEYS, clock: frozenClock() });
  const client = await TestClient.open(sim.url);
  const sign = { recvWindow: 60000 };
  try {
    const a = await client.signed("order.place", { ...limitOrder({ newClientOrderId: "a-rest" }), ...sign });
    const eth = limitOrder({
      symbol: "ETHUSDT",
      price: "2900.00",
      quantity: "0.01",
      newClientOrderId: "a-eth",
    });
    await client.signed("order.place", { ...eth, ...sign });
    const gone = await client.signed("order.place", {
      ...limitOrder({ newClientOrderId: "a-gone" }),
      ...sign,
    });
    await client.signed("order.cancel", { symbol: "BTCUSDT", orderId: gone.result.orderId, ...sign });
    await client.signed("order.place", {
      ...limitOrder({ newClientOrderId: "a-filled", price: "52000.00" }),
      ...sign,
    });
    await client.signed(
      "order.place",
      { ...limitOrder({ newClientOrderId: "b-rest" }), ...sign },
      HMAC_KEY_B,
      HMAC_SECRET_B,
    );

    const before = await weight(client);
    const all = await get(sim, "/fapi/v1/openOrders");
    assert.equal(all.status, 200);
    const listed = all.body as Record<string, unknown>[];
    assert.deepEqual(listed.map((o) => o.clientOrderId), ["a-rest", "a-eth"], "open, this account's only");
    assert.deepEqual(Object.keys(listed[0]!).sort(), ORDER_KEYS);
    assert.equal(listed[0]!.orderId, a.result.orderId);
    assert.deepEqual(
      [listed[0]!.status, listed[0]!.price, listed[0]!.origQty, listed[0]!.executedQty],
      ["NEW", "50000.00", "0.010", "0.000"],
    );
    assert.equal(await weight(client), before + 40 + 1, "no symbol: weight 40");

    const btc = await get(sim, "/fapi/v1/openOrders", "symbol=BTCUSDT");
    assert.deepEqual((btc.body as Record<string, unknown>[]).map((o) => o.clientOrderId), ["a-rest"]);
    assert.equal(await weight(client), before + 40 + 1 + 1 + 1, "one symbol: weight 1");
    const theirs = await get(sim, "/fapi/v1/openOrders", "", HMAC_KEY_B, HMAC_SECRET_B);
    assert.deepEqual((theirs.body as Record<string, unknown>[]).map((o) => o.clientOrderId), ["b-rest"]);
    assert.deepEqual(await get(sim, "/fapi/v1/openOrders", "symbol=FOOUSDT"), {
      status: 400,
      body: { code: -1121, msg: "Invalid symbol." },
    });
  } finally {
    await client.close();
    await sim.close();
  }
});

test("rest: openAlgoOrders lists the caller's untriggered conditional orders; algoOrder finds one in any status", async () => {
  const sim = await startSimulator({ hmacKeys: HMAC_KEYS, clock: frozenClock() });
  const client = await TestClient.open(sim.url);
  const stop = (extra: Record<string, unknown>) => ({
    algoType: "CONDITIONAL",
    symbol: "BTCUSDT",
    side: "SELL",
    type: "STOP_MARKET",
    quantity: "0.010",
    triggerPrice: "45000.00",
    recvWindow: 60000,
    ...extra,
  });
  try {
    const kept = await client.signed("algoOrder.place", stop({ clientAlgoId: "sl-kept" }));
    const dropped = await client.signed("algoOrder.place", stop({ clientAlgoId: "sl-dropped" }));
    await client.signed("algoOrder.cancel", { algoId: dropped.result.algoId, recvWindow: 60000 });
    await client.signed("algoOrder.place", stop({ clientAlgoId: "sl-b" }), HMAC_KEY_B, HMAC_SECRET_B);

    const all = await get(sim, "/fapi/v1/openAlgoOrders");
    assert.equal(all.status, 200);
    const listed = all.body as Record<string, unknown>[];
    assert.deepEqual(listed.map((o) => o.clientAlgoId), ["sl-kept"]);
    const o = listed[0]!;
    assert.deepEqual(
      [o.algoId, o.algoType, o.orderType, o.algoStatus, o.quantity, o.triggerPrice, o.price, o.actualOrderId],
      [kept.result.algoId, "CONDITIONAL", "STOP_MARKET", "NEW", "0.010", "45000.00", "0.00", ""],
    );
    for (
      const key of [
        "createTime",
        "updateTime",
        "triggerTime",
        "goodTillDate",
        "icebergQuantity",
        "tpOrderType",
      ]
    ) {
      assert.ok(key in o, key);
    }
    const byId = await get(sim, "/fapi/v1/openAlgoOrders", `algoId=${dropped.result.algoId}`);
    assert.deepEqual(byId.body, [], "a cancelled algo order is not open");
    const eth = await get(sim, "/fapi/v1/openAlgoOrders", "symbol=ETHUSDT&algoType=CONDITIONAL");
    assert.deepEqual(eth.body, []);
    const badType = await get(sim, "/fapi/v1/openAlgoOrders", "algoType=VP");
    assert.equal(badType.status, 400);
    assert.equal((badType.body as { code: number }).code, -1102);

    // One algo order, whatever its status: by client algo id or by algoId; another account's is not found.
    const one = (q: string, key = HMAC_KEY, secret = HMAC_SECRET) =>
      get(sim, "/fapi/v1/algoOrder", q, key, secret);
    const cancelled = await one("clientAlgoId=sl-dropped");
    assert.equal(cancelled.status, 200);
    assert.deepEqual(
      [
        (cancelled.body as Record<string, unknown>).algoId,
        (cancelled.body as Record<string, unknown>).algoStatus,
      ],
      [dropped.result.algoId, "CANCELED"],
    );
    const byAlgoId = (await one(`algoId=${kept.result.algoId}`)).body as Record<string, unknown>;
    assert.deepEqual([byAlgoId.clientAlgoId, byAlgoId.algoStatus], ["sl-kept", "NEW"]);
    const missing = await one("clientAlgoId=never-placed");
    assert.deepEqual([missing.status, (missing.body as { code: number }).code], [400, -2013]);
    const notYours = await one("clientAlgoId=sl-kept", HMAC_KEY_B, HMAC_SECRET_B);
    assert.equal((notYours.body as { code: number }).code, -2013);
    assert.equal((await one("")).status, 400); // neither algoId nor clientAlgoId
  } finally {
    await client.close();
    await sim.close();
  }
});

test("rest: the listings refuse an unknown key (-2015, 401), a wrong secret (-1022) and unknown params", async () => {
  const sim = await startSimulator({ hmacKeys: HMAC_KEYS });
  try {
    const unknownKey = await get(sim, "/fapi/v1/openOrders", "", "not-configured", HMAC_SECRET);
    assert.equal(unknownKey.status, 401);
    assert.equal((unknownKey.body as { code: number }).code, -2015);
    const wrongSecret = await get(sim, "/fapi/v1/openAlgoOrders", "", HMAC_KEY, "not-the-secret");
    assert.equal(wrongSecret.status, 400);
    assert.equal((wrongSecret.body as { code: number }).code, -1022);
    const extra = await get(sim, "/fapi/v1/openOrders", "orderId=1");
    assert.equal((extra.body as { code: number }).code, -1103);
    const unsigned = await fetch(`${sim.httpUrl}/fapi/v1/openOrders?timestamp=${Date.now()}`, {
      headers: { "X-MBX-APIKEY": HMAC_KEY },
    });
    assert.equal((await unsigned.json()).code, -1102, "no signature");
  } finally {
    await sim.close();
  }
});

test("rest: userTrades lists the caller's executions of a symbol (of one order with orderId), weight 5", async () => {
  const sim = await startSimulator({ hmacKeys: HMAC_KEYS, clock: frozenClock() });
  const client = await TestClient.open(sim.url);
  const sign = { recvWindow: 60000 };
  try {
    sim.setMarkPrice("BTCUSDT", "50000");
    const resting = await client.signed("order.place", { ...limitOrder({ quantity: "0.004" }), ...sign });
    sim.setMarkPrice("BTCUSDT", "49990", { fillQty: "0.001" });
    sim.setMarkPrice("BTCUSDT", "49980", { fillQty: "0.003" });
    await client.signed(
      "order.place",
      { ...limitOrder({ price: "49000.00" }), ...sign },
      HMAC_KEY_B,
      HMAC_SECRET_B,
    );

    const before = await weight(client);
    const one = await get(sim, "/fapi/v1/userTrades", `symbol=BTCUSDT&orderId=${resting.result.orderId}`);
    assert.equal(one.status, 200);
    const trades = one.body as Record<string, unknown>[];
    assert.deepEqual(trades.map((t) => [t.orderId, t.qty, t.price, t.side, t.buyer, t.maker]), [
      [resting.result.orderId, "0.001", "50000.00", "BUY", true, true],
      [resting.result.orderId, "0.003", "50000.00", "BUY", true, true],
    ]);
    assert.ok((trades[1]!.id as number) > (trades[0]!.id as number), "ids increase");
    assert.deepEqual(Object.keys(trades[0]!).sort(), [
      "buyer",
      "commission",
      "commissionAsset",
      "id",
      "maker",
      "orderId",
      "positionSide",
      "price",
      "qty",
      "quoteQty",
      "realizedPnl",
      "side",
      "symbol",
      "time",
    ]);
    assert.equal(await weight(client), before + 5 + 1, "weight 5");
    // Account B's order rests (no trade); only this account's executions are listed.
    const all = (await get(sim, "/fapi/v1/userTrades", "symbol=BTCUSDT")).body as Record<string, unknown>[];
    assert.deepEqual(all, trades);
    assert.deepEqual(
      (await get(sim, "/fapi/v1/userTrades", "symbol=BTCUSDT", HMAC_KEY_B, HMAC_SECRET_B)).body,
      [],
    );
    assert.deepEqual((await get(sim, "/fapi/v1/userTrades", "symbol=BTCUSDT&limit=1")).body, all.slice(-1));
    assert.deepEqual(await get(sim, "/fapi/v1/userTrades", ""), {
      status: 400,
      body: { code: -1102, msg: "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed." },
    });
  } finally {
    await client.close();
    await sim.close();
  }
});
