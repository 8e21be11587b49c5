/**
 * Binance's official connector (`@binance/derivatives-trading-usds-futures`, whose WebSocket API client is
 * `@binance/common`'s `WebsocketAPIBase`) turning one order into a ws-fapi frame, as `sendMessage` does before
 * the socket: `buildWebsocketAPIMessage` (random 32-hex id, removeEmptyValue, normalizeScientificNumbers,
 * apiKey + timestamp, sortObject, `getSignature` → cached `RequestSigner` → node:crypto `createHmac` over the
 * percent-encoded query string) and `JSON.stringify`. On a logged-on session (`skipAuth`) it adds only the
 * timestamp. Its per-send `redactMessage` for the debug log is left out: this is the SDK's floor.
 */
import { buildWebsocketAPIMessage, ConfigurationWebsocketAPI } from "@binance/common";
import type { PlaceOrderParams } from "../../lib/types.ts";

/**
 * A function that builds one `order.place` frame for `order` with the connector's code: HMAC-signed, or
 * unsigned on a logged-on Ed25519 session (`session: true`).
 */
export function officialConnectorFrameBuilder(
  apiKey: string,
  apiSecret: string,
  order: PlaceOrderParams,
  session = false,
): () => string {
  const configuration = new ConfigurationWebsocketAPI({ apiKey, apiSecret });
  // The connector's own order type takes numbers for quantity and price.
  const numeric = { ...order, quantity: Number(order.quantity), price: Number(order.price) };
  return () => {
    const message = buildWebsocketAPIMessage(
      configuration,
      "order.place",
      { ...numeric },
      { isSigned: true, withApiKey: false },
      session,
    );
    return JSON.stringify(message);
  };
}
