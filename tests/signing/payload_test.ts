import { test } from "node:test";
import assert from "node:assert/strict";
import { signaturePayload } from "../../lib/signing/payload.ts";
import * as v from "./_vectors.ts";

test("signaturePayload: sorts keys, drops signature and undefined, keeps values raw", () => {
  const payload = signaturePayload({
    type: "LIMIT",
    timestamp: 1645423376532,
    timeInForce: "GTC",
    symbol: "BTCUSDT",
    signature: "ignored",
    side: "SELL",
    quantity: "0.010",
    price: "52000.00",
    newClientOrderId: "my:order/1",
    apiKey: v.V1_API_KEY,
    priceMatch: undefined,
  });
  assert.equal(payload, v.V5_PAYLOAD);
});

test("signaturePayload: numbers and booleans as literal text; '.', '_', '-' untouched", () => {
  assert.equal(
    signaturePayload({ reduceOnly: true, recvWindow: 5000, newClientOrderId: "a.b_c-d" }),
    "newClientOrderId=a.b_c-d&recvWindow=5000&reduceOnly=true",
  );
});
