import { test } from "node:test";
import assert from "node:assert/strict";
import { OrderTracker } from "../../lib/orders/order_tracker.ts";
import { orderUpdate } from "./_order_update.ts";
import { finishesAtOnce } from "../../lib/orders/tracked_order.ts";
import type { Params } from "../../lib/types.ts";
import { AnswerScanner } from "../../lib/wire/answer_scanner.ts";
import { jsonText, scanOrderResult } from "../../lib/wire/lazy_result.ts";

const place = { symbol: "BTCUSDT", side: "BUY", type: "LIMIT", quantity: "0.002", price: "50000" };

test("OrderTracker: intent → pending, ack NEW → open, ack FILLED → finished (kept for look-up, not listed)", () => {
  const t = new OrderTracker();
  t.intent("a", "order.place", place, "newClientOrderId");
  assert.equal(t.get("a")?.state, "pending");
  t.ack("a", { clientOrderId: "a", orderId: 7, status: "NEW", symbol: "BTCUSDT" }, "order.place");
  assert.equal(t.get("a")?.state, "open");
  assert.equal(t.clientOrderIdOf("BTCUSDT", 7), "a");
  // orderIds are unique per symbol only: the same number on another symbol is another order.
  t.intent("e", "order.place", { ...place, symbol: "ETHUSDT" }, "newClientOrderId");
  t.ack("e", { clientOrderId: "e", orderId: 7, status: "NEW", symbol: "ETHUSDT" }, "order.place");
  assert.equal(t.clientOrderIdOf("ETHUSDT", 7), "e");
  assert.equal(t.clientOrderIdOf("BTCUSDT", 7), "a");
  assert.equal(t.clientOrderIdOf("BTCUSDT", 8), undefined);
  t.ack("", { clientOrderId: "a", orderId: 7, status: "FILLED" }, "order.place");
  assert.equal(t.get("a")?.state, "finished");
  assert.equal(t.get("a")?.status, "FILLED");
  assert.deepEqual(t.list().map((o) => o.clientOrderId), ["e"]);
  assert.deepEqual(t.list("finished").map((o) => o.clientOrderId), ["a"]);
});

test("OrderTracker: a cancel's -2011 while the place is unanswered leaves it pending; the place's answer settles it", () => {
  const t = new OrderTracker();
  t.intent("a", "order.place", place, "");
  // The cancel reached the matching engine before the place: "Unknown order sent."
  t.rejected("a", -2011, "Unknown order sent.", "order.cancel");
  assert.deepEqual([t.get("a")?.state, t.get("a")?.status], ["pending", "PENDING"]);
  t.ack("a", { clientOrderId: "a", orderId: 9, status: "NEW", updateTime: 100 }, "order.place");
  assert.deepEqual([t.get("a")?.state, t.get("a")?.status], ["open", "NEW"]);
  assert.deepEqual(t.openOrders().map((o) => o.clientOrderId), ["a"], "halt still cancels it");
});

test("OrderTracker: NOT_FOUND from a cancel's -2011 is undone when the exchange shows the order live", () => {
  const changes: string[] = [];
  const t = new OrderTracker({ onChange: (o) => void changes.push(`${o.state} ${o.status}`) });
  t.intent("a", "order.place", place, "");
  t.ack("a", { clientOrderId: "a", orderId: 9, status: "NEW", updateTime: 100 }, "order.place");
  t.rejected("a", -2011, "Unknown order sent.", "order.cancel");
  assert.deepEqual([t.get("a")?.state, t.get("a")?.status], ["finished", "NOT_FOUND"]);
  assert.deepEqual(t.list(), []);
  // The stream then reports it resting (its place reached the book after the cancel): live again.
  t.applyUpdate(update({ clientOrderId: "a", orderId: 9, time: 150 }));
  assert.deepEqual([t.get("a")?.state, t.get("a")?.status], ["open", "NEW"]);
  assert.deepEqual(t.list().map((o) => o.clientOrderId), ["a"]);
  assert.deepEqual(t.list("finished"), []);
  // A status query answering NEW does the same after another -2011.
  t.rejected("a", -2011, "Unknown order sent.", "order.cancel");
  t.ack("a", { clientOrderId: "a", orderId: 9, status: "NEW", updateTime: 150 }, "order.status");
  assert.equal(t.get("a")?.state, "open");
  // An exchange fact stays final: CANCELED, then an older NEW answer, changes nothing.
  t.applyUpdate(update({ clientOrderId: "a", orderId: 9, time: 200, status: "CANCELED" }));
  t.ack("a", { clientOrderId: "a", orderId: 9, status: "NEW", updateTime: 150 }, "order.status");
  assert.deepEqual([t.get("a")?.state, t.get("a")?.status], ["finished", "CANCELED"]);
  assert.deepEqual(changes, [
    "pending PENDING",
    "open NEW",
    "finished NOT_FOUND",
    "open NEW",
    "finished NOT_FOUND",
    "open NEW",
    "finished CANCELED",
  ]);
});

