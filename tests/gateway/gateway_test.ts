import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ConnectError, DataDirError, NotSentError } from "../../lib/errors.ts";
import { Gateway, type GatewayEvent, type GatewayOptions } from "../../lib/gateway/gateway.ts";
import type { Simulator } from "../../lib/sim/mod.ts";
import { openGateway, tempDir } from "./_gateway.ts";
import { connect, restingBuy, simulator, waitFor } from "../router/_harness.ts";

function open(sim: Simulator, dataDir: string, extra: Partial<GatewayOptions> = {}): Promise<Gateway> {
  return openGateway(sim, dataDir, { ...extra });
}

const STOP = {
  symbol: "BTCUSDT",
  side: "SELL" as const,
  type: "STOP_MARKET" as const,
  quantity: "0.002",
  triggerPrice: "40000",
};

test("Gateway: one call gives tracking, and halt stops new orders and cancels every open one", async () => {
  const sim = await simulator();
  const gateway = await open(sim, tempDir());
  try {
    assert.equal(await gateway.reconciled, 0);
    const a = await gateway.router.placeOrder(restingBuy());
    const b = await gateway.router.placeOrder(restingBuy({ price: "50100" }));
    assert.deepEqual(
      gateway.tracker.list().map((o) => o.clientOrderId).sort(),
      [a, b].map((o) => o.clientOrderId).sort(),
    );

    const report = await gateway.halt("test halt");
    assert.equal(report.reason, "test halt");
    assert.deepEqual(report.canceled.sort(), [a.clientOrderId, b.clientOrderId].sort());
    assert.deepEqual(report.failed, []);
    assert.deepEqual(sim.orders().map((o) => o.status), ["CANCELED", "CANCELED"]);
    assert.equal(gateway.tracker.list().length, 0, "cancelled orders are no longer tracked");
    await assert.rejects(gateway.router.placeOrder(restingBuy()), (e: unknown) => {
      assert.ok(e instanceof NotSentError);
      assert.equal(e.reason, "halted");
      return true;
    });
    gateway.resume();
    assert.equal(gateway.router.halted, undefined);
    await gateway.router.placeOrder(restingBuy());
  } finally {
    await gateway.close();
    await sim.close();
  }
});

test("Gateway: the journal's intent is written before the frame leaves, the tracker's record right after it", async () => {
  const sim = await simulator();
  const dir = tempDir();
  const seen: { atIntent?: boolean; atAfterSend?: boolean; journaled?: boolean } = {};
  /** Whether a journal file in `dir` holds a line naming `cid` (what the OS has, read back). */
  const journaled = (cid: string) =>
    readdirSync(dir, { recursive: true }).some((f) =>
      String(f).endsWith(".log") && readFileSync(join(dir, String(f)), "utf8").includes(`"${cid}"`)
    );
  let gateway: Gateway | undefined = undefined;
  gateway = await open(sim, dir, {
    // A trader's observer comes after the gateway's own: at its `intent` the journal has written, and the
    // tracker has not recorded the order yet; at its `afterSend` the tracker has.
    observer: {
      intent: (cid) => {
        seen.atIntent = gateway!.tracker.get(cid) !== undefined;
        seen.journaled = journaled(cid);
      },
      afterSend: (cid) => void (seen.atAfterSend = gateway!.tracker.get(cid)?.state === "pending"),
      ack: () => {},
      rejected: () => {},
      unknown: () => {},
      notSent: () => {},
    },
  });
  try {
    const placed = await gateway.router.placeOrder(restingBuy());
    assert.deepEqual(seen, { atIntent: false, journaled: true, atAfterSend: true });
    assert.equal(gateway.tracker.get(placed.clientOrderId)?.state, "open");
  } finally {
    await gateway.close();
    await sim.close();
  }
});

test("Gateway: halt reasons are a set; each is lifted on its own", async () => {
  const sim = await simulator();
  const gateway = await open(sim, tempDir());
  try {
    gateway.router.holdNewOrders("maintenance");
    await gateway.halt("operator");
    assert.deepEqual(gateway.router.haltReasons, ["maintenance", "operator"]);
    assert.equal(gateway.router.halted, "maintenance; operator");
    gateway.resume("operator");
    assert.equal(gateway.router.halted, "maintenance");
    await assert.rejects(gateway.router.placeOrder(restingBuy()), { reason: "halted" });
    gateway.resume("maintenance");
    assert.equal(gateway.router.halted, undefined);
    await gateway.router.placeOrder(restingBuy());
  } finally {
    await gateway.close();
    await sim.close();
  }
});

