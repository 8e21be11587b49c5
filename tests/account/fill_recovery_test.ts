/**
 * Fills the user stream missed: on their own against a stand-in trade list, and in a gateway over real
 * sockets (the stream paused while an order fills, then dropped: the gap pass finds it FILLED, and its trades
 * are read from the simulator's `GET /fapi/v1/userTrades`).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { AccountState } from "../../lib/account/account_state.ts";
import { FillRecovery, type RecoveryRun } from "../../lib/account/fill_recovery.ts";
import type { AccountEvent } from "../../lib/account/event_log.ts";
import type { Fill } from "../../lib/account/fills.ts";
import { orderUpdate } from "../orders/_order_update.ts";
import { ManualClock } from "../_manual_clock.ts";
import { restingBuy, simulator, waitFor } from "../router/_harness.ts";
import { openGateway, tempDir } from "../gateway/_gateway.ts";
import type { GatewayEvent } from "../../lib/gateway/gateway_events.ts";

const PLACE = { symbol: "BTCUSDT", side: "BUY", type: "LIMIT", quantity: "0.004", price: "50000" };

/** An account holding each order `cid` (orderId `id`) acked, then updated to `executed` by a query. */
function accountWith(orders: { cid: string; id: number; executed: string }[]): AccountState {
  const account = new AccountState();
  for (const o of orders) {
    account.orders.intent(o.cid, "order.place", PLACE, "newClientOrderId");
    account.orders.ack(
      o.cid,
      { clientOrderId: o.cid, orderId: o.id, status: "NEW", updateTime: 1 },
      "order.place",
    );
    account.orders.apply({
      clientOrderId: o.cid,
      orderId: o.id,
      status: "FILLED",
      executedQty: o.executed,
      updateTime: 2,
    });
  }
  return account;
}

const trade = (id: number, orderId: number, qty: string) => ({
  symbol: "BTCUSDT",
  id,
  orderId,
  side: "BUY",
  price: "50000.00",
  qty,
  realizedPnl: "0",
  commission: "0.02000000",
  commissionAsset: "USDT",
  maker: true,
  time: 5,
});

test("FillRecovery: an order short of fills is asked for its trades; those known already are not recorded twice", async () => {
  const account = accountWith([{ cid: "a", id: 7, executed: "0.004" }, {
    cid: "b",
    id: 8,
    executed: "0.002",
  }]);
  // "b" has all its fills from the stream; "a" has one of its two.
  const tradeOf = (cid: string, orderId: number, tradeId: number, qty: string, executed: string) =>
    orderUpdate({
      clientOrderId: cid,
      orderId,
      execution: "TRADE",
      tradeId,
      lastQty: qty,
      lastPrice: "50000",
      status: executed === "0.004" || cid === "b" ? "FILLED" : "PARTIALLY_FILLED",
      executedQty: executed,
      time: 3,
    });
  account.apply(tradeOf("b", 8, 20, "0.002", "0.002"));
  account.apply(tradeOf("a", 7, 10, "0.001", "0.001"));
  const asked: [string, number][] = [];
  const runs: RecoveryRun[] = [];
  const events: AccountEvent[] = [];
  account.subscribe((e) => void events.push(e), ["fill"]);
  const recovery = new FillRecovery({
    account,
    source: {
      userTrades: (symbol, orderId) => {
        asked.push([symbol, orderId]);
        return Promise.resolve(orderId === 7 ? [trade(10, 7, "0.001"), trade(11, 7, "0.003")] : []);
      },
    },
    onRecovered: (run) => void runs.push(run),
  });
  const run = await recovery.run();
  assert.deepEqual(asked, [["BTCUSDT", 7]], "only the order short of fills");
  assert.deepEqual(run, { orders: ["a"], fills: 1 });
  assert.deepEqual(runs, [run]);
  const fill = account.fills.list().find((f: Fill) => f.tradeId === 11)!;
  assert.deepEqual(
    [fill.clientOrderId, fill.qty, fill.price, fill.commission, fill.maker],
    ["a", "0.003", "50000.00", "0.02000000", true],
  );
  assert.deepEqual(events.map((e) => (e.data as Fill).tradeId), [11], "told as a fill");
  // Nothing short any more: nothing asked, nothing told.
  asked.length = 0;
  assert.deepEqual(await recovery.run(), { orders: [], fills: 0 });
  assert.deepEqual([asked, runs.length], [[], 1]);
  assert.equal(recovery.recovered, 1);
});

