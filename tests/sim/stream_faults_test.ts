import { test } from "node:test";
import assert from "node:assert/strict";
import { startSimulator } from "../../lib/sim/mod.ts";
import { HMAC_KEY, HMAC_KEYS, limitOrder, TestClient, until } from "./_helpers.ts";
import { RawStream, startKey, streamPath, StreamReader } from "./_stream.ts";

async function setUp() {
  const sim = await startSimulator({ hmacKeys: HMAC_KEYS });
  const client = await TestClient.open(sim.url);
  const key = await startKey(client);
  return { sim, client, key };
}

test("stream faults: dropStreams destroys every stream socket (no close frame); ws-fapi and the key live on", async () => {
  const { sim, client, key } = await setUp();
  const a = await StreamReader.open(`${sim.streamUrl}${streamPath(key)}`);
  const b = await RawStream.open(sim.port, streamPath(key));
  try {
    assert.equal(sim.stats().streamConnections, 2);
    sim.dropStreams();
    assert.equal((await a.closed).wasClean, false, "abrupt close");
    await b.ended;
    await until(() => sim.stats().streamConnections === 0, 5_000, "stream sockets gone");
    assert.equal((await client.request("session.status")).status, 200, "ws-fapi is untouched");
    const again = await RawStream.open(sim.port, streamPath(key));
    await client.signed("order.place", limitOrder());
    assert.deepEqual((await again.drain()).map((e) => e.o.x), ["NEW"]);
    again.destroy();
    assert.equal(sim.stats().streamConnectionsTotal, 3);
  } finally {
    b.destroy();
    await a.close();
    await client.close();
    await sim.close();
  }
});

test("stream faults: streamPaused loses the events produced meanwhile; the order still changes", async () => {
  const { sim, client, key } = await setUp();
  const stream = await RawStream.open(sim.port, streamPath(key));
  try {
    sim.setFaults({ streamPaused: true });
    const placed = await client.signed("order.place", limitOrder({ newClientOrderId: "gap-1" }));
    sim.setMarkPrice("BTCUSDT", "50000.00", { fillQty: "0.004" });
    assert.deepEqual(await stream.drain(), [], "nothing delivered while paused");
    assert.equal(sim.stats().eventsLost, 3, "NEW, TRADE, ACCOUNT_UPDATE");
    assert.equal(sim.orders()[0]?.status, "PARTIALLY_FILLED", "the exchange moved on");
    sim.setFaults({});
    await client.signed("order.cancel", { symbol: "BTCUSDT", orderId: placed.result.orderId });
    const events = await stream.drain();
    assert.deepEqual(
      events.map((e) => [e.o.c, e.o.x, e.o.z]),
      [["gap-1", "CANCELED", "0.004"]],
      "only what happened after the pause; the lost events are not replayed",
    );
  } finally {
    stream.destroy();
    await client.close();
    await sim.close();
  }
});

test("stream faults: duplicateEvents sends every event twice", async () => {
  const { sim, client, key } = await setUp();
  const stream = await RawStream.open(sim.port, streamPath(key));
  try {
    sim.setFaults({ duplicateEvents: true });
    const sentBefore = sim.stats().eventsSent;
    await client.signed("order.place", limitOrder({ price: "51500.00" }));
    const events = await stream.drain();
    assert.deepEqual(events.map((e) => e.e), [
      "ORDER_TRADE_UPDATE",
      "ORDER_TRADE_UPDATE",
      "ORDER_TRADE_UPDATE",
      "ORDER_TRADE_UPDATE",
      "ACCOUNT_UPDATE",
      "ACCOUNT_UPDATE",
    ]);
    assert.deepEqual(events[0], events[1]);
    assert.deepEqual(events[2], events[3]);
    assert.deepEqual(events[4], events[5]);
    assert.deepEqual([events[0].o.x, events[2].o.x], ["NEW", "TRADE"]);
    assert.equal(sim.stats().eventsSent - sentBefore, 6);
  } finally {
    stream.destroy();
    await client.close();
    await sim.close();
  }
});

test("stream faults: reorderEvents swaps each pair; an unpaired event still goes out", async () => {
  const { sim, client, key } = await setUp();
  const stream = await StreamReader.open(`${sim.streamUrl}${streamPath(key)}`);
  try {
    sim.setFaults({ reorderEvents: true });
    await client.signed("order.place", limitOrder({ price: "51500.00" })); // NEW, TRADE, ACCOUNT_UPDATE
    const events = await stream.take(3);
    assert.deepEqual(events.map((e) => [e.e, e.o?.x]), [
      ["ORDER_TRADE_UPDATE", "TRADE"],
      ["ORDER_TRADE_UPDATE", "NEW"],
      ["ACCOUNT_UPDATE", undefined],
    ]);
    assert.ok(events[0].T > events[1].T, "the swap is visible in T");
    sim.setFaults({});
    await client.signed("order.place", limitOrder({ newClientOrderId: "in-order" }));
    assert.equal((await stream.take(4))[3].o.c, "in-order");
  } finally {
    await stream.close();
    await client.close();
    await sim.close();
  }
});

test("stream faults: expireListenKeys sends listenKeyExpired, then nothing; the key is gone", async () => {
  const { sim, client, key } = await setUp();
  const all = await RawStream.open(sim.port, streamPath(key));
  const filtered = await RawStream.open(sim.port, streamPath(key, "ORDER_TRADE_UPDATE"));
  try {
    sim.expireListenKeys();
    const [expired, ...rest] = await all.drain();
    assert.deepEqual(rest, []);
    assert.deepEqual(Object.keys(expired), ["e", "E", "listenKey"]);
    assert.deepEqual([expired.e, expired.listenKey], ["listenKeyExpired", key]);
    assert.ok(Number.isSafeInteger(expired.E), "E is an integer");
    assert.deepEqual(await filtered.drain(), [expired], "sent whatever the allow list says");
    await client.signed("order.place", limitOrder());
    assert.deepEqual(await all.drain(), [], "no events after listenKeyExpired");
    assert.equal((await client.request("userDataStream.ping", { apiKey: HMAC_KEY })).error?.code, -1125);
    const fresh = await startKey(client);
    assert.notEqual(fresh, key);
    await assert.rejects(RawStream.open(sim.port, streamPath(key)), /400/);
    const renewed = await RawStream.open(sim.port, streamPath(fresh));
    await client.signed("order.place", limitOrder());
    assert.deepEqual((await renewed.drain()).map((e) => e.o.x), ["NEW"]);
    renewed.destroy();
  } finally {
    all.destroy();
    filtered.destroy();
    await client.close();
    await sim.close();
  }
});
