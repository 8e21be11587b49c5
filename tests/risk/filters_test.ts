/**
 * Every exchange filter the simulator enforces, over a real router and simulator: just inside passes the local
 * check and the simulator accepts it; just outside is refused locally with the exchange's code and message,
 * and the simulator receives nothing.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { PlaceOrderParams } from "../../lib/types.ts";
import { connect, simulator } from "../router/_harness.ts";
import { accepted, moveMark, outcome, passedLocally, refusedFilter } from "./_risk.ts";

const limit = (price: string, quantity: string, side: "BUY" | "SELL" = "BUY"): PlaceOrderParams => ({
  symbol: "BTCUSDT",
  side,
  type: "LIMIT",
  timeInForce: "GTC",
  quantity,
  price,
});
const market = (quantity: string, side: "BUY" | "SELL" = "BUY"): PlaceOrderParams => ({
  symbol: "BTCUSDT",
  side,
  type: "MARKET",
  quantity,
});

test("filters: each filter just inside passes and the simulator accepts; just outside is refused locally", async () => {
  const sim = await simulator();
  const router = await connect(sim);
  try {
    assert.equal(router.preTrade?.health().filters, "ok");
    const place = (p: PlaceOrderParams) => () => router.placeOrder(p);

    // PRICE_FILTER tickSize 0.10 (BTCUSDT pricePrecision 2).
    await accepted(sim, place(limit("50000.1", "0.002")));
    let e = await refusedFilter(sim, -4014, place(limit("50000.15", "0.002")));
    assert.equal(e.msg, "Price not increased by tick size.");
    assert.equal(e.filter, "PRICE_FILTER");
    // More decimals than pricePrecision: the exchange's -1111 comes first.
    await refusedFilter(sim, -1111, place(limit("50000.105", "0.002")));
    await refusedFilter(sim, -1111, place(limit("50000", "0.0025")));

    // PRICE_FILTER minPrice 261.10 (notional 261.1 × 0.383 ≥ 100).
    await accepted(sim, place(limit("261.1", "0.383")));
    e = await refusedFilter(sim, -4013, place(limit("261.0", "0.384")));
    assert.equal(e.msg, "Price less than min price.");

    // PERCENT_PRICE at mark 51000, multipliers 1.05 / 0.95: BUY ≤ 53550, SELL ≥ 48450.
    await accepted(sim, place(limit("53550.0", "0.002")));
    e = await refusedFilter(sim, -4016, place(limit("53550.1", "0.002")));
    assert.equal(e.msg, "Limit price can't be higher than 53550.00.");
    await accepted(sim, place(limit("48450.0", "0.003", "SELL")));
    e = await refusedFilter(sim, -4024, place(limit("48449.9", "0.003", "SELL")));
    assert.equal(e.msg, "Limit price can't be lower than 48450.00.");

    // MIN_NOTIONAL 100: LIMIT at its price, MARKET at the mark; reduce-only is exempt (not checked locally).
    await accepted(sim, place(limit("50000", "0.002")));
    e = await refusedFilter(sim, -4164, place(limit("49999.9", "0.002")));
    assert.equal(e.msg, "Order's notional must be no smaller than 100 (unless you choose reduce only).");
    await accepted(sim, place(market("0.002")));
    await refusedFilter(sim, -4164, place(market("0.001")));

    // LOT_SIZE minQty 0.001: zero is below it.
    await refusedFilter(sim, -4004, place(limit("50000", "0.000")));
    // LOT_SIZE maxQty 1000 and MARKET_LOT_SIZE maxQty 120: inside reaches the simulator (which refuses the
    // margin, not the filter), outside does not.
    await passedLocally(sim, place(limit("50000", "1000")));
    e = await refusedFilter(sim, -4005, place(limit("50000", "1000.001")));
    assert.equal(e.msg, "Quantity greater than max quantity.");
    await passedLocally(sim, place(market("120")));
    const m = await refusedFilter(sim, -4005, place(market("120.001")));
    assert.equal(m.filter, "MARKET_LOT_SIZE");

    // An unknown symbol.
    await refusedFilter(sim, -1121, place({ ...limit("1", "1"), symbol: "NOPEUSDT" }));

    // PRICE_FILTER maxPrice 809484 needs a mark up there (PERCENT_PRICE would refuse first).
    await moveMark(sim, router, "BTCUSDT", "800000");
    await accepted(sim, place(limit("809484.0", "0.001", "SELL")));
    await refusedFilter(sim, -4002, place(limit("809484.1", "0.001", "SELL")));
    // minQty inside: 0.001 × 800000 clears MIN_NOTIONAL.
    await accepted(sim, place(market("0.001", "SELL")));
  } finally {
    await router.close();
    await sim.close();
  }
});

test("filters: order.modify and algoOrder.place are checked too", async () => {
  const sim = await simulator();
  const router = await connect(sim);
  try {
    const ack = await router.placeOrder(limit("50000", "0.002"));
    await accepted(
      sim,
      () =>
        router.modifyOrder({
          symbol: "BTCUSDT",
          orderId: ack.orderId,
          side: "BUY",
          quantity: "0.003",
          price: "50000.1",
        }),
    );
    await refusedFilter(
      sim,
      -4014,
      () =>
        router.modifyOrder({
          symbol: "BTCUSDT",
          orderId: ack.orderId,
          side: "BUY",
          quantity: "0.003",
          price: "50000.15",
        }),
    );
    await refusedFilter(
      sim,
      -4016,
      () =>
        router.modifyOrder({
          symbol: "BTCUSDT",
          orderId: ack.orderId,
          side: "BUY",
          quantity: "0.003",
          price: "53550.1",
        }),
    );

    const stop = {
      symbol: "BTCUSDT",
      side: "SELL" as const,
      type: "STOP_MARKET" as const,
      quantity: "0.002",
    };
    await accepted(sim, () => router.placeAlgoOrder({ ...stop, triggerPrice: "50000.1" }));
    await refusedFilter(sim, -4014, () => router.placeAlgoOrder({ ...stop, triggerPrice: "50000.15" }));
    await refusedFilter(sim, -4013, () => router.placeAlgoOrder({ ...stop, triggerPrice: "261.0" }));
    await refusedFilter(
      sim,
      -4005,
      () => router.placeAlgoOrder({ ...stop, triggerPrice: "50000", quantity: "120.001" }),
    );
  } finally {
    await router.close();
    await sim.close();
  }
});

test("filters: preTrade: false sends every order unchecked", async () => {
  const sim = await simulator();
  const router = await connect(sim, "hmac", { preTrade: false });
  try {
    assert.equal(router.preTrade, undefined);
    // The simulator judges (and refuses) what the local check would have refused.
    const r = await outcome(sim, () => router.placeOrder(limit("50000", "0.001")));
    assert.deepEqual(r, { local: false, code: -4164 });
  } finally {
    await router.close();
    await sim.close();
  }
});