test("FillRecovery: orders changed long ago are left alone; queries are bounded per run, newest first; an error is reported", async () => {
  const account = accountWith([
    { cid: "old", id: 1, executed: "0.002" },
    { cid: "n0", id: 100, executed: "0.002" },
    { cid: "n1", id: 101, executed: "0.002" },
    { cid: "n2", id: 102, executed: "0.002" },
  ]);
  const now = Date.now();
  account.orders.get("old")!.updatedAt = now - 3_600_001;
  for (const [i, cid] of ["n0", "n1", "n2"].entries()) account.orders.get(cid)!.updatedAt = now - 10 + i;
  const asked: number[] = [];
  const runs: RecoveryRun[] = [];
  const recovery = new FillRecovery({
    account,
    now: () => now,
    maxQueries: 2,
    source: {
      userTrades: (_s, orderId) => {
        asked.push(orderId);
        return orderId === 101 ? Promise.reject(new Error("-1003 too many requests")) : Promise.resolve([]);
      },
    },
    onRecovered: (run) => void runs.push(run),
  });
  const run = await recovery.run();
  recovery.stop(); // the follow-up run is the next test's
  assert.deepEqual(asked, [102, 101], "the newest two; the hour-old order is not asked");
  // n0 not asked, n1 failed, n2 read and still short: three for the run that follows.
  assert.deepEqual(run, { orders: [], fills: 0, error: "-1003 too many requests", left: 3 });
  assert.deepEqual(runs, [run]);
});

test("FillRecovery: more orders short than one run asks about → runs follow by themselves until none is; one whose trades never add up is given up after 3 reads", async () => {
  const ids = Array.from({ length: 24 }, (_, i) => 200 + i);
  const account = accountWith(ids.map((id) => ({ cid: `c${id}`, id, executed: "0.002" })));
  const clock = new ManualClock(Date.now());
  // Newest change first: 223 … 200.
  for (const [i, id] of ids.entries()) account.orders.get(`c${id}`)!.updatedAt = clock.now() - 100 + i;
  const asked: number[] = [];
  const runs: RecoveryRun[] = [];
  const recovery = new FillRecovery({
    account,
    now: () => clock.now(),
    timers: clock,
    pauseMs: 1000,
    source: {
      // Order 200's list lacks a trade: read, it stays short.
      userTrades: (_s, orderId) => {
        asked.push(orderId);
        return Promise.resolve(
          orderId === 200 ? [trade(orderId * 10, orderId, "0.001")] : [
            trade(orderId * 10, orderId, "0.002"),
          ],
        );
      },
    },
    onRecovered: (run) => void runs.push(run),
  });
  // A run reports, then schedules the next: wait for both.
  const settled = async (count: number) => {
    for (let i = 0; i < 1000 && runs.length < count; i++) await Promise.resolve();
    assert.equal(runs.length, count, `run ${count} reported`);
  };
  const scheduled = async () => {
    for (let i = 0; i < 1000 && clock.pending === 0; i++) await Promise.resolve();
    assert.equal(clock.pending, 1, "the next run is scheduled");
  };
  try {
    await recovery.run();
    assert.deepEqual([runs[0]!.fills, runs[0]!.left, clock.timeouts], [10, 14, [clock.now() + 1000]]);
    clock.advance(1000);
    await settled(2);
    assert.deepEqual([runs[1]!.fills, runs[1]!.left], [10, 4]);
    await scheduled();
    clock.advance(1000);
    await settled(3);
    // The last four, 200 among them (its one trade recorded; still short): read again twice more, then left.
    assert.deepEqual([runs[2]!.fills, runs[2]!.left], [4, 1]);
    await scheduled();
    clock.advance(1000);
    for (let i = 0; i < 1000 && asked.filter((id) => id === 200).length < 2; i++) await Promise.resolve();
    await scheduled();
    assert.deepEqual(clock.timeouts, [clock.now() + 2000], "no fill recorded by that run: the pause doubled");
    clock.advance(2000);
    await settled(4);
    assert.deepEqual(runs[3], { orders: [], fills: 0, gaveUp: ["c200"] });
    assert.deepEqual(asked.filter((id) => id === 200).length, 3);
    assert.equal(asked.length, 26, "24 orders, 200 read three times");
    assert.equal(clock.pending, 0, "nothing short is left: no run follows");
    assert.equal(account.fills.list().length, 24);
  } finally {
    recovery.stop();
  }
});

/**
 * A gateway with the user stream, without audits, and one BUY 0.004 @ 50000 resting on its simulator (acked):
 * the set-up of the gateway tests below.
 */
async function restingOnGateway() {
  const sim = await simulator();
  const events: GatewayEvent[] = [];
  const gateway = await openGateway(sim, tempDir(), {
    streamUrl: sim.streamUrl,
    restUrl: sim.httpUrl,
    auditIntervalMs: 0,
    onEvent: (e) => void events.push(e),
  });
  await waitFor(() => gateway.userStream?.state === "up", "the user stream");
  const ack = await gateway.router.placeOrder(restingBuy({ quantity: "0.004", price: "50000" }));
  await waitFor(() => gateway.tracker.get(ack.clientOrderId)?.status === "NEW", "the ack");
  return { sim, gateway, events, ack };
}

