/**
 * A triggered conditional order over real sockets: once it fires, the algo service no longer holds it and the
 * regular order it became rests in the matching engine under the client algo id. The live view follows that
 * order; a halt and a single cancel reach it (`order.cancel` by its id), also when the trigger's events were
 * lost.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Gateway, type GatewayOptions } from "../../lib/gateway/gateway.ts";
import type { Simulator } from "../../lib/sim/mod.ts";
import { HMAC_KEY, HMAC_SECRET, simulator, waitFor } from "../router/_harness.ts";

async function open(sim: Simulator, rest = false, extra: Partial<GatewayOptions> = {}): Promise<Gateway> {
  const gateway = await Gateway.open({
    url: sim.url,
    streamUrl: sim.streamUrl,
    ...(rest ? { restUrl: sim.httpUrl, auditIntervalMs: 0 } : {}),
    ...extra,
    apiKey: HMAC_KEY,
    secretKey: HMAC_SECRET,
    dataDir: mkdtempSync(join(tmpdir(), "lr-triggered-")),
    requestTimeoutMs: 2000,
    backoffBaseMs: 20,
    backoffMaxMs: 200,
  });
  await waitFor(() => gateway.userStream?.state === "up", "the user stream");
  return gateway;
}

/** Runs `body` with a simulator and a gateway on it (see `open`), both closed afterwards, faults cleared. */
async function withGateway(
  rest: boolean,
  extra: Partial<GatewayOptions>,
  body: (sim: Simulator, gateway: Gateway) => Promise<void>,
): Promise<void> {
  const sim = await simulator();
  const gateway = await open(sim, rest, extra);
  try {
    await body(sim, gateway);
  } finally {
    sim.setFaults({});
    await gateway.close();
    await sim.close();
  }
}

/** A BUY STOP (limit 50400, trigger 50500) placed at mark 50000, then the mark moved to 50600: it fires and rests. */
async function triggeredStop(sim: Simulator, gateway: Gateway): Promise<string> {
  sim.setMarkPrice("BTCUSDT", "50000");
  const ack = await gateway.router.placeAlgoOrder({
    symbol: "BTCUSDT",
    side: "BUY",
    type: "STOP",
    quantity: "0.002",
    price: "50400",
    triggerPrice: "50500",
    timeInForce: "GTC",
  });
  sim.setMarkPrice("BTCUSDT", "50600");
  return String(ack.clientAlgoId);
}

const restingOnExchange = (sim: Simulator, cid: string) =>
  sim.orders().filter((o) =>
    o.clientOrderId === cid && (o.status === "NEW" || o.status === "PARTIALLY_FILLED")
  );

test("triggered algo order: the view follows the order it became; a halt cancels that order", async () => {
  await withGateway(false, {}, async (sim, gateway) => {
    const cid = await triggeredStop(sim, gateway);
    await waitFor(() => gateway.tracker.get(cid)?.actualOrderId !== undefined, "the trigger's events");
    const [resting] = restingOnExchange(sim, cid);
    assert.ok(resting !== undefined, "a LIMIT order rests on the exchange under the client algo id");
    const o = gateway.tracker.get(cid)!;
    const algoId = sim.algoOrders().find((a) => a.clientAlgoId === cid)!.algoId;
    assert.deepEqual([o.state, o.status, o.algo, o.orderId, o.actualOrderId], [
      "open",
      "TRIGGERED",
      true,
      algoId,
      resting.orderId,
    ]);

    const report = await gateway.router.halt("test");
    assert.deepEqual([report.canceled, report.alreadyFinished, report.failed], [[cid], [], []]);
    assert.deepEqual(restingOnExchange(sim, cid), [], "nothing of it left on the exchange");
    await waitFor(() => gateway.tracker.get(cid)?.state === "finished", "the cancel in the view");
    assert.equal(
      gateway.tracker.get(cid)!.status,
      "CANCELED",
      "the order's own status, not the algo's FINISHED",
    );
  });
});

