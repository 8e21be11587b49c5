import { test } from "node:test";
import assert from "node:assert/strict";
import { startSimulator } from "../../lib/sim/mod.ts";
import { signaturePayload, verifyHmac } from "../../lib/sim/auth.ts";
import {
  ed25519Pair,
  ed25519Sign,
  HMAC_KEY,
  HMAC_KEYS,
  HMAC_SECRET,
  hmacHex,
  limitOrder,
  payloadOf,
  signHmac,
  TestClient,
} from "./_helpers.ts";

test("auth: a wrong signature is -1022; the hex case does not matter", async () => {
  const sim = await startSimulator({ hmacKeys: HMAC_KEYS });
  const client = await TestClient.open(sim.url);
  try {
    const params = signHmac(limitOrder());
    const bad = await client.request("order.place", { ...params, signature: hmacHex("wrong", "x") });
    assert.deepEqual(bad.error, { code: -1022, msg: "Signature for this request is not valid." });
    const upper = await client.request("order.place", {
      ...params,
      signature: String(params["signature"]).toUpperCase(),
    });
    assert.equal(upper.status, 200);
    assert.equal(sim.stats().rejected, 1);
  } finally {
    await client.close();
    await sim.close();
  }
});

test("auth: the payload uses raw values: my:order/1 signed raw is accepted, percent-encoded is -1022", async () => {
  const sim = await startSimulator({ hmacKeys: HMAC_KEYS });
  const client = await TestClient.open(sim.url);
  try {
    const params: Record<string, unknown> = {
      ...limitOrder({ newClientOrderId: "my:order/1" }),
      apiKey: HMAC_KEY,
      timestamp: Date.now(),
    };
    const encoded = payloadOf({ ...params, newClientOrderId: encodeURIComponent("my:order/1") });
    const wrong = await client.request("order.place", {
      ...params,
      signature: hmacHex(HMAC_SECRET, encoded),
    });
    assert.equal(wrong.error?.code, -1022);
    const raw = await client.request("order.place", {
      ...params,
      signature: hmacHex(HMAC_SECRET, payloadOf(params)),
    });
    assert.equal(raw.status, 200, JSON.stringify(raw.error));
    assert.equal(raw.result.clientOrderId, "my:order/1");
  } finally {
    await client.close();
    await sim.close();
  }
});

test("auth: numbers and booleans are signed as their literal JSON text", async () => {
  const sim = await startSimulator({ hmacKeys: HMAC_KEYS });
  const client = await TestClient.open(sim.url);
  try {
    const params = {
      ...limitOrder(),
      apiKey: HMAC_KEY,
      timestamp: Date.now(),
      recvWindow: 5000,
      reduceOnly: false,
    };
    const payload = payloadOf(params);
    assert.ok(payload.includes("&recvWindow=5000&reduceOnly=false&"));
    const reply = await client.request("order.place", {
      ...params,
      signature: hmacHex(HMAC_SECRET, payload),
    });
    assert.equal(reply.status, 200, JSON.stringify(reply.error));
  } finally {
    await client.close();
    await sim.close();
  }
});