test("Gateway: a cancelled algo order is finished in the tracker and in the journal", async () => {
  const sim = await simulator();
  const dir = tempDir();
  const first = await open(sim, dir);
  let cid: string;
  try {
    const ack = await first.router.placeAlgoOrder(STOP);
    cid = ack.clientAlgoId;
    assert.equal(first.tracker.get(cid)?.state, "open");
    await first.router.cancelAlgoOrder({ clientAlgoId: cid });
    assert.equal(first.tracker.get(cid)?.status, "CANCELED");
    assert.deepEqual(first.tracker.list(), []);
    assert.equal(sim.algoOrders()[0]?.algoStatus, "CANCELED");
  } finally {
    await first.close();
  }
  const second = await open(sim, dir);
  try {
    assert.equal(second.restored, 0, "the journal knows the algo order is finished");
    assert.equal(second.tracker.get(cid), undefined);
  } finally {
    await second.close();
    await sim.close();
  }
});

test("Gateway: orders left open by an earlier run are restored and reconciled before new orders flow", async () => {
  const sim = await simulator();
  const dir = tempDir();
  const first = await open(sim, dir);
  const ack = await first.router.placeOrder(restingBuy());
  await first.close();

  const events: GatewayEvent[] = [];
  const second = await open(sim, dir, { onEvent: (e) => events.push(e) });
  try {
    assert.equal(second.restored, 1);
    assert.match(second.router.halted ?? "", /^reconciling 1 orders from the journal$/);
    // An operator's resume (POST /resume) lifts the others, not this one: the picture is incomplete.
    second.router.holdNewOrders("news");
    second.router.resume();
    assert.match(second.router.halted ?? "", /^reconciling 1 orders from the journal$/, "still held");
    assert.equal(await second.reconciled, 0);
    assert.equal(second.router.halted, undefined, "the reconciliation hold lifts by itself");
    const order = second.tracker.get(ack.clientOrderId);
    assert.equal(order?.status, "NEW");
    assert.equal(order?.state, "open");
    assert.deepEqual(
      events.filter((e) => e.type === "reconciling" || e.type === "reconciled"),
      [{ type: "reconciling", orders: 1 }, { type: "reconciled", orders: 1 }],
    );
    const report = await second.halt();
    assert.deepEqual(report.canceled, [ack.clientOrderId]);
  } finally {
    await second.close();
    await sim.close();
  }
});

test("Gateway: one gateway per data directory; a failed open undoes everything it set up", async () => {
  const sim = await simulator();
  const dir = tempDir();
  const gateway = await open(sim, dir);
  try {
    await assert.rejects(open(sim, dir), (e: unknown) => {
      assert.ok(e instanceof DataDirError);
      assert.match(e.message, /in use by another router/);
      return true;
    });
    await gateway.router.placeOrder(restingBuy());
  } finally {
    await gateway.close();
  }
  const elsewhere = tempDir();
  await assert.rejects(
    open(sim, elsewhere, { url: "ws://127.0.0.1:1/ws-fapi/v1", connectTimeoutMs: 500 }),
    ConnectError,
  );
  const again = await open(sim, elsewhere); // the failed open released its lock
  try {
    assert.ok(again.router.connected);
  } finally {
    await again.close();
    await sim.close();
  }
});

test("Gateway: close holds new orders at once (halted), then releases the socket and the lock (closed)", async () => {
  const sim = await simulator();
  const dir = tempDir();
  const gateway = await open(sim, dir);
  const closing = gateway.close();
  assert.equal(gateway.router.halted, "shutting down");
  await assert.rejects(gateway.router.placeOrder(restingBuy()), { name: "NotSentError", reason: "halted" });
  await closing;
  assert.equal(gateway.router.connected, false);
  // Closed, new orders are refused as closed (a strategy that waits out a halt must not wait for this one).
  await assert.rejects(gateway.router.placeOrder(restingBuy()), { name: "NotSentError", reason: "closed" });
  await assert.rejects(
    gateway.router.placeAlgoOrder({
      symbol: "BTCUSDT",
      side: "SELL",
      type: "STOP_MARKET",
      quantity: "0.002",
      triggerPrice: "40000",
    }),
    { reason: "closed" },
  );
  assert.equal(gateway.close(), gateway.close(), "close is idempotent");
  const next = await open(sim, dir);
  await next.close();
  await sim.close();
});

