/**
 * The account's exposure as the check sees it: orders that cannot rest (MARKET, IOC, FOK) never count as open
 * orders — Binance's default ACK answer says NEW for them although they already filled or expired — and their
 * quantity counts toward the worst-case position only while young.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ManualClock } from "../_manual_clock.ts";
import type { AccountEvent } from "../../lib/account/event_log.ts";
import { RiskLimitError } from "../../lib/errors.ts";
import { newOrder, type TrackedOrder } from "../../lib/orders/tracked_order.ts";
import {
  AccountExposure,
  AT_ONCE_EXPOSURE_MS,
  GONE_MAX_MS,
  MODIFY_RESERVATION_MS,
  UNCONFIRMED_MAX_MS,
} from "../../lib/risk/account_exposure.ts";
import { PreTradeCheck } from "../../lib/risk/pre_trade_check.ts";
import { parseExchangeInfo } from "../../lib/risk/symbol_filters.ts";
import type { PlaceAlgoOrderParams, PlaceOrderParams } from "../../lib/types.ts";
import type { Gateway } from "../../lib/gateway/gateway.ts";
import type { RiskLimitsConfig } from "../../lib/risk/risk_limits.ts";
import type { Simulator } from "../../lib/sim/mod.ts";
import { openGateway, tempDir } from "../gateway/_gateway.ts";
import { restingBuy, simulator, waitFor } from "../router/_harness.ts";

/** A gateway on `sim` with its user stream up and the risk limits `risk`. */
async function streamingGateway(sim: Simulator, risk: RiskLimitsConfig): Promise<Gateway> {
  const gateway = await openGateway(sim, tempDir("lr-exposure-"), { streamUrl: sim.streamUrl, risk });
  try {
    await waitFor(() => gateway.userStream?.state === "up", "the user stream");
  } catch (e) {
    await gateway.close();
    throw e;
  }
  return gateway;
}

test("exposure: 250 MARKET orders acked NEW without stream events do not block order 251", async () => {
  const sim = await simulator({ limits: { ordersPer10s: 10_000, ordersPerMinute: 10_000 } });
  const gateway = await streamingGateway(sim, { symbols: { "*": { maxOpenOrders: 5 } } });
  try {
    const state = gateway.router.preTrade!.check.state("BTCUSDT")!;
    assert.equal(state.filters.maxNumOrders, 200); // the simulator lists MAX_NUM_ORDERS 200
    sim.setFaults({ streamPaused: true }); // no FILLED event reaches the tracker from here
    for (let i = 0; i < 250; i++) {
      // Default ACK answers (status NEW); BUY and SELL in turn keep the position flat.
      const side = i % 2 === 0 ? "BUY" : "SELL";
      const ack = await gateway.router.placeOrder({
        symbol: "BTCUSDT",
        side,
        type: "MARKET",
        quantity: "0.002",
      });
      assert.equal(ack.status, "NEW");
    }
    // The precondition of the bug: the tracker lists them all as open (they filled on the exchange).
    const stale = gateway.tracker.list("open").filter((o) => o.type === "MARKET");
    assert.equal(stale.length, 250);
    assert.ok(stale.every((o) => o.status === "NEW"));
    assert.equal(state.openOrders, 0);
    // Order 251 and 252: neither MAX_NUM_ORDERS (200) nor maxOpenOrders (5) refuses them locally.
    // (A local refusal would reject these promises with FilterRefusedError / RiskLimitError.)
    assert.equal((await gateway.router.placeOrder(restingBuy())).status, "NEW");
    const market = { symbol: "BTCUSDT", side: "SELL", type: "MARKET", quantity: "0.002" } as const;
    assert.equal((await gateway.router.placeOrder(market)).status, "NEW");
    assert.equal(gateway.router.preTrade!.refusalCounts().size, 0);
    // A resting order does count.
    await waitFor(() => state.openOrders === 1, "the resting LIMIT order counted");
  } finally {
    await gateway.close();
    await sim.close();
  }
});

