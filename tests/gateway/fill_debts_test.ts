/**
 * Fills owed across a restart (an outside audit): an order the router learnt had filled while the user stream
 * lost its trades — by a query after an unknown outcome, or by the follow-up of a cancel refused -2011 — had
 * its trades read back a second later; a process stopped in between lost them for good. Over real sockets.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { GatewayOptions } from "../../lib/gateway/gateway.ts";
import type { Simulator } from "../../lib/sim/mod.ts";
import { openGateway, tempDir } from "./_gateway.ts";
import { restingBuy, simulator, waitFor } from "../router/_harness.ts";

/** A gateway with the user stream and the REST host (the fill read-back needs it), on `dataDir`. */
async function open(sim: Simulator, dataDir: string, extra: Partial<GatewayOptions> = {}) {
  const gateway = await openGateway(sim, dataDir, {
    streamUrl: sim.streamUrl,
    restUrl: sim.httpUrl,
    auditIntervalMs: 0,
    fillReadBackPauseMs: 50,
    ...extra,
  });
  await waitFor(() => gateway.userStream?.state === "up", "the user stream");
  return gateway;
}

test("fill debts: an unknown place found FILLED, stopped before its trades were read back: the next start reads them", async () => {
  const sim = await simulator();
  const dataDir = tempDir("lr-debts-");
  let gateway = await open(sim, dataDir);
  try {
    sim.setFaults({ streamPaused: true, unknownNextOrders: 1 }); // executed, answered -1007; its trade is lost
    const market = {
      symbol: "ETHUSDT",
      side: "BUY",
      type: "MARKET",
      quantity: "0.010",
      newClientOrderId: "owed-1",
    };
    await assert.rejects(gateway.router.placeOrder(market as never));
    await waitFor(() => gateway.tracker.get("owed-1")?.status === "FILLED", "the reconciler's answer");
    assert.equal(gateway.account.fills.list().length, 0, "its trade not read back yet");
    await gateway.close(); // within the read-back's second
    sim.setFaults({});
    gateway = await open(sim, dataDir);
    await waitFor(
      () => gateway.account.fills.list().some((f) => f.clientOrderId === "owed-1"),
      "the trade read back",
    );
    const o = gateway.tracker.get("owed-1");
    assert.deepEqual(
      [o?.executedQty, o?.type, o?.side],
      ["0.010", "MARKET", "BUY"],
      "described by the answer",
    );
    await gateway.close();
    // Paid: a third start has nothing of it to ask.
    gateway = await open(sim, dataDir);
    assert.equal(gateway.tracker.get("owed-1"), undefined);
  } finally {
    sim.setFaults({});
    await gateway.close();
    await sim.close();
  }
});

test("fill debts: a cancel refused -2011 (the order filled unseen), stopped before the follow-up: the next start asks", async () => {
  const sim = await simulator();
  const dataDir = tempDir("lr-debts-");
  let gateway = await open(sim, dataDir, { ackFollowUpMs: 600_000 }); // the follow-up would come too late
  try {
    const ack = await gateway.router.placeOrder(restingBuy({ quantity: "0.002", price: "50000" }));
    sim.setFaults({ streamPaused: true }); // the fill's events are lost
    sim.setMarkPrice("BTCUSDT", "49990");
    await assert.rejects(
      gateway.router.cancelOrder({ symbol: "BTCUSDT", origClientOrderId: ack.clientOrderId }),
      (e: unknown) => (e as { code?: number }).code === -2011,
    );
    assert.equal(gateway.tracker.get(ack.clientOrderId)?.status, "NOT_FOUND");
    await gateway.close();
    sim.setFaults({});
    gateway = await open(sim, dataDir);
    await waitFor(() => gateway.tracker.get(ack.clientOrderId)?.status === "FILLED", "asked again at start");
    await waitFor(
      () => gateway.account.fills.list().some((f) => f.clientOrderId === ack.clientOrderId),
      "its trade read back",
    );
  } finally {
    sim.setFaults({});
    await gateway.close();
    await sim.close();
  }
});

test("fill debts: a RESULT ack ahead of its trades on the stream writes no debt (the trades come within the look's delay)", async () => {
  const sim = await simulator();
  const dataDir = tempDir("lr-debts-");
  const gateway = await open(sim, dataDir);
  try {
    const ack = await gateway.router.placeOrder({
      symbol: "ETHUSDT",
      side: "BUY",
      type: "MARKET",
      quantity: "0.010",
      newOrderRespType: "RESULT",
    });
    assert.equal(ack.status, "FILLED");
    await waitFor(() => gateway.account.fills.list().length === 1, "the stream's trade");
    await new Promise((r) => setTimeout(r, 300)); // past the look
  } finally {
    await gateway.close();
    await sim.close();
  }
  const lines = readdirSync(dataDir, { recursive: true }).map(String).filter((f) => f.endsWith(".log"))
    .flatMap((f) => readFileSync(join(dataDir, f), "utf8").split("\n"));
  assert.ok(lines.some((l) => l.includes('"t":"fill"')), "the journal was read");
  assert.deepEqual(lines.filter((l) => l.includes('"t":"owed"')), []);
});
