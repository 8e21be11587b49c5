/** A user-stream order update for tests: a NEW BUY LIMIT 0.004 @ 50000 (client id "a", order 7), then `over`. */
import type { OrderUpdate } from "../../lib/account/user_events.ts";

export const orderUpdate = (over: Partial<OrderUpdate> = {}): OrderUpdate => ({
  type: "order",
  eventTime: 100,
  time: 100,
  symbol: "BTCUSDT",
  clientOrderId: "a",
  side: "BUY",
  orderType: "LIMIT",
  timeInForce: "GTC",
  quantity: "0.004",
  price: "50000",
  avgPrice: "0",
  execution: "NEW",
  status: "NEW",
  orderId: 7,
  lastQty: "0",
  executedQty: "0",
  lastPrice: "0",
  tradeId: 0,
  maker: false,
  commission: "0",
  commissionAsset: "USDT",
  realizedProfit: "0",
  positionSide: "BOTH",
  ...over,
});
