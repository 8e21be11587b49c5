/**
 * The live account over real sockets: the simulator's user data stream feeds the gateway's account state;
 * gaps, duplicates, reordering and listenKey expiry are injected by the simulator.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Gateway, type GatewayOptions } from "../../lib/gateway/gateway.ts";
import type { AccountEvent } from "../../lib/account/event_log.ts";
import type { OrderUpdate } from "../../lib/account/user_events.ts";
import type { Simulator } from "../../lib/sim/mod.ts";
import { connect, HMAC_KEY, HMAC_SECRET, restingBuy, simulator, waitFor } from "../router/_harness.ts";

async function open(sim: Simulator, extra: Partial<GatewayOptions> = {}): Promise<Gateway> {
  const gateway = await Gateway.open({
    url: sim.url,
    streamUrl: sim.streamUrl,
    apiKey: HMAC_KEY,
    secretKey: HMAC_SECRET,
    dataDir: mkdtempSync(join(tmpdir(), "lr-live-")),
    requestTimeoutMs: 2000,
    backoffBaseMs: 20,
    backoffMaxMs: 200,
    ...extra,
  });
  await waitFor(() => gateway.userStream?.state === "up", "the user stream");
  return gateway;
}

test("live state: a resting order filled by mark moves ends FILLED, with fills, position and events in order", async () => {
  const sim = await simulator();
  const gateway = await open(sim);
  try {
    const events: AccountEvent[] = [];
    gateway.account.subscribe((e) => void events.push(e), ["order", "fill", "position"]);
    const ack = await gateway.router.placeOrder(restingBuy({ quantity: "0.004", price: "50000" }));
    const cid = ack.clientOrderId;
    sim.setMarkPrice("BTCUSDT", "49990", { fillQty: "0.001" });
    await waitFor(() => gateway.tracker.get(cid)?.executedQty === "0.001", "the partial fill");
    assert.equal(gateway.tracker.get(cid)?.status, "PARTIALLY_FILLED");
    sim.setMarkPrice("BTCUSDT", "49980", { fillQty: "0.003" });
    await waitFor(() => gateway.tracker.get(cid)?.status === "FILLED", "the full fill");
    const o = gateway.tracker.get(cid)!;
    assert.deepEqual([o.state, o.executedQty, Number(o.avgPrice)], ["finished", "0.004", 50000]);
    assert.deepEqual(gateway.account.fills.list().map((f) => [f.clientOrderId, f.qty, f.price]), [
      [cid, "0.003", "50000.00"],
      [cid, "0.001", "50000.00"],
    ]);
    await waitFor(() => gateway.account.book.positions()[0]?.positionAmt === "0.004", "the position");
    const mine = events.filter((e) =>
      e.type !== "order" || (e.data as { clientOrderId: string }).clientOrderId === cid
    );
    const trail = mine.map((e) =>
      e.type === "order" ? `order ${(e.data as { status: string }).status}` : e.type
    );
    // The order is logged when sent, then acked; each fill before the order state it led to; ids increase.
    assert.deepEqual(trail.filter((t) => t !== "position"), [
      "order PENDING",
      "order NEW",
      "fill",
      "order PARTIALLY_FILLED",
      "fill",
      "order FILLED",
    ]);
    assert.ok(events.every((e, i) => i === 0 || e.id > events[i - 1]!.id));
  } finally {
    await gateway.close();
    await sim.close();
  }
});

test("live state: a fill while the stream is down is recovered by reconciliation when it comes back", async () => {
  const sim = await simulator();
  const gateway = await open(sim);
  try {
    const ack = await gateway.router.placeOrder(restingBuy());
    await waitFor(() => gateway.tracker.get(ack.clientOrderId)?.status === "NEW", "the ack");
    sim.setFaults({ streamPaused: true }); // events are lost from here
    sim.setMarkPrice("BTCUSDT", "49000");
    assert.equal(sim.orders()[0]?.status, "FILLED");
    sim.setFaults({});
    sim.dropStreams(); // the client notices a dead stream and reconnects: a gap
    await waitFor(() => gateway.tracker.get(ack.clientOrderId)?.status === "FILLED", "reconciliation");
    assert.equal(gateway.tracker.get(ack.clientOrderId)?.executedQty, "0.002");
    await waitFor(
      () => gateway.account.book.positions()[0]?.positionAmt === "0.002",
      "the position snapshot",
    );
    assert.ok(gateway.userStream!.health().reconnects >= 1);
  } finally {
    await gateway.close();
    await sim.close();
  }
});

test("live state: a stream socket that stays up but delivers nothing (half-open) is replaced once an audit finds what it missed", async () => {
  const sim = await simulator();
  const notices: string[] = [];
  const gateway = await open(sim, {
    restUrl: sim.httpUrl,
    auditIntervalMs: 3_600_000, // run by hand below
    auditSettleMs: 0,
    onEvent: (e) => {
      if (e.type === "stream-down") notices.push(e.reason);
    },
  });
  try {
    const ack = await gateway.router.placeOrder(restingBuy());
    await waitFor(() => gateway.tracker.get(ack.clientOrderId)?.status === "NEW", "the ack");
    sim.setFaults({ streamPaused: true }); // the socket stays open; nothing more comes through it
    sim.setMarkPrice("BTCUSDT", "49000");
    assert.equal(gateway.userStream!.state, "up", "nothing tells the router");
    // The audit finds the position (and the order, once it is quiet) the stream never reported.
    let drift = 0;
    for (let i = 0; i < 50 && drift === 0; i++) {
      const report = await gateway.audit!.run();
      drift = (report?.corrected.length ?? 0) + (report?.positions.length ?? 0);
      if (drift === 0) await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(drift > 0, "the audit found what the stream missed");
    await waitFor(() => notices.length > 0, "the replacement");
    assert.match(notices[0]!, /an audit found changes the user stream did not deliver/);
    assert.ok(gateway.userStream!.health().reconnects >= 1, "a replaced socket counts as a reconnect");
    await waitFor(() => gateway.tracker.get(ack.clientOrderId)?.status === "FILLED", "the order's end");
    sim.setFaults({});
    await waitFor(() => gateway.userStream!.state === "up", "a new socket");
    const next = await gateway.router.placeOrder(restingBuy({ price: "48000", quantity: "0.003" }));
    sim.setMarkPrice("BTCUSDT", "47000");
    await waitFor(
      () => gateway.tracker.get(next.clientOrderId)?.status === "FILLED",
      "events on the new socket",
    );
  } finally {
    sim.setFaults({});
    await gateway.close();
    await sim.close();
  }
});

test("live state: today's loss counts every fill of the day, those past --history and across a restart too", async () => {
  const sim = await simulator();
  const dataDir = mkdtempSync(join(tmpdir(), "lr-live-"));
  // A history of 3: 8 fills leave 3 in memory.
  const options = { dataDir, history: 3, risk: { maxDailyLoss: 1000 } };
  const realized = (g: Gateway) => g.router.preTrade!.dailyLoss!.usage().realized;
  let gateway = await open(sim, options);
  try {
    const ack = await gateway.router.placeOrder(restingBuy({ quantity: "0.016" }));
    for (let i = 0; i < 8; i++) sim.setMarkPrice("BTCUSDT", "49990", { fillQty: "0.002" });
    await waitFor(() => gateway.tracker.get(ack.clientOrderId)?.status === "FILLED", "the fills");
    await waitFor(() => gateway.account.fills.total === 8, "every fill");
    const fees = gateway.account.fills.list().reduce((sum, f) => sum + Number(f.commission), 0);
    assert.equal(gateway.account.fills.list().length, 3);
    // 8 fills of one size at one price pay the same fee each.
    const expected = Math.round(-(fees / 3) * 8 * 1e8) / 1e8;
    assert.ok(expected < 0);
    assert.equal(realized(gateway), expected);
    await gateway.close();
    gateway = await Gateway.open({
      url: sim.url,
      streamUrl: sim.streamUrl,
      apiKey: HMAC_KEY,
      secretKey: HMAC_SECRET,
      requestTimeoutMs: 2000,
      ...options,
    });
    assert.equal(gateway.account.fills.list().length, 3, "3 restored one by one");
    assert.equal(realized(gateway), expected, "the 5 others still count");
  } finally {
    await gateway.close();
    await sim.close();
  }
});

test("live state: duplicated and reordered events change nothing", async () => {
  const sim = await simulator();
  const gateway = await open(sim);
  try {
    sim.setFaults({ duplicateEvents: true, reorderEvents: true });
    const ack = await gateway.router.placeOrder(restingBuy({ quantity: "0.004" }));
    for (const fillQty of ["0.001", "0.001", "0.002"]) sim.setMarkPrice("BTCUSDT", "49990", { fillQty });
    await waitFor(() => gateway.tracker.get(ack.clientOrderId)?.status === "FILLED", "the fills");
    // NEW, then a TRADE and an ACCOUNT_UPDATE per fill: 7 events, each sent twice.
    await waitFor(() => sim.stats().eventsSent === 14, "every duplicated event delivered");
    assert.equal(gateway.account.fills.total, 3, "three trades, each counted once");
    assert.equal(gateway.tracker.get(ack.clientOrderId)?.executedQty, "0.004");
    assert.equal(gateway.account.book.positions()[0]?.positionAmt, "0.004");
  } finally {
    await gateway.close();
    await sim.close();
  }
});

test("live state: an expired listenKey is renewed and the stream reconnects", async () => {
  const sim = await simulator();
  const gateway = await open(sim);
  try {
    sim.expireListenKeys();
    await waitFor(() => gateway.userStream!.health().listenKeyRenewals === 1, "the renewal");
    await waitFor(() => gateway.userStream!.state === "up", "the stream back up");
    const ack = await gateway.router.placeOrder(restingBuy());
    sim.setMarkPrice("BTCUSDT", "49000");
    await waitFor(() => gateway.tracker.get(ack.clientOrderId)?.status === "FILLED", "events on the new key");
  } finally {
    await gateway.close();
    await sim.close();
  }
});

test("live state: an order placed by another client is tracked as external and left alone by halt", async () => {
  const sim = await simulator();
  const gateway = await open(sim);
  const other = await connect(sim, "hmac", { clientOrderIdPrefix: "web" });
  try {
    const theirs = await other.placeOrder(restingBuy());
    await waitFor(() => gateway.tracker.get(theirs.clientOrderId) !== undefined, "the external order");
    assert.equal(gateway.tracker.get(theirs.clientOrderId)?.external, true);
    const mine = await gateway.router.placeOrder(restingBuy());
    const report = await gateway.halt("test");
    assert.deepEqual(report.canceled, [mine.clientOrderId]);
    assert.equal(sim.orders().find((o) => o.clientOrderId === theirs.clientOrderId)?.status, "NEW");
  } finally {
    await other.close();
    await gateway.close();
    await sim.close();
  }
});

test("live state: another client's order stays external across a restart after the router asked for it (a gap pass)", async () => {
  const sim = await simulator();
  const dataDir = mkdtempSync(join(tmpdir(), "lr-live-"));
  const other = await connect(sim, "hmac", { clientOrderIdPrefix: "web" });
  // With the REST listing: the start lists the exchange's open orders (another client's included).
  const options = { dataDir, restUrl: sim.httpUrl, auditIntervalMs: 0 };
  let gateway = await open(sim, options);
  try {
    const theirs = await other.placeOrder(restingBuy());
    await waitFor(() => gateway.tracker.get(theirs.clientOrderId) !== undefined, "the external order");
    // What a gap pass does for every order it holds open, the external ones included.
    await gateway.router.queryOrder({ symbol: "BTCUSDT", origClientOrderId: theirs.clientOrderId });
    await gateway.router.modifyOrder({
      symbol: "BTCUSDT",
      origClientOrderId: theirs.clientOrderId,
      side: "BUY",
      quantity: "0.003",
      price: "50000",
    });
    await gateway.close();
    gateway = await open(sim, options);
    const again = gateway.tracker.get(theirs.clientOrderId);
    assert.equal(again?.external, true, JSON.stringify(again));
    const report = await gateway.halt("test");
    assert.deepEqual(report.canceled, []);
    assert.equal(sim.orders().find((o) => o.clientOrderId === theirs.clientOrderId)?.status, "NEW");
  } finally {
    await other.close();
    await gateway.close();
    await sim.close();
  }
});

test("live state: a cancel of an id nobody placed (a typo) is not journaled: the next start restores and holds nothing", async () => {
  const sim = await simulator();
  const dataDir = mkdtempSync(join(tmpdir(), "lr-live-"));
  let gateway = await open(sim, { dataDir });
  try {
    await assert.rejects(gateway.router.cancelAlgoOrder({ clientAlgoId: "ghost-algo" }), { code: -2011 });
    await assert.rejects(
      gateway.router.cancelOrder({ symbol: "BTCUSDT", origClientOrderId: "ghost-1" }),
      { code: -2011 },
    );
    await gateway.close();
    gateway = await open(sim, { dataDir });
    assert.equal(gateway.restored, 0);
    assert.deepEqual([gateway.tracker.get("ghost-algo"), gateway.tracker.get("ghost-1")], [
      undefined,
      undefined,
    ]);
    assert.equal(gateway.router.halted, undefined, "no hold for reconciling");
  } finally {
    await gateway.close();
    await sim.close();
  }
});

test("live state: a MARKET order acked NEW ends FILLED from the stream; without a stream, from a query", async () => {
  const sim = await simulator();
  const withStream = await open(sim);
  const market = { symbol: "BTCUSDT", side: "BUY" as const, type: "MARKET" as const, quantity: "0.002" };
  try {
    const ack = await withStream.router.placeOrder(market);
    assert.equal(ack.status, "NEW", "Binance's default ACK answer");
    await waitFor(() => withStream.tracker.get(ack.clientOrderId)?.status === "FILLED", "the stream's fill");
  } finally {
    await withStream.close();
  }
  const without = await Gateway.open({ // no streamUrl: no user stream
    url: sim.url,
    apiKey: HMAC_KEY,
    secretKey: HMAC_SECRET,
    dataDir: mkdtempSync(join(tmpdir(), "lr-live-")),
  });
  try {
    const ack = await without.router.placeOrder(market);
    assert.equal(without.tracker.get(ack.clientOrderId)?.state, "open");
    await waitFor(
      () => without.tracker.get(ack.clientOrderId)?.status === "FILLED",
      "the periodic query",
      10_000,
    );
    assert.deepEqual(without.tracker.list(), []);
  } finally {
    await without.close();
    await sim.close();
  }
});

test("live state: fills are journaled; after a restart they are listed again and a replay is not counted", async () => {
  const sim = await simulator();
  const dataDir = mkdtempSync(join(tmpdir(), "lr-live-"));
  const first = await open(sim, { dataDir });
  let fill: OrderUpdate | undefined;
  try {
    const ack = await first.router.placeOrder(restingBuy());
    sim.setMarkPrice("BTCUSDT", "49000");
    await waitFor(() => first.account.fills.total === 1, "the fill");
    fill = {
      type: "order",
      ...first.account.fills.list()[0]!,
      eventTime: 0,
      orderType: "LIMIT",
      timeInForce: "GTC",
      quantity: "0.002",
      avgPrice: "50000",
      execution: "TRADE",
      status: "FILLED",
      lastQty: first.account.fills.list()[0]!.qty,
      executedQty: "0.002",
      lastPrice: first.account.fills.list()[0]!.price,
      positionSide: "BOTH",
    };
    assert.equal(fill.clientOrderId, ack.clientOrderId);
  } finally {
    await first.close();
  }
  const second = await open(sim, { dataDir });
  try {
    assert.deepEqual(second.account.fills.list().map((f) => f.tradeId), [fill!.tradeId], "restored");
    second.account.apply(fill!); // the same execution delivered again
    assert.equal(second.account.fills.list().length, 1);
    assert.equal(second.account.fills.total, 0, "a restored fill is not a new one");
  } finally {
    await second.close();
    await sim.close();
  }
});

test("live state: orders finished on the stream (an IOC acked NEW that expired, a MARKET filled) are finished in the journal; a restart restores only the open one", async () => {
  const sim = await simulator();
  const dataDir = mkdtempSync(join(tmpdir(), "lr-live-"));
  const first = await open(sim, { dataDir });
  let resting = "";
  try {
    const ioc = await first.router.placeOrder(restingBuy({ price: "50000.10", timeInForce: "IOC" }));
    const market = await first.router.placeOrder({
      symbol: "BTCUSDT",
      side: "BUY",
      type: "MARKET",
      quantity: "0.002",
    });
    assert.deepEqual([ioc.status, market.status], ["NEW", "NEW"], "Binance's default ACK answers");
    resting = (await first.router.placeOrder(restingBuy())).clientOrderId;
    await waitFor(() => first.tracker.get(ioc.clientOrderId)?.status === "EXPIRED", "the IOC's expiry");
    await waitFor(() => first.tracker.get(market.clientOrderId)?.status === "FILLED", "the MARKET's fill");
  } finally {
    await first.close();
  }
  const second = await open(sim, { dataDir });
  try {
    assert.equal(second.restored, 1, "only the resting order is unfinished in the journal");
    assert.deepEqual(second.tracker.list().map((o) => o.clientOrderId), [resting]);
  } finally {
    await second.close();
  }
  // Without a stream, the periodic query finishes them, in the journal too.
  const noStream = { url: sim.url, apiKey: HMAC_KEY, secretKey: HMAC_SECRET, dataDir };
  const third = await Gateway.open(noStream);
  try {
    await third.reconciled;
    const ioc = await third.router.placeOrder(restingBuy({ price: "50000.10", timeInForce: "IOC" }));
    assert.equal(ioc.status, "NEW");
    await waitFor(() => third.tracker.get(ioc.clientOrderId)?.status === "EXPIRED", "the query", 10_000);
  } finally {
    await third.close();
  }
  const fourth = await Gateway.open(noStream);
  try {
    assert.equal(fourth.restored, 1, "the resting order, still; not the IOC");
  } finally {
    await fourth.close();
    await sim.close();
  }
});

test("live state: a place answered -1007 after its NEW event is reconciled back to open (not left unknown)", async () => {
  const sim = await simulator();
  // The answer is held back, so the stream's NEW event is there first: the order is open, then unknown.
  sim.setFaults({ unknownEveryNthOrder: 1, responseDelayMs: 100 });
  const gateway = await open(sim);
  try {
    const statuses: string[] = [];
    gateway.account.subscribe((e) => {
      const o = e.data as { clientOrderId: string; status: string };
      if (o.clientOrderId === "unknown-after-new") statuses.push(o.status);
    }, ["order"]);
    await assert.rejects(
      gateway.router.placeOrder(restingBuy({ newClientOrderId: "unknown-after-new" })),
      (e: unknown) => (e as Error).name === "UnknownOrderStateError",
    );
    sim.setFaults({});
    await waitFor(() => gateway.tracker.get("unknown-after-new")?.state === "open", "reconciliation");
    const o = gateway.tracker.get("unknown-after-new")!;
    assert.equal(o.status, "NEW");
    assert.deepEqual(statuses.slice(statuses.indexOf("NEW")), ["NEW", "UNKNOWN", "NEW"], statuses.join(" "));
    assert.deepEqual(gateway.tracker.list("unknown"), []);
    assert.equal(sim.stats().ordersPlaced, 1, "reconciled by a query, never placed again");
  } finally {
    await gateway.close();
    await sim.close();
  }
});

test("live state: an order that filled while the stream was away, then refused a cancel (-2011), ends FILLED", async () => {
  const sim = await simulator();
  const gateway = await open(sim, { ackFollowUpMs: 50 });
  try {
    const ack = await gateway.router.placeOrder(restingBuy({ quantity: "0.002", price: "50000" }));
    sim.setFaults({ streamPaused: true }); // the fill's event is lost
    sim.setMarkPrice("BTCUSDT", "49990");
    await assert.rejects(
      gateway.router.cancelOrder({ symbol: "BTCUSDT", origClientOrderId: ack.clientOrderId }),
      (e: unknown) => (e as { code?: number }).code === -2011,
    );
    // Taken as finished (NOT_FOUND) at once: the exchange no longer holds it open. Then asked once how it ended.
    assert.equal(gateway.tracker.get(ack.clientOrderId)?.state, "finished");
    await waitFor(() => gateway.tracker.get(ack.clientOrderId)?.status === "FILLED", "the follow-up");
    assert.equal(gateway.tracker.get(ack.clientOrderId)?.executedQty, "0.002");
  } finally {
    sim.setFaults({});
    await gateway.close();
    await sim.close();
  }
});

test("live state: a strategy's fill reader that throws still hears every later fill; the error is reported", async () => {
  const sim = await simulator();
  const reported: unknown[] = [];
  const gateway = await open(sim, {
    onEvent: (e) => void (e.type === "account-reader-error" && reported.push(e)),
  });
  try {
    const heard: string[] = [];
    gateway.account.subscribe((e) => {
      heard.push((e.data as { qty: string }).qty);
      throw new Error("a bug in the strategy");
    }, ["fill"]);
    const ack = await gateway.router.placeOrder(restingBuy({ quantity: "0.004", price: "50000" }));
    for (const fillQty of ["0.001", "0.001", "0.002"]) {
      const before = heard.length;
      sim.setMarkPrice("BTCUSDT", "49990", { fillQty });
      await waitFor(() => heard.length === before + 1, `the fill of ${fillQty}`);
    }
    assert.deepEqual(heard, ["0.001", "0.001", "0.002"]);
    assert.equal(gateway.tracker.get(ack.clientOrderId)?.status, "FILLED");
    assert.deepEqual(reported, [{ type: "account-reader-error", error: "a bug in the strategy", count: 1 }]);
  } finally {
    await gateway.close();
    await sim.close();
  }
});
