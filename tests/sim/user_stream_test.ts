import { test } from "node:test";
import assert from "node:assert/strict";
import { startSimulator } from "../../lib/sim/mod.ts";
import { HMAC_KEYS, limitOrder, TestClient } from "./_helpers.ts";
import { OTU_KEYS, startKey, type StreamEvent, StreamReader } from "./_stream.ts";

/** `[e, x, X]` of each event: the shape of a sequence at a glance. */
const kinds = (events: StreamEvent[]) => events.map((e) => [e.e, e.o?.x, e.o?.X]);

test("user stream: a resting order filled in two parts gives NEW, TRADE, ACCOUNT_UPDATE, TRADE, ACCOUNT_UPDATE", async () => {
  // Fees off: this test pins the event shapes; fees_test.ts covers the commission fields.
  const sim = await startSimulator({ hmacKeys: HMAC_KEYS, fees: { maker: "0", taker: "0" } });
  const client = await TestClient.open(sim.url);
  const key = await startKey(client);
  const stream = await StreamReader.open(`${sim.streamUrl}/private/ws?listenKey=${key}`);
  try {
    assert.equal(sim.streamUrl, `ws://127.0.0.1:${sim.port}`);
    const placed = await client.signed("order.place", limitOrder({ newClientOrderId: "part-1" }));
    const orderId = placed.result.orderId;
    sim.setMarkPrice("BTCUSDT", "49999.90", { fillQty: "0.004" });
    assert.deepEqual([sim.orders()[0]?.status, sim.orders()[0]?.executedQty], ["PARTIALLY_FILLED", "0.004"]);
    sim.setMarkPrice("BTCUSDT", "49999.90", { fillQty: "0.010" }); // more than is left: fills the 0.006
    assert.deepEqual([sim.orders()[0]?.status, sim.orders()[0]?.executedQty], ["FILLED", "0.010"]);

    const events = await stream.take(5);
    assert.deepEqual(kinds(events), [
      ["ORDER_TRADE_UPDATE", "NEW", "NEW"],
      ["ORDER_TRADE_UPDATE", "TRADE", "PARTIALLY_FILLED"],
      ["ACCOUNT_UPDATE", undefined, undefined],
      ["ORDER_TRADE_UPDATE", "TRADE", "FILLED"],
      ["ACCOUNT_UPDATE", undefined, undefined],
    ]);
    const [created, partial, account1, full, account2] = events;
    for (const e of events) {
      assert.deepEqual(
        Object.keys(e),
        e.e === "ORDER_TRADE_UPDATE" ? ["e", "E", "T", "o"] : ["e", "E", "T", "a"],
      );
      assert.ok(Number.isSafeInteger(e.E) && Number.isSafeInteger(e.T), "E and T are integers");
    }
    assert.deepEqual(Object.keys(created.o), OTU_KEYS);
    assert.deepEqual(created.o, {
      s: "BTCUSDT",
      c: "part-1",
      S: "BUY",
      o: "LIMIT",
      f: "GTC",
      q: "0.010",
      p: "50000.00",
      ap: "0.00",
      sp: "0.00",
      x: "NEW",
      X: "NEW",
      i: orderId,
      l: "0.000",
      z: "0.000",
      L: "0.00",
      N: "USDT",
      n: "0.00000000",
      T: created.T,
      t: 0,
      b: "500.00000000",
      a: "0.00000000",
      m: false,
      R: false,
      wt: "CONTRACT_PRICE",
      ot: "LIMIT",
      ps: "BOTH",
      cp: false,
      pP: false,
      si: 0,
      ss: 0,
      rp: "0.00000000",
      V: "NONE",
      pm: "NONE",
      gtd: 0,
      er: "0",
    });
    const pick = (o: StreamEvent, keys: string[]) => keys.map((k) => o[k]);
    const tradeKeys = ["i", "x", "X", "l", "z", "L", "ap", "m", "rp", "n", "b"];
    assert.deepEqual(pick(partial.o, tradeKeys), [
      orderId,
      "TRADE",
      "PARTIALLY_FILLED",
      "0.004",
      "0.004",
      "50000.00",
      "50000.00",
      true,
      "0.00000000",
      "0.00000000",
      "300.00000000",
    ]);
    assert.deepEqual(pick(full.o, tradeKeys), [
      orderId,
      "TRADE",
      "FILLED",
      "0.006",
      "0.010",
      "50000.00",
      "50000.00",
      true,
      "0.00000000",
      "0.00000000",
      "0.00000000",
    ]);
    assert.ok(partial.o.t > 0 && full.o.t > partial.o.t, "trade ids increase");
    assert.deepEqual(account1.a, {
      m: "ORDER",
      B: [{ a: "USDT", wb: "10000.00000000", cw: "10000.00000000", bc: "0.00000000" }],
      P: [{
        s: "BTCUSDT",
        pa: "0.004",
        ep: "50000.00000000",
        bep: "50000.00000000",
        cr: "0.00000000",
        up: "-0.00040000",
        mt: "cross",
        iw: "0.00000000",
        ps: "BOTH",
      }],
    });
    assert.equal(account2.a.P[0].pa, "0.010");
    assert.equal(account2.a.P[0].up, "-0.00100000", "0.010 × (49999.90 − 50000)");
    assert.equal(account1.T, partial.T, "an ACCOUNT_UPDATE shares its fill's T");
    assert.equal(account2.T, full.T);
    const orderTimes = [created, partial, full].map((e) => e.T);
    assert.ok(orderTimes[0] < orderTimes[1] && orderTimes[1] < orderTimes[2], "T increases per order");
    assert.ok(events.every((e, i) => i === 0 || e.E >= events[i - 1].E), "E never decreases");
    assert.ok(Math.abs(created.E - Date.now()) < 60_000, "E is on the sim clock (epoch ms)");

    const status = await client.signed("order.status", { symbol: "BTCUSDT", orderId });
    assert.deepEqual([status.result.status, status.result.executedQty], ["FILLED", "0.010"]);
    assert.ok(sim.stats().eventsSent >= 5);
    assert.equal(sim.stats().streamConnections, 1);
    assert.equal(sim.stats().connections, 1, "stream sockets are not ws-fapi connections");
  } finally {
    await stream.close();
    await client.close();
    await sim.close();
  }
});

