import { test } from "node:test";
import assert from "node:assert/strict";
import { startSimulator } from "../../lib/sim/mod.ts";
import { HMAC_KEY, HMAC_KEY_B, HMAC_KEYS, HMAC_SECRET_B, limitOrder, TestClient, until } from "./_helpers.ts";

async function withSim(
  fn: (client: TestClient, sim: Awaited<ReturnType<typeof startSimulator>>) => Promise<void>,
) {
  const sim = await startSimulator({ hmacKeys: HMAC_KEYS });
  const client = await TestClient.open(sim.url);
  try {
    await fn(client, sim);
  } finally {
    await client.close();
    await sim.close();
  }
}

test("orders: a LIMIT BUY below the mark rests NEW with the §5.1 field set at the symbol's precision", async () => {
  await withSim(async (client, sim) => {
    const reply = await client.signed("order.place", limitOrder({ quantity: "0.01", price: "50000.1" }));
    assert.equal(reply.status, 200);
    const r = reply.result;
    assert.deepEqual(Object.keys(r), [
      "orderId",
      "symbol",
      "status",
      "clientOrderId",
      "price",
      "origQty",
      "executedQty",
      "cumQty",
      "timeInForce",
      "type",
      "reduceOnly",
      "closePosition",
      "side",
      "positionSide",
      "stopPrice",
      "workingType",
      "priceProtect",
      "origType",
      "priceMatch",
      "selfTradePreventionMode",
      "goodTillDate",
      "updateTime",
    ]);
    assert.equal(r.status, "NEW");
    assert.equal(r.price, "50000.10");
    assert.equal(r.origQty, "0.010");
    assert.equal(r.executedQty, "0.000");
    assert.match(r.clientOrderId, /^[\.A-Z\:/a-z0-9_-]{1,36}$/);
    assert.ok(Number.isSafeInteger(r.orderId));
    const [view] = sim.orders();
    assert.deepEqual(view, {
      orderId: r.orderId,
      symbol: "BTCUSDT",
      clientOrderId: r.clientOrderId,
      status: "NEW",
      side: "BUY",
      type: "LIMIT",
      price: "50000.10",
      origQty: "0.010",
      executedQty: "0.000",
      apiKey: HMAC_KEY,
    });
    const next = await client.signed("order.place", limitOrder());
    assert.equal(next.result.orderId, r.orderId + 1, "orderId increases per symbol");
  });
});

test("orders: a crossing LIMIT fills at the best ask, not its own price; ACK answers NEW, RESULT answers FILLED", async () => {
  await withSim(async (client, sim) => {
    const ack = await client.signed(
      "order.place",
      limitOrder({ price: "51500.00", newClientOrderId: "ack-1" }),
    );
    assert.equal(ack.result.status, "NEW");
    assert.equal(ack.result.executedQty, "0.000");
    const result = await client.signed(
      "order.place",
      limitOrder({ side: "SELL", price: "50900.00", newOrderRespType: "RESULT" }),
    );
    assert.equal(result.result.status, "FILLED");
    assert.equal(result.result.executedQty, "0.010");
    assert.deepEqual(sim.orders().map((o) => o.status), ["FILLED", "FILLED"]);
    const status = await client.signed("order.status", { symbol: "BTCUSDT", origClientOrderId: "ack-1" });
    assert.equal(status.result.status, "FILLED");
    assert.equal(status.result.avgPrice, "51000.10", "the book's best ask (mark 51000), not the limit");
    assert.equal(status.result.cumQuote, "510.00100");
    assert.equal(typeof status.result.time, "number");
  });
});

