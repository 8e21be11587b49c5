import { test } from "node:test";
import assert from "node:assert/strict";
import { startSimulator } from "../../lib/sim/mod.ts";
import { HMAC_KEY_B, HMAC_KEYS, HMAC_SECRET_B, limitOrder, TestClient } from "./_helpers.ts";
import { OTU_KEYS, RawStream, startKey, type StreamEvent, streamPath } from "./_stream.ts";

const kinds = (events: StreamEvent[]) => events.map((e) => [e.e, e.o?.x ?? e.o?.X]);

const STOP = {
  algoType: "CONDITIONAL",
  symbol: "BTCUSDT",
  side: "SELL",
  type: "STOP_MARKET",
  quantity: "0.010",
  triggerPrice: "48000.0",
  clientAlgoId: "stop-1",
};

test("user stream: modify, cancel, IOC, an order that fills at once and algo orders, from any connection of the account", async () => {
  const sim = await startSimulator({ hmacKeys: HMAC_KEYS });
  const client = await TestClient.open(sim.url);
  const other = await TestClient.open(sim.url);
  const key = await startKey(client);
  const stream = await RawStream.open(sim.port, streamPath(key));
  try {
    // Placed on the other connection: the stream is per account, not per connection.
    const placed = await other.signed("order.place", limitOrder({ newClientOrderId: "a-1" }));
    const id = placed.result.orderId;
    const [created, ...none] = await stream.drain();
    assert.deepEqual(none, []);
    assert.deepEqual([created.o.x, created.o.c, created.o.i], ["NEW", "a-1", id]);

    await client.signed("order.modify", {
      symbol: "BTCUSDT",
      orderId: id,
      side: "BUY",
      quantity: "0.02",
      price: "49000.5",
      modifyId: 7,
    });
    const amended = await stream.drain();
    assert.deepEqual(kinds(amended), [["ORDER_TRADE_UPDATE", "AMENDMENT"]]);
    const o = amended[0].o;
    assert.deepEqual(Object.keys(o), [...OTU_KEYS.slice(0, 12), "M", ...OTU_KEYS.slice(12)]);
    assert.deepEqual([o.X, o.p, o.q, o.M, o.i, o.b], ["NEW", "49000.50", "0.020", 7, id, "980.01000000"]);
    assert.ok(amended[0].T > created.T);

    await client.signed("order.cancel", { symbol: "BTCUSDT", orderId: id });
    const [canceled, ...rest] = await stream.drain();
    assert.deepEqual(rest, []);
    assert.deepEqual(
      [canceled.o.x, canceled.o.X, canceled.o.z, canceled.o.b, canceled.o.er],
      ["CANCELED", "CANCELED", "0.000", "0.00000000", "0"],
    );

    await client.signed("order.place", limitOrder({ timeInForce: "IOC", newClientOrderId: "ioc-1" }));
    const ioc = await stream.drain();
    assert.deepEqual(kinds(ioc), [["ORDER_TRADE_UPDATE", "NEW"], ["ORDER_TRADE_UPDATE", "EXPIRED"]]);
    assert.deepEqual([ioc[1].o.X, ioc[1].o.er, ioc[1].o.c, ioc[1].o.f], ["EXPIRED", "2", "ioc-1", "IOC"]);
    assert.ok(ioc[1].T > ioc[0].T, "T increases per order");

    await client.signed("order.place", limitOrder({ price: "51500.00" }));
    const taken = await stream.drain();
    assert.deepEqual(kinds(taken), [
      ["ORDER_TRADE_UPDATE", "NEW"],
      ["ORDER_TRADE_UPDATE", "TRADE"],
      ["ACCOUNT_UPDATE", undefined],
    ]);
    assert.deepEqual([taken[1].o.X, taken[1].o.m, taken[1].o.L, taken[1].o.l], [
      "FILLED",
      false,
      "51000.10", // the best ask at mark 51000, not the limit
      "0.010",
    ]);
    assert.equal(taken[2].a.P[0].pa, "0.010");

    // Another account's order is not on this key's stream.
    await client.signed("order.place", limitOrder({ price: "51500.00" }), HMAC_KEY_B, HMAC_SECRET_B);
    assert.deepEqual(await stream.drain(), []);

    const algo = await client.signed("algoOrder.place", STOP);
    const [algoNew] = await stream.drain();
    assert.deepEqual(Object.keys(algoNew), ["e", "T", "E", "o"]);
    assert.deepEqual(algoNew.o, {
      caid: "stop-1",
      aid: algo.result.algoId,
      at: "CONDITIONAL",
      o: "STOP_MARKET",
      s: "BTCUSDT",
      S: "SELL",
      ps: "BOTH",
      f: "GTC",
      q: "0.010",
      X: "NEW",
      ai: "",
      ap: "0.00",
      aq: "0.000",
      act: "0",
      tp: "48000.00",
      p: "0.00",
      V: "NONE",
      wt: "CONTRACT_PRICE",
      pm: "NONE",
      cp: false,
      pP: false,
      R: false,
      tt: 0,
      gtd: 0,
      rm: "",
    });
    await client.signed("algoOrder.cancel", { clientAlgoId: "stop-1" });
    const algoCanceled = await stream.drain();
    assert.deepEqual(kinds(algoCanceled), [["ALGO_UPDATE", "CANCELED"]]);
    assert.equal(algoCanceled[0].o.aid, algo.result.algoId);
    assert.ok(algoCanceled[0].E > algoNew.E);
  } finally {
    stream.destroy();
    await other.close();
    await client.close();
    await sim.close();
  }
});

