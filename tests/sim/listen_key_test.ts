import { test } from "node:test";
import assert from "node:assert/strict";
import { startSimulator } from "../../lib/sim/mod.ts";
import { ManualClock } from "../_manual_clock.ts";
import { HMAC_KEY, HMAC_KEYS, limitOrder, signHmac, TestClient } from "./_helpers.ts";
import { RawStream, startKey, streamPath } from "./_stream.ts";

const HOUR = 60 * 60 * 1000;

test("listenKey: expires 60 min after start or its last ping on the sim clock; listenKeyExpired, then silence", async () => {
  const clock = new ManualClock(Date.now());
  const sim = await startSimulator({ hmacKeys: HMAC_KEYS, clock });
  const client = await TestClient.open(sim.url);
  const key = await startKey(client);
  const stream = await RawStream.open(sim.port, streamPath(key));
  /** Signed at the manual clock's time (the simulator checks timestamps against it). */
  const signedAtSimTime = (method: string, params: Record<string, unknown>) =>
    client.request(method, signHmac({ ...params, timestamp: clock.now() }));
  try {
    clock.advance(HOUR - 1);
    assert.deepEqual(await stream.drain(), [], "alive one ms before the hour");
    const pinged = await client.request("userDataStream.ping", { apiKey: HMAC_KEY });
    assert.equal(pinged.result.listenKey, key);
    const pingedAt = clock.now();
    clock.advance(HOUR - 1);
    assert.deepEqual(await stream.drain(), [], "the ping extended it by 60 min");
    assert.equal((await signedAtSimTime("order.place", limitOrder())).status, 200);
    assert.deepEqual((await stream.drain()).map((e) => e.o.x), ["NEW"], "events still flow");

    clock.advance(1);
    const [expired, ...rest] = await stream.drain();
    assert.deepEqual(rest, []);
    assert.deepEqual(expired, { e: "listenKeyExpired", E: pingedAt + HOUR, listenKey: key });

    assert.equal((await signedAtSimTime("order.place", limitOrder())).status, 200);
    assert.deepEqual(await stream.drain(), [], "nothing after listenKeyExpired");
    assert.equal(sim.orders().length, 2, "the order itself was accepted");
    assert.equal((await client.request("userDataStream.ping", { apiKey: HMAC_KEY })).error?.code, -1125);
    await assert.rejects(RawStream.open(sim.port, streamPath(key)), /400/, "an expired key is refused");
    const fresh = await startKey(client);
    assert.notEqual(fresh, key);
  } finally {
    stream.destroy();
    await client.close();
    await sim.close();
  }
});

test("listenKey: start on a live key returns it and extends it; clockOffsetMs moves the sim clock", async () => {
  const clock = new ManualClock(Date.now());
  const sim = await startSimulator({ hmacKeys: HMAC_KEYS, clock, clockOffsetMs: 5_000 });
  const client = await TestClient.open(sim.url);
  const key = await startKey(client);
  const stream = await RawStream.open(sim.port, streamPath(key));
  try {
    clock.advance(HOUR / 2);
    assert.equal(await startKey(client), key, "the live key again");
    const extendedAt = clock.now() + 5_000;
    clock.advance(HOUR - 1);
    assert.deepEqual(await stream.drain(), []);
    clock.advance(1);
    const events = await stream.drain();
    assert.deepEqual(events, [{ e: "listenKeyExpired", E: extendedAt + HOUR, listenKey: key }]);
  } finally {
    stream.destroy();
    await client.close();
    await sim.close();
  }
});