test("orders: MARKET fills at the best bid; IOC that does not cross expires", async () => {
  await withSim(async (client, sim) => {
    const market = await client.signed("order.place", {
      symbol: "ETHUSDT",
      side: "SELL",
      type: "MARKET",
      quantity: "0.5",
      newOrderRespType: "RESULT",
    });
    assert.equal(market.result.status, "FILLED");
    assert.equal(market.result.executedQty, "0.500");
    const status = await client.signed("order.status", { symbol: "ETHUSDT", orderId: market.result.orderId });
    assert.equal(status.result.avgPrice, "2999.99", "the book's best bid (mark 3000.00)");
    const ioc = await client.signed(
      "order.place",
      limitOrder({ timeInForce: "IOC", newOrderRespType: "RESULT" }),
    );
    assert.equal(ioc.result.status, "EXPIRED");
    assert.equal(sim.orders()[1]?.status, "EXPIRED");
    const position = await client.signed("v2/account.position", { symbol: "ETHUSDT" });
    assert.equal(position.result[0].positionAmt, "-0.500");
  });
});

test("orders: cancel gives CANCELED; cancelling again is -2011; another account cannot see the order", async () => {
  await withSim(async (client) => {
    const placed = await client.signed("order.place", limitOrder({ newClientOrderId: "c-1" }));
    const other = await client.signed(
      "order.cancel",
      { symbol: "BTCUSDT", orderId: placed.result.orderId },
      HMAC_KEY_B,
      HMAC_SECRET_B,
    );
    assert.equal(other.error?.code, -2011);
    const cancel = await client.signed("order.cancel", { symbol: "BTCUSDT", origClientOrderId: "c-1" });
    assert.equal(cancel.result.status, "CANCELED");
    assert.equal(cancel.rateLimits?.length, 1, "cancel lists only REQUEST_WEIGHT");
    const again = await client.signed("order.cancel", { symbol: "BTCUSDT", orderId: placed.result.orderId });
    assert.deepEqual(again.error, { code: -2011, msg: "Unknown order sent." });
    // The id is unique among open orders only: it can be reused now.
    assert.equal((await client.signed("order.place", limitOrder({ newClientOrderId: "c-1" }))).status, 200);
  });
});

test("orders: modify changes price and quantity; a modify that now crosses fills", async () => {
  await withSim(async (client) => {
    const placed = await client.signed("order.place", limitOrder());
    const modified = await client.signed("order.modify", {
      symbol: "BTCUSDT",
      orderId: placed.result.orderId,
      side: "BUY",
      quantity: "0.02",
      price: "49000.5",
      modifyId: 7,
    });
    assert.equal(modified.status, 200);
    assert.equal(modified.result.price, "49000.50");
    assert.equal(modified.result.origQty, "0.020");
    assert.equal(modified.result.status, "NEW");
    assert.equal(modified.result.modifyId, 7);
    assert.equal(modified.rateLimits?.length, 3, "modify lists both ORDERS windows");
    const crossed = await client.signed("order.modify", {
      symbol: "BTCUSDT",
      orderId: placed.result.orderId,
      side: "BUY",
      quantity: "0.02",
      price: "51000.1",
    });
    assert.equal(crossed.result.status, "FILLED", "51000.10 is the best ask at mark 51000");
  });
});

test("orders: setMarkPrice fills resting orders that now cross, at their own price", async () => {
  await withSim(async (client, sim) => {
    await client.signed("order.place", limitOrder({ price: "50000.00" }));
    await client.signed("order.place", limitOrder({ price: "49000.00" }));
    sim.setMarkPrice("BTCUSDT", "49999.90");
    assert.deepEqual(sim.orders().map((o) => o.status), ["FILLED", "NEW"]);
    const balance = await client.signed("v2/account.balance");
    assert.equal(balance.result[0].asset, "USDT");
    assert.equal(balance.result[0].balance, "9999.90000000", "the maker fee: 0.02 % of 500");
    assert.equal(balance.result[0].crossUnPnl, "-0.00100000", "0.01 × (49999.9 − 50000)");
  });
});