test("Gateway: halt cancels an order whose place the engine took after the halt's cancel (-2011 first)", async () => {
  const sim = await simulator();
  const gateway = await open(sim, tempDir());
  try {
    // The engine takes places 100 ms late; the cancel sent by the halt meanwhile finds nothing (-2011).
    sim.setFaults({ placeDelayMs: 100 });
    const placing = gateway.router.placeOrder(restingBuy());
    const cid = gateway.tracker.list("pending")[0]!.clientOrderId;
    const report = await gateway.halt("kill");
    assert.equal((await placing).status, "NEW", "the place was taken after the first cancel");
    assert.deepEqual(report.canceled, [cid], JSON.stringify(report));
    assert.deepEqual([report.alreadyFinished, report.failed], [[], []]);
    const onExchange = sim.orders().find((o) => o.clientOrderId === cid);
    assert.equal(onExchange?.status, "CANCELED", "nothing of this router rests after a halt");
    assert.equal(gateway.tracker.get(cid)?.status, "CANCELED");
  } finally {
    await gateway.close();
    await sim.close();
  }
});

test("Gateway: halt cancels a late place answered while its first cancels were still out", async () => {
  const sim = await simulator();
  const gateway = await open(sim, tempDir());
  try {
    // Every answer comes 200 ms late (D); the engine takes each place 300 ms late (P). B is placed 200 ms
    // before the halt: it reaches the engine after the halt's cancel (-2011) but before its query, which shows
    // it live, so B's first pass takes three round trips (cancel, query, cancel: ~600 ms). A is placed as the
    // halt starts: it reaches the engine after its own cancel and query (~300 ms), and is answered (~500 ms)
    // while B's first pass is still out. The second pass must still count A among the places that were
    // unanswered when the halt began, or A rests after the halt.
    sim.setFaults({ placeDelayMs: 300, responseDelayMs: 200 });
    const placingB = gateway.router.placeOrder(restingBuy({ quantity: "0.003", price: "49900" }));
    await new Promise((r) => setTimeout(r, 200));
    const placingA = gateway.router.placeOrder(restingBuy());
    const [a, b] = [...gateway.tracker.list("pending")].reverse().map((o) => o.clientOrderId);
    const halting = gateway.halt("kill");
    await Promise.all([placingA, placingB]);
    const report = await halting;
    assert.deepEqual(
      [[...report.canceled].sort(), report.alreadyFinished, report.failed],
      [[a!, b!].sort(), [], []],
      JSON.stringify(report),
    );
    const onExchange = (cid: string) => sim.orders().find((o) => o.clientOrderId === cid)?.status;
    assert.deepEqual(
      [onExchange(a!), onExchange(b!)],
      ["CANCELED", "CANCELED"],
      "nothing rests after a halt",
    );
  } finally {
    sim.setFaults({});
    await gateway.close();
    await sim.close();
  }
});

test("Gateway: a cancel or modify that overtakes its order's place (-2011/-2013) is sent again once the place rests", async () => {
  const sim = await simulator();
  const gateway = await open(sim, tempDir());
  try {
    // The engine takes each place 100 ms late: a cancel or modify sent meanwhile finds nothing.
    sim.setFaults({ placeDelayMs: 100 });
    const placing = gateway.router.placeOrder(restingBuy({ newClientOrderId: "overtaken-1" }));
    const canceled = await gateway.router.cancelOrder({
      symbol: "BTCUSDT",
      origClientOrderId: "overtaken-1",
    });
    assert.equal((await placing).status, "NEW");
    assert.equal(canceled.status, "CANCELED");
    assert.equal(sim.orders().find((o) => o.clientOrderId === "overtaken-1")?.status, "CANCELED");

    const placing2 = gateway.router.placeOrder(restingBuy({ newClientOrderId: "overtaken-2" }));
    const modified = await gateway.router.modifyOrder({
      symbol: "BTCUSDT",
      origClientOrderId: "overtaken-2",
      side: "BUY",
      quantity: "0.003",
      price: "49500",
    });
    assert.equal((await placing2).status, "NEW");
    assert.equal(modified.price, "49500.00");
    assert.equal(sim.orders().find((o) => o.clientOrderId === "overtaken-2")?.price, "49500.00");
    // An order that does not rest (an IOC that expires) gets the exchange's refusal.
    const ioc = gateway.router.placeOrder({
      ...restingBuy({ newClientOrderId: "overtaken-3" }),
      timeInForce: "IOC",
    });
    await assert.rejects(
      gateway.router.cancelOrder({ symbol: "BTCUSDT", origClientOrderId: "overtaken-3" }),
      (e: unknown) => (e as { code?: number }).code === -2011,
    );
    await ioc;
    assert.equal(sim.orders().find((o) => o.clientOrderId === "overtaken-3")?.status, "EXPIRED");
  } finally {
    sim.setFaults({});
    await gateway.close();
    await sim.close();
  }
});

