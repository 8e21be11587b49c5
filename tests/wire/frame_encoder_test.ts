import { test } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { FrameEncoder } from "../../lib/wire/frame_encoder.ts";
import { METHODS } from "../../lib/wire/methods.ts";
import { createHmacSigner } from "../../lib/signing/hmac_signer.ts";
import { signaturePayload } from "../../lib/signing/payload.ts";

const SECRET = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";
const hmac = new FrameEncoder({ auth: { kind: "hmac", apiKey: "KEY", signer: createHmacSigner(SECRET) } });
const session = new FrameEncoder({ auth: { kind: "session", apiKey: "KEY" }, recvWindow: 3000 });
const order = {
  symbol: "BTCUSDT",
  side: "BUY",
  type: "LIMIT",
  quantity: "0.002",
  price: "50000",
  timeInForce: "GTC",
  reduceOnly: false,
  newClientOrderId: "my:order/1",
};

test("FrameEncoder: HMAC frame is valid JSON, sorted, and signed over the raw payload", () => {
  const frame = JSON.parse(hmac.encode(7, METHODS["order.place"]!, order, 1700000000000));
  assert.equal(frame.id, 7);
  assert.equal(frame.method, "order.place");
  const { signature, ...rest } = frame.params;
  assert.deepEqual(Object.keys(rest), Object.keys(rest).sort());
  assert.equal(rest.apiKey, "KEY");
  assert.equal(rest.timestamp, 1700000000000);
  assert.equal(rest.reduceOnly, "false", "booleans travel as strings");
  assert.equal(rest.price, "50000", "decimals travel as strings");
  const payload = signaturePayload(rest);
  assert.match(payload, /newClientOrderId=my:order\/1/);
  assert.equal(signature, createHmac("sha256", SECRET).update(payload).digest("hex"));
  assert.equal(hmac.payload(METHODS["order.place"]!, order, 1700000000000), payload);
});

test("FrameEncoder: session frames carry timestamp (and recvWindow) but no apiKey or signature", () => {
  const frame = JSON.parse(session.encode(1, METHODS["order.place"]!, order, 5));
  assert.equal(frame.params.apiKey, undefined);
  assert.equal(frame.params.signature, undefined);
  assert.equal(frame.params.timestamp, 5);
  assert.equal(frame.params.recvWindow, 3000);
});

test("FrameEncoder: key-only methods carry apiKey, public methods nothing extra", () => {
  assert.deepEqual(JSON.parse(session.encode(2, METHODS["userDataStream.start"]!, {}, 5)).params, {
    apiKey: "KEY",
  });
  assert.deepEqual(JSON.parse(hmac.encode(3, METHODS["session.status"]!, {}, 5)).params, {});
});

test("FrameEncoder: the generated client id overrides without touching the caller's object", () => {
  const { newClientOrderId: _, ...bare } = order;
  const frame = JSON.parse(hmac.encode(4, METHODS["order.place"]!, bare, 9, "newClientOrderId", "lr-abc-1"));
  assert.equal(frame.params.newClientOrderId, "lr-abc-1");
  assert.equal(
    frame.params.signature,
    createHmac("sha256", SECRET).update(signaturePayload({ ...frame.params, signature: undefined })).digest(
      "hex",
    ),
  );
  assert.equal("newClientOrderId" in bare, false);
});

test("FrameEncoder: unknown keys are not sent; hostile strings stay valid JSON", () => {
  const params = { ...order, bogus: "x", symbol: 'BTC"USDT\\\n' };
  const frame = JSON.parse(hmac.encode(5, METHODS["order.place"]!, params, 9));
  assert.equal(frame.params.bogus, undefined);
  assert.equal(frame.params.symbol, 'BTC"USDT\\\n');
});