test("orders: algoOrder.place stores a conditional order the order endpoints cannot see; cancel works", async () => {
  await withSim(async (client, sim) => {
    const placed = await client.signed("algoOrder.place", {
      algoType: "CONDITIONAL",
      symbol: "BTCUSDT",
      side: "SELL",
      type: "STOP_MARKET",
      quantity: "0.010",
      triggerPrice: "48000.0",
      clientAlgoId: "stop-1",
    });
    assert.equal(placed.status, 200);
    assert.equal(placed.result.algoStatus, "NEW");
    assert.equal(placed.result.triggerPrice, "48000.00");
    assert.equal(sim.algoOrders()[0]?.clientAlgoId, "stop-1");
    const hidden = await client.signed("order.status", { symbol: "BTCUSDT", orderId: placed.result.algoId });
    assert.equal(hidden.error?.code, -2013);
    const immediate = await client.signed("algoOrder.place", {
      algoType: "CONDITIONAL",
      symbol: "BTCUSDT",
      side: "SELL",
      type: "STOP_MARKET",
      quantity: "0.010",
      triggerPrice: "52000.0",
    });
    assert.equal(immediate.error?.code, -2021);
    const cancel = await client.signed("algoOrder.cancel", { clientAlgoId: "stop-1" });
    assert.deepEqual(cancel.result, {
      algoId: placed.result.algoId,
      clientAlgoId: "stop-1",
      code: "200",
      msg: "success",
    });
    assert.equal(sim.algoOrders()[0]?.algoStatus, "CANCELED");
    assert.equal((await client.signed("algoOrder.cancel", { clientAlgoId: "stop-1" })).error?.code, -2011);
  });
});

test("orders: account methods and their v2 forms reflect fills; weights are 10 (v1) and 5 (v2)", async () => {
  await withSim(async (client) => {
    await client.signed("order.place", { symbol: "BTCUSDT", side: "BUY", type: "MARKET", quantity: "0.002" });
    const v1 = await client.signed("account.position", { symbol: "BTCUSDT" });
    assert.equal(v1.result[0].positionAmt, "0.002");
    assert.equal(v1.result[0].entryPrice, "51000.10000000", "the best ask");
    const v2 = await client.signed("v2/account.position");
    assert.deepEqual(
      v2.result.map((p: { symbol: string }) => p.symbol),
      ["BTCUSDT"],
      "v2 lists exposed symbols only",
    );
    const status = await client.signed("account.status");
    assert.equal(status.result.canTrade, true);
    assert.equal(status.result.totalPositionInitialMargin, "5.10000000", "102 notional / 20");
    const before = (await client.signed("v2/account.status")).rateLimits?.[0]?.count ?? 0;
    const after = (await client.signed("account.balance")).rateLimits?.[0]?.count ?? 0;
    assert.equal(after >= before ? after - before : after, 10, "v1 weighs 10 (window may roll over)");
  });
});

test("orders: userDataStream start/ping/stop need only the API key", async () => {
  await withSim(async (client) => {
    const start = await client.request("userDataStream.start", { apiKey: HMAC_KEY });
    assert.equal(typeof start.result.listenKey, "string");
    const again = await client.request("userDataStream.start", { apiKey: HMAC_KEY });
    assert.equal(again.result.listenKey, start.result.listenKey, "an active key is returned again");
    const ping = await client.request("userDataStream.ping", { apiKey: HMAC_KEY });
    assert.equal(ping.result.listenKey, start.result.listenKey);
    assert.deepEqual((await client.request("userDataStream.stop", { apiKey: HMAC_KEY })).result, {});
    assert.equal((await client.request("userDataStream.ping", { apiKey: HMAC_KEY })).error?.code, -1125);
    assert.equal((await client.request("userDataStream.start", {})).error?.code, -1102);
  });
});

test("orders: priceMatch OPPONENT fills at the mark, QUEUE rests a tick behind it", async () => {
  await withSim(async (client, sim) => {
    const base = { symbol: "BTCUSDT", side: "BUY", type: "LIMIT", timeInForce: "GTC", quantity: "0.010" };
    const opponent = await client.signed("order.place", {
      ...base,
      priceMatch: "OPPONENT",
      newOrderRespType: "RESULT",
    });
    assert.equal(opponent.result.status, "FILLED");
    const queue = await client.signed("order.place", { ...base, priceMatch: "QUEUE" });
    assert.equal(queue.result.price, "50999.90");
    await until(() => sim.orders().length === 2);
  });
});