test("exposure: orders in flight count before their answer (limits hold when orders are sent back to back)", async () => {
  const sim = await simulator();
  const gateway = await streamingGateway(sim, {
    symbols: { "*": { maxOpenOrders: 1, maxPositionQty: 0.005 } },
  });
  try {
    const router = gateway.router;
    const state = router.preTrade!.check.state("BTCUSDT")!;
    const placedBefore = sim.stats().ordersPlaced;
    // Sent in one turn: no answer can arrive in between, so only the in-flight count can refuse the second.
    const first = router.placeOrder(restingBuy());
    assert.equal(state.openOrders, 1, "the pending order counts as open");
    assert.equal(state.openBuyQty, 2); // 0.002 in BTCUSDT steps of 0.001
    const second = router.placeOrder(restingBuy());
    await assert.rejects(second, (e: unknown) => e instanceof RiskLimitError && e.limit === "maxOpenOrders");
    // Two MARKET buys of 0.002 on top of the resting 0.002: the first fits maxPositionQty (0.004 ≤ 0.005), the
    // second, sent before any answer, would make 0.006.
    const market = { symbol: "BTCUSDT", side: "BUY", type: "MARKET", quantity: "0.002" } as const;
    const third = router.placeOrder(market);
    const fourth = router.placeOrder(market);
    await assert.rejects(fourth, (e: unknown) => e instanceof RiskLimitError && e.limit === "maxPositionQty");
    const ack = await first;
    assert.equal(ack.status, "NEW");
    await third;
    assert.equal(
      sim.stats().ordersPlaced - placedBefore,
      2,
      "the two refused orders never reached the simulator",
    );
    // The ack changed nothing in the exposure: still one open order, its quantity counted once.
    assert.equal(state.openOrders, 1);
    // Once the resting order is cancelled its slot is free again.
    await router.cancelOrder({ symbol: "BTCUSDT", orderId: ack.orderId });
    await waitFor(() => state.openOrders === 0, "the cancelled order released");
    const next = router.placeOrder(restingBuy());
    assert.equal(state.openOrders, 1);
    assert.equal((await next).status, "NEW");
  } finally {
    await gateway.close();
    await sim.close();
  }
});

test("exposure: MARKET fills answered FILLED count toward maxPositionQty before any position line", async () => {
  const sim = await simulator();
  const gateway = await streamingGateway(sim, { symbols: { "*": { maxPositionQty: 0.005 } } });
  try {
    sim.setFaults({ streamPaused: true }); // no ACCOUNT_UPDATE reaches the router from here
    const buy = {
      symbol: "BTCUSDT",
      side: "BUY",
      type: "MARKET",
      quantity: "0.002",
      newOrderRespType: "RESULT",
    } as const;
    assert.equal((await gateway.router.placeOrder(buy)).status, "FILLED");
    assert.equal((await gateway.router.placeOrder(buy)).status, "FILLED");
    const placed = sim.stats().ordersPlaced;
    // 0.004 filled, known only from the answers, + 0.002 > 0.005.
    await assert.rejects(
      gateway.router.placeOrder(buy),
      (e: unknown) => e instanceof RiskLimitError && e.limit === "maxPositionQty",
    );
    assert.equal(sim.stats().ordersPlaced, placed, "the refused order never reached the simulator");
  } finally {
    await gateway.close();
    await sim.close();
  }
});

const INFO = {
  symbols: [{
    symbol: "AAAUSDT",
    status: "TRADING",
    pricePrecision: 2,
    quantityPrecision: 3,
    filters: [
      { filterType: "LOT_SIZE", minQty: "0.001", maxQty: "1000", stepSize: "0.001" },
      { filterType: "MAX_NUM_ORDERS", limit: 2 },
    ],
  }],
};

