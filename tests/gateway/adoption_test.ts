import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ownClientOrderIds } from "../../lib/account/adoption.ts";
import { Gateway, type GatewayEvent, type GatewayOptions } from "../../lib/gateway/gateway.ts";
import { lostOrdersReason } from "../../lib/gateway/_startup.ts";
import { ClientOrderIds } from "../../lib/router/client_order_ids.ts";
import type { Simulator } from "../../lib/sim/mod.ts";
import { METHODS } from "../../lib/wire/methods.ts";
import { connect, HMAC_KEY, HMAC_SECRET, restingBuy, simulator, waitFor } from "../router/_harness.ts";

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "lr-adopt-"));
}

function open(sim: Simulator, dataDir: string, extra: Partial<GatewayOptions> = {}): Promise<Gateway> {
  return Gateway.open({
    url: sim.url,
    apiKey: HMAC_KEY,
    secretKey: HMAC_SECRET,
    dataDir,
    restUrl: sim.httpUrl,
    requestTimeoutMs: 2000,
    backoffBaseMs: 20,
    backoffMaxMs: 200,
    ...extra,
  });
}

const stop = (extra: Record<string, unknown> = {}) => ({
  symbol: "BTCUSDT",
  side: "SELL" as const,
  type: "STOP_MARKET" as const,
  quantity: "0.002",
  triggerPrice: "40000",
  ...extra,
});

/** order.status requests this router answered so far (every outcome). */
function statusQueries(gateway: Gateway): number {
  const i = METHODS["order.status"]!.index * 4;
  return [0, 1, 2, 3].reduce((n, k) => n + gateway.router.metrics.byMethod[i + k]!, 0);
}

test("adoption: this router's client ids are recognised, others are not", () => {
  const ids = new ClientOrderIds();
  const own = ownClientOrderIds("lr");
  for (let i = 0; i < 40; i++) assert.ok(own.test(ids.next()));
  assert.ok(ownClientOrderIds("").test(new ClientOrderIds({ prefix: "" }).next()));
  assert.equal(own.test(new ClientOrderIds({ prefix: "web" }).next()), false);
  assert.equal(own.test("web_f03vF8cUlNwnEO337MEx"), false);
  assert.equal(own.test("lr-1"), false);
  assert.throws(() => ownClientOrderIds("a.b"), RangeError);
});

test("adoption: open orders the journal does not know are adopted at open; halt cancels the recovered ones", async () => {
  const sim = await simulator();
  const lost = await connect(sim); // the run whose journal is gone: same key, same id pattern
  const web = await connect(sim, "hmac", { clientOrderIdPrefix: "web" });
  const events: GatewayEvent[] = [];
  let gateway: Gateway | undefined;
  try {
    const ours = [
      await lost.placeOrder(restingBuy()),
      await lost.placeOrder(restingBuy({ price: "49000", quantity: "0.003" })),
    ];
    const ourStop = await lost.placeAlgoOrder(stop());
    const filled = await lost.placeOrder(restingBuy({ price: "52000" })); // crosses: not open any more
    const theirs = await web.placeOrder(restingBuy({ price: "48000", quantity: "0.003" }));
    const theirStop = await web.placeAlgoOrder(stop({ triggerPrice: "39000" }));
    await lost.close();

    gateway = await open(sim, tempDir(), { onEvent: (e) => events.push(e) });
    const recovered = [...ours.map((o) => o.clientOrderId), ourStop.clientAlgoId];
    for (const cid of recovered) {
      const o = gateway.tracker.get(cid);
      assert.deepEqual([o?.recovered, o?.external, o?.state], [true, false, "open"], cid);
    }
    const first = gateway.tracker.get(ours[0]!.clientOrderId)!;
    assert.deepEqual(
      [first.orderId, first.status, first.price, first.quantity, first.type, first.timeInForce],
      [ours[0]!.orderId, "NEW", "50000.00", "0.002", "LIMIT", "GTC"],
    );
    const algo = gateway.tracker.get(ourStop.clientAlgoId)!;
    assert.deepEqual([algo.algo, algo.orderId, algo.type, algo.price], [
      true,
      ourStop.algoId,
      "STOP_MARKET",
      "40000.00",
    ]);
    for (const cid of [theirs.clientOrderId, theirStop.clientAlgoId]) {
      const o = gateway.tracker.get(cid);
      assert.deepEqual([o?.recovered, o?.external, o?.state], [false, true, "open"], cid);
    }
    assert.equal(gateway.tracker.get(filled.clientOrderId), undefined, "only open orders are listed");
    assert.deepEqual(events.filter((e) => e.type === "orders-adopted"), [
      { type: "orders-adopted", reason: "start", listed: 5, recovered: 3, external: 2, resolved: 0 },
    ]);
    // Its own orders unknown to the journal: the journal lost records. Tracked, but new orders are held loudly.
    const lostReason = `journal lost orders: 3 open orders of this router were not in the journal (${
      recovered.join(", ")
    }); adopted from the exchange; POST /resume once checked`;
    assert.equal(gateway.router.halted, lostReason);
    assert.deepEqual(events.filter((e) => e.type === "journal-damaged"), [
      { type: "journal-damaged", reason: lostReason },
    ]);
    await assert.rejects(gateway.router.placeOrder(restingBuy()), { reason: "halted" });
    assert.deepEqual(
      gateway.tracker.symbols(),
      ["BTCUSDT"],
      "the dead-man's switch protects recovered orders",
    );

    const report = await gateway.halt("lost journal");
    assert.deepEqual(report.canceled.sort(), [...recovered].sort());
    assert.deepEqual(report.failed, []);
    const status = (cid: string) => sim.orders().find((o) => o.clientOrderId === cid)?.status;
    assert.deepEqual(ours.map((o) => status(o.clientOrderId)), ["CANCELED", "CANCELED"]);
    assert.equal(status(theirs.clientOrderId), "NEW", "an external order is left alone");
    const algoStatus = (cid: string) => sim.algoOrders().find((o) => o.clientAlgoId === cid)?.algoStatus;
    assert.deepEqual([algoStatus(ourStop.clientAlgoId), algoStatus(theirStop.clientAlgoId)], [
      "CANCELED",
      "NEW",
    ]);
  } finally {
    await lost.close();
    await web.close();
    await gateway?.close();
    await sim.close();
  }
});

