import { test } from "node:test";
import assert from "node:assert/strict";
import { type Fill, FillBook } from "../../lib/account/fills.ts";

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

test("FillBook: an order's recorded quantity outlives its fills in the ring, for the last `capacity` orders retired", () => {
  const book = new FillBook({ capacity: 2 });
  book.add(fill(1, 1));
  book.add(fill(2, 1));
  book.add(fill(3, 2)); // order 1's first fill leaves the ring
  assert.equal(book.filledQty("BTCUSDT", 1), 0.002, "still both of order 1's fills");
  book.add(fill(4, 3)); // order 1's last fill leaves: order 1 is retired
  book.add(fill(5, 4)); // order 2 retired
  assert.deepEqual([1, 2].map((o) => book.filledQty("BTCUSDT", o)), [0.002, 0.001]);
  book.add(fill(6, 1)); // order 1 fills again: back, its sum carried on; order 3 retired
  assert.equal(book.filledQty("BTCUSDT", 1), 0.003);
  book.add(fill(7, 5)); // order 4 retired: the last two retired are orders 3 and 4
  assert.deepEqual([2, 3, 4].map((o) => book.filledQty("BTCUSDT", o)), [0, 0.001, 0.001]);
});

test("FillBook: an order retired, back and retired again keeps its newer place among the retired", () => {
  const book = new FillBook({ capacity: 3 });
  book.add(fill(1, 1));
  for (const t of [2, 3, 4]) book.add(fill(t, 2)); // order 1 retired (the oldest retired place)
  book.add(fill(5, 1)); // order 1 back
  book.add(fill(6, 3));
  book.add(fill(7, 4)); // order 2 retired
  book.add(fill(8, 5)); // order 1 retired again: the retired are 1 (old place), 2, 1
  book.add(fill(9, 6)); // order 3 retired: order 1's old place is reused, its newer one stands
  assert.equal(book.filledQty("BTCUSDT", 1), 0.002);
});
