import { test } from "node:test";
import assert from "node:assert/strict";
import { startSimulator } from "../../lib/sim/mod.ts";
import { HMAC_KEYS, limitOrder, signHmac, TestClient, until } from "./_helpers.ts";

test("faults: responseDelayMs executes at once and replies later; a drop loses the pending reply", async () => {
  const sim = await startSimulator({ hmacKeys: HMAC_KEYS, faults: { responseDelayMs: 60_000 } });
  const client = await TestClient.open(sim.url);
  try {
    const id = client.send("order.place", signHmac(limitOrder()));
    await until(() => sim.orders().length === 1, 5_000, "order executed");
    assert.equal(client.hasReply(id), false);
    sim.dropConnections();
    assert.equal((await client.closed).wasClean, false, "abrupt close, no close frame");
    assert.equal(client.hasReply(id), false);
  } finally {
    await client.close();
    await sim.close();
  }
});

test("faults: a short responseDelayMs still delivers the reply", async () => {
  const sim = await startSimulator({ hmacKeys: HMAC_KEYS });
  sim.setFaults({ responseDelayMs: 20 });
  const client = await TestClient.open(sim.url);
  try {
    assert.equal((await client.signed("order.place", limitOrder())).status, 200);
  } finally {
    await client.close();
    await sim.close();
  }
});

test("faults: dropAfterRequests destroys the socket on the Nth request without executing it; one-shot", async () => {
  const sim = await startSimulator({ hmacKeys: HMAC_KEYS });
  sim.setFaults({ dropAfterRequests: 2 });
  const client = await TestClient.open(sim.url);
  const client2 = await TestClient.open(sim.url);
  try {
    assert.equal((await client.signed("order.place", limitOrder())).status, 200);
    client.send("order.place", signHmac(limitOrder()));
    assert.equal((await client.closed).wasClean, false);
    assert.equal(sim.orders().length, 1, "not executed");
    assert.equal((await client2.signed("order.place", limitOrder())).status, 200, "the fault has cleared");
  } finally {
    await client.close();
    await client2.close();
    await sim.close();
  }
});

test("faults: dropExecutes executes the Nth request before dropping", async () => {
  const sim = await startSimulator({
    hmacKeys: HMAC_KEYS,
    faults: { dropAfterRequests: 1, dropExecutes: true },
  });
  const client = await TestClient.open(sim.url);
  try {
    const id = client.send("order.place", signHmac(limitOrder()));
    assert.equal((await client.closed).wasClean, false);
    assert.equal(client.hasReply(id), false);
    assert.equal(sim.orders().length, 1, "executed");
  } finally {
    await client.close();
    await sim.close();
  }
});

test("faults: silentAfterRequests answers N requests then ignores that connection; new ones are normal", async () => {
  const sim = await startSimulator({ hmacKeys: HMAC_KEYS, faults: { silentAfterRequests: 1 } });
  const client = await TestClient.open(sim.url);
  try {
    assert.equal((await client.request("session.status")).status, 200);
    const ignored = client.send("order.place", signHmac(limitOrder()));
    await until(() => sim.stats().requests === 2, 5_000, "second request received");
    const fresh = await TestClient.open(sim.url);
    try {
      assert.equal((await fresh.signed("order.place", limitOrder())).status, 200);
    } finally {
      await fresh.close();
    }
    assert.equal(client.hasReply(ignored), false);
    assert.equal(client.readyState, WebSocket.OPEN, "the silent socket stays open");
    assert.equal(sim.orders().length, 1, "the ignored request was not executed");
  } finally {
    await client.close();
    await sim.close();
  }
});