/** A check on AAAUSDT fed by a fake account driven by hand. */
function setup(
  limits: { maxPositionQty?: number; maxOpenOrders?: number },
  options: { positionsLive?: () => boolean } = {},
) {
  const clock = new ManualClock(1_000_000);
  const check = new PreTradeCheck({ now: () => clock.now(), limits: { symbols: { "*": limits } } });
  check.setFilters(parseExchangeInfo(INFO).filters);
  let listener: (e: AccountEvent) => void = () => {};
  const source = {
    subscribe(fn: (e: AccountEvent) => void) {
      listener = fn;
      return () => {};
    },
    orders: { list: (): TrackedOrder[] => [] },
    book: { positions: () => [] },
  };
  const exposure = new AccountExposure(check, source, { clock, ...options });
  let id = 0;
  const emit = (o: TrackedOrder) => listener({ id: ++id, type: "order", time: clock.now(), data: { ...o } });
  /** A position line for AAAUSDT at exchange time `updateTime` (one-way unless `positionSide`). */
  const position = (positionAmt: string, updateTime: number, positionSide = "BOTH") =>
    listener({
      id: ++id,
      type: "position",
      time: clock.now(),
      data: {
        symbol: "AAAUSDT",
        positionSide,
        positionAmt,
        entryPrice: "10",
        unrealizedProfit: "0",
        updateTime,
      },
    });
  const order = (cid: string, extra: Partial<TrackedOrder>): TrackedOrder => {
    const o = newOrder(cid, "AAAUSDT", "BUY", "LIMIT", "0.004", "10", false, clock.now());
    return Object.assign(o, { state: "open", status: "NEW", timeInForce: "GTC" }, extra);
  };
  return { clock, check, exposure, emit, position, order, state: check.state("AAAUSDT")! };
}

const place = (extra: Partial<PlaceOrderParams> = {}): PlaceOrderParams =>
  ({
    symbol: "AAAUSDT",
    side: "BUY",
    type: "LIMIT",
    timeInForce: "GTC",
    quantity: "0.002",
    price: "10",
    ...extra,
  }) as PlaceOrderParams;

const MARKET: PlaceOrderParams = { symbol: "AAAUSDT", side: "BUY", type: "MARKET", quantity: "0.002" };

test("exposure: MARKET/IOC/FOK never count as open orders; their quantity counts only while young", () => {
  const { clock, check, exposure, emit, order, state } = setup({ maxPositionQty: 0.005 });
  try {
    emit(order("m1", { type: "MARKET", timeInForce: "" }));
    emit(order("i1", { timeInForce: "IOC", quantity: "0.001" }));
    emit(order("f1", { timeInForce: "FOK", side: "SELL" }));
    assert.equal(state.openOrders, 0);
    assert.equal(state.openBuyQty, 5); // 0.004 + 0.001 at 3 decimals: they may still fill
    assert.equal(state.openSellQty, 4);
    // Worst case while young: 0.005 open + 0.002 > 0.005.
    assert.equal(check.checkPlace(place()), -20);
    assert.equal(check.verdict.name, "maxPositionQty");
    clock.advance(AT_ONCE_EXPOSURE_MS); // no stream event came: they no longer count
    assert.deepEqual([state.openBuyQty, state.openSellQty, state.openOrders], [0, 0, 0]);
    assert.equal(check.checkPlace(place()), 0);
    // Their late FILLED events take nothing away twice.
    emit(order("m1", { type: "MARKET", timeInForce: "", state: "finished", status: "FILLED" }));
    emit(order("i1", { timeInForce: "IOC", state: "finished", status: "EXPIRED" }));
    assert.deepEqual([state.openBuyQty, state.openSellQty, state.openOrders], [0, 0, 0]);
    // A resting order counts fully, for as long as it is open.
    emit(order("g1", {}));
    clock.advance(AT_ONCE_EXPOSURE_MS * 2);
    assert.deepEqual([state.openBuyQty, state.openOrders], [4, 1]);
    emit(order("g1", { state: "finished", status: "CANCELED" }));
    assert.deepEqual([state.openBuyQty, state.openOrders], [0, 0]);
  } finally {
    exposure.close();
  }
});

test("exposure: a fill an answer reported counts in the position until a position line covers it", () => {
  const { check, exposure, emit, position, order, state } = setup({ maxPositionQty: 0.005 });
  try {
    const market = { type: "MARKET", timeInForce: "", quantity: "0.004" };
    emit(order("m1", { ...market, state: "pending", status: "PENDING" }));
    // Answered FILLED (RESULT): the order leaves the open exposure, its fill stays in the position.
    emit(
      order("m1", { ...market, state: "finished", status: "FILLED", executedQty: "0.004", updateTime: 100 }),
    );
    assert.deepEqual([state.position, state.openBuyQty], [4, 0]);
    assert.equal(check.checkPlace(place()), -20, "0.004 filled + 0.002 > 0.005");
    assert.equal(check.verdict.name, "maxPositionQty");
    // The position line of that fill's time includes it: counted once, not twice.
    position("0.004", 100);
    assert.equal(state.position, 4);
    // A line that comes first covers a fill seen afterwards at the same time or earlier.
    position("0.008", 200);
    emit(
      order("m2", { ...market, state: "finished", status: "FILLED", executedQty: "0.004", updateTime: 200 }),
    );
    assert.equal(state.position, 8);
    // A partial fill of a resting order moves from the open quantity to the position.
    emit(order("g1", { side: "SELL" }));
    emit(order("g1", { side: "SELL", status: "PARTIALLY_FILLED", executedQty: "0.001", updateTime: 300 }));
    assert.deepEqual([state.position, state.openSellQty], [7, 3]);
  } finally {
    exposure.close();
  }
});

