import { test } from "node:test";
import assert from "node:assert/strict";
import { parseUserEvent } from "../../lib/account/user_events.ts";

test("parseUserEvent: ORDER_TRADE_UPDATE with its one-letter keys", () => {
  const e = parseUserEvent(JSON.stringify({
    e: "ORDER_TRADE_UPDATE",
    E: 1001,
    T: 1000,
    o: {
      s: "BTCUSDT",
      c: "lr-1",
      S: "BUY",
      o: "LIMIT",
      f: "GTC",
      q: "0.004",
      p: "50000",
      ap: "50000",
      x: "TRADE",
      X: "PARTIALLY_FILLED",
      i: 4000000001,
      l: "0.001",
      z: "0.001",
      L: "50000",
      N: "USDT",
      n: "0.02",
      T: 1000,
      t: 77,
      m: true,
      rp: "0",
      ps: "BOTH",
    },
  }));
  assert.ok(e?.type === "order");
  assert.deepEqual(
    [e.time, e.status, e.execution, e.orderId, e.lastQty, e.executedQty, e.lastPrice, e.tradeId, e.maker],
    [1000, "PARTIALLY_FILLED", "TRADE", 4000000001, "0.001", "0.001", "50000", 77, true],
  );
  assert.deepEqual([e.commission, e.commissionAsset], ["0.02", "USDT"]);
  assert.equal(e.timeInForce, "GTC");
});

test("parseUserEvent: ACCOUNT_UPDATE, ALGO_UPDATE, listenKeyExpired (E as string or number), others", () => {
  const a = parseUserEvent(JSON.stringify({
    e: "ACCOUNT_UPDATE",
    E: 5,
    T: 4,
    a: {
      m: "ORDER",
      B: [{ a: "USDT", wb: "100", cw: "100", bc: "0" }],
      P: [{ s: "BTCUSDT", pa: "0.001", ep: "50000", up: "1", ps: "BOTH" }],
    },
  }));
  assert.ok(a?.type === "account");
  assert.deepEqual(a.balances, [{ asset: "USDT", walletBalance: "100", crossWalletBalance: "100" }]);
  assert.deepEqual(a.positions[0], {
    symbol: "BTCUSDT",
    positionSide: "BOTH",
    positionAmt: "0.001",
    entryPrice: "50000",
    unrealizedProfit: "1",
  });
  const algo = parseUserEvent(
    '{"e":"ALGO_UPDATE","E":2,"T":1,"o":{"caid":"x","aid":9,"s":"BTCUSDT","X":"CANCELED"}}',
  );
  assert.ok(algo?.type === "algo");
  assert.deepEqual([algo.clientAlgoId, algo.algoId, algo.status, algo.actualOrderId], [
    "x",
    9,
    "CANCELED",
    undefined,
  ]);
  // Triggered: `ai` is the regular order's id, sent as text ("" before the trigger).
  for (
    const [ai, id] of [['"88937381063"', 88937381063], ['""', undefined], ["0", undefined], ["5", 5]] as const
  ) {
    const t = parseUserEvent(
      `{"e":"ALGO_UPDATE","E":2,"T":1,"o":{"caid":"x","aid":9,"X":"TRIGGERED","ai":${ai}}}`,
    );
    assert.ok(t?.type === "algo");
    assert.equal(t.actualOrderId, id, ai);
  }
  assert.deepEqual(parseUserEvent('{"e":"listenKeyExpired","E":"7","listenKey":"k"}'), {
    type: "listen-key-expired",
    eventTime: 7,
    listenKey: "k",
  });
  assert.deepEqual(parseUserEvent('{"e":"MARGIN_CALL","E":1}'), { type: "other", name: "MARGIN_CALL" });
  assert.equal(parseUserEvent("not json"), undefined);
  assert.equal(parseUserEvent('{"result":null,"id":1}'), undefined);
});