test("Gateway: cancelAllOpenOrders cancels this router's orders of one symbol, a late place too, and halts nothing", async () => {
  const sim = await simulator();
  const gateway = await open(sim, tempDir());
  const other = await connect(sim); // another client of the account: its order is not this router's
  try {
    const btc = await gateway.router.placeOrder(restingBuy());
    const eth = await gateway.router.placeOrder(
      restingBuy({ symbol: "ETHUSDT", quantity: "0.01", price: "2900" }),
    );
    const theirs = await other.placeOrder(restingBuy({ newClientOrderId: "web_cancel_all_1" }));
    // One more whose place the engine takes 100 ms late: the first cancel finds nothing (-2011).
    sim.setFaults({ placeDelayMs: 100 });
    const placing = gateway.router.placeOrder(restingBuy({ quantity: "0.003", price: "49900" }));
    const late = gateway.tracker.list("pending")[0]!.clientOrderId;
    const report = await gateway.router.cancelAllOpenOrders("BTCUSDT");
    sim.setFaults({});
    assert.equal((await placing).status, "NEW", "the place was taken after the first cancel");
    assert.deepEqual(
      { ...report, canceled: [...report.canceled].sort() },
      { symbol: "BTCUSDT", canceled: [btc.clientOrderId, late].sort(), alreadyFinished: [], failed: [] },
    );
    const status = (cid: string) => sim.orders().find((o) => o.clientOrderId === cid)?.status;
    assert.deepEqual(
      [status(btc.clientOrderId), status(late), status(eth.clientOrderId), status(theirs.clientOrderId)],
      ["CANCELED", "CANCELED", "NEW", "NEW"],
    );
    assert.equal(gateway.router.halted, undefined);
    assert.equal((await gateway.router.placeOrder(restingBuy())).status, "NEW", "orders still flow");
    // A symbol the exchange does not list (a typo): refused, not "nothing to cancel".
    await assert.rejects(gateway.router.cancelAllOpenOrders("BTCUSTD"), (e: Error & { code?: number }) => {
      assert.deepEqual([e.code, e.message.includes("Invalid symbol")], [-1121, true]);
      return true;
    });
  } finally {
    await other.close();
    await gateway.close();
    await sim.close();
  }
});

test("Gateway: flatten cancels the symbol's orders and closes the position with reduce-only MARKET, even halted", async () => {
  const sim = await simulator();
  const gateway = await open(sim, tempDir());
  const router = gateway.router;
  try {
    const market = { symbol: "BTCUSDT", type: "MARKET", newOrderRespType: "RESULT" } as const;
    await router.placeOrder({ ...market, side: "BUY", quantity: "0.003" });
    await router.placeOrder({ ...market, side: "SELL", quantity: "0.002" }); // 0.001 left: below MIN_NOTIONAL
    const resting = await router.placeOrder(restingBuy());
    await gateway.halt("flatten test"); // new orders refused; the flatten's closing order still goes out
    const report = await router.flatten("BTCUSDT");
    assert.deepEqual(report.cancels.canceled, []); // the halt cancelled the resting order already
    assert.equal(gateway.tracker.get(resting.clientOrderId)?.status, "CANCELED");
    assert.equal(Number(report.position), 0.001);
    assert.deepEqual(report.closed.map((c) => [c.side, Number(c.quantity), c.status]), [[
      "SELL",
      0.001,
      "FILLED",
    ]]);
    assert.deepEqual([report.failed, report.remaining], [[], "0"]);
    await assert.rejects(router.placeOrder(restingBuy()), NotSentError, "still halted for new orders");
    // Flat already: nothing to send.
    const again = await router.flatten("BTCUSDT");
    assert.deepEqual([again.position, again.closed, again.remaining], ["0", [], "0"]);
  } finally {
    await gateway.close();
    await sim.close();
  }
});