test("exposure: unconfirmed fills age out only while position lines arrive", () => {
  let live = false;
  const { clock, exposure, emit, position, order, state } = setup({}, { positionsLive: () => live });
  try {
    const filled = {
      type: "MARKET",
      timeInForce: "",
      state: "finished",
      status: "FILLED",
      executedQty: "0.004",
    } as const;
    emit(order("m1", { ...filled, updateTime: 100 }));
    assert.equal(state.position, 4);
    clock.advance(AT_ONCE_EXPOSURE_MS * 3); // the stream is down: the fill keeps counting
    assert.equal(state.position, 4);
    live = true; // back: but no line has come since the fill was seen (the stream may have lost it)
    clock.advance(AT_ONCE_EXPOSURE_MS);
    assert.equal(state.position, 4, "kept: a stream that loses events with its socket up counts as live");
    clock.advance(UNCONFIRMED_MAX_MS); // no line of its symbol at all (a position closed again): dropped
    assert.equal(state.position, 0);
    position("0.004", 100);
    assert.equal(state.position, 4, "the line itself, once");
    // A line that arrives after a fill was seen, yet reads older than it, ages the fill out as before.
    emit(order("m2", { ...filled, updateTime: 300 }));
    assert.equal(state.position, 8);
    clock.advance(1);
    position("0.008", 250);
    assert.equal(state.position, 12, "the line reads older than the fill: both, for now");
    clock.advance(AT_ONCE_EXPOSURE_MS);
    assert.equal(state.position, 8);
  } finally {
    exposure.close();
  }
});

test("exposure: an unconfirmed fill keeps its quantity when new filters change the quantity scale", () => {
  const { check, exposure, emit, order } = setup({});
  try {
    const filled = { type: "MARKET", timeInForce: "", state: "finished", status: "FILLED" } as const;
    emit(order("m1", { ...filled, executedQty: "0.004", updateTime: 100 }));
    assert.equal(check.state("AAAUSDT")!.position, 4); // 0.004 at stepSize 0.001
    const finer = structuredClone(INFO);
    finer.symbols[0]!.filters[0] = {
      filterType: "LOT_SIZE",
      minQty: "0.0001",
      maxQty: "1000",
      stepSize: "0.0001",
    };
    check.setFilters(parseExchangeInfo(finer).filters);
    exposure.rebuild(); // what the guard runs after every filter refresh
    assert.equal(check.state("AAAUSDT")!.filters.qtyScale, 4);
    assert.equal(check.state("AAAUSDT")!.position, 40); // still 0.004, now at stepSize 0.0001
  } finally {
    exposure.close();
  }
});

test("exposure: an order that cannot rest is not refused by MAX_NUM_ORDERS or maxOpenOrders", () => {
  const { check, exposure, emit, order, state } = setup({ maxOpenOrders: 1 });
  try {
    emit(order("g1", {}));
    assert.equal(state.openOrders, 1);
    assert.equal(check.checkPlace(place()), -20); // a second resting order: 2 > maxOpenOrders 1
    assert.equal(check.verdict.name, "maxOpenOrders");
    assert.equal(check.checkPlace(place({ timeInForce: "IOC" })), 0);
    assert.equal(check.checkPlace(place({ timeInForce: "FOK" })), 0);
    assert.equal(check.checkPlace(MARKET), 0);
    emit(order("g2", {}));
    assert.equal(check.checkPlace(place()), -2025); // MAX_NUM_ORDERS 2 reached by resting orders
    assert.equal(check.checkPlace(place({ timeInForce: "IOC" })), 0);
    assert.equal(check.checkPlace(MARKET), 0);
  } finally {
    exposure.close();
  }
});