test("OrderTracker: an answer's strings are kept exactly, trailing whitespace included", () => {
  const t = new OrderTracker();
  t.intent("a", "order.place", place, "");
  // The copies the tracker keeps (no slice of the frame) must not lose a character, even one trimEnd drops.
  const frame = '{"price":"50000.10\u00a0","origQty":"0.003 ","avgPrice":"","status":"NEW"}';
  const r = JSON.parse(frame) as Record<string, string>;
  t.ack("a", { clientOrderId: "a", orderId: 3, updateTime: 5, executedQty: "0.001", ...r }, "order.place");
  const o = t.get("a")!;
  assert.deepEqual([o.price, o.quantity, o.avgPrice, o.executedQty], [
    "50000.10\u00a0",
    "0.003 ",
    "",
    "0.001",
  ]);
});

test("OrderTracker: a rejected place is finished, an unsent one dropped; a duplicate id never overwrites the live order", () => {
  const t = new OrderTracker();
  t.intent("a", "order.place", place, "");
  t.rejected("a", -4164, "min notional", "order.place");
  assert.equal(t.get("a")?.status, "REJECTED");
  assert.equal(t.get("a")?.state, "finished");
  t.intent("b", "order.place", place, "");
  t.notSent("b", "order.place");
  assert.equal(t.get("b"), undefined);
  t.intent("c", "order.place", place, "");
  t.ack("c", { clientOrderId: "c", orderId: 1, status: "NEW" }, "order.place");
  t.intent("c", "order.place", { ...place, price: "1" }, "");
  t.rejected("c", -4116, "duplicate", "order.place");
  assert.equal(t.get("c")?.state, "open");
  assert.equal(t.get("c")?.price, "50000");
});

test("OrderTracker: unknown outcomes are listed until reconciliation applies the truth", () => {
  const t = new OrderTracker();
  t.intent("u1", "order.place", place, "");
  t.intent("u2", "order.place", place, "");
  t.unknown("u1", "timeout", "order.place");
  t.unknown("u2", "disconnect", "order.place");
  assert.deepEqual(t.list("unknown").map((o) => o.clientOrderId), ["u1", "u2"]);
  t.apply({ clientOrderId: "u1", orderId: 3, status: "NEW" });
  t.notFound("u2");
  assert.equal(t.get("u1")?.state, "open");
  assert.equal(t.get("u2")?.status, "NOT_FOUND");
  assert.deepEqual(t.list().map((o) => o.clientOrderId), ["u1"]);
  assert.equal(t.resolvedTotal, 2);
  assert.deepEqual(t.symbols(), ["BTCUSDT"]);
});

test("OrderTracker: a cancel the exchange no longer knows (-2011) means the order is finished", () => {
  const t = new OrderTracker();
  t.intent("x", "order.place", place, "");
  t.ack("x", { clientOrderId: "x", orderId: 9, status: "NEW" }, "order.place");
  t.rejected("x", -2011, "Unknown order sent.", "order.cancel");
  assert.equal(t.get("x")?.state, "finished");
  assert.deepEqual(t.list(), []);
});