test("adoption: the hold reason for orders the journal lost names up to three of them", () => {
  const report = (recovered: string[]) => ({
    reason: "start",
    listed: 9,
    recovered,
    external: ["w"],
    resolved: 0,
  });
  assert.equal(lostOrdersReason(undefined), undefined, "no listing");
  assert.equal(lostOrdersReason(report([])), undefined, "nothing lost");
  assert.equal(
    lostOrdersReason(report(["a"])),
    "journal lost orders: 1 open order of this router was not in the journal (a); adopted from the exchange; " +
      "POST /resume once checked",
  );
  assert.match(
    lostOrdersReason(report(["a", "b", "c", "d", "e"]))!,
    /^journal lost orders: 5 open orders of this router were not in the journal \(a, b, c, and 2 more\);/,
  );
});

test("adoption: restored orders still open are settled by the listing, without an order.status each", async () => {
  const sim = await simulator();
  const dir = tempDir();
  const first = await open(sim, dir);
  const acks = [];
  for (let i = 0; i < 3; i++) {
    acks.push(await first.router.placeOrder(restingBuy({ price: `${49_000 + i}`, quantity: "0.003" })));
  }
  await first.close();
  const other = await connect(sim);
  await other.cancelOrder({ symbol: "BTCUSDT", origClientOrderId: acks[2]!.clientOrderId });
  await other.close();

  const events: GatewayEvent[] = [];
  const second = await open(sim, dir, { onEvent: (e) => events.push(e) });
  try {
    assert.equal(second.restored, 3);
    assert.equal(await second.reconciled, 0);
    assert.equal(second.router.halted, undefined);
    assert.deepEqual(acks.map((a) => second.tracker.get(a.clientOrderId)?.status), [
      "NEW",
      "NEW",
      "CANCELED",
    ]);
    assert.deepEqual(events.find((e) => e.type === "orders-adopted"), {
      type: "orders-adopted",
      reason: "start",
      listed: 2,
      recovered: 0,
      external: 0,
      resolved: 2,
    });
    assert.equal(statusQueries(second), 1, "only the order no longer open was queried");
    assert.equal(
      second.tracker.get(acks[0]!.clientOrderId)?.recovered,
      false,
      "known to the journal: its own",
    );
  } finally {
    await second.close();
  }
  const third = await open(sim, dir);
  try {
    assert.equal(third.restored, 2, "the journal recorded the cancelled order's resolution");
  } finally {
    await third.close();
    await sim.close();
  }
});