test("FillRecovery in a gateway: a fill lost with the stream is read from the exchange's trades once the gap is healed", async () => {
  const { sim, gateway, events, ack } = await restingOnGateway();
  try {
    sim.setFaults({ streamPaused: true }); // the trades' events are lost
    sim.setMarkPrice("BTCUSDT", "49990", { fillQty: "0.001" });
    sim.setMarkPrice("BTCUSDT", "49980", { fillQty: "0.003" });
    sim.setFaults({});
    sim.dropStreams(); // a gap: the pass finds the order FILLED, then its trades are read
    await waitFor(() => gateway.account.fills.list().length === 2, "the recovered fills");
    const fills = gateway.account.fills.list().map((f) => [f.clientOrderId, f.qty, f.price]);
    assert.deepEqual(fills.sort(), [[ack.clientOrderId, "0.001", "50000.00"], [
      ack.clientOrderId,
      "0.003",
      "50000.00",
    ]]);
    const recovered = events.find((e) => e.type === "fills-recovered");
    assert.deepEqual(recovered, { type: "fills-recovered", orders: [ack.clientOrderId], fills: 2 });
    assert.equal(gateway.tracker.get(ack.clientOrderId)?.executedQty, "0.004");
  } finally {
    await gateway.close();
    await sim.close();
  }
});

test("FillRecovery: a gap longer than the fill book still reads back every order short of fills (none is taken for dropped)", async () => {
  const account = new AccountState({ historyCapacity: 2 });
  const now = Date.now();
  const asked: number[] = [];
  const recovery = new FillRecovery({
    account,
    now: () => now,
    source: { userTrades: (_s, orderId) => (asked.push(orderId), Promise.resolve([])) },
  });
  for (const [cid, id] of [["fresh", 1], ["settled", 2]] as const) {
    account.orders.intent(cid, "order.place", PLACE, "newClientOrderId");
    account.orders.ack(
      cid,
      { clientOrderId: cid, orderId: id, status: "FILLED", updateTime: 1 },
      "order.place",
    );
    account.orders.apply({
      clientOrderId: cid,
      orderId: id,
      status: "FILLED",
      executedQty: "0.002",
      updateTime: 2,
    });
  }
  account.orders.get("settled")!.updatedAt = now - 6000;
  // Other orders' fills fill the book (capacity 2) after both orders changed: neither order's fills ever
  // arrived, so both are short, however old their change is against the oldest fill kept.
  const fillAt = (tradeId: number, time: number) =>
    account.recordFill({
      symbol: "BTCUSDT",
      orderId: 99,
      clientOrderId: "other",
      tradeId,
      side: "BUY",
      price: "50000",
      qty: "0.001",
      commission: "0",
      commissionAsset: "USDT",
      realizedProfit: "0",
      maker: true,
      time,
    });
  fillAt(1, now - 3000);
  fillAt(2, now - 1000);
  fillAt(3, now - 500);
  await recovery.run();
  assert.deepEqual(asked.sort(), [1, 2], "both asked");
});

test("FillRecovery in a gateway: 25 orders filled while the router was stopped → every fill read back after the restart", async () => {
  const sim = await simulator();
  const dir = tempDir();
  const options = { streamUrl: sim.streamUrl, restUrl: sim.httpUrl, fillReadBackPauseMs: 20 };
  const first = await openGateway(sim, dir, options);
  const cids: string[] = [];
  try {
    for (let i = 0; i < 25; i++) {
      cids.push(
        (await first.router.placeOrder(restingBuy({ quantity: "0.003", price: String(50000 - i) })))
          .clientOrderId,
      );
    }
  } finally {
    await first.close();
  }
  sim.setMarkPrice("BTCUSDT", "49900"); // every one fills with nobody listening
  const events: GatewayEvent[] = [];
  const second = await openGateway(sim, dir, { ...options, onEvent: (e) => void events.push(e) });
  try {
    await waitFor(() => second.account.fills.list().length === 25, "25 fills read back", 10_000);
    assert.deepEqual(new Set(second.account.fills.list().map((f) => f.clientOrderId)), new Set(cids));
    const runs = events.filter((e) => e.type === "fills-recovered");
    assert.ok(runs.length >= 3, `${runs.length} runs of at most 10 orders`);
  } finally {
    await second.close();
    await sim.close();
  }
});