const update = orderUpdate;

test("OrderTracker: stream events fill an order; stale, replayed and out-of-order events change nothing", () => {
  const changes: string[] = [];
  const t = new OrderTracker({ onChange: (o) => void changes.push(`${o.status} ${o.executedQty}`) });
  t.intent("a", "order.place", { ...place, quantity: "0.004" }, "");
  t.applyUpdate(update({}));
  const partial = update({ time: 200, execution: "TRADE", status: "PARTIALLY_FILLED", executedQty: "0.001" });
  assert.equal(t.applyUpdate(partial)?.executedQty, "0.001");
  assert.equal(t.applyUpdate(partial), undefined, "the same event twice");
  const filled = update({
    time: 300,
    execution: "TRADE",
    status: "FILLED",
    executedQty: "0.004",
    avgPrice: "50000",
  });
  t.applyUpdate(filled);
  assert.equal(
    t.applyUpdate(update({ time: 250, status: "PARTIALLY_FILLED", executedQty: "0.002" })),
    undefined,
  );
  // An order.status answer older than the fill (updateTime 200) must not undo it.
  t.apply({ clientOrderId: "a", status: "PARTIALLY_FILLED", executedQty: "0.001", updateTime: 200 });
  // Nor may an ack that says NEW with nothing executed (Binance's default ACK answer), even at the same time.
  t.ack("a", { clientOrderId: "a", status: "NEW", executedQty: "0", updateTime: 300 }, "order.place");
  const o = t.get("a")!;
  assert.deepEqual([o.state, o.status, o.executedQty, o.avgPrice], ["finished", "FILLED", "0.004", "50000"]);
  assert.deepEqual(
    changes,
    ["PENDING 0", "NEW 0", "PARTIALLY_FILLED 0.001", "FILLED 0.004"],
    "one change per new state, the intent first",
  );
});

test("OrderTracker: an order this router did not place is tracked as external and never cancelled by halt", () => {
  const t = new OrderTracker();
  t.applyUpdate(update({ clientOrderId: "web_123" }));
  assert.equal(t.get("web_123")?.external, true);
  assert.equal(t.get("web_123")?.state, "open");
  assert.deepEqual(t.openOrders(), []);
  assert.deepEqual(t.symbols(), []);
});

test("OrderTracker: an external order keeps the stream's time in force, so an IOC is not taken for a resting one", () => {
  const t = new OrderTracker();
  t.applyUpdate(update({ clientOrderId: "web_ioc", timeInForce: "IOC" }));
  t.applyUpdate(update({ clientOrderId: "web_gtc", orderId: 8 }));
  assert.equal(t.get("web_ioc")?.timeInForce, "IOC");
  assert.equal(finishesAtOnce(t.get("web_ioc")!), true);
  assert.equal(finishesAtOnce(t.get("web_gtc")!), false);
});

test("OrderTracker: finished orders are kept up to the capacity, oldest dropped first", () => {
  const t = new OrderTracker({ finishedCapacity: 2 });
  for (const cid of ["a", "b", "c"]) {
    t.intent(cid, "order.place", place, "");
    t.ack(cid, { clientOrderId: cid, orderId: cid.charCodeAt(0), status: "FILLED" }, "order.place");
  }
  assert.deepEqual(t.list("finished").map((o) => o.clientOrderId), ["b", "c"]);
  assert.equal(t.get("a"), undefined);
  assert.equal(t.clientOrderIdOf("BTCUSDT", "a".charCodeAt(0)), undefined);
});

test("OrderTracker: a refused cancel or modify leaves the order as it was; one that never went out too", () => {
  const t = new OrderTracker();
  t.intent("p", "order.place", place, "");
  t.rejected("p", -1021, "Timestamp outside recvWindow", "order.cancel"); // the place is still unanswered
  t.notSent("p", "order.modify");
  assert.equal(t.get("p")?.state, "pending");
  t.ack("p", { clientOrderId: "p", orderId: 5, status: "NEW" }, "order.place");
  t.rejected("p", -5027, "No need to modify the order.", "order.modify");
  assert.equal(t.get("p")?.state, "open");
  assert.equal(t.get("p")?.status, "NEW");
});