test("exposure: hedge mode keeps each side apart: its line, its unconfirmed fills, the orders adding to it", () => {
  const { check, exposure, emit, position, order, state } = setup({ maxPositionQty: 0.01 });
  try {
    position("0.005", 100, "LONG");
    position("-0.003", 100, "SHORT");
    position("0.002", 100); // a one-way line of the same symbol stays the one-way figure
    assert.deepEqual([state.longPosition, state.shortPosition, state.position], [5, -3, 2]);
    // Orders that add to a side count for it; a close of a side counts for none.
    emit(order("l1", { positionSide: "LONG" })); // BUY 0.004 on LONG
    emit(order("s1", { positionSide: "SHORT", side: "SELL", quantity: "0.001" }));
    emit(order("c1", { positionSide: "LONG", side: "SELL", timeInForce: "IOC" })); // closes LONG
    emit(order("c2", { positionSide: "SHORT", timeInForce: "IOC" })); // BUY on SHORT closes it
    assert.deepEqual([state.openLongQty, state.openShortQty, state.openBuyQty, state.openSellQty], [
      4,
      1,
      0,
      0,
    ]);
    assert.equal(state.openOrders, 2); // the two resting ones (MAX_NUM_ORDERS 2: the checks below are IOC)
    // LONG: 0.005 + 0.004 + 0.002 > 0.01; SHORT: 0.003 + 0.001 + 0.002 fits.
    const ioc = { timeInForce: "IOC" } as const;
    assert.equal(check.checkPlace(place({ ...ioc, positionSide: "LONG" })), -20);
    assert.deepEqual([check.verdict.name, check.verdict.valueNumber], ["maxPositionQty", 0.011]);
    assert.equal(check.checkPlace(place({ ...ioc, positionSide: "SHORT", side: "SELL" })), 0);
    // A fill on the SHORT side (SELL 0.001, answered) deepens it until its line comes.
    emit(order("s1", {
      positionSide: "SHORT",
      side: "SELL",
      quantity: "0.001",
      state: "finished",
      status: "FILLED",
      executedQty: "0.001",
      updateTime: 200,
    }));
    assert.deepEqual([state.shortPosition, state.openShortQty, state.longPosition], [-4, 0, 5]);
    position("-0.004", 200, "SHORT"); // the line that includes it: counted once
    assert.equal(state.shortPosition, -4);
    // A modify names no positionSide: the order's own is used. Raising l1 (LONG) to 0.005: 5 + 5 > 10? No:
    // 0.005 + 0.005 = 0.010 fits; to 0.006 it does not.
    const modify = {
      symbol: "AAAUSDT",
      side: "BUY",
      quantity: "0.005",
      price: "10",
      origClientOrderId: "l1",
    };
    assert.equal(check.checkModify(modify as never), 0);
    assert.equal(check.checkModify({ ...modify, quantity: "0.006" } as never), -20);
    // Raising the close c1 never meets the position limits.
    assert.equal(
      check.checkModify({ ...modify, side: "SELL", quantity: "0.5", origClientOrderId: "c1" } as never),
      0,
    );
  } finally {
    exposure.close();
  }
});

test("exposure: a resting reduce-only order counts as an open order but adds nothing to the worst-case position", () => {
  const { check, exposure, emit, position, order, state } = setup({ maxPositionQty: 0.005 });
  try {
    position("0.007", 100); // long 0.007
    // A reduce-only take-profit closing the long: it cannot take the position past flat.
    const tp = { side: "SELL", quantity: "0.007", price: "11", reduceOnly: true } as const;
    emit(order("tp", tp));
    assert.deepEqual([state.openSellQty, state.openOrders], [0, 1]);
    // A plain SELL of 0.007 closes the long too: the worst case is flat (it was refused: short 0.007 counted).
    assert.equal(check.checkPlace(place({ side: "SELL", quantity: "0.007" })), 0);
    // One of 0.013 would end short 0.006: refused.
    assert.equal(check.checkPlace(place({ side: "SELL", quantity: "0.013" })), -20);
    assert.equal(check.verdict.name, "maxPositionQty");
    emit(order("tp", { ...tp, state: "finished", status: "CANCELED" }));
    assert.deepEqual([state.openSellQty, state.openOrders], [0, 0]);
  } finally {
    exposure.close();
  }
});

