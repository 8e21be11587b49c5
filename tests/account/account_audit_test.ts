/**
 * The periodic audit: events the user stream lost with its socket up (the simulator's `streamPaused` drops
 * them while the socket stays open) are found and corrected from the exchange's answers; events that arrive
 * while an audit runs are not taken for drift.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { AccountAudit } from "../../lib/account/account_audit.ts";
import { AccountState } from "../../lib/account/account_state.ts";
import type { AccountEvent } from "../../lib/account/event_log.ts";
import type { GapSource } from "../../lib/account/gap_reconciler.ts";
import type { ExchangeOrder } from "../../lib/account/open_orders.ts";
import { OrderAdopter, ownClientOrderIds } from "../../lib/account/adoption.ts";
import type { OrderRef, OrderResult } from "../../lib/types.ts";
import { openGateway, tempDir } from "../gateway/_gateway.ts";
import { connect, restingBuy, simulator, waitFor } from "../router/_harness.ts";
import { ManualClock } from "../_manual_clock.ts";

test("audit: a cancel, an order and a fill the stream lost with its socket up are corrected", async () => {
  const sim = await simulator();
  const gateway = await openGateway(sim, tempDir("lr-audit-"), {
    streamUrl: sim.streamUrl,
    restUrl: sim.httpUrl,
    auditIntervalMs: 3_600_000, // the test runs each audit itself
    auditSettleMs: 0, // the changes below are milliseconds old: count them at once
  });
  const other = await connect(sim); // another client of the same account (the web UI, a second bot)
  const audits: AccountEvent[] = [];
  const unsubscribe = gateway.account.subscribe((e) => audits.push(e), ["audit"]);
  try {
    await waitFor(() => gateway.userStream?.state === "up", "the user stream");
    const ours = await gateway.router.placeOrder(restingBuy());
    const ourStop = await gateway.router.placeAlgoOrder({
      symbol: "BTCUSDT",
      side: "SELL",
      type: "STOP_MARKET",
      quantity: "0.002",
      triggerPrice: "45000",
      clientAlgoId: "audit-stop-1",
    });
    assert.equal(gateway.tracker.get("audit-stop-1")!.state, "open");
    const clean = await gateway.audit!.run();
    assert.ok(clean !== undefined);
    assert.equal(clean.listed, 2);
    assert.deepEqual([clean.adopted, clean.corrected, clean.positions, clean.error], [[], [], [], undefined]);
    assert.equal(audits.length, 0); // a clean audit is not an account event

    sim.setFaults({ streamPaused: true }); // events are dropped; the socket stays up
    await other.cancelOrder({ symbol: "BTCUSDT", origClientOrderId: ours.clientOrderId });
    await other.cancelAlgoOrder({ clientAlgoId: "audit-stop-1" });
    const theirs = await other.placeOrder(
      restingBuy({ price: "49500", quantity: "0.003", newClientOrderId: "web_audit_1" }),
    );
    const fill = await other.placeOrder({
      symbol: "BTCUSDT",
      side: "BUY",
      type: "MARKET",
      quantity: "0.003",
    });
    // With auditSettleMs 0 a change counts as drift once the exchange's time, as the router estimates it, is
    // past it: within the fill's own millisecond (or a clock offset estimated a millisecond short) it is not.
    await waitFor(
      () => Date.now() + gateway.router.clockOffsetMs > fill.updateTime,
      "the router's estimate of the exchange's time past the fill",
    );
    // The precondition: the live view missed all three.
    assert.equal(gateway.userStream!.state, "up");
    assert.equal(gateway.tracker.get(ours.clientOrderId)!.state, "open");
    assert.equal(gateway.tracker.get("audit-stop-1")!.state, "open");
    assert.equal(gateway.tracker.get(theirs.clientOrderId), undefined);
    assert.equal(gateway.account.book.positions().length, 0);

    const report = await gateway.audit!.run();
    assert.ok(report !== undefined);
    assert.deepEqual([...report.corrected].sort(), [ours.clientOrderId, "audit-stop-1"].sort());
    assert.equal(report.queried, 2); // only the orders the listing no longer showed
    assert.deepEqual(report.adopted, [theirs.clientOrderId]);
    assert.deepEqual(report.positions, ["BTCUSDT:BOTH"]);
    const canceled = gateway.tracker.get(ours.clientOrderId)!;
    assert.deepEqual([canceled.state, canceled.status], ["finished", "CANCELED"]);
    const stopNow = gateway.tracker.get("audit-stop-1")!;
    assert.deepEqual([stopNow.state, stopNow.status, stopNow.orderId], [
      "finished",
      "CANCELED",
      ourStop.algoId,
    ]);
    assert.equal(gateway.tracker.get(theirs.clientOrderId)!.external, true);
    assert.equal(Number(gateway.account.book.positions()[0]!.positionAmt), 0.003);
    const health = gateway.audit!.health();
    assert.deepEqual(
      [health.audits, health.drift, health.lastDrift, health.lastError],
      [2, 4, 4, null],
    );
    assert.equal(audits.length, 1);
    assert.equal((audits[0]!.data as { drift: number }).drift, 4);

    // Nothing left to correct: the next audit finds no drift.
    const again = await gateway.audit!.run();
    assert.deepEqual([again!.adopted, again!.corrected, again!.positions], [[], [], []]);
  } finally {
    unsubscribe();
    await other.close();
    await gateway.close();
    await sim.close();
  }
});

/** A router stand-in that answers `order.status` from a table and passes each answer to the account. */
function source(account: AccountState, statuses: Record<string, Partial<OrderResult>>) {
  const asked: string[] = [];
  const router: GapSource & { asked: string[] } = {
    connected: true,
    clockOffsetMs: 0,
    asked,
    queryOrder(ref: OrderRef) {
      asked.push(ref.origClientOrderId!);
      const result = {
        clientOrderId: ref.origClientOrderId!,
        ...statuses[ref.origClientOrderId!],
      } as OrderResult;
      account.orders.ack(ref.origClientOrderId!, result, "order.status");
      return Promise.resolve(result);
    },
    accountPositions: () => Promise.resolve([]),
    accountBalance: () => Promise.resolve([]),
  };
  return router;
}

