// Conditional orders trigger on the mark and become regular orders: ALGO_UPDATE TRIGGERING → (order NEW) →
// TRIGGERED (`ai` = the order's id) → the order's trades → FINISHED, for each algo type.
import { test } from "node:test";
import assert from "node:assert/strict";
import { HMAC_KEY, HMAC_SECRET, hmacHex } from "./_helpers.ts";
import { type Market, openMarket } from "./_market.ts";
import type { StreamEvent } from "./_stream.ts";

const OPTIONS = { fees: { maker: "0", taker: "0" } } as const;

/** algoOrder.place on BTCUSDT, quantity 0.010 unless closePosition is sent. */
async function algo(m: Market, params: Record<string, unknown>) {
  const quantity = params["closePosition"] === undefined ? { quantity: "0.010" } : {};
  return await m.signed("algoOrder.place", {
    algoType: "CONDITIONAL",
    symbol: "BTCUSDT",
    ...quantity,
    ...params,
  });
}

/** The algo statuses and the order executions of a drained sequence, in order. */
const story = (events: StreamEvent[]) =>
  events.filter((e) => e.e !== "ACCOUNT_UPDATE").map((e) =>
    e.e === "ALGO_UPDATE" ? `algo ${e.o.X}` : `order ${e.o.x} ${e.o.X}`
  );

/** The whole story of a conditional order whose order fills at once. */
const TRIGGERED_AND_FILLED = [
  "algo TRIGGERING",
  "order NEW NEW",
  "algo TRIGGERED",
  "order TRADE FILLED",
  "algo FINISHED",
];

/** A long position (a MARKET BUY on BTCUSDT) for a SELL stop to close. */
async function openLong(m: Market, quantity = "0.010"): Promise<void> {
  await m.signed("order.place", { symbol: "BTCUSDT", side: "BUY", type: "MARKET", quantity });
}

test("algo: STOP_MARKET triggers on the mark, becomes a MARKET order linked by ai, and finishes with its fill", async () => {
  const m = await openMarket(OPTIONS);
  try {
    await openLong(m);
    const placed = await algo(m, {
      side: "SELL",
      type: "STOP_MARKET",
      triggerPrice: "50000.00",
      clientAlgoId: "sl-1",
      workingType: "MARK_PRICE",
    });
    assert.equal(placed.result.algoStatus, "NEW");
    await m.stream.drain();
    m.sim.setMarkPrice("BTCUSDT", "50000.10");
    assert.deepEqual(await m.stream.drain(), [], "not reached");
    m.sim.setMarkPrice("BTCUSDT", "49999.90");
    const events = await m.stream.drain();
    assert.deepEqual(story(events), TRIGGERED_AND_FILLED);
    const algos = events.filter((e) => e.e === "ALGO_UPDATE");
    const [created, trade] = events.filter((e) => e.e === "ORDER_TRADE_UPDATE");
    assert.deepEqual([algos[0].o.ai, algos[0].o.tt > 0], ["", true]);
    assert.deepEqual([algos[1].o.ai, algos[1].o.act], [String(created.o.i), "MARKET"], "ai links the order");
    assert.deepEqual([created.o.c, created.o.o, created.o.ot, created.o.sp, created.o.wt, created.o.R], [
      "sl-1",
      "MARKET",
      "STOP_MARKET",
      "50000.00",
      "MARK_PRICE",
      false,
    ]);
    assert.equal(trade.o.L, "49999.80", "the best bid at mark 49999.90");
    assert.deepEqual([algos[2].o.X, algos[2].o.ap, algos[2].o.aq], ["FINISHED", "49999.80", "0.010"]);
    const view = m.sim.algoOrders()[0];
    assert.equal(view?.algoStatus, "FINISHED");
    const position = await m.signed("v2/account.position", { symbol: "BTCUSDT" });
    assert.equal(position.result.length, 0, "flat: v2 lists exposed symbols only");
  } finally {
    await m.close();
  }
});

test("algo: STOP (limit) BUY triggers when the mark rises to it and its LIMIT order takes the book", async () => {
  const m = await openMarket(OPTIONS);
  try {
    await algo(m, {
      side: "BUY",
      type: "STOP",
      triggerPrice: "52000.00",
      price: "52100.00",
      timeInForce: "GTC",
    });
    await m.stream.drain();
    m.sim.setMarkPrice("BTCUSDT", "51999.90");
    assert.deepEqual(await m.stream.drain(), []);
    m.sim.setMarkPrice("BTCUSDT", "52000.00");
    const events = await m.stream.drain();
    assert.deepEqual(story(events), TRIGGERED_AND_FILLED);
    const [created, trade] = events.filter((e) => e.e === "ORDER_TRADE_UPDATE");
    assert.deepEqual([created.o.o, created.o.ot, created.o.p, created.o.f], [
      "LIMIT",
      "STOP",
      "52100.00",
      "GTC",
    ]);
    assert.equal(trade.o.L, "52000.10", "the best ask, not the limit");
  } finally {
    await m.close();
  }
});