test("triggered algo order: a cancel by clientAlgoId or algoId cancels the order it became", async () => {
  await withGateway(false, {}, async (sim, gateway) => {
    for (const by of ["clientAlgoId", "algoId"] as const) {
      const cid = await triggeredStop(sim, gateway);
      await waitFor(() => gateway.tracker.get(cid)?.actualOrderId !== undefined, "the trigger's events");
      const algoId = gateway.tracker.get(cid)!.orderId!;
      const answer = await gateway.router.cancelAlgoOrder(
        by === "algoId" ? { algoId } : { clientAlgoId: cid },
      );
      assert.deepEqual([answer.clientOrderId, answer.status], [cid, "CANCELED"], by);
      assert.deepEqual(restingOnExchange(sim, cid), [], by);
      await waitFor(() => gateway.tracker.get(cid)?.status === "CANCELED", "the cancel in the view");
    }
  });
});

/** A stop that fired while the stream lost its events: the order it became rests, the router has not seen it. */
async function firedUnseen(sim: Simulator, gateway: Gateway): Promise<string> {
  sim.setMarkPrice("BTCUSDT", "50000");
  sim.setFaults({ streamPaused: true }); // the trigger's events are lost
  const cid = await triggeredStop(sim, gateway);
  await waitFor(() => restingOnExchange(sim, cid).length === 1, "the order it became");
  assert.equal(gateway.tracker.get(cid)?.actualOrderId, undefined, "the router has not seen the trigger");
  return cid;
}

test("triggered algo order: fired while the stream lost its events, a halt still cancels it (by the client algo id)", async () => {
  await withGateway(false, {}, async (sim, gateway) => {
    const cid = await firedUnseen(sim, gateway);
    const report = await gateway.router.halt("test");
    assert.deepEqual([report.canceled, report.alreadyFinished, report.failed], [[cid], [], []]);
    assert.deepEqual(restingOnExchange(sim, cid), []);
  });
});

test("triggered algo order: fired while the stream lost its events, a single cancel by clientAlgoId still cancels it", async () => {
  await withGateway(false, {}, async (sim, gateway) => {
    const cid = await firedUnseen(sim, gateway);
    // The algo service refuses (-2011: triggered); the order it became is cancelled by the client algo id.
    const answer = await gateway.router.cancelAlgoOrder({ clientAlgoId: cid });
    assert.deepEqual([answer.clientOrderId, answer.status], [cid, "CANCELED"]);
    assert.deepEqual(restingOnExchange(sim, cid), []);
    assert.deepEqual([gateway.tracker.get(cid)?.state, gateway.tracker.get(cid)?.status], [
      "finished",
      "CANCELED",
    ]);
    assert.equal(gateway.tracker.get(cid)?.external, false);
  });
});

test("triggered algo order: fired and filled in a stream gap, the gap pass finds it FILLED, with its fills read back", async () => {
  await withGateway(true, {}, async (sim, gateway) => {
    sim.setMarkPrice("BTCUSDT", "50000");
    const ack = await gateway.router.placeAlgoOrder({
      symbol: "BTCUSDT",
      side: "SELL",
      type: "STOP_MARKET",
      quantity: "0.002",
      triggerPrice: "49500",
    });
    const cid = String(ack.clientAlgoId);
    sim.setFaults({ streamPaused: true }); // the trigger and the fill are lost
    sim.setMarkPrice("BTCUSDT", "49400");
    await waitFor(
      () => sim.orders().some((o) => o.clientOrderId === cid && o.status === "FILLED"),
      "the fill",
    );
    sim.setFaults({});
    sim.dropStreams(); // a gap: the pass asks order.status by the client algo id
    await waitFor(() => gateway.tracker.get(cid)?.status === "FILLED", "the gap pass");
    const o = gateway.tracker.get(cid)!;
    assert.deepEqual([o.state, o.executedQty, o.algo, o.external], ["finished", "0.002", true, false]);
    assert.ok(Number(o.avgPrice) > 0);
    await waitFor(
      () => gateway.account.fills.list().some((f) => f.clientOrderId === cid),
      "the fill read back",
    );
    assert.equal(
      gateway.account.fills.list().filter((f) => f.clientOrderId === cid).reduce(
        (n, f) => n + Number(f.qty),
        0,
      ),
      0.002,
    );
  });
});

