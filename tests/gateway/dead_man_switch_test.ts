import { test } from "node:test";
import assert from "node:assert/strict";
import { createHmacSigner } from "../../lib/signing/hmac_signer.ts";
import { DeadManSwitch } from "../../lib/gateway/dead_man_switch.ts";
import { OrderTracker } from "../../lib/orders/order_tracker.ts";
import { connect, HMAC_KEY, HMAC_SECRET, restingBuy, simulator, waitFor } from "../router/_harness.ts";

test(
  "DeadManSwitch: refreshed, it keeps orders alive; once the router stops refreshing, the exchange cancels them",
  {
    timeout: 30_000,
  },
  async () => {
    const sim = await simulator();
    const tracker = new OrderTracker();
    const router = await connect(sim, "hmac", { observer: tracker });
    const signer = createHmacSigner(HMAC_SECRET);
    const errors: string[] = [];
    const dms = new DeadManSwitch({
      restUrl: sim.httpUrl,
      apiKey: HMAC_KEY,
      sign: (q) => signer.hex(q),
      countdownMs: 600,
      symbols: () => tracker.symbols(),
      now: () => Date.now() + router.clockOffsetMs,
      onError: (s, m) => errors.push(`${s}: ${m}`),
    });
    try {
      const ack = await router.placeOrder(restingBuy());
      dms.start();
      await waitFor(() => dms.armed.includes("BTCUSDT"), "armed");
      // Alive for several countdowns while refreshed.
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal(sim.orders().find((o) => o.orderId === ack.orderId)?.status, "NEW");
      assert.ok(dms.refreshes >= 3, `refreshes ${dms.refreshes}`);
      assert.deepEqual(errors, []);
      // The router "dies": no more refreshes. The exchange cancels on its own.
      await dms.stop(); // disarms: prove the disarm works, then re-arm once and abandon it
      await new Promise((r) => setTimeout(r, 900));
      assert.equal(
        sim.orders().find((o) => o.orderId === ack.orderId)?.status,
        "NEW",
        "disarmed: not cancelled",
      );
      await dms.tick(); // armed once, never refreshed again
      await waitFor(
        () => sim.orders().find((o) => o.orderId === ack.orderId)?.status === "CANCELED",
        "the exchange's countdown to cancel the order",
        5000,
      );
    } finally {
      await router.close();
      await sim.close();
    }
  },
);

test("DeadManSwitch: a refused signature is reported, not thrown", async () => {
  const sim = await simulator();
  const errors: string[] = [];
  const dms = new DeadManSwitch({
    restUrl: sim.httpUrl,
    apiKey: HMAC_KEY,
    sign: () => "00".repeat(32),
    countdownMs: 60_000,
    symbols: () => ["BTCUSDT"],
    now: Date.now,
    onError: (s, m) => errors.push(`${s}: ${m}`),
  });
  try {
    await dms.tick();
    assert.equal(dms.failures, 1);
    assert.match(errors[0]!, /BTCUSDT: HTTP 400 .*-1022/);
    assert.deepEqual(dms.armed, []);
  } finally {
    await sim.close();
  }
});