test("FillRecovery in a gateway: a fill the stream lost, learnt from the halt's look at its order, reaches /fills without a gap", async () => {
  const { sim, gateway, events, ack } = await restingOnGateway();
  try {
    sim.setFaults({ streamPaused: true }); // the trade's events are lost; the socket stays up: no gap pass
    sim.setMarkPrice("BTCUSDT", "49980", { fillQty: "0.004" });
    const before = events.length;
    const report = await gateway.halt("news");
    assert.deepEqual(report.canceled, []);
    await waitFor(
      () => gateway.tracker.get(ack.clientOrderId)?.status === "FILLED",
      "the order's end, asked",
    );
    await waitFor(() => gateway.account.fills.list().length === 1, "the fill, read back", 5000);
    assert.deepEqual(
      gateway.account.fills.list().map((f) => [f.clientOrderId, f.qty]),
      [[ack.clientOrderId, "0.004"]],
    );
    assert.deepEqual(events.slice(before).filter((e) => e.type === "gap-reconciled"), [], "no gap pass");
  } finally {
    await gateway.close();
    await sim.close();
  }
});

test("FillRecovery: while paused (an IP ban) a run asks nothing and is tried again after the pause", async () => {
  const account = accountWith([{ cid: "p", id: 300, executed: "0.002" }]);
  const clock = new ManualClock(Date.now());
  let banned = true;
  const asked: number[] = [];
  const recovery = new FillRecovery({
    account,
    now: () => clock.now(),
    timers: clock,
    pauseMs: 1000,
    paused: () => banned,
    source: {
      userTrades: (_s, orderId) => {
        asked.push(orderId);
        return Promise.resolve([trade(3000, orderId, "0.002")]);
      },
    },
  });
  try {
    assert.deepEqual(await recovery.run(), { orders: [], fills: 0 });
    assert.deepEqual([asked, clock.timeouts], [[], [clock.now() + 1000]]);
    clock.advance(1000); // still banned: nothing asked, tried again later
    assert.deepEqual(asked, []);
    banned = false;
    clock.advance(1000);
    for (let i = 0; i < 1000 && recovery.recovered === 0; i++) await Promise.resolve();
    assert.deepEqual([asked, recovery.recovered], [[300], 1]);
  } finally {
    recovery.stop();
  }
});

test("FillRecovery: an order whose fills left a full book is not short of them (its trades are not read back and counted again)", async () => {
  const account = new AccountState({ historyCapacity: 3 });
  const now = Date.now();
  const asked: number[] = [];
  const recovery = new FillRecovery({
    account,
    now: () => now,
    source: {
      userTrades: (
        _s,
        orderId,
      ) => (asked.push(orderId), Promise.resolve([trade(1, 1, "0.002"), trade(2, 1, "0.002")])),
    },
  });
  const fill = (tradeId: number, orderId: number, clientOrderId: string) =>
    account.recordFill({
      symbol: "BTCUSDT",
      orderId,
      clientOrderId,
      tradeId,
      side: "BUY",
      price: "50000",
      qty: "0.002",
      commission: "0.02",
      commissionAsset: "USDT",
      realizedProfit: "0",
      maker: true,
      time: now - 100 + tradeId,
    });
  // A resting order filled twice, 0.002 each, then other orders' fills push its fills out of the book: one, then
  // both. It stays open and changes after that (a later partial fill, a cancel), so it is newer than the oldest
  // fill kept.
  account.orders.intent("a", "order.place", PLACE, "newClientOrderId");
  account.orders.ack("a", { clientOrderId: "a", orderId: 1, status: "NEW", updateTime: 1 }, "order.place");
  fill(1, 1, "a");
  fill(2, 1, "a");
  account.orders.apply({
    clientOrderId: "a",
    orderId: 1,
    status: "PARTIALLY_FILLED",
    executedQty: "0.004",
    updateTime: now,
  });
  fill(3, 9, "other");
  fill(4, 9, "other");
  assert.equal(account.fills.list().some((f) => f.tradeId === 1), false, "its first fill left the book");
  await recovery.run();
  fill(5, 9, "other");
  assert.equal(account.fills.list().some((f) => f.orderId === 1), false, "now both did");
  await recovery.run();
  assert.deepEqual(asked, [], "never taken for short of fills");
  assert.equal(account.fills.total, 5, "every trade counted once");
  // Many more orders' fills since (each its own order), then the order is cancelled: still not short.
  for (let t = 6; t < 60; t++) fill(t, 100 + t, `other-${t}`);
  account.orders.apply({
    clientOrderId: "a",
    orderId: 1,
    status: "CANCELED",
    executedQty: "0.004",
    updateTime: now + 1,
  });
  await recovery.run();
  assert.deepEqual(asked, [], "however many orders came after it");
});
