/**
 * A halt's cancels made good later (an outside audit): an order whose place had an unknown outcome and
 * reached the engine after the halt's cancel (-2011, then NOT_FOUND), and orders whose cancels were lost with
 * the link, rested while the router was halted. Both are cancelled once they show open. Over real sockets.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Gateway, GatewayOptions } from "../../lib/gateway/gateway.ts";
import type { Simulator } from "../../lib/sim/mod.ts";
import { openGateway, tempDir } from "./_gateway.ts";
import { restingBuy, simulator, waitFor } from "../router/_harness.ts";

async function open(
  sim: Simulator,
  extra: Partial<GatewayOptions> = {},
  dataDir = tempDir("lr-halt-watch-"),
) {
  const gateway = await openGateway(sim, dataDir, { streamUrl: sim.streamUrl, ...extra });
  await waitFor(() => gateway.userStream?.state === "up", "the user stream");
  return gateway;
}

/** Three BUY orders resting below the mark; their client ids. */
async function threeResting(gateway: Gateway): Promise<string[]> {
  const cids: string[] = [];
  for (let i = 0; i < 3; i++) {
    const price = String(50_000 - i * 10);
    cids.push((await gateway.router.placeOrder(restingBuy({ quantity: "0.003", price }))).clientOrderId);
  }
  return cids;
}

const status = (sim: Simulator, cid: string) => sim.orders().find((o) => o.clientOrderId === cid)?.status;

test("halt: a place of unknown outcome that reaches the engine after the halt's cancel is cancelled once it rests", async () => {
  const sim = await simulator();
  const gateway = await open(sim, { requestTimeoutMs: 500 });
  try {
    sim.setFaults({ placeDelayMs: 1500 }); // the engine takes it after the request timed out
    await assert.rejects(gateway.router.placeOrder(restingBuy({ newClientOrderId: "late-1" })));
    const report = await gateway.halt("late place");
    assert.deepEqual(report.alreadyFinished, [{ clientOrderId: "late-1", status: "NOT_FOUND" }]);
    await waitFor(() => status(sim, "late-1") !== undefined, "the place landing", 5000);
    await waitFor(() => status(sim, "late-1") === "CANCELED", "the watch's cancel", 8000);
    assert.equal(gateway.router.halted, "late place");
  } finally {
    sim.setFaults({});
    await gateway.close();
    await sim.close();
  }
});

test("halt: cancels lost with the link are sent again once the orders show open after the reconnect", async () => {
  const sim = await simulator();
  const gateway = await open(sim);
  try {
    const cids = await threeResting(gateway);
    sim.setFaults({ dropAfterRequests: 2 }); // the second cancel's arrival cuts the socket
    const report = await gateway.halt("link");
    assert.ok(report.failed.length >= 1, JSON.stringify(report));
    await waitFor(
      () => cids.every((cid) => status(sim, cid) === "CANCELED"),
      "every order cancelled",
      10_000,
    );
    assert.equal(gateway.router.halted, "link");
  } finally {
    sim.setFaults({});
    await gateway.close();
    await sim.close();
  }
});

test("halt: an order the pass missed is left alone once the halt is lifted (the trader's again)", async () => {
  const sim = await simulator();
  const gateway = await open(sim, { requestTimeoutMs: 500 });
  try {
    sim.setFaults({ placeDelayMs: 1500 });
    await assert.rejects(gateway.router.placeOrder(restingBuy({ newClientOrderId: "late-2" })));
    await gateway.halt("briefly");
    gateway.resume(); // lifted before the place lands: the order is the trader's again
    await waitFor(() => status(sim, "late-2") === "NEW", "the place landing", 5000);
    await new Promise((r) => setTimeout(r, 2500)); // two ticks of the watch
    assert.equal(status(sim, "late-2"), "NEW");
  } finally {
    sim.setFaults({});
    await gateway.close();
    await sim.close();
  }
});

test("halt: kept across a restart, it cancels what still rests once the gateway has started (cancels lost with the link)", async () => {
  const sim = await simulator();
  const dataDir = tempDir("lr-halt-watch-");
  let gateway = await open(sim, {}, dataDir);
  try {
    const cids = await threeResting(gateway);
    sim.setFaults({ silentAfterRequests: 1 }); // the first cancel is answered, the rest never
    const report = await gateway.halt("kept");
    assert.ok(report.failed.length >= 1, JSON.stringify(report));
    await gateway.close(); // before the reconnect: the watch goes with the process
    sim.setFaults({});
    assert.ok(cids.some((cid) => status(sim, cid) === "NEW"), "something still rests");
    gateway = await open(sim, {}, dataDir);
    assert.match(gateway.router.halted ?? "", /^kept/);
    await waitFor(
      () => cids.every((cid) => status(sim, cid) === "CANCELED"),
      "every order cancelled",
      10_000,
    );
    gateway.resume();
    // The restored orders' own hold (reconciling the journal's orders) may outlast the cancels on a busy machine.
    await gateway.reconciled;
    const after = await gateway.router.placeOrder(restingBuy({ quantity: "0.003" }));
    await gateway.close();
    // Resumed: the next start keeps no halt and cancels nothing (it only reconciles the resting order).
    gateway = await open(sim, {}, dataDir);
    await waitFor(() => gateway.router.halted === undefined, "no hold once reconciled");
    assert.equal(status(sim, after.clientOrderId), "NEW");
  } finally {
    sim.setFaults({});
    await gateway.close();
    await sim.close();
  }
});