test("exposure: an order taken as gone on a refused cancel keeps its exposure until its end is known (or GONE_MAX_MS)", () => {
  const { clock, check, exposure, emit, order, state } = setup({ maxPositionQty: 0.005 });
  try {
    emit(order("g1", { orderId: 7 }));
    assert.equal(state.openBuyQty, 4);
    // The cancel's -2011: NOT_FOUND. It may have filled while the stream lost the fill.
    emit(order("g1", { orderId: 7, state: "finished", status: "NOT_FOUND" }));
    assert.equal(state.openBuyQty, 4, "still counted");
    assert.equal(check.checkPlace(place()), -20, "0.004 + 0.002 > 0.005");
    // The follow-up's answer: FILLED. The quantity moves from the open orders into the position.
    emit(
      order("g1", { orderId: 7, state: "finished", status: "FILLED", executedQty: "0.004", updateTime: 100 }),
    );
    assert.deepEqual([state.openBuyQty, state.position], [0, 4]);
    // Another, whose follow-up never answers: dropped after GONE_MAX_MS.
    emit(order("g2", { orderId: 8 }));
    emit(order("g2", { orderId: 8, state: "finished", status: "NOT_FOUND" }));
    assert.deepEqual([state.openBuyQty, state.openOrders], [4, 1]);
    clock.advance(GONE_MAX_MS + 1000);
    assert.deepEqual([state.openBuyQty, state.openOrders], [0, 0]);
  } finally {
    exposure.close();
  }
});

test("exposure: a modify that passed counts its increase until its answer, so modifies sent together cannot pass a limit", () => {
  const { clock, check, exposure, emit, order, state } = setup({ maxPositionQty: 0.005 });
  try {
    for (const cid of ["a", "b", "c", "d"]) emit(order(cid, { quantity: "0.001" }));
    assert.equal(state.openBuyQty, 4);
    const raise = (cid: string) =>
      check.checkModify({
        symbol: "AAAUSDT",
        origClientOrderId: cid,
        side: "BUY",
        quantity: "0.002",
        price: "10",
      });
    assert.equal(raise("a"), 0, "0.004 − 0.001 + 0.002 = 0.005");
    assert.equal(state.openBuyQty, 5, "its increase counts while it is out");
    assert.equal(raise("b"), -20, "together with a's, 0.006: refused");
    assert.equal(raise("a"), 0, "a again, to the same quantity: nothing more");
    // a's answer: the order's new quantity replaces the reservation.
    emit(order("a", { quantity: "0.002", updateTime: 100 }));
    assert.equal(state.openBuyQty, 5);
    assert.equal(raise("b"), -20);
    // A modify refused by the exchange leaves no event: its reservation ends after MODIFY_RESERVATION_MS.
    emit(order("a", { quantity: "0.001", updateTime: 200 }));
    assert.equal(raise("b"), 0);
    assert.equal(state.openBuyQty, 5);
    clock.advance(MODIFY_RESERVATION_MS + 1000);
    assert.equal(state.openBuyQty, 4);
  } finally {
    exposure.close();
  }
});

test("exposure: a triggered conditional order counts as the regular order it became, not toward MAX_NUM_ALGO_ORDERS", async () => {
  const sim = await simulator();
  const gateway = await streamingGateway(sim, {});
  try {
    const state = gateway.router.preTrade!.check.state("BTCUSDT")!;
    assert.equal(state.filters.maxNumAlgoOrders, 10); // as the simulator lists BTCUSDT
    sim.setMarkPrice("BTCUSDT", "51000");
    const stop: PlaceAlgoOrderParams = {
      symbol: "BTCUSDT",
      side: "SELL",
      type: "STOP_MARKET",
      quantity: "0.002",
      triggerPrice: "40000",
    };
    for (let i = 0; i < 9; i++) await gateway.router.placeAlgoOrder({ ...stop });
    await gateway.router.placeAlgoOrder({
      symbol: "BTCUSDT",
      side: "BUY",
      type: "STOP",
      quantity: "0.002",
      price: "51400",
      triggerPrice: "51500",
      timeInForce: "GTC",
      clientAlgoId: "trig-stop",
    });
    assert.deepEqual([state.openAlgoOrders, state.openOrders], [10, 0]);
    sim.setMarkPrice("BTCUSDT", "51600"); // it fires; its LIMIT 51400 rests below the mark
    await waitFor(() => gateway.tracker.get("trig-stop")?.status === "TRIGGERED", "the trigger");
    assert.deepEqual([state.openAlgoOrders, state.openOrders], [9, 1], "now a regular open order");
    // The exchange takes a tenth untriggered one; the local check must too.
    await gateway.router.placeAlgoOrder({ ...stop });
    assert.equal(state.openAlgoOrders, 10);
    // An eleventh is past the filter: refused locally, as the exchange would.
    await assert.rejects(
      gateway.router.placeAlgoOrder({ ...stop }),
      (e: Error & { code?: number }) => {
        assert.equal(e.code, -4045);
        return true;
      },
    );
  } finally {
    await gateway.close();
    await sim.close();
  }
});

