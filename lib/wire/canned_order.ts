/**
 * A canned order and its ack, in the shapes the order path handles every time: a LIMIT GTC order as a client
 * sends it, and the exchange's answer to it (id first, the order's result, `rateLimits`). The order path's
 * warm-up (`lib/gateway/order_path_warmer.ts`) runs each layer's own code on them while no order flows;
 * nothing built from them is ever sent, written or recorded.
 *
 * @module
 */

import type { OrderResult } from "../results.ts";
import type { PlaceOrderParams } from "../types.ts";
import { AnswerScanner } from "./answer_scanner.ts";
import { scanOrderResult } from "./lazy_result.ts";

/**
 * The client order id of the canned order (the router's pattern, never generated: its counter part is 0).
 *
 * @example
 * ```ts
 * CANNED_CLIENT_ORDER_ID; // "lr-warm-0"
 * ```
 */
export const CANNED_CLIENT_ORDER_ID = "lr-warm-0";

/**
 * The canned order, as a trader's `POST /orders` body carries it.
 *
 * @example
 * ```ts
 * CANNED_ORDER.type; // "LIMIT"
 * ```
 */
export const CANNED_ORDER: Readonly<PlaceOrderParams> = Object.freeze({
  symbol: "BTCUSDT",
  side: "BUY",
  type: "LIMIT",
  quantity: "0.002",
  price: "50000.10",
  timeInForce: "GTC",
});

/**
 * The canned order's `POST /orders` body.
 *
 * @example
 * ```ts
 * JSON.parse(CANNED_ORDER_BODY).symbol; // "BTCUSDT"
 * ```
 */
export const CANNED_ORDER_BODY: string = JSON.stringify(CANNED_ORDER);

/**
 * The exchange's ack of the canned order, answering request id 0 (no request has it: ids start at 1).
 *
 * @example
 * ```ts
 * CANNED_ACK.startsWith('{"id":0,"status":200,'); // true
 * ```
 */
export const CANNED_ACK: string = '{"id":0,"status":200,"result":{"orderId":1,"symbol":"BTCUSDT",' +
  `"status":"NEW","clientOrderId":"${CANNED_CLIENT_ORDER_ID}","price":"50000.10","avgPrice":"0.00",` +
  '"origQty":"0.002","executedQty":"0.000","cumQty":"0.000","cumQuote":"0.00000","timeInForce":"GTC",' +
  '"type":"LIMIT","reduceOnly":false,"closePosition":false,"side":"BUY","positionSide":"BOTH",' +
  '"stopPrice":"0.00","workingType":"CONTRACT_PRICE","priceProtect":false,"origType":"LIMIT",' +
  '"priceMatch":"NONE","selfTradePreventionMode":"EXPIRE_MAKER","goodTillDate":0,"updateTime":1}' +
  ',"rateLimits":[{"rateLimitType":"REQUEST_WEIGHT","interval":"MINUTE","intervalNum":1,"limit":2400,' +
  '"count":1},{"rateLimitType":"ORDERS","interval":"SECOND","intervalNum":10,"limit":300,"count":1},' +
  '{"rateLimitType":"ORDERS","interval":"MINUTE","intervalNum":1,"limit":1200,"count":1}]}';

/** Where the canned ack's result lies, read once by the pipeline's own scanner. */
const CANNED_ANSWER = new AnswerScanner();
CANNED_ANSWER.scan(CANNED_ACK);

/**
 * The canned ack's result as the router hands an ack's result to its caller: a new lazy result each call
 * (`scanOrderResult`), its common fields read from the ack's text.
 *
 * @example
 * ```ts
 * cannedOrderResult().clientOrderId; // "lr-warm-0"
 * ```
 */
export function cannedOrderResult(): OrderResult {
  const { resultStart, resultEnd } = CANNED_ANSWER.answer;
  return scanOrderResult(CANNED_ACK, resultStart, resultEnd)!;
}
