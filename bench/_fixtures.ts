/**
 * Shared inputs for the benchmarks: one realistic LIMIT order, a non-crossing IOC order for round trips (it
 * EXPIRES, so it reserves no margin however many are sent), the credentials of the vectors, a fixed Ed25519
 * test key pair, and the raised simulator limits the load benchmarks need (the simulator's defaults stay
 * Binance's).
 */
import type { PlaceOrderParams } from "../lib/types.ts";
import { CANNED_ORDER } from "../lib/wire/canned_order.ts";

export const API_KEY = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A";
export const SECRET_KEY = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";

/** A benchmark-only Ed25519 account (generated for these benchmarks; it guards nothing). */
export const ED25519_API_KEY = "bench-ed25519-api-key-0000000000000000000000000000000000000000000";
export const ED25519_PRIVATE_PEM = "-----BEGIN PRIVATE KEY-----\n" +
  "MC4CAQAwBQYDK2VwBCIEIOfNiLw88aoT9Uwc7p27v1KKoknpgHnb+ITtG5PYMoo9\n-----END PRIVATE KEY-----\n";
export const ED25519_PUBLIC_PEM = "-----BEGIN PUBLIC KEY-----\n" +
  "MCowBQYDK2VwAyEAFfp9uDVP5nJiliFxZfmXgiDJgE8Xdkmj7AAhSejI2j8=\n-----END PUBLIC KEY-----\n";

/** A BUY LIMIT GTC below the simulator's mark: the order the gateway's warm-up runs on, too. */
export const LIMIT_ORDER: PlaceOrderParams = { ...CANNED_ORDER };

/** A BUY LIMIT IOC below the simulator's mark (51000): it never crosses, EXPIREs at once, holds no margin. */
export const IOC_ORDER: PlaceOrderParams = {
  symbol: "BTCUSDT",
  side: "BUY",
  type: "LIMIT",
  quantity: "0.002",
  price: "50000.10",
  timeInForce: "IOC",
};

/** Simulator limits for load benchmarks: far above Binance's 300 orders / 10 s (the simulator's default). */
export const RAISED_LIMITS = {
  ordersPer10s: 1_000_000_000,
  ordersPerMinute: 1_000_000_000,
  weightPerMinute: 1_000_000_000,
} as const;

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