test("exposure: a modify the exchange refuses gives its reserved increase back at once (not after 10 s)", async () => {
  const sim = await simulator();
  const gateway = await streamingGateway(sim, { symbols: { "*": { maxPositionQty: 0.01 } } });
  try {
    const state = gateway.router.preTrade!.check.state("BTCUSDT")!;
    sim.setMarkPrice("BTCUSDT", "51000");
    await gateway.router.placeOrder(restingBuy({ newClientOrderId: "mod-refused" })); // BUY 0.002
    // Notional 0.003 × 30000 = 90, under the exchange's 100: refused (-5029), the order stays at 0.002.
    const modify = {
      symbol: "BTCUSDT",
      origClientOrderId: "mod-refused",
      side: "BUY",
      quantity: "0.003",
    } as const;
    await assert.rejects(gateway.router.modifyOrder({ ...modify, price: "30000" }), { code: -5029 });
    assert.equal(state.openBuyQty, 2, "0.002 open, nothing reserved (scaled at 0.001)");
    // Worst case 0.002 + 0.008 = 0.010: at the limit, it passes.
    assert.equal((await gateway.router.placeOrder(restingBuy({ quantity: "0.008" }))).status, "NEW");
    // A modify naming the other side (the exchange answers -1117) reserves nothing either.
    await assert.rejects(
      gateway.router.modifyOrder({ ...modify, side: "SELL", quantity: "0.3", price: "52000" }),
    );
    assert.equal(state.openBuyQty, 10);
  } finally {
    await gateway.close();
    await sim.close();
  }
});

test("exposure: in reduceOnlyMode a modify of an order that only reduces passes (its old quantity is replaced)", async () => {
  const sim = await simulator();
  const gateway = await streamingGateway(sim, {});
  try {
    sim.setMarkPrice("BTCUSDT", "51000");
    const router = gateway.router;
    await router.placeOrder({ symbol: "BTCUSDT", side: "BUY", type: "MARKET", quantity: "0.010" });
    const state = router.preTrade!.check.state("BTCUSDT")!;
    await waitFor(() => state.position === 10, "the long 0.010");
    router.preTrade!.setLimits({ reduceOnlyMode: true });
    const sell = { symbol: "BTCUSDT", side: "SELL", type: "LIMIT", timeInForce: "GTC" } as const;
    await router.placeOrder({ ...sell, quantity: "0.006", price: "52000", newClientOrderId: "ro-exit" });
    await router.placeOrder({
      ...sell,
      quantity: "0.010",
      price: "53000",
      reduceOnly: true,
      newClientOrderId: "ro-tp",
    });
    // A price change of each: the same quantity, still within the long.
    const moved = await router.modifyOrder({
      symbol: "BTCUSDT",
      origClientOrderId: "ro-exit",
      side: "SELL",
      quantity: "0.006",
      price: "52100",
    });
    assert.equal(moved.price, "52100.00");
    const tp = await router.modifyOrder({
      symbol: "BTCUSDT",
      origClientOrderId: "ro-tp",
      side: "SELL",
      quantity: "0.010",
      price: "53100",
    });
    assert.equal(tp.price, "53100.00");
    // Past the long with what is open: refused, naming the mode.
    await assert.rejects(
      router.modifyOrder({
        symbol: "BTCUSDT",
        origClientOrderId: "ro-exit",
        side: "SELL",
        quantity: "0.011",
        price: "52100",
      }),
      (e: Error & { limit?: string }) => (assert.equal(e.limit, "reduceOnlyMode"), true),
    );
  } finally {
    await gateway.close();
    await sim.close();
  }
});