/** An order of this router resting on the exchange as far as the tracker knows. */
function rest(account: AccountState, cid: string, orderId: number): void {
  account.orders.intent(cid, "order.place", restingBuy(), "");
  account.orders.ack(cid, { clientOrderId: cid, orderId, status: "NEW", updateTime: 1 }, "order.place");
}

test("audit: an event that arrives while the listing is on its way is not drift", async () => {
  const account = new AccountState();
  const now = { ms: Date.now() + 1000 }; // the orders below changed before the audit began
  rest(account, "lr-a", 1);
  rest(account, "lr-b", 2);
  let answer!: (listing: [ExchangeOrder[], ExchangeOrder[]]) => void;
  const adopter = new OrderAdopter({ tracker: account.orders, client: undefined!, own: ownClientOrderIds() });
  adopter.list = () => new Promise((resolve) => (answer = resolve));
  const router = source(account, { "lr-b": { orderId: 2, status: "CANCELED", updateTime: 5 } });
  const audit = new AccountAudit({
    router,
    account,
    adopter,
    intervalMs: 60_000,
    now: () => now.ms,
    settleMs: 0,
  });
  const running = audit.run();
  // lr-a fills on the stream while the listing is on its way; the listing no longer shows either order.
  now.ms += 1;
  account.orders.apply({
    clientOrderId: "lr-a",
    orderId: 1,
    status: "FILLED",
    executedQty: "0.002",
    updateTime: 4,
  });
  account.orders.get("lr-a")!.updatedAt = now.ms;
  answer([[], []]);
  const report = await running;
  assert.ok(report !== undefined);
  assert.deepEqual(router.asked, ["lr-b"]); // lr-a's fate is known: not queried
  assert.deepEqual(report.corrected, ["lr-b"]);
  assert.equal(account.orders.get("lr-a")!.status, "FILLED");
  assert.equal(account.orders.get("lr-b")!.status, "CANCELED");
});

test("audit: a turn is skipped while the link is down, a gap pass runs, or an audit runs", async () => {
  const account = new AccountState();
  const adopter = new OrderAdopter({ tracker: account.orders, client: undefined!, own: ownClientOrderIds() });
  let answer!: (listing: [ExchangeOrder[], ExchangeOrder[]]) => void;
  adopter.list = () => new Promise((resolve) => (answer = resolve));
  const router = source(account, {});
  let busy = true;
  const audit = new AccountAudit({ router, account, adopter, intervalMs: 60_000, busy: () => busy });
  assert.equal(await audit.run(), undefined); // a gap pass runs
  busy = false;
  (router as { connected: boolean }).connected = false;
  assert.equal(await audit.run(), undefined); // the link is down
  (router as { connected: boolean }).connected = true;
  const first = audit.run();
  const second = audit.run(); // one audit at a time: the second call joins the first
  answer([[], []]);
  assert.equal((await first)?.listed, 0);
  assert.equal(await second, await first);
  assert.deepEqual([audit.health().audits, audit.health().skipped], [1, 3]);
  assert.throws(() => new AccountAudit({ router, account, adopter, intervalMs: 0 }), /interval must be > 0/);
});