test("OrderTracker: intentAt and updatedAt come from the injected time", () => {
  let now = 1_000;
  const t = new OrderTracker({ now: () => now });
  t.intent("a", "order.place", place, "");
  now = 1_500;
  t.ack("a", { clientOrderId: "a", orderId: 1, status: "NEW" }, "order.place");
  assert.deepEqual([t.get("a")?.intentAt, t.get("a")?.updatedAt], [1_000, 1_500]);
  now = 2_000;
  t.ack("a", { clientOrderId: "a", orderId: 1, status: "FILLED", executedQty: "0.002" }, "order.status");
  assert.deepEqual([t.get("a")?.state, t.get("a")?.updatedAt], ["finished", 2_000]);
});

/** An order result in the exchange's key order (reference §5.1; modify adds modifyId). */
function exchangeResult(fields: Record<string, unknown>): Record<string, unknown> {
  return {
    orderId: 91,
    symbol: "BTCUSDT",
    status: "NEW",
    clientOrderId: "lazy",
    price: "50000.00",
    origQty: "0.002",
    executedQty: "0.000",
    cumQty: "0.000",
    timeInForce: "GTC",
    type: "LIMIT",
    reduceOnly: false,
    closePosition: false,
    side: "BUY",
    positionSide: "BOTH",
    stopPrice: "0.00",
    workingType: "CONTRACT_PRICE",
    priceProtect: false,
    origType: "LIMIT",
    priceMatch: "NONE",
    selfTradePreventionMode: "NONE",
    goodTillDate: 0,
    ...fields,
  };
}

/** The ack frame's result as JSON.parse gives it and as the pipeline's scan gives it. */
function bothForms(result: Record<string, unknown>): { parsed: unknown; lazy: unknown; text: string } {
  const text = JSON.stringify(result);
  const frame = `{"id":1,"status":200,"result":${text},"rateLimits":[]}`;
  const scanner = new AnswerScanner();
  assert.ok(scanner.scan(frame));
  const lazy = scanOrderResult(frame, scanner.answer.resultStart, scanner.answer.resultEnd);
  assert.ok(lazy !== undefined);
  return { parsed: (JSON.parse(frame) as { result: unknown }).result, lazy, text };
}

test("OrderTracker: a scanned ack leaves the same state as a parsed one, and is not parsed by the tracker", () => {
  const limit = { ...place, timeInForce: "GTC" };
  const market = { symbol: "BTCUSDT", side: "SELL", type: "MARKET", quantity: "0.002" };
  // [intent params, then the acks in turn] for place (ACK and RESULT answers), modify and cancel.
  const flows: [Params, [string, Record<string, unknown>][]][] = [
    [limit, [["order.place", exchangeResult({ updateTime: 10 })]]],
    [market, [[
      "order.place",
      exchangeResult({ type: "MARKET", origType: "MARKET", price: "0.00", updateTime: 10 }),
    ]]],
    [market, [[
      "order.place",
      exchangeResult({
        status: "FILLED",
        type: "MARKET",
        origType: "MARKET",
        price: "0.00",
        executedQty: "0.002",
        cumQty: "0.002",
        updateTime: 11,
      }),
    ]]],
    [limit, [
      ["order.place", exchangeResult({ updateTime: 10 })],
      ["order.modify", exchangeResult({ price: "49000.00", origQty: "0.003", modifyId: 4, updateTime: 12 })],
      [
        "order.cancel",
        exchangeResult({ status: "CANCELED", price: "49000.00", origQty: "0.003", updateTime: 13 }),
      ],
    ]],
    [limit, [
      [
        "order.place",
        exchangeResult({ executedQty: "0.001", cumQty: "0.001", status: "PARTIALLY_FILLED", updateTime: 10 }),
      ],
      [
        "order.cancel",
        exchangeResult({ status: "CANCELED", executedQty: "0.001", cumQty: "0.001", updateTime: 14 }),
      ],
    ]],
    // Older shape, with avgPrice between price and origQty.
    [limit, [["order.place", exchangeResult({ avgPrice: "50000.00", status: "FILLED", updateTime: 10 })]]],
  ];
  for (const [params, acks] of flows) {
    let now = 1;
    const withParsed = new OrderTracker({ now: () => now });
    const withLazy = new OrderTracker({ now: () => now });
    withParsed.intent("lazy", "order.place", params, "newClientOrderId");
    withLazy.intent("lazy", "order.place", params, "newClientOrderId");
    for (const [method, result] of acks) {
      now++;
      const { parsed, lazy, text } = bothForms(result);
      withParsed.ack("lazy", parsed, method);
      withLazy.ack("lazy", lazy, method);
      assert.deepEqual(withLazy.get("lazy"), withParsed.get("lazy"), `${method} ${text}`);
      // The tracker read only what the scan read: the answer can still be the frame's own text.
      assert.equal(jsonText(lazy), text);
    }
    assert.deepEqual(withLazy.listAll(), withParsed.listAll());
    assert.equal(withLazy.get("lazy")?.price, acks.at(-1)![1].price);
  }
});