test("Gateway: flatten closes a position the trader's limits would refuse to open (filters still apply)", async () => {
  const sim = await simulator();
  const other = await connect(sim); // the position was built by another client of the account
  const gateway = await open(sim, tempDir(), {
    risk: { allowedSymbols: ["ETHUSDT"], symbols: { "*": { maxOrderQty: 0.001, maxOrderNotional: 60 } } },
  });
  try {
    await other.placeOrder({ symbol: "BTCUSDT", side: "BUY", type: "MARKET", quantity: "0.003" });
    // An ordinary reduce-only order is still held to the limits...
    await assert.rejects(
      gateway.router.placeOrder({
        symbol: "BTCUSDT",
        side: "SELL",
        type: "MARKET",
        quantity: "0.003",
        reduceOnly: true,
      }),
      /allowedSymbols/,
    );
    // ...the flatten's close is not: it can only take risk away.
    const report = await gateway.router.flatten("BTCUSDT");
    assert.deepEqual(report.closed.map((c) => [c.side, c.quantity, c.status]), [["SELL", "0.003", "FILLED"]]);
    assert.deepEqual([report.failed, report.remaining], [[], "0"]);
  } finally {
    await other.close();
    await gateway.close();
    await sim.close();
  }
});

test("Gateway: maxDailyLoss halts and flattens once the mark takes today's PnL past the limit", async () => {
  const sim = await simulator();
  const gateway = await open(sim, tempDir(), {
    streamUrl: sim.streamUrl,
    restUrl: sim.httpUrl,
    risk: { maxDailyLoss: 5, flattenOnDailyLoss: true },
  });
  try {
    const router = gateway.router;
    await waitFor(() => gateway.userStream?.state === "up", "the user stream");
    await router.placeOrder({ symbol: "BTCUSDT", side: "BUY", type: "MARKET", quantity: "0.003" });
    await waitFor(() => gateway.account.book.positions().length === 1, "the position line");
    assert.equal(router.halted, undefined);
    sim.setMarkPrice("BTCUSDT", "49000"); // about -6 USDT on 0.003 bought near 51,000
    await waitFor(() => router.halted !== undefined, "the daily loss halt");
    assert.match(router.halted!, /^risk: daily loss \d+\.\d\d reached maxDailyLoss 5 /);
    await waitFor(() => gateway.account.book.positions().length === 0, "the flatten");
    const left = (await router.accountPositions()).filter((p) => Number(p.positionAmt) !== 0);
    assert.deepEqual(left, []);
    const usage = router.preTrade!.usage().dailyLoss as { tripped: boolean; maxDailyLoss: number };
    assert.deepEqual([usage.tripped, usage.maxDailyLoss], [true, 5]);
  } finally {
    await gateway.close();
    await sim.close();
  }
});

test("Gateway: closing a losing position does not count its loss twice (realized and unrealized) toward maxDailyLoss", async () => {
  const sim = await simulator();
  const gateway = await open(sim, tempDir(), {
    streamUrl: sim.streamUrl,
    restUrl: sim.httpUrl,
    risk: { maxDailyLoss: 15 },
  });
  try {
    const router = gateway.router;
    await waitFor(() => gateway.userStream?.state === "up", "the user stream");
    await router.placeOrder({ symbol: "BTCUSDT", side: "BUY", type: "MARKET", quantity: "0.010" });
    await waitFor(() => gateway.account.book.positions().length === 1, "the position line");
    sim.setMarkPrice("BTCUSDT", "50000"); // about -10 on 0.010 bought near 51,000: inside 15
    const loss = () => router.preTrade!.usage().dailyLoss as { pnl: number; tripped: boolean };
    await waitFor(() => loss().pnl < -9, "the unrealized loss");
    await router.placeOrder({
      symbol: "BTCUSDT",
      side: "SELL",
      type: "MARKET",
      quantity: "0.010",
      reduceOnly: true,
    });
    await waitFor(() => gateway.account.book.positions().length === 0, "flat");
    await waitFor(() => loss().pnl < -10 && loss().pnl > -11, "the realized loss, with fees, alone");
    // Counted twice, the loss would have tripped at the closing fill, before the line that made it flat.
    assert.equal(router.halted, undefined, `halted: ${router.halted}`);
    assert.equal(loss().tripped, false);
  } finally {
    await gateway.close();
    await sim.close();
  }
});

