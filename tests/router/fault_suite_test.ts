/**
 * Fault suite: the router + order tracker + reconciler against the simulator's fault injection. After every
 * fault, every order the router accepted must end in a known state that matches the exchange's, and no client
 * order id may have been placed twice.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { ExchangeError, NotSentError, UnknownOrderStateError } from "../../lib/errors.ts";
import { OrderTracker } from "../../lib/orders/order_tracker.ts";
import { Reconciler } from "../../lib/orders/reconciler.ts";
import type { Router, RouterOptions } from "../../lib/router/router.ts";
import type { Simulator, SimulatorOptions } from "../../lib/sim/mod.ts";
import { connect, restingBuy, simulator, waitFor } from "./_harness.ts";

interface Stack {
  sim: Simulator;
  router: Router;
  tracker: OrderTracker;
  reconciler: Reconciler;
  close(): Promise<void>;
}

async function stack(
  simOptions: SimulatorOptions = {},
  routerOptions: Partial<RouterOptions> = {},
): Promise<Stack> {
  const sim = await simulator({ limits: { ordersPer10s: 100_000, ordersPerMinute: 100_000 }, ...simOptions });
  const tracker = new OrderTracker();
  const router = await connect(sim, "ed25519", { observer: tracker, ...routerOptions });
  const reconciler = new Reconciler({ router, tracker, recvWindowMs: 300, marginMs: 0, intervalMs: 50 });
  reconciler.start();
  return {
    sim,
    router,
    tracker,
    reconciler,
    async close() {
      reconciler.stop();
      await router.close();
      await sim.close();
    },
  };
}

type Outcome = "acked" | "rejected" | "unknown" | "not-sent";

/** Places `n` resting orders with ids `prefix-i` concurrently; returns each id's immediate outcome. */
async function burst(router: Router, prefix: string, n: number): Promise<Map<string, Outcome>> {
  const out = new Map<string, Outcome>();
  await Promise.all(Array.from({ length: n }, async (_, i) => {
    const cid = `${prefix}-${i}`;
    try {
      await router.placeOrder(restingBuy({ newClientOrderId: cid }));
      out.set(cid, "acked");
    } catch (e) {
      if (e instanceof UnknownOrderStateError) out.set(cid, "unknown");
      else if (e instanceof NotSentError) out.set(cid, "not-sent");
      else if (e instanceof ExchangeError) out.set(cid, "rejected");
      else throw e;
    }
  }));
  return out;
}

/** Waits for reconciliation, then checks the router's view against the exchange's. */
async function assertConsistent(s: Stack, outcomes: Map<string, Outcome>, prefix: string): Promise<void> {
  await waitFor(() => s.router.connected, "connected");
  await waitFor(() => s.tracker.count("unknown") === 0, "every unknown order reconciled", 15_000);
  const onExchange = s.sim.orders().filter((o) => o.clientOrderId.startsWith(prefix + "-"));
  const perId = new Map<string, number>();
  for (const o of onExchange) perId.set(o.clientOrderId, (perId.get(o.clientOrderId) ?? 0) + 1);
  for (const [cid, count] of perId) assert.equal(count, 1, `${cid} placed ${count} times`);
  const openOnExchange = new Set(onExchange.filter((o) => o.status === "NEW").map((o) => o.clientOrderId));
  const tracked = new Set(
    s.tracker.list().filter((o) => o.clientOrderId.startsWith(prefix + "-")).map((o) => o.clientOrderId),
  );
  assert.deepEqual(
    [...tracked].sort(),
    [...openOnExchange].sort(),
    "tracked open orders = exchange open orders",
  );
  for (const [cid, outcome] of outcomes) {
    if (outcome === "acked") assert.ok(perId.has(cid), `${cid} acked but not on the exchange`);
    if (outcome === "rejected" || outcome === "not-sent") {
      assert.ok(!perId.has(cid), `${cid} ${outcome} but placed`);
    }
  }
}