test("OrderTracker: an unknown outcome is resolved by an answer older than the newest event (not left unknown)", () => {
  const t = new OrderTracker();
  // The stream's NEW (event time 231) came before the place's -1007; order.status then answers with the
  // order's own updateTime (229): nothing newer happened, so the order is as the event left it.
  t.intent("a", "order.place", place, "");
  t.applyUpdate(update({ clientOrderId: "a", time: 231 }));
  t.unknown("a", "-1007", "order.place");
  assert.equal(t.get("a")?.state, "unknown");
  t.apply({ clientOrderId: "a", orderId: 1, status: "NEW", executedQty: "0", updateTime: 229 });
  assert.deepEqual([t.get("a")?.state, t.get("a")?.status, t.get("a")?.updateTime], ["open", "NEW", 231]);
  assert.equal(t.resolvedTotal, 1);
  assert.deepEqual(t.list("unknown"), []);
  // A partial fill the stale answer has not seen yet is kept, and so is its status.
  t.intent("b", "order.place", { ...place, quantity: "0.004" }, "");
  t.applyUpdate(
    update({ clientOrderId: "b", orderId: 8, time: 300, status: "PARTIALLY_FILLED", executedQty: "0.001" }),
  );
  t.unknown("b", "timeout", "order.cancel");
  t.apply({ clientOrderId: "b", status: "NEW", executedQty: "0", updateTime: 300 });
  const b = t.get("b")!;
  assert.deepEqual([b.state, b.status, b.executedQty], ["open", "PARTIALLY_FILLED", "0.001"]);
  assert.equal(t.resolvedTotal, 2);
  // A place never answered has no status to go back to: an answer with no time resolves it as usual, and
  // until then it stays unknown.
  t.intent("c", "order.place", place, "");
  t.unknown("c", "timeout", "order.place");
  t.apply({ clientOrderId: "c", status: "NEW", executedQty: "0" });
  assert.deepEqual([t.get("c")?.state, t.get("c")?.status], ["open", "NEW"]);
});