test("user stream: closing a position in parts realises PnL per fill (rp, cr, wallet) and the balance follows", async () => {
  // Fees off (fees_test.ts covers them); the mark between 50999.90 and 51000.00 puts the best ask at 51000.00.
  const sim = await startSimulator({
    hmacKeys: HMAC_KEYS,
    markPrices: { BTCUSDT: "50999.95" },
    fees: { maker: "0", taker: "0" },
  });
  const client = await TestClient.open(sim.url);
  const key = await startKey(client);
  const stream = await StreamReader.open(`${sim.streamUrl}/private/ws?listenKey=${key}`);
  try {
    await client.signed("order.place", { symbol: "BTCUSDT", side: "BUY", type: "MARKET", quantity: "0.010" });
    const opened = await stream.take(3);
    assert.deepEqual(kinds(opened), [
      ["ORDER_TRADE_UPDATE", "NEW", "NEW"],
      ["ORDER_TRADE_UPDATE", "TRADE", "FILLED"],
      ["ACCOUNT_UPDATE", undefined, undefined],
    ]);
    assert.deepEqual([opened[0].o.o, opened[0].o.p, opened[1].o.L, opened[1].o.m], [
      "MARKET",
      "0.00",
      "51000.00",
      false,
    ]);
    assert.deepEqual([opened[2].a.P[0].pa, opened[2].a.P[0].ep], ["0.010", "51000.00000000"]);

    await client.signed(
      "order.place",
      limitOrder({ side: "SELL", price: "52000.00", newClientOrderId: "tp-1" }),
    );
    sim.setMarkPrice("BTCUSDT", "52000.00", { fillQty: "0.004" });
    sim.setMarkPrice("BTCUSDT", "52100.00");
    const events = (await stream.take(3 + 5)).slice(3);
    assert.deepEqual(kinds(events), [
      ["ORDER_TRADE_UPDATE", "NEW", "NEW"],
      ["ORDER_TRADE_UPDATE", "TRADE", "PARTIALLY_FILLED"],
      ["ACCOUNT_UPDATE", undefined, undefined],
      ["ORDER_TRADE_UPDATE", "TRADE", "FILLED"],
      ["ACCOUNT_UPDATE", undefined, undefined],
    ]);
    const [created, first, afterFirst, last, afterLast] = events;
    assert.equal(created.o.a, "520.00000000", "ask notional of the resting SELL");
    assert.deepEqual([first.o.l, first.o.L, first.o.rp], ["0.004", "52000.00", "4.00000000"]);
    assert.deepEqual(afterFirst.a.B[0], {
      a: "USDT",
      wb: "10004.00000000",
      cw: "10004.00000000",
      bc: "0.00000000",
    });
    const p1 = afterFirst.a.P[0];
    assert.deepEqual([p1.pa, p1.ep, p1.cr, p1.up], ["0.006", "51000.00000000", "4.00000000", "6.00000000"]);
    assert.deepEqual([last.o.l, last.o.z, last.o.L, last.o.rp], ["0.006", "0.010", "52000.00", "6.00000000"]);
    assert.equal(afterLast.a.B[0].wb, "10010.00000000");
    const p2 = afterLast.a.P[0];
    assert.deepEqual([p2.pa, p2.ep, p2.cr, p2.up], ["0.000", "0.00000000", "10.00000000", "0.00000000"]);

    const balance = await client.signed("v2/account.balance");
    assert.equal(balance.result[0].balance, "10010.00000000");
    const position = await client.signed("account.position", { symbol: "BTCUSDT" });
    assert.equal(position.result[0].positionAmt, "0.000");
  } finally {
    await stream.close();
    await client.close();
    await sim.close();
  }
});