/** A SELL STOP_MARKET (trigger 49500) that fires and fills while the stream loses its events; its client id. */
async function filledUnseen(sim: Simulator, gateway: Gateway): Promise<string> {
  sim.setMarkPrice("BTCUSDT", "50000");
  const ack = await gateway.router.placeAlgoOrder({
    symbol: "BTCUSDT",
    side: "SELL",
    type: "STOP_MARKET",
    quantity: "0.002",
    triggerPrice: "49500",
  });
  const cid = String(ack.clientAlgoId);
  sim.setFaults({ streamPaused: true });
  sim.setMarkPrice("BTCUSDT", "49400");
  await waitFor(() => sim.orders().some((o) => o.clientOrderId === cid && o.status === "FILLED"), "the fill");
  return cid;
}

test("triggered algo order: filled unseen, then a halt: reported as FILLED and ends FILLED, not NOT_FOUND", async () => {
  await withGateway(true, { ackFollowUpMs: 50 }, async (sim, gateway) => {
    const cid = await filledUnseen(sim, gateway);
    const report = await gateway.router.halt("test");
    assert.deepEqual([report.canceled, report.alreadyFinished, report.failed], [[], [{
      clientOrderId: cid,
      status: "FILLED",
    }], []]);
    // Taken as gone on the refused cancel; asked once how it ended: FILLED, with its fill read back.
    await waitFor(() => gateway.tracker.get(cid)?.status === "FILLED", "the follow-up");
    assert.equal(gateway.tracker.get(cid)!.executedQty, "0.002");
  });
});

test("triggered algo order: filled unseen, then a cancel refused: asked how it ended, and its fill read back at once", async () => {
  await withGateway(true, { ackFollowUpMs: 50 }, async (sim, gateway) => {
    const cid = await filledUnseen(sim, gateway);
    await assert.rejects(
      gateway.router.cancelAlgoOrder({ clientAlgoId: cid }),
      (e: unknown) => (e as { code?: number }).code === -2011,
    );
    assert.equal(gateway.tracker.get(cid)?.status, "NOT_FOUND", "taken as gone at first");
    await waitFor(() => gateway.tracker.get(cid)?.status === "FILLED", "the follow-up");
    // The follow-up's answer prompts the read-back (not the next 30 s look): the daily loss counts the fill.
    await waitFor(
      () => gateway.account.fills.list().some((f) => f.clientOrderId === cid),
      "the fill read back",
    );
  });
});

test("triggered algo order: filled unseen, the audit's algo look-up (FINISHED) is followed by the order it became", async () => {
  await withGateway(true, { auditIntervalMs: 3_600_000, auditSettleMs: 0 }, async (sim, gateway) => {
    const cid = await filledUnseen(sim, gateway);
    // With auditSettleMs 0 a change counts as drift once the exchange's time, as the router estimates it, is past
    // it: not within the fill's own millisecond (or with an offset estimated a millisecond short).
    const filledBy = Date.now() + 1;
    await waitFor(
      () => Date.now() + gateway.router.clockOffsetMs > filledBy,
      "the router's time past the fill",
    );
    // The audit skips its turn while a gap pass runs (the stream's first connect starts one).
    let report = await gateway.audit!.run();
    for (let i = 0; i < 50 && report === undefined; i++) {
      await new Promise((r) => setTimeout(r, 20));
      report = await gateway.audit!.run();
    }
    assert.deepEqual(
      report?.corrected,
      [cid],
      JSON.stringify({ report, offset: gateway.router.clockOffsetMs }),
    );
    const o = gateway.tracker.get(cid)!;
    assert.deepEqual(
      [o.state, o.status, o.executedQty],
      ["finished", "FILLED", "0.002"],
      "in the same audit",
    );
    await waitFor(
      () => gateway.account.fills.list().some((f) => f.clientOrderId === cid),
      "the fill read back",
    );
  });
});
