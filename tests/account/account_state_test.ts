import { test } from "node:test";
import assert from "node:assert/strict";
import { AccountState } from "../../lib/account/account_state.ts";
import type { OrderUpdate } from "../../lib/account/user_events.ts";

const trade = (over: Partial<OrderUpdate>): OrderUpdate => ({
  type: "order",
  eventTime: 10,
  time: 10,
  symbol: "BTCUSDT",
  clientOrderId: "lr-1",
  side: "BUY",
  orderType: "LIMIT",
  timeInForce: "GTC",
  quantity: "0.002",
  price: "50000",
  avgPrice: "50000",
  execution: "TRADE",
  status: "PARTIALLY_FILLED",
  orderId: 1,
  lastQty: "0.001",
  executedQty: "0.001",
  lastPrice: "50000",
  tradeId: 1,
  maker: true,
  commission: "0",
  commissionAsset: "USDT",
  realizedProfit: "0",
  positionSide: "BOTH",
  ...over,
});

test("AccountState: a fill is logged before the order state it led to; a replayed trade counts once", () => {
  const fills: string[] = [];
  const account = new AccountState({ onFill: (f) => void fills.push(`${f.tradeId}`) });
  account.orders.intent("lr-1", "order.place", {
    symbol: "BTCUSDT",
    side: "BUY",
    type: "LIMIT",
    quantity: "0.002",
  }, "");
  const types: string[] = [];
  account.subscribe((e) => void types.push(e.type));
  account.apply(trade({}));
  account.apply(trade({})); // the same event twice
  account.apply(trade({ time: 20, tradeId: 2, status: "FILLED", executedQty: "0.002" }));
  assert.deepEqual(types, ["fill", "order", "fill", "order"]);
  assert.deepEqual(fills, ["1", "2"]);
  assert.equal(account.fills.total, 2);
  assert.deepEqual(account.fills.list().map((f) => f.tradeId), [2, 1], "newest first");
  assert.equal(account.orders.get("lr-1")?.status, "FILLED");
});

test("AccountState: positions and balances from events; an older snapshot never undoes them", () => {
  const account = new AccountState();
  const seen: string[] = [];
  account.subscribe((e) => void seen.push(e.type), ["position", "balance"]);
  account.apply({
    type: "account",
    eventTime: 100,
    time: 100,
    reason: "ORDER",
    balances: [{ asset: "USDT", walletBalance: "9990", crossWalletBalance: "9990" }],
    positions: [{
      symbol: "BTCUSDT",
      positionSide: "BOTH",
      positionAmt: "0.002",
      entryPrice: "50000",
      unrealizedProfit: "0",
    }],
  });
  assert.deepEqual(seen, ["balance", "position"]);
  // Requested before the event (asOf 90) and stamped 50: stale, ignored.
  account.applyPositionSnapshot([{
    symbol: "BTCUSDT",
    positionSide: "BOTH",
    positionAmt: "0",
    updateTime: 50,
  }], 90);
  assert.equal(account.book.positions()[0]?.positionAmt, "0.002");
  // A newer snapshot that no longer lists the position: it was closed.
  account.applyPositionSnapshot([], 200);
  assert.deepEqual(account.book.positions(), []);
  assert.equal(account.book.positions({ all: true })[0]?.positionAmt, "0");
  account.applyBalanceSnapshot([{
    asset: "USDT",
    balance: "9000",
    crossWalletBalance: "9000",
    updateTime: 300,
  }], 300);
  assert.equal(account.book.balances()[0]?.walletBalance, "9000");
  assert.deepEqual(seen, ["balance", "position", "position", "balance"]);
});

test("AccountState: an algo update finishes the conditional order", () => {
  const account = new AccountState();
  account.orders.intent(
    "alg-1",
    "algoOrder.place",
    { symbol: "BTCUSDT", side: "SELL", type: "STOP_MARKET" },
    "",
  );
  account.orders.ack("alg-1", { clientAlgoId: "alg-1", algoId: 5, algoStatus: "NEW" }, "algoOrder.place");
  account.apply({
    type: "algo",
    eventTime: 2,
    time: 2,
    symbol: "BTCUSDT",
    clientAlgoId: "alg-1",
    algoId: 5,
    side: "SELL",
    orderType: "STOP_MARKET",
    quantity: "0.002",
    triggerPrice: "40000",
    price: "0",
    status: "CANCELED",
    actualOrderId: undefined,
  });
  assert.equal(account.orders.get("alg-1")?.state, "finished");
});
