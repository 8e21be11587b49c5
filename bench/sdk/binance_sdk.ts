/**
 * The `binance` package (tiagosiebler) turning one futures order into a ws-fapi frame, as its
 * `WebsocketAPIClient.submitNewFuturesOrder` → `WebsocketClient.sendWSAPIRequest` does before the socket:
 * request object with `getNewRequestId()`, `validateWSAPINewClientOID` (adds a nanoid client order id),
 * `signWSAPIRequest` (sorted, percent-encoded query string + HMAC via node:crypto `createHmac`, or nothing
 * on an Ed25519-authenticated session), `JSON.stringify`. Connection checks, promise bookkeeping and logging
 * are left out, so this is the SDK's floor.
 */
import { requiresWSAPINewClientOID, validateWSAPINewClientOID, WebsocketClient } from "binance";
import type { PlaceOrderParams } from "../../lib/types.ts";

/** The SDK's private request-signing step, reached by name. */
interface SigningInternals {
  getNewRequestId(): number;
  signWSAPIRequest(request: WsRequest): Promise<WsRequest>;
}
interface WsRequest {
  id: number;
  method: string;
  params: Record<string, unknown>;
}

const SILENT = { trace: () => {}, info: () => {}, error: () => {} };

/**
 * A function that builds one signed `order.place` frame for `order` with the SDK's code. With an Ed25519
 * PEM as `secret` the SDK authenticates the session instead and sends orders unsigned.
 */
export function binanceSdkFrameBuilder(
  apiKey: string,
  secret: string,
  order: PlaceOrderParams,
): () => Promise<string> {
  const client = new WebsocketClient({ api_key: apiKey, api_secret: secret, beautify: false }, SILENT);
  if (!secret.includes("PRIVATE KEY")) client.setAuthOnConnect(false).setAuthEveryRequest(true); // as the API client does for HMAC
  const internals = client as unknown as SigningInternals;
  return async () => {
    const request: WsRequest = {
      id: internals.getNewRequestId(),
      method: "order.place",
      params: { ...order, timestamp: Date.now() },
    };
    if (requiresWSAPINewClientOID(request as never, "usdmWSAPI")) {
      validateWSAPINewClientOID(request as never, "usdmWSAPI");
    }
    return JSON.stringify(await internals.signWSAPIRequest(request));
  };
}