test("OrderTracker: a triggered algo order follows the regular order it became, keeping its algoId", () => {
  const t = new OrderTracker();
  const stop = {
    symbol: "BTCUSDT",
    side: "BUY",
    type: "STOP",
    quantity: "0.004",
    price: "50400",
    triggerPrice: "50500",
  };
  t.intent("s", "algoOrder.place", stop, "clientAlgoId");
  t.ack("s", { clientAlgoId: "s", algoId: 2000, algoStatus: "NEW", updateTime: 100 }, "algoOrder.place");
  // The user stream: ALGO_UPDATE TRIGGERED with `ai` (as text), then the order's own ORDER_TRADE_UPDATEs.
  t.apply({
    clientAlgoId: "s",
    algoId: 2000,
    algoStatus: "TRIGGERED",
    updateTime: 200,
    actualOrderId: "8000",
  });
  let o = t.get("s")!;
  assert.deepEqual([o.state, o.status, o.orderId, o.actualOrderId], ["open", "TRIGGERED", 2000, 8000]);
  assert.equal(t.clientOrderIdOf("BTCUSDT", 8000), "s", "a cancel by the order's id is tracked");
  assert.equal(t.clientOrderIdOf("BTCUSDT", 2000), "s");
  t.applyUpdate(update({ clientOrderId: "s", orderId: 8000, status: "NEW", time: 200 }));
  o = t.get("s")!;
  assert.deepEqual(
    [o.status, o.orderId, o.type],
    ["TRIGGERED", 2000, "STOP"],
    "NEW reads TRIGGERED; the algo stays",
  );
  assert.deepEqual(t.openOrders().map((r) => [r.clientOrderId, r.algo, r.actualOrderId]), [[
    "s",
    true,
    8000,
  ]]);
  t.applyUpdate(
    update({
      clientOrderId: "s",
      orderId: 8000,
      status: "PARTIALLY_FILLED",
      executedQty: "0.001",
      time: 300,
    }),
  );
  assert.deepEqual([t.get("s")!.status, t.get("s")!.executedQty], ["PARTIALLY_FILLED", "0.001"]);
  t.applyUpdate(
    update({ clientOrderId: "s", orderId: 8000, status: "FILLED", executedQty: "0.004", time: 400 }),
  );
  // The algo service's FINISHED comes after: the order's FILLED says more, and stays.
  t.apply({
    clientAlgoId: "s",
    algoId: 2000,
    algoStatus: "FINISHED",
    updateTime: 401,
    actualOrderId: "8000",
  });
  o = t.get("s")!;
  assert.deepEqual([o.state, o.status, o.executedQty, o.orderId], ["finished", "FILLED", "0.004", 2000]);
  assert.deepEqual(t.openOrders(), []);
});

test("OrderTracker: an ORDER_TRADE_UPDATE seen before the algo's own TRIGGERED event gives the order's id too", () => {
  const t = new OrderTracker();
  const stop = {
    symbol: "BTCUSDT",
    side: "SELL",
    type: "STOP_MARKET",
    quantity: "0.004",
    triggerPrice: "49000",
  };
  t.intent("s", "algoOrder.place", stop, "clientAlgoId");
  t.ack("s", { clientAlgoId: "s", algoId: 2000, algoStatus: "NEW", updateTime: 100 }, "algoOrder.place");
  t.applyUpdate(update({ clientOrderId: "s", orderId: 8001, status: "NEW", orderType: "MARKET", time: 150 }));
  assert.deepEqual([t.get("s")!.status, t.get("s")!.actualOrderId, t.get("s")!.type], [
    "TRIGGERED",
    8001,
    "STOP_MARKET",
  ]);
  // order.status of that order (by its id) answers without an algoId: the same order.
  t.apply({ clientOrderId: "s", orderId: 8001, status: "FILLED", executedQty: "0.004", updateTime: 160 });
  assert.deepEqual([t.get("s")!.state, t.get("s")!.status, t.get("s")!.orderId], [
    "finished",
    "FILLED",
    2000,
  ]);
});