test("user stream: events= is a /-separated allow list; without it every event is sent", async () => {
  const sim = await startSimulator({ hmacKeys: HMAC_KEYS });
  const client = await TestClient.open(sim.url);
  const key = await startKey(client);
  const orders = await RawStream.open(sim.port, streamPath(key, "ORDER_TRADE_UPDATE"));
  const others = await RawStream.open(sim.port, streamPath(key, "ACCOUNT_UPDATE/ALGO_UPDATE"));
  const encoded = await RawStream.open(sim.port, streamPath(key, "ACCOUNT_UPDATE%2FALGO_UPDATE"));
  const everything = await RawStream.open(sim.port, streamPath(key));
  try {
    await client.signed("order.place", limitOrder({ price: "51500.00" }));
    await client.signed("algoOrder.place", STOP);
    assert.deepEqual(kinds(await orders.drain()), [
      ["ORDER_TRADE_UPDATE", "NEW"],
      ["ORDER_TRADE_UPDATE", "TRADE"],
    ]);
    const expected = [["ACCOUNT_UPDATE", undefined], ["ALGO_UPDATE", "NEW"]];
    assert.deepEqual(kinds(await others.drain()), expected);
    assert.deepEqual(kinds(await encoded.drain()), expected, "a percent-encoded / separates too");
    assert.deepEqual((await everything.drain()).map((e) => e.e), [
      "ORDER_TRADE_UPDATE",
      "ORDER_TRADE_UPDATE",
      "ACCOUNT_UPDATE",
      "ALGO_UPDATE",
    ]);
    assert.equal(sim.stats().streamConnections, 4, "several sockets per key");
  } finally {
    for (const s of [orders, others, encoded, everything]) s.destroy();
    await client.close();
    await sim.close();
  }
});

test("user stream: a partially filled order can be amended, cancelled by a modify to executed qty or below, and cancelled", async () => {
  const sim = await startSimulator({ hmacKeys: HMAC_KEYS });
  const client = await TestClient.open(sim.url);
  const key = await startKey(client);
  const stream = await RawStream.open(sim.port, streamPath(key, "ORDER_TRADE_UPDATE"));
  try {
    const first = await client.signed("order.place", limitOrder({ newClientOrderId: "p-1" }));
    const second = await client.signed("order.place", limitOrder({ newClientOrderId: "p-2" }));
    sim.setMarkPrice("BTCUSDT", "50000.00", { fillQty: "0.003" });
    assert.deepEqual(kinds((await stream.drain()).slice(2)), [
      ["ORDER_TRADE_UPDATE", "TRADE"],
      ["ORDER_TRADE_UPDATE", "TRADE"],
    ]);
    sim.setMarkPrice("BTCUSDT", "51000.00");
    const modify = (orderId: number, quantity: string) =>
      client.signed("order.modify", { symbol: "BTCUSDT", orderId, side: "BUY", quantity, price: "49000.00" });
    const amended = await modify(first.result.orderId, "0.020");
    assert.deepEqual([amended.result.status, amended.result.executedQty], ["PARTIALLY_FILLED", "0.003"]);
    const [amendment] = await stream.drain();
    assert.deepEqual(
      [amendment.o.x, amendment.o.X, amendment.o.q, amendment.o.z, amendment.o.b],
      ["AMENDMENT", "PARTIALLY_FILLED", "0.020", "0.003", "1183.00000000"],
    );
    const killed = await modify(second.result.orderId, "0.003");
    assert.equal(killed.result.status, "CANCELED", "new qty ≤ executed qty cancels (ws-fapi.md §4)");
    const [modifyCancel] = await stream.drain();
    assert.deepEqual([modifyCancel.o.x, modifyCancel.o.X, modifyCancel.o.z], [
      "CANCELED",
      "CANCELED",
      "0.003",
    ]);
    const canceled = await client.signed("order.cancel", {
      symbol: "BTCUSDT",
      orderId: first.result.orderId,
    });
    assert.deepEqual([canceled.result.status, canceled.result.executedQty], ["CANCELED", "0.003"]);
    const [cancel] = await stream.drain();
    assert.deepEqual([cancel.o.x, cancel.o.z, cancel.o.ap], ["CANCELED", "0.003", "50000.00"]);
    const position = await client.signed("v2/account.position", { symbol: "BTCUSDT" });
    assert.equal(position.result[0].positionAmt, "0.006", "both partial fills are booked");
    assert.equal(position.result[0].openOrderInitialMargin, "0.00000000", "no margin left reserved");
  } finally {
    stream.destroy();
    await client.close();
    await sim.close();
  }
});
