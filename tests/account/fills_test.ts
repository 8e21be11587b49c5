import { test } from "node:test";
import assert from "node:assert/strict";
import { AccountState } from "../../lib/account/account_state.ts";
import { type Fill, FillBook } from "../../lib/account/fills.ts";

const PLACE = { symbol: "BTCUSDT", side: "BUY", type: "LIMIT", quantity: "0.001", price: "50000" };

const fill = (tradeId: number, orderId: number): Fill => ({
  symbol: "BTCUSDT",
  orderId,
  clientOrderId: `lr-${orderId}`,
  tradeId,
  side: "BUY",
  price: "50000",
  qty: "0.001",
  commission: "0.02",
  commissionAsset: "USDT",
  realizedProfit: "0",
  maker: true,
  time: 1_700_000_000_000 + tradeId,
});

test("FillBook: an order's recorded quantity outlives its fills in the ring, until the order is forgotten", () => {
  const book = new FillBook({ capacity: 2 });
  book.add(fill(1, 1));
  book.add(fill(2, 1));
  book.add(fill(3, 2)); // order 1's first fill leaves the ring
  assert.equal(book.filledQty("BTCUSDT", 1), 0.002, "still both of order 1's fills");
  for (let t = 4; t < 40; t++) book.add(fill(t, t)); // many more orders: order 1's fills are long gone
  assert.equal(book.filledQty("BTCUSDT", 1), 0.002);
  book.add(fill(40, 1)); // order 1 fills again: its sum carried on
  assert.equal(book.filledQty("BTCUSDT", 1), 0.003);
  book.forgetOrder("BTCUSDT", 1); // the account no longer tracks it
  assert.equal(book.filledQty("BTCUSDT", 1), 0);
});

test("AccountState: an order's fill sum is forgotten when the tracker lets the finished order go", () => {
  const account = new AccountState({ historyCapacity: 2 });
  const finish = (cid: string, orderId: number) => {
    account.orders.intent(cid, "order.place", PLACE, "newClientOrderId");
    account.orders.ack(cid, { clientOrderId: cid, orderId, status: "NEW", updateTime: 1 }, "order.place");
    account.recordFill(fill(orderId, orderId));
    account.orders.apply({
      clientOrderId: cid,
      orderId,
      status: "FILLED",
      executedQty: "0.001",
      updateTime: 2,
    });
  };
  finish("a", 1);
  finish("b", 2);
  assert.equal(account.fills.filledQty("BTCUSDT", 1), 0.001);
  finish("c", 3); // three finished orders, two kept: "a" leaves the tracker, and its sum with it
  assert.equal(account.orders.get("a"), undefined);
  assert.equal(account.fills.filledQty("BTCUSDT", 1), 0);
  assert.equal(account.fills.filledQty("BTCUSDT", 2), 0.001);
});
