/** Shared inputs for the benchmarks: one realistic LIMIT order and the credentials of the vectors. */
import type { PlaceOrderParams } from "../lib/types.ts";

export const API_KEY = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A";
export const SECRET_KEY = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";

export const LIMIT_ORDER: PlaceOrderParams = {
  symbol: "BTCUSDT",
  side: "BUY",
  type: "LIMIT",
  quantity: "0.002",
  price: "50000.10",
  timeInForce: "GTC",
};

/** A realistic ack for request `id` (the shape Binance returns for a NEW LIMIT order, with rateLimits). */
export function ackFrame(id: number): string {
  return `{"id":${id},"status":200,"result":{"orderId":336829446,"symbol":"BTCUSDT","status":"NEW",` +
    `"clientOrderId":"lr-abcdefgh-xyz-${id}","price":"50000.10","origQty":"0.002","executedQty":"0.000",` +
    `"cumQty":"0.000","timeInForce":"GTC","type":"LIMIT","reduceOnly":false,"closePosition":false,"side":"BUY",` +
    `"positionSide":"BOTH","stopPrice":"0.00","workingType":"CONTRACT_PRICE","priceProtect":false,` +
    `"origType":"LIMIT","priceMatch":"NONE","selfTradePreventionMode":"NONE","goodTillDate":0,` +
    `"updateTime":1705385954229},"rateLimits":[{"rateLimitType":"REQUEST_WEIGHT","interval":"MINUTE",` +
    `"intervalNum":1,"limit":2400,"count":1},{"rateLimitType":"ORDERS","interval":"SECOND","intervalNum":10,` +
    `"limit":300,"count":1},{"rateLimitType":"ORDERS","interval":"MINUTE","intervalNum":1,"limit":1200,"count":0}]}`;
}