test("auth: timestamp skew gives -1021 (ahead of the server, outside recvWindow, simulator clock offset)", async () => {
  const sim = await startSimulator({ hmacKeys: HMAC_KEYS });
  const skewed = await startSimulator({ hmacKeys: HMAC_KEYS, clockOffsetMs: 30_000 });
  const client = await TestClient.open(sim.url);
  const client2 = await TestClient.open(skewed.url);
  try {
    const ahead = await client.request(
      "order.place",
      signHmac({ ...limitOrder(), timestamp: Date.now() + 5_000 }),
    );
    assert.equal(ahead.error?.code, -1021);
    assert.match(ahead.error!.msg, /ahead of the server's time/);
    const old = await client.request(
      "order.place",
      signHmac({ ...limitOrder(), timestamp: Date.now() - 10_000 }),
    );
    assert.equal(old.error?.code, -1021);
    assert.match(old.error!.msg, /outside of the recvWindow/);
    const wide = await client.request(
      "order.place",
      signHmac({ ...limitOrder(), timestamp: Date.now() - 10_000, recvWindow: 20_000 }),
    );
    assert.equal(wide.status, 200, "a wider recvWindow accepts it");
    const tooWide = await client.request("order.place", signHmac({ ...limitOrder(), recvWindow: 60_001 }));
    assert.equal(tooWide.error?.code, -1131);
    const skew = await client2.signed("order.place", limitOrder());
    assert.equal(skew.error?.code, -1021, "the simulator's clock runs 30 s ahead of the client");
    const time = await fetch(`${skewed.httpUrl}/fapi/v1/time`).then((r) => r.json());
    assert.ok(time.serverTime >= Date.now() + 20_000);
  } finally {
    await client.close();
    await client2.close();
    await sim.close();
    await skewed.close();
  }
});

test("auth: unknown api key is -2015 with status 401; missing signature or timestamp is -1102", async () => {
  const sim = await startSimulator({ hmacKeys: HMAC_KEYS });
  const client = await TestClient.open(sim.url);
  try {
    const unknown = await client.request("order.place", signHmac(limitOrder(), "nobody", "x"));
    assert.equal(unknown.status, 401);
    assert.equal(unknown.error?.code, -2015);
    const { signature: _s, ...unsigned } = signHmac(limitOrder());
    const noSig = await client.request("order.place", unsigned);
    assert.equal(noSig.error?.code, -1102);
    assert.match(noSig.error!.msg, /'signature'/);
    const { timestamp: _t, ...noTs } = signHmac(limitOrder());
    assert.match((await client.request("order.place", noTs)).error!.msg, /'timestamp'/);
    const anonymous = await client.request("order.place", { ...limitOrder(), timestamp: Date.now() });
    assert.match(anonymous.error!.msg, /'apiKey'/, "no key and no session");
  } finally {
    await client.close();
    await sim.close();
  }
});

test("auth: session.logon with an Ed25519 key, then unsigned orders work; logout forgets the key", async () => {
  const { privateKey, publicKeyPem } = await ed25519Pair();
  const sim = await startSimulator({ ed25519Keys: [{ apiKey: "edKey", publicKeyPem }] });
  const client = await TestClient.open(sim.url);
  try {
    const logonParams: Record<string, unknown> = { apiKey: "edKey", timestamp: Date.now() };
    logonParams["signature"] = await ed25519Sign(privateKey, payloadOf(logonParams));
    const logon = await client.request("session.logon", logonParams);
    assert.equal(logon.status, 200, JSON.stringify(logon.error));
    assert.equal(logon.result.apiKey, "edKey");
    assert.equal(typeof logon.result.authorizedSince, "number");
    assert.equal(typeof logon.result.serverTime, "number");
    assert.equal((await client.request("session.status")).result.apiKey, "edKey");
    const order = await client.request("order.place", { ...limitOrder(), timestamp: Date.now() });
    assert.equal(order.status, 200, JSON.stringify(order.error));
    assert.equal(sim.orders()[0]?.apiKey, "edKey");
    const noTimestamp = await client.request("order.place", limitOrder());
    assert.match(noTimestamp.error!.msg, /'timestamp'/, "a session still needs timestamp");
    const logout = await client.request("session.logout");
    assert.equal(logout.result.apiKey, null);
    assert.equal(logout.result.authorizedSince, null);
    const after = await client.request("order.place", { ...limitOrder(), timestamp: Date.now() });
    assert.equal(after.error?.code, -1102);
    const badLogon = await client.request("session.logon", {
      ...logonParams,
      timestamp: Number(logonParams["timestamp"]) + 1,
    });
    assert.equal(badLogon.error?.code, -1022, "the old signature does not cover the new timestamp");
  } finally {
    await client.close();
    await sim.close();
  }
});

test("auth: per-request Ed25519 signatures are verified; requests are answered in order", async () => {
  const { privateKey, publicKeyPem } = await ed25519Pair();
  const sim = await startSimulator({ hmacKeys: HMAC_KEYS, ed25519Keys: [{ apiKey: "edKey", publicKeyPem }] });
  const client = await TestClient.open(sim.url);
  try {
    const params: Record<string, unknown> = {
      ...limitOrder({ newClientOrderId: "ed-1" }),
      apiKey: "edKey",
      timestamp: Date.now(),
    };
    params["signature"] = await ed25519Sign(privateKey, payloadOf(params));
    const first = client.request("order.place", params);
    const second = client.signed("order.place", limitOrder({ newClientOrderId: "hmac-2" }));
    assert.equal((await first).status, 200);
    assert.equal((await second).status, 200);
    assert.deepEqual(
      sim.orders().map((o) => o.clientOrderId),
      ["ed-1", "hmac-2"],
      "executed in arrival order",
    );
    const forged = { ...params, newClientOrderId: "ed-2", signature: params["signature"] };
    assert.equal((await client.request("order.place", forged)).error?.code, -1022);
  } finally {
    await client.close();
    await sim.close();
  }
});

test("auth: session.logon with an HMAC key is rejected", async () => {
  const sim = await startSimulator({ hmacKeys: HMAC_KEYS });
  const client = await TestClient.open(sim.url);
  try {
    const reply = await client.request("session.logon", signHmac({}));
    assert.equal(reply.status, 400);
    assert.equal(reply.error?.code, -1002);
    assert.equal((await client.request("session.status")).result.apiKey, null);
  } finally {
    await client.close();
    await sim.close();
  }
});

test("auth: the reference's published vectors verify (V1 order, V2 logon payload, V5 raw client id)", () => {
  const apiKey = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A";
  const secret = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";
  const v1 = {
    symbol: "BTCUSDT",
    side: "SELL",
    type: "LIMIT",
    timeInForce: "GTC",
    quantity: "0.01000000",
    price: "52000.00",
    recvWindow: 100,
    timestamp: 1645423376532,
    apiKey,
  };
  const payload = signaturePayload(v1);
  assert.equal(
    payload,
    `apiKey=${apiKey}&price=52000.00&quantity=0.01000000&recvWindow=100&side=SELL&symbol=BTCUSDT` +
      "&timeInForce=GTC&timestamp=1645423376532&type=LIMIT",
  );
  assert.ok(verifyHmac(secret, payload, "aa1b5712c094bc4e57c05a1a5c1fd8d88dcd628338ea863fec7b88e59fe2db24"));
  const v2 = signaturePayload({ timestamp: 1649729878532, apiKey, signature: "ignored" });
  assert.ok(verifyHmac(secret, v2, "1cf54395b336b0a9727ef27d5d98987962bc47aca6e13fe978612d0adee066ed"));
  const { recvWindow: _r, ...withoutWindow } = v1;
  const v5 = signaturePayload({ ...withoutWindow, quantity: "0.010", newClientOrderId: "my:order/1" });
  assert.ok(verifyHmac(secret, v5, "4953dd99349d55f582faf0bc1eb470efc23c517871ecfc13b9c5c00241afc0b5"));
});
