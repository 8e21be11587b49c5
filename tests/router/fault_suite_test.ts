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

/** Places one resting order with client id `cid`; returns its immediate outcome. */
async function place(router: Router, cid: string): Promise<Outcome> {
  try {
    await router.placeOrder(restingBuy({ newClientOrderId: cid }));
    return "acked";
  } catch (e) {
    if (e instanceof UnknownOrderStateError) return "unknown";
    if (e instanceof NotSentError) return "not-sent";
    if (e instanceof ExchangeError) return "rejected";
    throw e;
  }
}

/** Places `n` resting orders with ids `prefix-i` concurrently; returns each id's immediate outcome. */
async function burst(router: Router, prefix: string, n: number): Promise<Map<string, Outcome>> {
  const out = new Map<string, Outcome>();
  await Promise.all(Array.from({ length: n }, async (_, i) => {
    const cid = `${prefix}-${i}`;
    out.set(cid, await place(router, cid));
  }));
  return out;
}

/** Orders `orderFlow` keeps in flight at any moment, so every socket switch finds some on the old socket. */
const FLOW_WIDTH = 8;
/**
 * Upper bound on one `orderFlow` run, so it fails instead of running on when `stop` never holds. Kept well
 * below what the simulator's starting wallet can margin (10 000 USDT at 20x, 5 USDT per resting order).
 */
const FLOW_MAX_ORDERS = 1500;
/** Upper bound on orders refused unsent (link down) in one `orderFlow` run; they use no margin. */
const FLOW_MAX_UNSENT = 20_000;

/**
 * Keeps FLOW_WIDTH resting orders (ids `prefix-0`, `prefix-1`…) in flight until `stop(settled)` holds, then
 * lets the last ones settle; `stop` is not asked again once it held. Returns each id's immediate outcome;
 * rejects, naming `what`, when FLOW_MAX_ORDERS went out first.
 */
function orderFlow(
  router: Router,
  prefix: string,
  stop: (settled: number) => boolean,
  what: string,
): Promise<Map<string, Outcome>> {
  const out = new Map<string, Outcome>();
  let issued = 0;
  let unsent = 0;
  let active = 0;
  let stopped = false;
  return new Promise((resolve, reject) => {
    const next = (): void => {
      stopped ||= stop(out.size);
      if (stopped || issued - unsent >= FLOW_MAX_ORDERS || unsent >= FLOW_MAX_UNSENT) {
        if (active > 0) return;
        if (stopped) resolve(out);
        else reject(new Error(`no ${what} after ${issued} orders (${unsent} refused unsent)`));
        return;
      }
      const cid = `${prefix}-${issued++}`;
      active++;
      place(router, cid).then((o) => {
        out.set(cid, o);
        // Refused at once while the link is down: the next one waits for a macrotask, so the refusals cannot
        // keep the event loop in microtasks (the reconnect runs) or use up the order budget on a slow machine.
        if (o === "not-sent") unsent++;
        return o === "not-sent" ? new Promise<void>((r) => setImmediate(r)) : undefined;
      }, reject).finally(() => {
        active--;
        next();
      });
    };
    for (let i = 0; i < FLOW_WIDTH; i++) next();
  });
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

test("faults: shutdown notice and age rotations mid-flow, short server lifetime → nothing lost", {
  timeout: 60_000,
}, async () => {
  const NOTICE = "server shutdown notice";
  const AGE = "connection age limit";
  /** Every rotation: its reason, the requests in flight at the switch, and whether orders were still flowing. */
  const switches: { reason: string; inFlight: number; flowing: boolean }[] = [];
  let flowing = false;
  let inFlight = (): number => -1; // the router's count, once it exists
  // The router rotates at 250 ms of age, before the simulator cuts a socket at 400 ms; a cut that still comes
  // first (a slow run) can only leave outcomes unknown, and reconciliation must then resolve every one.
  // The reply delay paces the flow, so the rotations come long before FLOW_MAX_ORDERS.
  const s = await stack({ connectionLifetimeMs: 400, faults: { responseDelayMs: 20 } }, {
    maxConnectionAgeMs: 250,
    onEvent: (e) => {
      if (e.type === "rotated") switches.push({ reason: e.reason, inFlight: inFlight(), flowing });
    },
  });
  inFlight = () => s.router.inFlight;
  const whileFlowing = (reason: string) => switches.filter((r) => r.flowing && r.reason === reason).length;
  try {
    let noticeSent = false;
    flowing = true;
    const outcomes = await orderFlow(s.router, "life", (settled) => {
      // The notice goes out once, after a first wave of answers: orders are in flight when it arrives.
      if (!noticeSent && settled >= FLOW_WIDTH) {
        s.sim.sendShutdownNotice();
        noticeSent = true;
      }
      flowing = !(whileFlowing(NOTICE) >= 1 && whileFlowing(AGE) >= 2);
      return !flowing;
    }, "notice rotation and two age-limit rotations");
    await assertConsistent(s, outcomes, "life");
    const unknown = [...outcomes.values()].filter((o) => o === "unknown").length;
    assert.equal(s.tracker.resolvedTotal, unknown, "every unknown outcome reconciled exactly once");
    // One notice, one rotation: the socket it arrived on was replaced and no other rotation was ascribed to it.
    assert.equal(switches.filter((r) => r.reason === NOTICE).length, 1);
    for (const r of switches.filter((r) => r.flowing)) {
      assert.ok(r.inFlight > 0, `${r.reason}: requests in flight at the switch: ${r.inFlight}`);
    }
    assert.equal(s.router.metrics.rotations, switches.length);
  } finally {
    await s.close();
  }
});
