import { test } from "node:test";
import assert from "node:assert/strict";
import type { Clock, ClockHandle } from "../../lib/_clock.ts";
import { NotSentError } from "../../lib/errors.ts";
import { Gateway, type GatewayEvent, type GatewayOptions } from "../../lib/gateway/gateway.ts";
import type { Simulator } from "../../lib/sim/mod.ts";
import { openGateway, tempDir } from "./_gateway.ts";
import { METHODS } from "../../lib/wire/methods.ts";
import { ManualClock } from "../_manual_clock.ts";
import { connect, restingBuy, simulator, waitFor } from "../router/_harness.ts";

/**
 * Exchange time that runs with real time plus jumps the test makes; the timers only fire when it jumps. The
 * simulator and the gateway's reconciliation share it, so a jump rolls the simulator's rate window and wakes
 * a reconciliation waiting for that roll, while the router's signed timestamps stay within recvWindow.
 */
class JumpClock implements Clock {
  readonly #timers = new ManualClock(0);
  /**
   * Starts 50 ms into a 10 s window of the simulator's (they are aligned to the epoch): real time, which this
   * clock follows, then never rolls a window by itself during the test, only a jump does. From anywhere else in
   * a window, a natural roll could let reconciliation through without a wait (a flaky count of windows).
   */
  #shift = ((t) => Math.ceil(t / 10_000) * 10_000 + 50 - t)(Date.now());
  now = (): number => Date.now() + this.#shift;
  setTimeout = (fn: () => void, ms: number): ClockHandle => this.#timers.setTimeout(fn, ms);
  clearTimeout = (h: ClockHandle | undefined): void => this.#timers.clearTimeout(h);
  setInterval = (fn: () => void, ms: number): ClockHandle => this.#timers.setInterval(fn, ms);
  clearInterval = (h: ClockHandle | undefined): void => this.#timers.clearInterval(h);

  /** Jumps to the latest one-shot timer due (the reconciliation's wait for the roll), firing what falls due. */
  jumpToLastTimeout(): number {
    const timeouts = this.#timers.timeouts;
    assert.ok(timeouts.length > 0, "something waits");
    const ms = timeouts[timeouts.length - 1]! - this.#timers.now();
    this.#shift += ms;
    this.#timers.advance(ms);
    return ms;
  }
}

function open(sim: Simulator, dataDir: string, extra: Partial<GatewayOptions> = {}): Promise<Gateway> {
  return openGateway(sim, dataDir, { recvWindow: 60_000, ...extra });
}

function weightCount(gateway: Gateway): number {
  return gateway.router.rateLimits.find((l) => l.rateLimitType === "REQUEST_WEIGHT")?.count ?? -1;
}

function answered(gateway: Gateway, method: string): number {
  const i = METHODS[method]!.index * 4;
  return [0, 1, 2, 3].reduce((n, k) => n + gateway.router.metrics.byMethod[i + k]!, 0);
}

test("pacing: many restored orders are reconciled within half the request weight per window; the probe still goes out; the hold lifts by itself", async () => {
  const clock = new JumpClock();
  // 60 weight per 10 s window: half of it, 30, for reconciliation. Each gateway's start costs 12 (handshake 5,
  // session.status 2, v2/account.balance 5).
  const sim = await simulator({ clock, limits: { weightPerMinute: 60, weightWindowSeconds: 10 } });
  const dir = tempDir("lr-pacing-");
  const orders = 60;
  const first = await open(sim, dir);
  for (let i = 0; i < orders; i++) await first.router.placeOrder(restingBuy()); // order.place weighs 0
  await first.close();

  const events: GatewayEvent[] = [];
  const second = await open(sim, dir, {
    clock,
    deadLinkMs: 300,
    reconcileTimeoutMs: 8_000,
    onEvent: (e) => events.push(e),
  });
  let left: number | undefined;
  void second.reconciled.then((n) => left = n);
  try {
    assert.equal(second.restored, orders);
    assert.equal(second.router.halted, `reconciling ${orders} orders from the journal`);
    const waits = () => events.filter((e) => e.type === "reconcile-waiting"); // one per window roll
    const counts: number[] = [];
    let handled = 0;
    while (left === undefined) {
      await waitFor(() => left !== undefined || waits().length > handled, "a wait or the end", 10_000);
      if (left !== undefined) break;
      handled = waits().length;
      await waitFor(() => second.router.inFlight === 0, "the answers");
      counts.push(weightCount(second)); // the simulator's own count, from its last answer
      const requests = sim.stats().requests;
      await waitFor(() => sim.stats().requests > requests, "a liveness probe while reconciliation waits");
      assert.ok(second.router.connected);
      clock.jumpToLastTimeout();
    }
    assert.equal(left, 0);
    assert.equal(second.router.halted, undefined, "the hold lifted by itself");
    assert.equal(second.tracker.count("unknown"), 0);
    assert.equal(second.tracker.list("open").length, orders);
    assert.ok(counts.length >= 2, `paced over several windows: ${counts}`);
    for (const count of counts) assert.ok(count <= 30, `at most half of 60 per window: ${counts}`);
    assert.ok(answered(second, "order.status") >= orders);
    assert.ok(answered(second, "session.status") >= 1 + counts.length, "connect, then a probe per wait");
    const types = new Set(events.map((e) => e.type));
    for (const bad of ["disconnected", "reconnecting", "rate-limited", "reconcile-incomplete"]) {
      assert.equal(types.has(bad as GatewayEvent["type"]), false, bad);
    }
    assert.ok(types.has("reconcile-slow"), "a loud event while it took long");
    assert.deepEqual(events.filter((e) => e.type === "reconciled"), [{ type: "reconciled", orders }]);
  } finally {
    await second.close();
    await sim.close();
  }
});