test("faults: connection dropped with 50 orders in flight, some executed → all known, none twice", {
  timeout: 60_000,
}, async () => {
  const s = await stack();
  try {
    s.sim.setFaults({ responseDelayMs: 30, dropAfterRequests: 30, dropExecutes: true });
    const outcomes = await burst(s.router, "drop50", 50);
    assert.ok([...outcomes.values()].includes("unknown"), "the drop left some outcomes unknown");
    s.sim.setFaults({});
    await assertConsistent(s, outcomes, "drop50");
    assert.ok(s.tracker.resolvedTotal > 0);
  } finally {
    await s.close();
  }
});

test(
  "faults: silent exchange → timeouts → UNKNOWN → reconciled after the link recovers",
  { timeout: 60_000 },
  async () => {
    const s = await stack({}, { requestTimeoutMs: 200, deadLinkMs: 400 });
    try {
      s.sim.setFaults({ silentAfterRequests: 5 });
      const outcomes = await burst(s.router, "silent", 10);
      assert.ok([...outcomes.values()].filter((o) => o === "unknown").length >= 5);
      s.sim.setFaults({});
      await waitFor(() => s.router.metrics.reconnects >= 1, "dead link detected and reconnected");
      await assertConsistent(s, outcomes, "silent");
    } finally {
      await s.close();
    }
  },
);

test("faults: delayed answers, every-Nth reject and -1007 unknowns → all known, none twice", {
  timeout: 60_000,
}, async () => {
  const s = await stack();
  try {
    s.sim.setFaults({ responseDelayMs: 20, rejectEveryNthOrder: 4, unknownEveryNthOrder: 5 });
    const outcomes = await burst(s.router, "mixed", 40);
    const values = [...outcomes.values()];
    assert.ok(values.includes("rejected") && values.includes("unknown") && values.includes("acked"));
    s.sim.setFaults({});
    await assertConsistent(s, outcomes, "mixed");
  } finally {
    await s.close();
  }
});

test(
  "faults: a 429 storm is answered locally once the limit is known; nothing is lost",
  { timeout: 60_000 },
  async () => {
    const s = await stack({ limits: { ordersPer10s: 20, ordersPerMinute: 1000 } });
    try {
      const outcomes = await burst(s.router, "storm", 60);
      const values = [...outcomes.values()];
      const rejected = values.filter((v) => v === "rejected").length;
      const notSent = values.filter((v) => v === "not-sent").length;
      assert.ok(values.filter((v) => v === "acked").length <= 20);
      assert.ok(rejected + notSent >= 40, `rejected ${rejected}, refused locally ${notSent}`);
      // After the first 429 or counter report, the router refuses locally instead of hammering the exchange.
      const again = await burst(s.router, "storm2", 20);
      assert.ok([...again.values()].every((v) => v === "not-sent"), JSON.stringify([...again.values()]));
      await assertConsistent(s, outcomes, "storm");
    } finally {
      await s.close();
    }
  },
);

test("faults: shutdown notice and short connection lifetime during a burst → nothing lost", {
  timeout: 60_000,
}, async () => {
  const s = await stack({ connectionLifetimeMs: 400 }, { maxConnectionAgeMs: 250 });
  try {
    const all = new Map<string, Outcome>();
    for (let round = 0; round < 8; round++) {
      if (round === 3) s.sim.sendShutdownNotice();
      for (const [k, v] of await burst(s.router, `life${round}`, 10)) all.set(k, v);
      await new Promise((r) => setTimeout(r, 60));
    }
    for (let round = 0; round < 8; round++) {
      await assertConsistent(
        s,
        new Map([...all].filter(([k]) => k.startsWith(`life${round}-`))),
        `life${round}`,
      );
    }
    assert.ok(s.router.metrics.rotations >= 1);
  } finally {
    await s.close();
  }
});