test("adoption: adoptOpenOrders runs again on demand; an order the stream showed as external is re-marked", async () => {
  const sim = await simulator();
  const events: GatewayEvent[] = [];
  const gateway = await open(sim, tempDir(), { streamUrl: sim.streamUrl, onEvent: (e) => events.push(e) });
  const lost = await connect(sim);
  try {
    const ack = await lost.placeOrder(restingBuy());
    await waitFor(() => gateway.tracker.get(ack.clientOrderId) !== undefined, "the stream's event");
    assert.equal(gateway.tracker.get(ack.clientOrderId)?.external, true, "the stream cannot tell it is ours");
    const report = await gateway.adoptOpenOrders("journal damaged");
    assert.deepEqual(report, {
      reason: "journal damaged",
      listed: 1,
      recovered: [ack.clientOrderId],
      external: [],
      resolved: 0,
    });
    const o = gateway.tracker.get(ack.clientOrderId);
    assert.deepEqual([o?.recovered, o?.external], [true, false]);
    assert.deepEqual((await gateway.halt()).canceled, [ack.clientOrderId]);
  } finally {
    await lost.close();
    await gateway.close();
    await sim.close();
  }
});

test("adoption: without a restUrl, or when the listing fails, the start goes on and says so", async () => {
  const sim = await simulator();
  const events: GatewayEvent[] = [];
  const without = await Gateway.open({
    url: sim.url,
    apiKey: HMAC_KEY,
    secretKey: HMAC_SECRET,
    dataDir: tempDir(),
    onEvent: (e) => events.push(e),
  });
  try {
    assert.equal(await without.adoptOpenOrders("journal damaged"), undefined);
    assert.deepEqual(
      events.filter((e) => e.type === "adopt-skipped").map((e) => e.type === "adopt-skipped" && e.reason),
      [
        "start",
        "journal damaged",
      ],
    );
  } finally {
    await without.close();
  }
  events.length = 0;
  const failing = await open(sim, tempDir(), {
    restUrl: `${sim.httpUrl}/nowhere`,
    onEvent: (e) => events.push(e),
  });
  try {
    const skipped = events.find((e) => e.type === "adopt-skipped");
    assert.ok(skipped?.type === "adopt-skipped");
    assert.match(
      skipped.why,
      /^listing open orders failed: GET \/fapi\/v1\/open(Algo)?Orders failed: -1 Not found/,
    );
    await assert.rejects(failing.adoptOpenOrders("again"), /Orders failed: -1 Not found\. \(status 404\)/);
    assert.equal(failing.router.halted, undefined, "a failed listing does not hold orders");
  } finally {
    await failing.close();
    await sim.close();
  }
});

test("adoption: a stop that fired while the gateway was down is known finished at restart, not left unverified", async () => {
  const sim = await simulator();
  const dir = tempDir();
  let gateway = await open(sim, dir);
  try {
    const placed = await gateway.router.placeAlgoOrder(stop({ triggerPrice: "49500" }));
    await gateway.close(); // its journal keeps the stop as unfinished
    sim.setMarkPrice("BTCUSDT", "49400"); // the stop fires and fills while nobody watches
    const truth = sim.algoOrders().find((o) => o.clientAlgoId === placed.clientAlgoId)!;
    assert.notEqual(truth.algoStatus, "NEW", "the stop fired");

    const events: GatewayEvent[] = [];
    gateway = await open(sim, dir, { onEvent: (e) => events.push(e) });
    await gateway.reconciled;
    const o = gateway.tracker.get(placed.clientAlgoId)!;
    assert.deepEqual([o.status, o.state], [truth.algoStatus, "finished"]);
    assert.deepEqual(gateway.tracker.list("open"), []);
    assert.equal(events.find((e) => e.type === "orders-adopted")?.resolved, 1);
    const report = await gateway.halt("end of day");
    assert.deepEqual([report.canceled, report.failed], [[], []], "nothing left for a halt to cancel");
  } finally {
    await gateway.close();
    await sim.close();
  }
});

test("adoption: orders recovered from the exchange are journaled: after resume, a restart holds nothing again", async () => {
  const sim = await simulator();
  const lost = await connect(sim); // the run whose journal is gone
  const dir = tempDir();
  let gateway: Gateway | undefined;
  try {
    const ours = await lost.placeOrder(restingBuy());
    const ourStop = await lost.placeAlgoOrder(stop());
    await lost.close();
    gateway = await open(sim, dir);
    assert.match(gateway.router.halted ?? "", /^journal lost orders: 2 open orders/);
    gateway.router.resume(); // the operator checked
    await gateway.close();

    gateway = await open(sim, dir);
    await gateway.reconciled;
    assert.equal(gateway.router.halted, undefined, "nothing was lost this time");
    for (const cid of [ours.clientOrderId, ourStop.clientAlgoId]) {
      const o = gateway.tracker.get(cid);
      assert.deepEqual([o?.state, o?.external], ["open", false], cid);
    }
    const report = await gateway.halt("end of day");
    assert.deepEqual(report.canceled.sort(), [ours.clientOrderId, ourStop.clientAlgoId].sort());
  } finally {
    await lost.close();
    await gateway?.close();
    await sim.close();
  }
});