test("pacing: the liveness probe and the reconnect's clock sync are never refused by the local rate guard", async () => {
  // The weight window is the wall clock's minute, as on Binance: start with 15 s of it left at least, so it
  // cannot roll between filling it and the last refusal below (a query would then go out and be answered).
  const intoMinute = Date.now() % 60_000;
  if (intoMinute > 45_000) await new Promise((r) => setTimeout(r, 60_000 - intoMinute + 50));
  const sim = await simulator({ limits: { weightPerMinute: 1000 } });
  const events: string[] = [];
  // Half of the limit kept free for cancels: the guard refuses other requests long before the exchange would.
  const router = await connect(sim, "hmac", {
    rateLimitHeadroom: 0.5,
    deadLinkMs: 300,
    onEvent: (e) => events.push(e.type),
  });
  try {
    let refused: unknown;
    for (let i = 0; i < 600 && refused === undefined; i++) {
      await router.queryOrder({ symbol: "BTCUSDT", orderId: 1 }).catch((e) => {
        if (e instanceof NotSentError) refused = e;
      });
    }
    assert.ok(refused instanceof NotSentError && refused.reason === "rate-limit", String(refused));
    const requests = sim.stats().requests;
    await waitFor(() => sim.stats().requests >= requests + 2, "two probes past the guard");
    assert.ok(router.connected);
    assert.deepEqual(events.filter((t) => t === "disconnected"), [], "the link was never declared dead");

    sim.dropConnections();
    await waitFor(() => events.filter((t) => t === "connected").length === 2, "the reconnect");
    assert.ok(router.connected, "the reconnect's session.status went out although the guard refuses queries");
    await assert.rejects(router.queryOrder({ symbol: "BTCUSDT", orderId: 1 }), { reason: "rate-limit" });
  } finally {
    await router.close();
    await sim.close();
  }
});

test("pacing: closing while reconciliation waits for the window ends the wait and reports what is left", async () => {
  const clock = new JumpClock();
  const sim = await simulator({ clock, limits: { weightPerMinute: 40, weightWindowSeconds: 10 } });
  const dir = tempDir("lr-pacing-");
  const first = await open(sim, dir);
  for (let i = 0; i < 30; i++) await first.router.placeOrder(restingBuy());
  await first.close();
  const events: GatewayEvent[] = [];
  const second = await open(sim, dir, { clock, onEvent: (e) => events.push(e) });
  await waitFor(() => events.some((e) => e.type === "reconcile-waiting"), "the wait for the roll");
  assert.equal(second.router.halted, "reconciling 30 orders from the journal");
  await second.close();
  const left = await second.reconciled;
  assert.ok(left > 0 && left < 30, `some were reconciled, the rest left for the next start: ${left}`);
  assert.deepEqual(events.filter((e) => e.type === "reconcile-incomplete"), [{
    type: "reconcile-incomplete",
    unknown: left,
  }]);
  await sim.close();
});