test("faults: rejectEveryNthOrder rejects without executing (-1008, status 400)", async () => {
  const sim = await startSimulator({ hmacKeys: HMAC_KEYS, faults: { rejectEveryNthOrder: 2 } });
  const client = await TestClient.open(sim.url);
  try {
    assert.equal((await client.signed("order.place", limitOrder())).status, 200);
    const rejected = await client.signed("order.place", limitOrder());
    assert.equal(rejected.status, 400);
    assert.deepEqual(rejected.error, {
      code: -1008,
      msg: "Request throttled by system-level protection. Reduce-only/close-position orders are exempt.",
    });
    assert.equal(sim.orders().length, 1);
    assert.equal((await client.signed("order.place", limitOrder())).status, 200);
    sim.setFaults({ rejectEveryNthOrder: 1, rejectCode: -2019 });
    assert.equal((await client.signed("order.place", limitOrder())).error?.code, -2019);
    // A rate-limit code is answered as the exchange answers it: 429.
    sim.setFaults({ rejectEveryNthOrder: 1, rejectCode: -1003 });
    const weight = await client.signed("order.place", limitOrder());
    assert.deepEqual([weight.status, weight.error?.code], [429, -1003]);
    sim.setFaults({ rejectEveryNthOrder: 1, rejectCode: -1015 });
    const orders = await client.signed("order.place", limitOrder());
    assert.deepEqual([orders.status, orders.error?.code], [429, -1015]);
    assert.deepEqual(
      [sim.stats().ordersPlaced, sim.stats().rejected],
      [2, 4],
    );
  } finally {
    await client.close();
    await sim.close();
  }
});

test("faults: an injected -1008 passes reduce-only and close-position orders by, as its message says", async () => {
  const sim = await startSimulator({ hmacKeys: HMAC_KEYS, faults: { rejectNextOrders: 1 } });
  const client = await TestClient.open(sim.url);
  try {
    // Judged by the exchange's own rules instead (no position to reduce: -2022), and the burst is not spent.
    const reducing = await client.signed("order.place", limitOrder({ reduceOnly: "true" }));
    assert.equal(reducing.error?.code, -2022);
    assert.equal((await client.signed("order.place", limitOrder())).error?.code, -1008, "the burst's one");
    assert.equal((await client.signed("order.place", limitOrder())).status, 200);
    // Another injected code is not throttling: it applies to every order.
    sim.setFaults({ rejectNextOrders: 1, rejectCode: -2019 });
    assert.equal((await client.signed("order.place", limitOrder({ reduceOnly: "true" }))).error?.code, -2019);
  } finally {
    await client.close();
    await sim.close();
  }
});

test("faults: unknownEveryNthOrder executes but answers 503 -1007; order.status finds the order", async () => {
  const sim = await startSimulator({ hmacKeys: HMAC_KEYS, faults: { unknownEveryNthOrder: 1 } });
  const client = await TestClient.open(sim.url);
  try {
    const reply = await client.signed("order.place", limitOrder({ newClientOrderId: "unknown-1" }));
    assert.equal(reply.status, 503);
    assert.equal(reply.error?.code, -1007);
    assert.match(reply.error!.msg, /execution status unknown/);
    const status = await client.signed("order.status", { symbol: "BTCUSDT", origClientOrderId: "unknown-1" });
    assert.equal(status.result.status, "NEW");
    assert.equal(sim.stats().ordersPlaced, 1);
  } finally {
    await client.close();
    await sim.close();
  }
});

test("faults: malformedEveryNthReply sends a non-JSON frame before every Nth reply; setFaults resets", async () => {
  const sim = await startSimulator({ hmacKeys: HMAC_KEYS, faults: { malformedEveryNthReply: 2 } });
  const client = await TestClient.open(sim.url);
  try {
    await client.request("session.status");
    assert.equal(client.others.length, 0);
    await client.request("session.status");
    assert.equal(client.others.length, 1, "the garbage frame arrives before the reply");
    assert.throws(() => JSON.parse(client.others[0]!));
    sim.setFaults({});
    await client.request("session.status");
    await client.request("session.status");
    assert.equal(client.others.length, 1);
  } finally {
    await client.close();
    await sim.close();
  }
});
