/**
 * Rotation through the router: at the connection age limit and on a server shutdown notice, a fresh socket
 * takes over while requests are in flight on the old one, and none of them fails. The rotation timing itself
 * (exact age, drain, drain timeout) is covered with a manual clock in tests/connection/link_rotation_test.ts.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { ExchangeError } from "../../lib/errors.ts";
import type { Router, RouterEvent } from "../../lib/router/router.ts";
import { connect, simulator } from "./_harness.ts";

/** Queries kept in flight by `traffic` at any moment, so a rotation always finds some on the old socket. */
const TRAFFIC_WIDTH = 8;
/** Upper bound on one `traffic` run: it fails instead of looping forever when `stop` never holds. */
const TRAFFIC_MAX_REQUESTS = 20_000;

/**
 * Keeps TRAFFIC_WIDTH `order.status` queries (for an order that does not exist) in flight until
 * `stop(answered)` holds. Returns how many got the exchange's -2013 answer and every other outcome.
 */
function traffic(
  router: Router,
  stop: (answered: number) => boolean,
  what: string,
): Promise<{ answered: number; failures: unknown[] }> {
  let answered = 0;
  let issued = 0;
  let active = 0;
  const failures: unknown[] = [];
  return new Promise((resolve, reject) => {
    const next = (): void => {
      if (stop(answered) || issued >= TRAFFIC_MAX_REQUESTS) {
        if (active > 0) return;
        if (stop(answered)) resolve({ answered, failures });
        else reject(new Error(`no ${what} after ${issued} requests`));
        return;
      }
      issued++;
      active++;
      router.queryOrder({ symbol: "BTCUSDT", orderId: 1 }).then(
        (r) => failures.push(`unexpected answer ${JSON.stringify(r)}`),
        (e) => e instanceof ExchangeError && e.code === -2013 ? answered++ : failures.push(e),
      ).finally(() => {
        active--;
        next();
      });
    };
    for (let i = 0; i < TRAFFIC_WIDTH; i++) next();
  });
}

/**
 * Records each rotation's reason and the requests in flight at the switch (the new socket is active from
 * that moment, so every one of them was sent on the old socket and must drain from it).
 */
function rotationRecorder() {
  const rotations: { reason: string; inFlight: number }[] = [];
  let router: Router | undefined;
  return {
    rotations,
    watch: (r: Router) => void (router = r),
    onEvent: (e: RouterEvent) => {
      if (e.type === "rotated") rotations.push({ reason: e.reason, inFlight: router?.inFlight ?? -1 });
    },
  };
}

test("Router: rotation at the connection age limit fails no request in flight", async () => {
  const sim = await simulator({ faults: { responseDelayMs: 20 } });
  const log = rotationRecorder();
  const router = await connect(sim, "ed25519", { maxConnectionAgeMs: 300, onEvent: log.onEvent });
  log.watch(router);
  try {
    const { answered, failures } = await traffic(router, () => log.rotations.length >= 2, "two rotations");
    assert.deepEqual(failures, []);
    assert.ok(answered > 0);
    // The last queries finish after `stop`: a further rotation may happen meanwhile, with fewer in flight.
    const [first, second] = log.rotations;
    for (const r of [first, second]) {
      assert.equal(r?.reason, "connection age limit");
      assert.ok(r.inFlight > 0, `requests in flight at the switch: ${r.inFlight}`);
    }
    assert.equal(router.metrics.rotations, log.rotations.length);
    assert.equal(router.metrics.reconnects, 0);
  } finally {
    await router.close();
    await sim.close();
  }
});

test("Router: a server shutdown notice rotates the connection and fails no request in flight", async () => {
  const sim = await simulator({ faults: { responseDelayMs: 20 } });
  const log = rotationRecorder();
  const router = await connect(sim, "ed25519", { onEvent: log.onEvent });
  log.watch(router);
  try {
    let noticeSent = false;
    const { failures } = await traffic(router, (answered) => {
      // Traffic first (so requests are in flight on the old socket), then the notice, once.
      if (!noticeSent && answered >= 2 * TRAFFIC_WIDTH) {
        sim.sendShutdownNotice();
        noticeSent = true;
      }
      return log.rotations.length >= 1;
    }, "rotation after the shutdown notice");
    assert.deepEqual(failures, []);
    assert.deepEqual(log.rotations.map((r) => r.reason), ["server shutdown notice"]);
    assert.ok(
      log.rotations[0]!.inFlight > 0,
      `requests in flight at the switch: ${log.rotations[0]!.inFlight}`,
    );
    assert.equal(router.metrics.rotations, 1);
    assert.equal(router.metrics.reconnects, 0);
    assert.equal(sim.stats().connectionsTotal, 2);
  } finally {
    await router.close();
    await sim.close();
  }
});
