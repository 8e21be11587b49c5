import { test } from "node:test";
import assert from "node:assert/strict";
import { startSimulator } from "../../lib/sim/mod.ts";
import { ManualClock } from "../_manual_clock.ts";
import { HMAC_KEY_B, HMAC_KEYS, HMAC_SECRET_B, limitOrder, type Reply, TestClient } from "./_helpers.ts";

/** Sends orders until one is refused (bounded); windows are clock-aligned, so the count is not asserted. */
async function placeUntilRefused(client: TestClient, max: number): Promise<{ reply: Reply; sent: number }> {
  for (let sent = 1; sent <= max; sent++) {
    const reply = await client.signed("order.place", limitOrder());
    if (reply.status !== 200) return { reply, sent };
  }
  throw new Error(`no refusal after ${max} orders`);
}

test("rate limits: order.place lists weight and both ORDERS windows with the configured limits", async () => {
  const sim = await startSimulator({
    hmacKeys: HMAC_KEYS,
    limits: { ordersPer10s: 50, ordersPerMinute: 70 },
  });
  const client = await TestClient.open(sim.url);
  try {
    const reply = await client.signed("order.place", limitOrder());
    assert.deepEqual(
      reply.rateLimits?.map((r) => [r.rateLimitType, r.interval, r.intervalNum, r.limit]),
      [["REQUEST_WEIGHT", "MINUTE", 1, 2400], ["ORDERS", "SECOND", 10, 50], ["ORDERS", "MINUTE", 1, 70]],
    );
    assert.ok((reply.rateLimits?.[1]?.count ?? 0) >= 1);
    const status = await client.signed("order.status", { symbol: "BTCUSDT", orderId: reply.result.orderId });
    assert.deepEqual(status.rateLimits?.map((r) => r.rateLimitType), ["REQUEST_WEIGHT"]);
  } finally {
    await client.close();
    await sim.close();
  }
});

test("rate limits: too many orders give 429 -1015 for that account only", async () => {
  const sim = await startSimulator({ hmacKeys: HMAC_KEYS, limits: { ordersPer10s: 3 } });
  const client = await TestClient.open(sim.url);
  try {
    const { reply } = await placeUntilRefused(client, 20);
    assert.equal(reply.status, 429);
    assert.deepEqual(reply.error, {
      code: -1015,
      msg: "Too many new orders; current limit is 3 orders per 10 SECOND.",
    });
    const other = await client.signed("order.place", limitOrder(), HMAC_KEY_B, HMAC_SECRET_B);
    assert.equal(other.status, 200, "ORDERS are counted per account");
    assert.equal((await client.signed("order.cancel", { symbol: "BTCUSDT", orderId: 1 })).error?.code, -2011);
  } finally {
    await client.close();
    await sim.close();
  }
});

test("rate limits: request weight over the limit gives 429 -1003; far over it bans the IP with 418", async () => {
  const sim = await startSimulator({ hmacKeys: HMAC_KEYS, limits: { weightPerMinute: 20 } });
  const client = await TestClient.open(sim.url);
  try {
    let first429: Reply | undefined;
    let banned: Reply | undefined;
    for (let i = 0; i < 100 && banned === undefined; i++) {
      const reply = await client.request("session.status");
      if (reply.status === 429) first429 ??= reply;
      if (reply.status === 418) banned = reply;
    }
    assert.equal(first429?.error?.code, -1003);
    assert.match(first429!.error!.msg, /^Too many requests/);
    assert.equal(banned?.error?.code, -1003);
    const until = Number(/banned until (\d+)\./.exec(banned!.error!.msg)?.[1]);
    assert.ok(until > Date.now() + 60_000, "the ban lasts about two minutes");
    const order = await client.signed("order.place", limitOrder());
    assert.equal(order.status, 418, "everything is refused while banned");
  } finally {
    await client.close();
    await sim.close();
  }
});

test("rate limits: a connection opened during a ban does not lengthen it (no handshake weight while banned)", async () => {
  // One second into a minute, so the weight window does not roll over when the clock moves a second.
  const clock = new ManualClock(Math.floor(Date.now() / 60_000) * 60_000 + 1_000);
  const sim = await startSimulator({ limits: { weightPerMinute: 20 }, clock });
  const clients: TestClient[] = [await TestClient.open(sim.url)];
  try {
    let banned: Reply | undefined;
    for (let i = 0; i < 100 && banned === undefined; i++) {
      const reply = await clients[0]!.request("session.status");
      if (reply.status === 418) banned = reply;
    }
    assert.ok(banned, "the weight limit bans the IP");
    clock.advance(1_000);
    clients.push(await TestClient.open(sim.url)); // a reconnect during the ban
    const after = await clients[1]!.request("session.status");
    assert.equal(after.status, 418);
    assert.equal(after.error?.msg, banned.error?.msg, "the ban still ends when it said it would");
  } finally {
    for (const client of clients) await client.close();
    await sim.close();
  }
});
