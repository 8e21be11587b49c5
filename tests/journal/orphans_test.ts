/**
 * Orphans: orders known only from an outcome record (their intent unreadable), and the outcome records that
 * make them possible by naming the symbol and the method they answer.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { journalObserver, OrderJournal } from "../../lib/journal/mod.ts";
import { OpenOrders } from "../../lib/journal/_open_orders.ts";
import { ackJson, decodeLine, intentJson, unknownJson } from "../../lib/journal/records.ts";
import { orphanOrders, unresolvedIntents } from "../../lib/journal/recovery.ts";
import { journalLines, PLACE, withDir } from "./_helpers.ts";

const ack = (cid: string, status: string) =>
  ackJson(1, cid, 7, status, { method: "order.place", symbol: "BTCUSDT" });

test("OpenOrders: a live outcome with no intent makes an orphan; a final one, or -2011, ends it", () => {
  const open = new OpenOrders();
  open.outcome("o", "NEW", ack("o", "NEW"));
  open.outcome("u", undefined, unknownJson(2, "u", "timeout", { method: "order.cancel", symbol: "ETHUSDT" }));
  open.outcome("done", "FILLED", ack("done", "FILLED")); // finished: nothing to reconcile
  assert.equal(open.size, 2);
  assert.deepEqual(orphanOrders(open), [
    { cid: "o", symbol: "BTCUSDT", method: "order.place", orderId: 7, status: "NEW", ts: 1 },
    { cid: "u", symbol: "ETHUSDT", method: "order.cancel", ts: 2 },
  ]);
  assert.deepEqual(unresolvedIntents(open), [], "orphans are not intents");

  // A request for an orphan does not replace it; a refused one does not end it (it may not be the place).
  open.intent("o", intentJson(3, "o", "order.cancel", { symbol: "BTCUSDT", origClientOrderId: "o" }));
  open.rejected("o", -1015);
  assert.deepEqual(orphanOrders(open).map((o) => o.cid), ["o", "u"]);
  assert.deepEqual(unresolvedIntents(open), []);
  open.rejected("o", -2011); // the exchange does not hold it
  open.outcome("u", "CANCELED", ack("u", "CANCELED"));
  assert.equal(open.size, 0);
});

test("OpenOrders: an orphan is carried by the checkpoint, with its later request, and reads back the same", () => {
  const open = new OpenOrders();
  open.intent("a", intentJson(1, "a", "order.place", PLACE));
  open.outcome("o", "PARTIALLY_FILLED", ack("o", "PARTIALLY_FILLED"));
  open.intent("o", intentJson(2, "o", "order.cancel", { symbol: "BTCUSDT", origClientOrderId: "o" }));
  assert.equal(open.checkpointRecords, 3);
  const back = new OpenOrders();
  for (const line of open.checkpoint().split("\n").filter((l) => l)) {
    const r = decodeLine(line);
    assert.ok(typeof r !== "string", line);
    if (r.t === "intent") back.intent(r.cid, line.slice(9));
    else if (r.t === "ack") back.outcome(r.cid, r.status, line.slice(9));
  }
  assert.equal(back.checkpoint(), open.checkpoint());
  assert.deepEqual(orphanOrders(back).map((o) => [o.cid, o.status]), [["o", "PARTIALLY_FILLED"]]);
});

test("outcome records name the symbol and the method answered: from the observer, else from the intent", async () => {
  await withDir((dir) => {
    const { journal } = OrderJournal.open({ dir, fsyncIntervalMs: 0, watchIntervalMs: 0 });
    const observer = journalObserver(journal);
    observer.intent("a", "order.place", { ...PLACE, symbol: "ETHUSDT" }, "newClientOrderId");
    observer.ack("a", { symbol: "ETHUSDT", orderId: 5, status: "NEW" }, "order.place");
    observer.intent("a", "order.cancel", { symbol: "ETHUSDT", origClientOrderId: "a" }, "");
    observer.unknown("a", "timeout", "order.cancel"); // no symbol given: the order's intent names it
    observer.intent("b", "order.place", PLACE, "newClientOrderId");
    observer.rejected("b", -2019, "Margin is insufficient.", "order.place");
    journal.close();
    const outcomes = journalLines(dir).map((l) => decodeLine(l)).filter((r) => typeof r !== "string")
      .filter((r) => r.t !== "intent").map((r) => ({ ...r, ts: 0 }));
    assert.deepEqual(outcomes, [
      { t: "ack", ts: 0, cid: "a", method: "order.place", symbol: "ETHUSDT", orderId: 5, status: "NEW" },
      { t: "unknown", ts: 0, cid: "a", method: "order.cancel", symbol: "ETHUSDT", reason: "timeout" },
      {
        t: "rejected",
        ts: 0,
        cid: "b",
        method: "order.place",
        symbol: "BTCUSDT",
        code: -2019,
        msg: "Margin is insufficient.",
      },
    ]);
  });
});

test("OpenOrders: an answer saying open after the order finished is stale, not an orphan; a reused id counts again", () => {
  const open = new OpenOrders();
  open.intent("ioc", intentJson(1, "ioc", "order.place", PLACE));
  open.outcome("ioc", "EXPIRED"); // the stream said so first
  assert.ok(open.stale("ioc", "NEW") && open.stale("ioc", undefined));
  assert.ok(!open.stale("ioc", "FILLED"), "a final outcome is never stale");
  open.outcome("ioc", "NEW", ack("ioc", "NEW")); // its ack, late
  assert.equal(open.size, 0);
  assert.deepEqual(orphanOrders(open), []);
  assert.ok(!open.stale("never-seen", "NEW"), "an unknown id is still an orphan (a damaged intent)");

  open.intent("ioc", intentJson(2, "ioc", "order.place", PLACE)); // the id reused once finished
  assert.ok(!open.stale("ioc", "NEW"));
  open.outcome("ioc", "NEW", ack("ioc", "NEW"));
  assert.deepEqual(unresolvedIntents(open).map((i) => i.ts), [2]);
});

test("OpenOrders: a cancel or modify of an order finished lately opens nothing (it came back at the next start)", () => {
  const open = new OpenOrders();
  open.intent("r", intentJson(1, "r", "order.place", PLACE));
  open.outcome("r", "CANCELED"); // the stream said so, while a cancel was on its way
  const cancel = intentJson(2, "r", "order.cancel", { symbol: "BTCUSDT", origClientOrderId: "r" });
  open.intent("r", cancel);
  open.intent("r", intentJson(3, "r", "order.modify", { symbol: "BTCUSDT", origClientOrderId: "r" }));
  open.outcome("r", undefined, unknownJson(4, "r", "timeout", { method: "order.cancel", symbol: "BTCUSDT" }));
  assert.equal(open.size, 0);
  assert.deepEqual(unresolvedIntents(open), []);
  assert.deepEqual(orphanOrders(open), []);
  // A place reusing the finished id opens it again; a cancel of an id never seen still does (it may be this
  // router's order from a damaged journal: the next start reconciles it).
  open.intent("r", intentJson(5, "r", "order.place", PLACE));
  open.intent("x", intentJson(6, "x", "order.cancel", { symbol: "BTCUSDT", origClientOrderId: "x" }));
  assert.deepEqual(unresolvedIntents(open).map((i) => [i.cid, i.ts]), [["r", 5], ["x", 6]]);
});

test("OpenOrders: the orders remembered as finished are bounded (16,384), the oldest forgotten first", () => {
  const open = new OpenOrders();
  const finish = (cid: string) => {
    open.intent(cid, intentJson(1, cid, "order.place", PLACE));
    open.outcome(cid, "EXPIRED");
  };
  finish("first");
  for (let i = 0; i < 16_383; i++) finish(`x${i}`);
  assert.ok(open.stale("first", "NEW"));
  finish("one-more");
  assert.ok(!open.stale("first", "NEW"), "forgotten: a late answer would be an orphan again");
  assert.ok(open.stale("x0", "NEW") && open.stale("one-more", "NEW"));
});

test("appendFinished: records an order the journal holds open, once; the late ack after it writes nothing", async () => {
  await withDir((dir) => {
    const { journal } = OrderJournal.open({ dir, fsyncIntervalMs: 0, watchIntervalMs: 0 });
    const observer = journalObserver(journal);
    observer.intent("ioc", "order.place", { ...PLACE, timeInForce: "IOC" }, "newClientOrderId");
    observer.intent("rest", "order.place", PLACE, "newClientOrderId");
    observer.ack("rest", { symbol: "BTCUSDT", orderId: 8, status: "NEW" }, "order.place");
    assert.equal(journal.appendFinished("ioc", "EXPIRED", 7, { symbol: "BTCUSDT" }), true, "stream first");
    observer.ack("ioc", { symbol: "BTCUSDT", orderId: 7, status: "NEW" }, "order.place"); // stale
    observer.unknown("ioc", "timeout", "order.place"); // an unknown outcome for it, late: stale too
    assert.equal(journal.appendFinished("ioc", "EXPIRED", 7), false, "finished already");
    assert.equal(journal.appendFinished("rest", "PARTIALLY_FILLED", 8), false, "not a final status");
    assert.equal(journal.appendFinished("external", "FILLED", 9), false, "not this journal's order");
    observer.intent("rest", "order.cancel", { symbol: "BTCUSDT", origClientOrderId: "rest" }, "");
    observer.ack("rest", { symbol: "BTCUSDT", orderId: 8, status: "CANCELED" }, "order.cancel");
    assert.equal(journal.appendFinished("rest", "CANCELED", 8), false, "its own answer said so");
    journal.close();
    const outcomes = journalLines(dir).map((l) => decodeLine(l)).filter((r) => typeof r !== "string")
      .filter((r) => r.t !== "intent" && r.t !== "mapped")
      .map((r) => [r.t, (r as { cid: string }).cid, (r as { status?: string }).status]);
    assert.deepEqual(outcomes, [
      ["ack", "rest", "NEW"],
      ["resolved", "ioc", "EXPIRED"],
      ["ack", "rest", "CANCELED"],
    ]);
    const again = OrderJournal.open({ dir, fsyncIntervalMs: 0, watchIntervalMs: 0 });
    again.journal.close();
    assert.deepEqual([again.recovery.unresolved, again.recovery.orphans], [[], []], "nothing to reconcile");
  });
});
