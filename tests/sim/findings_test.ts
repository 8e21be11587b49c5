// The simulator differences found by comparing it request by request with the reference (issue 13, "Found" 4),
// each checked over a real socket. The binary-frame answer is in ws_server_test.ts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { startSimulator } from "../../lib/sim/mod.ts";
import { HMAC_KEYS, limitOrder, TestClient } from "./_helpers.ts";

async function withClient(fn: (client: TestClient) => Promise<void>): Promise<void> {
  const sim = await startSimulator({ hmacKeys: HMAC_KEYS });
  const client = await TestClient.open(sim.url);
  try {
    await fn(client);
  } finally {
    await client.close();
    await sim.close();
  }
}

test("findings: a legacy STOP_MARKET with stopPrice on order.place gets -4120 (use the algo API), not -1103", async () => {
  await withClient(async (client) => {
    for (const type of ["STOP_MARKET", "STOP", "TAKE_PROFIT", "TAKE_PROFIT_MARKET", "TRAILING_STOP_MARKET"]) {
      const reply = await client.signed("order.place", {
        symbol: "BTCUSDT",
        side: "SELL",
        type,
        quantity: "0.010",
        stopPrice: "48000",
      });
      assert.equal(reply.status, 400, type);
      assert.equal(reply.error?.code, -4120, type);
      assert.match(reply.error!.msg, /Algo Order API/);
    }
    // stopPrice on a LIMIT order is still an unknown parameter: it left order.place in 2026-06 (§5).
    const limit = await client.signed("order.place", limitOrder({ stopPrice: "48000" }));
    assert.equal(limit.error?.code, -1103);
  });
});

test("findings: order.modify to below the min notional gets -5029 and the order stays as it was", async () => {
  await withClient(async (client) => {
    const placed = await client.signed("order.place", limitOrder({ quantity: "0.010", price: "50000" }));
    const orderId = placed.result.orderId;
    const small = await client.signed("order.modify", {
      symbol: "BTCUSDT",
      orderId,
      side: "BUY",
      quantity: "0.001", // 50 USDT < 100
      price: "50000",
    });
    assert.equal(small.status, 400);
    assert.equal(small.error?.code, -5029);
    assert.match(small.error!.msg, /no smaller than 100/);
    const status = await client.signed("order.status", { symbol: "BTCUSDT", orderId });
    assert.equal(status.result.origQty, "0.010");
    assert.equal(status.result.status, "NEW");
    const ok = await client.signed("order.modify", {
      symbol: "BTCUSDT",
      orderId,
      side: "BUY",
      quantity: "0.002", // 100 USDT: at the minimum
      price: "50000",
    });
    assert.equal(ok.status, 200);
    assert.equal(ok.result.origQty, "0.002");
  });
});

const ASSET_KEYS = [
  "asset",
  "walletBalance",
  "unrealizedProfit",
  "marginBalance",
  "maintMargin",
  "initialMargin",
  "positionInitialMargin",
  "openOrderInitialMargin",
  "crossWalletBalance",
  "crossUnPnl",
  "availableBalance",
  "maxWithdrawAmount",
  "marginAvailable",
  "updateTime",
];

test("findings: v2/account.status nests assets[] (14 fields) and positions[] (unrealizedProfit) as the connector types", async () => {
  await withClient(async (client) => {
    const filled = await client.signed("order.place", {
      symbol: "BTCUSDT",
      side: "BUY",
      type: "MARKET",
      quantity: "0.010",
    });
    assert.equal(filled.status, 200);
    const reply = await client.signed("v2/account.status");
    assert.equal(reply.status, 200);
    const result = reply.result;
    assert.deepEqual(Object.keys(result.assets[0]), ASSET_KEYS);
    assert.equal(result.assets[0].marginAvailable, true);
    assert.equal(result.positions.length, 1);
    assert.deepEqual(Object.keys(result.positions[0]), [
      "symbol",
      "positionSide",
      "positionAmt",
      "unrealizedProfit",
      "isolatedMargin",
      "notional",
      "isolatedWallet",
      "initialMargin",
      "maintMargin",
      "updateTime",
    ]);
    assert.equal(result.positions[0].positionAmt, "0.010");
    assert.equal(typeof result.positions[0].unrealizedProfit, "string");
    // v1 keeps its own position shape (leverage, entryPrice, …), also with unrealizedProfit.
    const v1 = (await client.signed("account.status")).result;
    assert.deepEqual(Object.keys(v1.assets[0]), ASSET_KEYS);
    const btc = v1.positions.find((p: { symbol: string }) => p.symbol === "BTCUSDT");
    assert.equal(btc.unrealizedProfit, result.positions[0].unrealizedProfit);
    assert.equal(btc.isolated, false);
    assert.equal("unRealizedProfit" in btc, false);
    // The position methods keep unRealizedProfit (§11, connector 23.0.0).
    const position = (await client.signed("v2/account.position", { symbol: "BTCUSDT" })).result[0];
    assert.equal(position.unRealizedProfit, result.positions[0].unrealizedProfit);
  });
});

test("findings: every symbol's order ids start above 2^32", async () => {
  await withClient(async (client) => {
    for (const [symbol, price] of [["BTCUSDT", "50000"], ["ETHUSDT", "2990"]] as const) {
      const reply = await client.signed("order.place", limitOrder({ symbol, price, quantity: "0.100" }));
      assert.equal(reply.status, 200, symbol);
      assert.ok(reply.result.orderId > 2 ** 32, `${symbol} ${reply.result.orderId}`);
      assert.ok(Number.isSafeInteger(reply.result.orderId));
    }
  });
});

test("findings: an unknown method gets 400 -1020 with the request's id, not the retryable -1000", async () => {
  await withClient(async (client) => {
    const reply = await client.request("order.teleport", {}, "t-1");
    assert.equal(reply.id, "t-1");
    assert.equal(reply.status, 400);
    assert.equal(reply.error?.code, -1020);
    assert.match(reply.error!.msg, /order\.teleport/);
  });
});