test("OrderTracker: an algo order FINISHED with no fills known is queued for a query; the answer about its order gives them", () => {
  const t = new OrderTracker();
  const stop = {
    symbol: "BTCUSDT",
    side: "SELL",
    type: "STOP_MARKET",
    quantity: "0.002",
    triggerPrice: "49500",
  };
  t.intent("s", "algoOrder.place", stop, "clientAlgoId");
  t.ack("s", { clientAlgoId: "s", algoId: 2000, algoStatus: "NEW", updateTime: 100 }, "algoOrder.place");
  // The audit's algo look-up: FINISHED, later than the order's own fill.
  t.apply(
    { clientAlgoId: "s", algoId: 2000, algoStatus: "FINISHED", updateTime: 300, actualOrderId: "" },
    "s",
  );
  assert.deepEqual([t.get("s")!.state, t.get("s")!.status, t.get("s")!.executedQty], [
    "finished",
    "FINISHED",
    "0",
  ]);
  assert.deepEqual(t.takeInferred(), ["s"]);
  assert.deepEqual(t.takeInferred(), [], "read once");
  // order.status by the client algo id (older than the FINISHED): applied all the same.
  t.apply({
    clientOrderId: "s",
    orderId: 8000,
    status: "FILLED",
    executedQty: "0.002",
    avgPrice: "49400.00",
    updateTime: 250,
  }, "s");
  const o = t.get("s")!;
  assert.deepEqual([o.status, o.executedQty, o.avgPrice, o.actualOrderId, o.orderId], [
    "FILLED",
    "0.002",
    "49400.00",
    8000,
    2000,
  ]);
  // An algo order whose own events told its fills first is not queued.
  t.intent("u", "algoOrder.place", stop, "clientAlgoId");
  t.ack("u", { clientAlgoId: "u", algoId: 2001, algoStatus: "NEW", updateTime: 100 }, "algoOrder.place");
  t.applyUpdate(
    update({ clientOrderId: "u", orderId: 8001, status: "FILLED", executedQty: "0.002", time: 200 }),
  );
  t.apply({ clientAlgoId: "u", algoId: 2001, algoStatus: "FINISHED", updateTime: 201 });
  assert.deepEqual([t.get("u")!.status, t.takeInferred()], ["FILLED", []]);
});

test("OrderTracker: ids apply whatever an answer's age; a cancel's answer without avgPrice gives it from cumQuote; a refused algo cancel is asked about", () => {
  const t = new OrderTracker();
  // Restored from the journal without ids; the order it became is listed first (newer), then the algo listing.
  t.restore("s", "algoOrder.place", {
    symbol: "BTCUSDT",
    side: "BUY",
    type: "TAKE_PROFIT",
    quantity: "0.002",
  }, 1);
  t.apply({
    clientOrderId: "s",
    orderId: 8000,
    status: "PARTIALLY_FILLED",
    executedQty: "0.001",
    updateTime: 200,
  });
  t.apply({ clientAlgoId: "s", algoId: 2000, algoStatus: "TRIGGERED", updateTime: 150 }, "s");
  let o = t.get("s")!;
  assert.deepEqual(
    [o.orderId, o.actualOrderId, o.status],
    [2000, 8000, "PARTIALLY_FILLED"],
    "the algoId all the same",
  );
  // order.cancel's answer has cumQuote, no avgPrice.
  t.apply({
    clientOrderId: "s",
    orderId: 8000,
    status: "CANCELED",
    executedQty: "0.001",
    cumQuote: "51.80000",
    updateTime: 300,
  });
  o = t.get("s")!;
  assert.deepEqual([o.state, o.status, Number(o.avgPrice)], ["finished", "CANCELED", 51800]);

  // A stop whose algoOrder.cancel is refused (-2011: it triggered unseen) is taken as gone and asked about.
  t.intent("u", "algoOrder.place", {
    symbol: "BTCUSDT",
    side: "SELL",
    type: "STOP_MARKET",
    quantity: "0.002",
  }, "clientAlgoId");
  t.ack("u", { clientAlgoId: "u", algoId: 2001, algoStatus: "NEW", updateTime: 100 }, "algoOrder.place");
  t.rejected("u", -2011, "Unknown order sent.", "algoOrder.cancel");
  assert.deepEqual([t.get("u")!.status, t.takeInferred()], ["NOT_FOUND", ["u"]]);
  t.apply({
    clientOrderId: "u",
    orderId: 8001,
    status: "FILLED",
    executedQty: "0.002",
    avgPrice: "49899.90",
    updateTime: 150,
  }, "u");
  o = t.get("u")!;
  assert.deepEqual([o.state, o.status, o.executedQty, o.actualOrderId], [
    "finished",
    "FILLED",
    "0.002",
    8001,
  ]);
});