test("algo: TAKE_PROFIT_MARKET SELL triggers when the mark rises to it; TAKE_PROFIT BUY rests its LIMIT, listed with actualOrderId", async () => {
  const m = await openMarket(OPTIONS);
  try {
    await openLong(m, "0.020");
    await algo(m, {
      side: "SELL",
      type: "TAKE_PROFIT_MARKET",
      triggerPrice: "52000.00",
      closePosition: "true",
    });
    const tp = await algo(m, {
      side: "BUY",
      type: "TAKE_PROFIT",
      triggerPrice: "50000.00",
      price: "49900.00",
      timeInForce: "GTC",
    });
    await m.stream.drain();
    m.sim.setMarkPrice("BTCUSDT", "52000.00");
    const closing = await m.stream.drain();
    const [sell] = closing.filter((e) => e.o?.x === "TRADE");
    assert.deepEqual([sell.o.S, sell.o.l, sell.o.R, sell.o.ot], [
      "SELL",
      "0.020",
      true,
      "TAKE_PROFIT_MARKET",
    ]);
    assert.equal(closing.at(-1).o.X, "FINISHED");

    m.sim.setMarkPrice("BTCUSDT", "50000.00");
    const triggered = await m.stream.drain();
    assert.deepEqual(story(triggered), ["algo TRIGGERING", "order NEW NEW", "algo TRIGGERED"]);
    const orderId = triggered[1].o.i;
    const listed = await openAlgoOrders(m);
    assert.deepEqual(listed.map((o) => [o.algoId, o.algoStatus, o.actualOrderId]), [
      [tp.result.algoId, "TRIGGERED", String(orderId)],
    ]);
    m.sim.setMarkPrice("BTCUSDT", "49900.00");
    const filled = await m.stream.drain();
    assert.deepEqual(story(filled), ["order TRADE FILLED", "algo FINISHED"]);
    assert.equal(filled[0].o.m, true, "the resting LIMIT fills as a maker");
    assert.deepEqual(await openAlgoOrders(m), []);
  } finally {
    await m.close();
  }
});

test("algo: TRAILING_STOP_MARKET activates at activatePrice, trails the high by callbackRate and triggers on the way back", async () => {
  const m = await openMarket(OPTIONS);
  try {
    await openLong(m);
    const early = await algo(m, {
      side: "SELL",
      type: "TRAILING_STOP_MARKET",
      activatePrice: "50000.00",
      callbackRate: "1",
    });
    assert.equal(early.error?.code, -2021, "a SELL's activation price already passed");
    await algo(m, {
      side: "SELL",
      type: "TRAILING_STOP_MARKET",
      activatePrice: "51500.00",
      callbackRate: "1",
    });
    await m.stream.drain();
    const trail = () => m.sim.algoOrders()[0]?.triggerPrice; // the refused one was never stored
    m.sim.setMarkPrice("BTCUSDT", "51400.00");
    assert.equal(trail(), "0.00", "not active below the activation price");
    m.sim.setMarkPrice("BTCUSDT", "51600.00");
    assert.equal(trail(), "51084.00", "active: 1 % under 51600");
    m.sim.setMarkPrice("BTCUSDT", "52000.00");
    assert.equal(trail(), "51480.00", "follows the high");
    m.sim.setMarkPrice("BTCUSDT", "51500.00");
    assert.deepEqual(await m.stream.drain(), [], "not back by 1 % yet");
    assert.equal(trail(), "51480.00", "does not follow the price down");
    m.sim.setMarkPrice("BTCUSDT", "51480.00");
    const events = await m.stream.drain();
    assert.deepEqual(story(events).at(-1), "algo FINISHED");
    const [trade] = events.filter((e) => e.o?.x === "TRADE");
    assert.deepEqual([trade.o.S, trade.o.L, trade.o.ot], ["SELL", "51479.90", "TRAILING_STOP_MARKET"]);
  } finally {
    await m.close();
  }
});

test("algo: a closePosition stop with nothing to close is REJECTED with the reason in rm", async () => {
  const m = await openMarket(OPTIONS);
  try {
    await algo(m, { side: "SELL", type: "STOP_MARKET", triggerPrice: "50000.00", closePosition: "true" });
    await m.stream.drain();
    m.sim.setMarkPrice("BTCUSDT", "49000.00");
    const events = await m.stream.drain();
    assert.deepEqual(story(events), ["algo TRIGGERING", "algo REJECTED"]);
    assert.equal(events[1].o.rm, "ReduceOnly Order is rejected.");
    assert.equal(m.sim.orders().length, 0, "no order reached the book");
  } finally {
    await m.close();
  }
});

async function openAlgoOrders(m: Market): Promise<Record<string, unknown>[]> {
  const query = `timestamp=${Date.now()}`;
  const response = await fetch(
    `${m.sim.httpUrl}/fapi/v1/openAlgoOrders?${query}&signature=${hmacHex(HMAC_SECRET, query)}`,
    { headers: { "X-MBX-APIKEY": HMAC_KEY } },
  );
  assert.equal(response.status, 200);
  return await response.json();
}
