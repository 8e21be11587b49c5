import { test } from "node:test";
import assert from "node:assert/strict";
import { startSimulator } from "../../lib/sim/mod.ts";
import { HMAC_KEYS, limitOrder, signHmac, TestClient } from "./_helpers.ts";

test("envelope: ids are echoed with their type; keys come in the order id, status, result, rateLimits", async () => {
  const sim = await startSimulator({ hmacKeys: HMAC_KEYS });
  const client = await TestClient.open(sim.url);
  try {
    assert.equal((await client.request("ticker.price", { symbol: "BTCUSDT" }, 42)).id, 42);
    assert.equal((await client.request("ticker.price", { symbol: "BTCUSDT" }, "42")).id, "42");
    const uuid = "9ca10e58-7452-467e-9454-f669bb9c764e";
    const reply = await client.request("ticker.price", { symbol: "BTCUSDT" }, uuid);
    assert.deepEqual(Object.keys(reply), ["id", "status", "result", "rateLimits"]);
    assert.deepEqual(reply.result, { symbol: "BTCUSDT", price: "51000.00", time: reply.result.time });
    const failed = await client.signed("order.place", limitOrder({ quantity: undefined }));
    assert.equal(failed.error?.code, -1102);
    assert.deepEqual(Object.keys(failed), ["id", "status", "error", "rateLimits"]);
  } finally {
    await client.close();
    await sim.close();
  }
});

test("envelope: a null id is echoed as null", async () => {
  const sim = await startSimulator();
  const client = await TestClient.open(sim.url);
  try {
    client.sendRaw(JSON.stringify({ id: null, method: "session.status" }));
    const reply = await waitOther(client);
    assert.equal(JSON.parse(reply).id, null);
    assert.equal(JSON.parse(reply).status, 200);
  } finally {
    await client.close();
    await sim.close();
  }
});

test("envelope: unparsable JSON gets -1135 with id null", async () => {
  const sim = await startSimulator();
  const client = await TestClient.open(sim.url);
  try {
    client.sendRaw("{not json");
    const reply = JSON.parse(await waitOther(client));
    assert.deepEqual(reply, { id: null, status: 400, error: { code: -1135, msg: "Invalid JSON Request" } });
  } finally {
    await client.close();
    await sim.close();
  }
});

test("envelope: an unknown method gets 400 with the request id and a message naming the method", async () => {
  const sim = await startSimulator();
  const client = await TestClient.open(sim.url);
  try {
    const reply = await client.request("order.teleport", {}, "x1");
    assert.equal(reply.status, 400);
    assert.equal(reply.id, "x1");
    assert.equal(reply.error?.code, -1020); // not the retryable -1000 family
    assert.match(reply.error!.msg, /order\.teleport/);
  } finally {
    await client.close();
    await sim.close();
  }
});

test("envelope: ?returnRateLimits=false hides rateLimits unless a request asks for them", async () => {
  const sim = await startSimulator({ hmacKeys: HMAC_KEYS });
  const client = await TestClient.open(`${sim.url}?returnRateLimits=false`);
  try {
    const hidden = await client.signed("order.place", limitOrder());
    assert.equal(hidden.status, 200);
    assert.equal(hidden.rateLimits, undefined);
    const shown = await client.request("order.place", signHmac(limitOrder({ returnRateLimits: true })));
    assert.equal(shown.status, 200);
    assert.equal(shown.rateLimits?.length, 3);
    const status = await client.request("session.status");
    assert.equal(status.result.returnRateLimits, false);
  } finally {
    await client.close();
    await sim.close();
  }
});

test("envelope: ticker.price without a symbol lists every symbol; an unknown symbol is -1121", async () => {
  const sim = await startSimulator({ markPrices: { ETHUSDT: "3100.50" } });
  const client = await TestClient.open(sim.url);
  try {
    const all = await client.request("ticker.price");
    assert.deepEqual(all.result.map((t: { symbol: string; price: string }) => [t.symbol, t.price]), [
      ["BTCUSDT", "51000.00"],
      ["ETHUSDT", "3100.50"],
    ]);
    // Handshake 5 + ticker.price (all) 2, or just 2 if the minute window rolled over in between.
    assert.ok([7, 2].includes(all.rateLimits?.[0]?.count ?? 0));
    assert.equal((await client.request("ticker.price", { symbol: "DOGEUSDT" })).error?.code, -1121);
  } finally {
    await client.close();
    await sim.close();
  }
});

async function waitOther(client: TestClient): Promise<string> {
  const deadline = Date.now() + 5_000;
  while (client.others.length === 0) {
    if (Date.now() > deadline) throw new Error("no frame");
    await new Promise((r) => setTimeout(r, 5));
  }
  return client.others.shift()!;
}
