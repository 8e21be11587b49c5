import { test } from "node:test";
import assert from "node:assert/strict";
import { startSimulator } from "../../lib/sim/mod.ts";
import { Account } from "../../lib/sim/accounts.ts";
import { Countdowns } from "../../lib/sim/countdown.ts";
import { HMAC_KEY, HMAC_KEYS, HMAC_SECRET, hmacHex, limitOrder, TestClient, until } from "./_helpers.ts";

type Sim = Awaited<ReturnType<typeof startSimulator>>;

async function countdown(
  sim: Sim,
  query: string,
  apiKey = HMAC_KEY,
  secret = HMAC_SECRET,
): Promise<Response> {
  const signed = `${query}&timestamp=${Date.now()}`;
  return await fetch(
    `${sim.httpUrl}/fapi/v1/countdownCancelAll?${signed}&signature=${hmacHex(secret, signed)}`,
    {
      method: "POST",
      headers: { "X-MBX-APIKEY": apiKey },
    },
  );
}

test("rest: countdownCancelAll cancels the account's open orders on that symbol when it elapses", async () => {
  const sim = await startSimulator({ hmacKeys: HMAC_KEYS });
  const client = await TestClient.open(sim.url);
  try {
    await client.signed("order.place", limitOrder());
    await client.signed("order.place", limitOrder({ price: "49000.00" }));
    await client.signed("order.place", {
      ...limitOrder(),
      symbol: "ETHUSDT",
      price: "2900.00",
      quantity: "0.01",
    });
    const response = await countdown(sim, "symbol=BTCUSDT&countdownTime=30");
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { symbol: "BTCUSDT", countdownTime: "30" });
    await until(() => sim.orders().filter((o) => o.status === "CANCELED").length === 2, 5_000, "cancelled");
    assert.deepEqual(sim.orders().map((o) => o.status), ["CANCELED", "CANCELED", "NEW"]);
  } finally {
    await client.close();
    await sim.close();
  }
});

test("rest: countdownTime 0 disarms (answered like any other countdown)", async () => {
  const sim = await startSimulator({ hmacKeys: HMAC_KEYS });
  try {
    const off = await countdown(sim, "symbol=BTCUSDT&countdownTime=0");
    assert.equal(off.status, 200);
    assert.deepEqual(await off.json(), { symbol: "BTCUSDT", countdownTime: "0" });
  } finally {
    await sim.close();
  }
});

test("rest: a disarmed or re-armed countdown does not fire; others fire in time order", async () => {
  const fired: string[] = [];
  const account = new Account("k", { kind: "hmac", secret: "s" }, []);
  const countdowns = new Countdowns((_account, symbol) => fired.push(symbol));
  try {
    countdowns.arm(account, "BTCUSDT", 5);
    countdowns.arm(account, "BTCUSDT", 0);
    countdowns.arm(account, "ETHUSDT", 5);
    countdowns.arm(account, "ETHUSDT", 15); // re-armed: the 5 ms timer is gone
    assert.equal(countdowns.size, 1);
    await until(() => fired.length === 1, 5_000, "ETH countdown");
    assert.deepEqual(fired, ["ETHUSDT"]);
    assert.equal(countdowns.size, 0);
  } finally {
    countdowns.clear();
  }
});

test("rest: the REST signature covers the query string as sent (percent-encoded); bad ones are -1022", async () => {
  const sim = await startSimulator({ hmacKeys: HMAC_KEYS });
  try {
    const bad = await fetch(
      `${sim.httpUrl}/fapi/v1/countdownCancelAll?symbol=BTCUSDT&countdownTime=1000&timestamp=${Date.now()}&signature=00`,
      { method: "POST", headers: { "X-MBX-APIKEY": HMAC_KEY } },
    );
    assert.equal(bad.status, 400);
    assert.equal((await bad.json()).code, -1022);
    const noKey = await fetch(`${sim.httpUrl}/fapi/v1/countdownCancelAll?symbol=BTCUSDT`, { method: "POST" });
    assert.equal((await noKey.json()).code, -2015);
    const encoded = await countdown(sim, "symbol=BTC%55SDT&countdownTime=0");
    assert.equal(encoded.status, 200, "decoded to BTCUSDT after checking the signature of the encoded text");
    await encoded.body?.cancel();
    const badSymbol = await countdown(sim, "symbol=FOOUSDT&countdownTime=0");
    assert.equal((await badSymbol.json()).code, -1121);
    const notFound = await fetch(`${sim.httpUrl}/fapi/v1/order`, { method: "POST" });
    assert.equal(notFound.status, 404);
    await notFound.body?.cancel();
    const time = await (await fetch(`${sim.httpUrl}/fapi/v1/time`)).json();
    assert.equal(typeof time.serverTime, "number");
  } finally {
    await sim.close();
  }
});