test("audit: a pending order the listing already shows, and an unknown one it resolves, are not drift", async () => {
  const account = new AccountState();
  const params = { symbol: "BTCUSDT", side: "BUY", type: "LIMIT", quantity: "0.002", price: "50000" };
  account.orders.intent("lr-p", "order.place", params, ""); // sent, not answered yet
  account.orders.intent("lr-u", "order.place", params, "");
  account.orders.unknown("lr-u", "timeout", "order.place");
  rest(account, "lr-o", 3);
  const listed = (cid: string, orderId: number) => ({
    ...params,
    clientOrderId: cid,
    orderId,
    origQty: "0.002",
    status: "NEW",
    timeInForce: "GTC",
    updateTime: 2,
  });
  const adopter = new OrderAdopter({ tracker: account.orders, client: undefined!, own: ownClientOrderIds() });
  adopter.list = () => Promise.resolve([[listed("lr-p", 1), listed("lr-u", 2), listed("lr-o", 3)], []]);
  const audit = new AccountAudit({
    router: source(account, {}),
    account,
    adopter,
    intervalMs: 60_000,
    settleMs: 0,
  });
  const report = await audit.run();
  assert.deepEqual([report!.listed, report!.adopted, report!.corrected, report!.queried], [3, [], [], 0]);
  assert.equal(account.orders.get("lr-u")!.state, "open"); // resolved by the listing all the same
});

test("audit: an unknown order with this router's client-id pattern is adopted as external", async () => {
  const account = new AccountState();
  const adopter = new OrderAdopter({ tracker: account.orders, client: undefined!, own: ownClientOrderIds() });
  const cid = "lr-k3j9x2ab-m1q2-1"; // another router process with the same prefix
  const order = {
    symbol: "BTCUSDT",
    side: "BUY",
    type: "LIMIT",
    clientOrderId: cid,
    orderId: 9,
    origQty: "0.002",
    price: "50000",
    status: "NEW",
    timeInForce: "GTC",
    updateTime: 2,
  };
  adopter.list = () => Promise.resolve([[order], []]);
  const audit = new AccountAudit({ router: source(account, {}), account, adopter, intervalMs: 60_000 });
  assert.deepEqual((await audit.run())!.adopted, [cid]);
  const held = account.orders.get(cid)!;
  assert.deepEqual([held.external, held.recovered, held.state], [true, false, "open"]); // halt leaves it alone
});

test("audit: what changed on the exchange within settleMs is applied, but not yet called drift", async () => {
  const account = new AccountState();
  const server = Date.now(); // the stand-in's clock offset is 0
  rest(account, "lr-old", 1);
  rest(account, "lr-new", 2);
  const partly = (cid: string, orderId: number, updateTime: number) => ({
    symbol: "BTCUSDT",
    side: "BUY",
    type: "LIMIT",
    clientOrderId: cid,
    orderId,
    origQty: "0.002",
    executedQty: "0.001",
    price: "50000",
    status: "PARTIALLY_FILLED",
    timeInForce: "GTC",
    updateTime,
  });
  const adopter = new OrderAdopter({ tracker: account.orders, client: undefined!, own: ownClientOrderIds() });
  // lr-old filled in part 10 s ago (its event was lost); lr-new 100 ms ago (its event may be on the way).
  adopter.list = () =>
    Promise.resolve([[partly("lr-old", 1, server - 10_000), partly("lr-new", 2, server - 100)], []]);
  const router = source(account, {});
  router.accountPositions = () =>
    Promise.resolve([{
      symbol: "BTCUSDT",
      positionSide: "BOTH",
      positionAmt: "0.002",
      updateTime: server - 100,
    }]);
  const audit = new AccountAudit({ router, account, adopter, intervalMs: 60_000 }); // settleMs: 2000
  const report = await audit.run();
  assert.deepEqual([report!.corrected, report!.positions], [["lr-old"], []]);
  // Both applied all the same: the exchange's word is newer than what the tracker had.
  assert.deepEqual(
    [account.orders.get("lr-old")!.executedQty, account.orders.get("lr-new")!.executedQty],
    ["0.001", "0.001"],
  );
  assert.equal(account.book.positions()[0]!.positionAmt, "0.002");
});

test("audit: start runs one every intervalMs on the given clock; stop ends them", async () => {
  const account = new AccountState();
  const clock = new ManualClock(1_000_000);
  const adopter = new OrderAdopter({ tracker: account.orders, client: undefined!, own: ownClientOrderIds() });
  let listings = 0;
  adopter.list = () => (listings++, Promise.resolve([[], []]));
  const audit = new AccountAudit({
    router: source(account, {}),
    account,
    adopter,
    intervalMs: 60_000,
    clock,
  });
  audit.start();
  clock.advance(59_999);
  assert.equal(listings, 0);
  clock.advance(1);
  assert.equal(listings, 1);
  await waitFor(() => audit.health().audits === 1, "the first audit to end");
  clock.advance(60_000);
  await waitFor(() => audit.health().audits === 2, "the second audit to end");
  audit.stop();
  clock.advance(600_000);
  assert.equal(listings, 2);
});
