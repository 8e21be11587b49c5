/** The strategy author's entry (`lib/mod.ts`) gives what a bare Router needs to track and halt its orders. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { OrderTracker, Reconciler, Router } from "../lib/mod.ts";
import { HMAC_KEY, HMAC_SECRET, restingBuy, simulator } from "./router/_harness.ts";

test("mod.ts: a bare Router with an OrderTracker and a Reconciler halts what it placed", async () => {
  const sim = await simulator();
  const tracker = new OrderTracker();
  const router = await Router.connect({
    url: sim.url,
    apiKey: HMAC_KEY,
    secretKey: HMAC_SECRET,
    observer: tracker,
  });
  const reconciler = new Reconciler({ router, tracker });
  reconciler.start();
  try {
    const ack = await router.placeOrder(restingBuy());
    assert.equal(tracker.get(ack.clientOrderId)?.state, "open");
    const report = await router.halt("end of session");
    assert.deepEqual(report.canceled, [ack.clientOrderId]);
    assert.equal(sim.orders().find((o) => o.clientOrderId === ack.clientOrderId)?.status, "CANCELED");
  } finally {
    reconciler.stop();
    await router.close();
    await sim.close();
  }
});