test("Gateway: a daily loss trip the operator resumed from does not trip again at a restart on the same crossing", async () => {
  const sim = await simulator();
  const dir = tempDir();
  const options = { streamUrl: sim.streamUrl, restUrl: sim.httpUrl, risk: { maxDailyLoss: 5 } };
  const first = await open(sim, dir, options);
  try {
    await waitFor(() => first.userStream?.state === "up", "the user stream");
    await first.router.placeOrder({ symbol: "BTCUSDT", side: "BUY", type: "MARKET", quantity: "0.003" });
    await waitFor(() => first.account.book.positions().length === 1, "the position line");
    sim.setMarkPrice("BTCUSDT", "49000"); // about -6 USDT: past the limit, and it stays there
    await waitFor(() => first.router.halted !== undefined, "the daily loss halt");
    first.resume(); // on purpose: to close by hand
    assert.equal(first.router.halted, undefined);
  } finally {
    await first.close();
  }
  const second = await open(sim, dir, options);
  try {
    await waitFor(() => second.account.book.positions().length === 1, "the position, as the stream shows it");
    // Evaluated every second and on every position change: two rounds pass without a trip.
    const usage = () => second.router.preTrade!.usage().dailyLoss as { tripped: boolean; pnl: number };
    await waitFor(() => usage().pnl < -5, "today's PnL past the limit again");
    assert.equal(second.router.halted, undefined, "not halted again");
    assert.equal(usage().tripped, true, "still tripped for this crossing");
  } finally {
    await second.close();
    await sim.close();
  }
});

test("Gateway: halt with flatten closes every symbol's position after cancelling", async () => {
  const sim = await simulator();
  const gateway = await open(sim, tempDir());
  const router = gateway.router;
  try {
    const market = { type: "MARKET", newOrderRespType: "RESULT" } as const;
    await router.placeOrder({ ...market, symbol: "BTCUSDT", side: "BUY", quantity: "0.003" });
    await router.placeOrder({ ...market, symbol: "ETHUSDT", side: "SELL", quantity: "0.05" });
    const resting = await router.placeOrder(restingBuy());
    const report = await gateway.halt("end of day", { flatten: true });
    assert.deepEqual(report.canceled, [resting.clientOrderId]);
    const bySymbol = Object.fromEntries(
      (report.flattened ?? []).map((f) => [f.symbol, [f.position, f.closed.map((c) => c.side), f.remaining]]),
    );
    assert.deepEqual(bySymbol, {
      BTCUSDT: ["0.003", ["SELL"], "0"],
      ETHUSDT: ["-0.050", ["BUY"], "0"],
    });
    const left = (await router.accountPositions()).filter((p) => Number(p.positionAmt) !== 0);
    assert.deepEqual(left, []);
  } finally {
    await gateway.close();
    await sim.close();
  }
});

test("Gateway: halt says which orders were already finished, and how, instead of calling them cancelled", async () => {
  const sim = await simulator();
  const gateway = await open(sim, tempDir());
  try {
    const resting = await gateway.router.placeOrder(restingBuy());
    const filled = await gateway.router.placeOrder(restingBuy({ price: "50100" }));
    sim.setMarkPrice("BTCUSDT", "50050"); // fills the 50100 buy on the exchange; nobody tells the router
    assert.equal(
      gateway.tracker.get(filled.clientOrderId)?.state,
      "open",
      "the router has not seen the fill",
    );
    const report = await gateway.halt("kill");
    assert.deepEqual(report.canceled, [resting.clientOrderId]);
    assert.deepEqual(report.alreadyFinished, [{ clientOrderId: filled.clientOrderId, status: "FILLED" }]);
    assert.deepEqual(report.failed, []);
    assert.equal(gateway.tracker.get(filled.clientOrderId)?.status, "FILLED", "the query updated the state");
  } finally {
    await gateway.close();
    await sim.close();
  }
});

test("Gateway: history keeps that many finished orders and account events; older ones fall off", async () => {
  const sim = await simulator();
  const gateway = await open(sim, tempDir(), { history: 3 });
  try {
    const ioc = { ...restingBuy(), timeInForce: "IOC" as const, newOrderRespType: "RESULT" as const };
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await gateway.router.placeOrder(ioc)).clientOrderId);
    // Each answered EXPIRED (nothing to cross at 50000): finished at once, the newest three kept.
    const finished = gateway.tracker.list("finished").map((o) => o.clientOrderId);
    assert.deepEqual(finished.sort(), ids.slice(2).sort());
    // The event log holds the newest three events; a reader asking from the start learns what it missed.
    const since = gateway.account.events.since(0);
    assert.equal(since.events.length, 3);
    assert.equal(since.gap, true);
  } finally {
    await gateway.close();
    await sim.close();
  }
});
