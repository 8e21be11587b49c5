/**
 * kill -9 of the router mid-burst: the exchange (a simulator in its own process) keeps what it executed;
 * the restarted router must find every one of those orders from its journal, reconcile it, and only then
 * accept new orders. Nothing lost, nothing placed twice.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnScript } from "../cli/_child.ts";
import { Router } from "../../lib/router/router.ts";
import { ExchangeError } from "../../lib/errors.ts";

const KEY = "crash-test-api-key";
const SECRET = "crash-test-secret-key-0123456789";

/** A resting LIMIT BUY with client id `cid`, as a POST /orders body. */
const orderBody = (cid: string) =>
  JSON.stringify({
    symbol: "BTCUSDT",
    side: "BUY",
    type: "LIMIT",
    quantity: "0.002",
    price: "50000",
    timeInForce: "GTC",
    newClientOrderId: cid,
  });

test("kill -9 mid-burst → restart reconciles every order from the journal before trading", {
  timeout: 90_000,
}, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "lr-crash-"));
  const sim = spawnScript("tests/journal/_sim_server.ts", [KEY, SECRET]);
  const env = { BINANCE_API_KEY: KEY, BINANCE_SECRET_KEY: SECRET };
  let router: Router | undefined;
  let second: ReturnType<typeof spawnScript> | undefined;
  try {
    const [, wsUrl] = await sim.waitForStderr(/simulator (ws:\/\/\S+)/);
    const args = ["--ws-url", wsUrl!, "--port", "0", "--data-dir", dataDir, "--recv-window", "1000"];
    const first = spawnScript("main.ts", args, env);
    const [, url] = await first.waitForStderr(/control\s+(http:\/\/127\.0\.0\.1:\d+)/);
    // Fire 150 orders without waiting; kill the router hard once 40 have been answered.
    const cids = Array.from({ length: 150 }, (_, i) => `crash-${i}`);
    let answered = 0;
    const killed = new Promise<void>((resolve) => {
      for (const cid of cids) {
        fetch(`${url}/orders`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: orderBody(cid),
        }).then((r) => r.body?.cancel()).catch(() => {}).finally(() => {
          if (++answered === 40) {
            first.kill("SIGKILL");
            resolve();
          }
        });
      }
    });
    await killed;
    assert.equal(await first.exited(), "SIGKILL");

    // What the exchange holds now, asked directly.
    router = await Router.connect({ url: wsUrl!, apiKey: KEY, secretKey: SECRET });
    const onExchange = new Set<string>();
    for (const cid of cids) {
      try {
        if ((await router.queryOrder({ symbol: "BTCUSDT", origClientOrderId: cid })).status === "NEW") {
          onExchange.add(cid);
        }
      } catch (e) {
        if (!(e instanceof ExchangeError && e.code === -2013)) throw e;
      }
    }
    assert.ok(onExchange.size >= 40, `the exchange executed ${onExchange.size}`);

    second = spawnScript("main.ts", args, env);
    const [, url2] = await second.waitForStderr(/control\s+(http:\/\/127\.0\.0\.1:\d+)/);
    await second.waitForStderr(/journal: reconciled; orders resumed/, 30_000);
    const tracked = await (await fetch(`${url2}/orders`)).json() as {
      clientOrderId: string;
      state: string;
    }[];
    assert.deepEqual(tracked.map((o) => o.clientOrderId).sort(), [...onExchange].sort(), "nothing lost");
    assert.ok(tracked.every((o) => o.state === "open"));
    const health = await (await fetch(`${url2}/health`)).json();
    assert.equal(health.orders.unknown, 0);
    assert.equal(health.halted, false);
    // Nothing was resent: a fresh order for a cid the exchange holds open is refused as a duplicate.
    const dup = await fetch(`${url2}/orders`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: orderBody([...onExchange][0]!),
    });
    assert.equal((await dup.json()).code, -4116);
  } finally {
    await router?.close();
    second?.kill("SIGTERM");
    await second?.exited();
    sim.kill("SIGKILL");
    await sim.exited();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
