import { test } from "node:test";
import assert from "node:assert/strict";
import { OrderTracker } from "../../lib/orders/order_tracker.ts";
import { Reconciler } from "../../lib/orders/reconciler.ts";
import { UnknownOrderStateError } from "../../lib/errors.ts";
import { connect, restingBuy, simulator, waitFor } from "../router/_harness.ts";

test("Reconciler: orders lost in a dropped connection are resolved against the exchange", async () => {
  const sim = await simulator();
  const tracker = new OrderTracker();
  const router = await connect(sim, "hmac", { observer: tracker, requestTimeoutMs: 5000 });
  const resolved: [string, string][] = [];
  const reconciler = new Reconciler({
    router,
    tracker,
    sink: { resolved: (cid, status) => resolved.push([cid, status]) },
    marginMs: 0,
    recvWindowMs: 200,
    intervalMs: 50,
  });
  try {
    sim.setFaults({ responseDelayMs: 50, dropAfterRequests: 12, dropExecutes: true });
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => router.placeOrder(restingBuy({ newClientOrderId: `rec-${i}` }))),
    );
    const unknown = results.filter((r) =>
      r.status === "rejected" && r.reason instanceof UnknownOrderStateError
    );
    assert.ok(unknown.length > 0, "some orders must be in flight when the connection drops");
    assert.equal(tracker.count("unknown"), unknown.length);
    sim.setFaults({});
    await waitFor(() => router.connected, "reconnect");
    reconciler.start();
    await waitFor(() => tracker.count("unknown") === 0, "reconciliation", 10_000);
    // Every order the exchange holds is tracked as open; every order it does not hold was never placed.
    const onExchange = new Set(
      sim.orders().filter((o) => o.clientOrderId.startsWith("rec-")).map((o) => o.clientOrderId),
    );
    const tracked = new Set(tracker.list().map((o) => o.clientOrderId));
    assert.deepEqual([...tracked].sort(), [...onExchange].sort());
    assert.equal(resolved.length, unknown.length);
    for (const [cid, status] of resolved) assert.equal(status === "NOT_FOUND", !onExchange.has(cid), cid);
    // Nothing was sent twice.
    const counts = new Map<string, number>();
    for (const o of sim.orders()) counts.set(o.clientOrderId, (counts.get(o.clientOrderId) ?? 0) + 1);
    assert.ok([...counts.values()].every((n) => n === 1));
  } finally {
    reconciler.stop();
    await router.close();
    await sim.close();
  }
});
