/**
 * Soak with faults: 1,000 orders/s against the simulator (its rate limits raised) while the connection is
 * dropped, answers are delayed, orders are rejected and answered "unknown" (-1007). At the end every order must
 * be in a known state that agrees with the exchange: 0 lost, 0 placed twice.
 *
 * SOAK_SECONDS sets the duration (default 4 s in the test suite; `deno task soak` runs 60 s and prints the
 * figures for the README).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import { ExchangeError, NotSentError, UnknownOrderStateError } from "../../lib/errors.ts";
import { OrderTracker } from "../../lib/orders/order_tracker.ts";
import { Reconciler } from "../../lib/orders/reconciler.ts";
import { connect, simulator, waitFor } from "./_harness.ts";

const SECONDS = Number(process.env.SOAK_SECONDS ?? 4);
const RATE = 1000;

test(`soak: ${RATE} orders/s for ${SECONDS} s with faults → 0 lost, 0 duplicated`, {
  timeout: (SECONDS + 60) * 1000,
}, async () => {
  const sim = await simulator({
    limits: { ordersPer10s: 1_000_000, ordersPerMinute: 1_000_000, weightPerMinute: 10_000_000 },
  });
  const tracker = new OrderTracker();
  const router = await connect(sim, "ed25519", {
    observer: tracker,
    requestTimeoutMs: 1000,
    deadLinkMs: 2000,
  });
  const reconciler = new Reconciler({ router, tracker, recvWindowMs: 1000, marginMs: 500, intervalMs: 100 });
  reconciler.start();
  const outcome = new Map<string, "acked" | "rejected" | "unknown" | "not-sent">();
  const faults = [
    { responseDelayMs: 20 },
    { dropAfterRequests: 150, dropExecutes: true, responseDelayMs: 5 },
    { rejectEveryNthOrder: 7 },
    { unknownEveryNthOrder: 11 },
    { dropAfterRequests: 100, dropExecutes: false },
    {},
  ];
  let faultsInjected = 0;
  const inflight: Promise<void>[] = [];
  try {
    const started = performance.now();
    let sent = 0;
    const total = SECONDS * RATE;
    while (sent < total) {
      const second = Math.floor((performance.now() - started) / 1000);
      // A new fault every half second, cycling through the kinds.
      const phase = Math.floor((performance.now() - started) / 500);
      if (phase >= faultsInjected) {
        sim.setFaults(faults[phase % faults.length]!);
        faultsInjected = phase + 1;
      }
      const due = Math.min(Math.ceil(((performance.now() - started) / 1000) * RATE), total);
      for (; sent < due; sent++) {
        const cid = `soak-${second}-${sent}`;
        // IOC below the mark: expires at once, so the account's margin never runs out.
        inflight.push(
          router.placeOrder({
            symbol: "BTCUSDT",
            side: "BUY",
            type: "LIMIT",
            timeInForce: "IOC",
            quantity: "0.002",
            price: "50000",
            newClientOrderId: cid,
          }).then(
            () => void outcome.set(cid, "acked"),
            (e) => {
              if (e instanceof UnknownOrderStateError) outcome.set(cid, "unknown");
              else if (e instanceof NotSentError) outcome.set(cid, "not-sent");
              else if (e instanceof ExchangeError) outcome.set(cid, "rejected");
              else throw e;
            },
          ),
        );
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    sim.setFaults({});
    await Promise.all(inflight);
    await waitFor(() => router.connected, "connected after the last fault", 10_000);
    await waitFor(() => tracker.count("unknown") === 0, "every unknown order reconciled", 30_000);

    const perCid = new Map<string, number>();
    for (const o of sim.orders()) {
      if (o.clientOrderId.startsWith("soak-")) {
        perCid.set(o.clientOrderId, (perCid.get(o.clientOrderId) ?? 0) + 1);
      }
    }
    const duplicated = [...perCid.values()].filter((n) => n > 1).length;
    let lost = 0;
    for (const [cid, o] of outcome) {
      if (o === "acked" && !perCid.has(cid)) lost++; // acknowledged but not on the exchange
      if ((o === "rejected" || o === "not-sent") && perCid.has(cid)) lost++; // refused here, live there
    }
    lost += SECONDS * RATE - outcome.size; // a caller never answered
    const counts = { acked: 0, rejected: 0, unknown: 0, "not-sent": 0 };
    for (const o of outcome.values()) counts[o]++;
    console.log(
      `soak: ${outcome.size} orders in ${SECONDS} s, faults injected ${faultsInjected}, reconnects ` +
        `${router.metrics.reconnects}, outcomes ${
          JSON.stringify(counts)
        }, reconciled ${tracker.resolvedTotal}, ` +
        `lost ${lost}, duplicated ${duplicated}`,
    );
    assert.equal(duplicated, 0, "no client order id placed twice");
    assert.equal(lost, 0, "every order in a known state that agrees with the exchange");
    assert.ok(counts.unknown > 0 && counts.rejected > 0, "the faults really happened");
    assert.equal(tracker.resolvedTotal, counts.unknown, "every unknown outcome was reconciled");
  } finally {
    reconciler.stop();
    await router.close();
    await sim.close();
  }
});
