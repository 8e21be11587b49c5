/**
 * The check on its own, against exchangeInfo documents the simulator cannot produce (a step finer than the
 * quantity precision, a symbol not trading, restricted order types, open-order caps) and the trader's limits
 * with an injected clock.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { PreTradeCheck } from "../../lib/risk/pre_trade_check.ts";
import { parseExchangeInfo } from "../../lib/risk/symbol_filters.ts";
import type { RiskLimitsConfig } from "../../lib/risk/risk_limits.ts";
import type { PlaceOrderParams } from "../../lib/types.ts";

const INFO = {
  symbols: [
    {
      symbol: "AAAUSDT",
      status: "TRADING",
      pricePrecision: 4,
      quantityPrecision: 1,
      orderTypes: ["LIMIT", "MARKET", "STOP_MARKET"],
      timeInForce: ["GTC", "IOC"],
      filters: [
        { filterType: "PRICE_FILTER", minPrice: "0.0100", maxPrice: "1000", tickSize: "0.0050" },
        { filterType: "LOT_SIZE", minQty: "0.1", maxQty: "10000", stepSize: "0.5" },
        { filterType: "MARKET_LOT_SIZE", minQty: "0.1", maxQty: "500", stepSize: "0.1" },
        { filterType: "MIN_NOTIONAL", notional: "5.0" },
        {
          filterType: "PERCENT_PRICE",
          multiplierUp: "1.1500",
          multiplierDown: "0.8500",
          multiplierDecimal: "4",
        },
        { filterType: "MAX_NUM_ORDERS", limit: 3 },
        { filterType: "MAX_NUM_ALGO_ORDERS", limit: 1 },
      ],
    },
    { symbol: "HALTUSDT", status: "SETTLING", pricePrecision: 2, quantityPrecision: 2, filters: [] },
    { symbol: "NOFILTERUSDT", pricePrecision: 2, quantityPrecision: 3, filters: [] },
  ],
};

function setup(limits: RiskLimitsConfig = {}) {
  const clock = { now: 1_000_000 };
  const check = new PreTradeCheck({ now: () => clock.now, limits });
  check.setFilters(parseExchangeInfo(INFO).filters);
  check.setMark("AAAUSDT", 10_00000000n, clock.now); // mark 10.0
  return { check, clock };
}

/** A LIMIT BUY of AAAUSDT; `extra` overrides fields, and an `undefined` in it removes one. */
function order(
  extra: { [K in keyof PlaceOrderParams]?: PlaceOrderParams[K] | undefined } = {},
): PlaceOrderParams {
  const base: Record<string, unknown> = {
    symbol: "AAAUSDT",
    side: "BUY",
    type: "LIMIT",
    timeInForce: "GTC",
    quantity: "1.1",
    price: "10.0000",
    ...extra,
  };
  for (const key of Object.keys(base)) if (base[key] === undefined) delete base[key];
  return base as PlaceOrderParams;
}

test("check: the step grid is relative to minQty, the tick grid to minPrice", () => {
  const { check } = setup();
  assert.equal(check.checkPlace(order({ quantity: "0.6" })), 0); // 0.1 + 0.5
  assert.equal(check.checkPlace(order({ quantity: "1.0" })), -4023);
  assert.equal(check.verdict.message(), "Quantity not increased by step size.");
  assert.equal(check.checkPlace(order({ price: "10.0050" })), 0); // 0.0100 + n × 0.0050
  assert.equal(check.checkPlace(order({ price: "10.0075" })), -4014);
  assert.equal(check.checkPlace(order({ price: "10.00501" })), -1111); // beyond pricePrecision 4
  // MARKET orders use MARKET_LOT_SIZE: 1.0 is on its 0.1 grid.
  assert.equal(check.checkPlace(order({ type: "MARKET", quantity: "1.0", price: undefined })), 0);
  assert.equal(check.checkPlace(order({ type: "MARKET", quantity: "500.1", price: undefined })), -4005);
});

test("check: status, order types and time in force come from exchangeInfo", () => {
  const { check } = setup();
  assert.equal(check.checkPlace(order({ symbol: "HALTUSDT" })), -4140);
  assert.equal(check.verdict.message(), "Invalid symbol status for opening position.");
  assert.equal(
    check.checkPlace(order({ symbol: "HALTUSDT", reduceOnly: true, price: "1", quantity: "1" })),
    0,
  );
  assert.equal(
    check.checkModify({ symbol: "HALTUSDT", orderId: 1, side: "BUY", quantity: "1", price: "1" }),
    -5024,
  );
  assert.equal(check.checkPlace(order({ timeInForce: "FOK" })), -1115);
  assert.equal(
    check.checkAlgoPlace({
      symbol: "AAAUSDT",
      side: "SELL",
      type: "TAKE_PROFIT_MARKET",
      quantity: "1.0",
      triggerPrice: "12",
    }),
    -1116,
  );
  assert.equal(
    check.checkAlgoPlace({
      symbol: "AAAUSDT",
      side: "SELL",
      type: "STOP_MARKET",
      quantity: "1.0",
      triggerPrice: "9",
    }),
    0,
  );
  // A symbol without filters and status is open: anything passes.
  assert.equal(check.checkPlace(order({ symbol: "NOFILTERUSDT", price: "0.01", quantity: "0.001" })), 0);
  assert.equal(check.checkPlace(order({ symbol: "XYZUSDT" })), -1121);
});

test("check: PERCENT_PRICE and MIN_NOTIONAL at the boundaries; reduce-only is exempt from MIN_NOTIONAL", () => {
  const { check } = setup(); // mark 10: BUY ≤ 11.5, SELL ≥ 8.5; notional ≥ 5
  assert.equal(check.checkPlace(order({ price: "11.5000", quantity: "0.6" })), 0);
  assert.equal(check.checkPlace(order({ price: "11.5050", quantity: "0.6" })), -4016);
  assert.equal(check.verdict.message(), "Limit price can't be higher than 11.5000.");
  assert.equal(check.checkPlace(order({ side: "SELL", price: "8.5000", quantity: "0.6" })), 0);
  assert.equal(check.checkPlace(order({ side: "SELL", price: "8.4950", quantity: "0.6" })), -4024);
  assert.equal(check.checkPlace(order({ price: "8.3350", quantity: "0.6" })), 0); // 5.001
  assert.equal(check.checkPlace(order({ price: "8.3300", quantity: "0.6" })), -4164); // 4.998
  assert.equal(
    check.verdict.message(),
    "Order's notional must be no smaller than 5 (unless you choose reduce only).",
  );
  assert.equal(check.checkPlace(order({ quantity: "0.1" })), -4164);
  assert.equal(check.checkPlace(order({ quantity: "0.1", reduceOnly: true })), 0);
  const mkt = { type: "MARKET" as const, price: undefined, timeInForce: undefined };
  assert.equal(check.checkPlace(order({ ...mkt, quantity: "0.5" })), 0); // 0.5 × 10 = 5
  assert.equal(check.checkPlace(order({ ...mkt, quantity: "0.4" })), -4164);
});

test("check: a stale mark skips the exchange checks that need it, and fails the trader's band closed", () => {
  const { check, clock } = setup({ symbols: { "*": { priceBandPct: 10 } } });
  const mkt = { type: "MARKET" as const, price: undefined, timeInForce: undefined };
  assert.equal(check.checkPlace(order({ ...mkt, quantity: "0.4" })), -4164);
  clock.now += 10_000; // exactly 10 s old: still fresh
  assert.equal(check.checkPlace(order({ ...mkt, quantity: "0.4" })), -4164);
  clock.now += 1;
  assert.equal(check.checkPlace(order({ ...mkt, quantity: "0.4" })), 0); // the exchange judges
  assert.equal(check.checkPlace(order({ price: "11.0000", quantity: "0.6" })), -20);
  assert.equal(check.verdict.name, "priceBandPct");
  assert.match(check.verdict.message(), /no fresh AAAUSDT mark price/);
  check.setMark("AAAUSDT", 10_00000000n, clock.now);
  assert.equal(check.checkPlace(order({ price: "11.0000", quantity: "0.6" })), 0);
  assert.equal(check.checkPlace(order({ price: "11.0050", quantity: "0.6" })), -20);
  assert.equal(check.checkPlace(order({ side: "SELL", price: "9.0000", quantity: "0.6" })), 0);
  assert.equal(check.checkPlace(order({ side: "SELL", price: "8.9950", quantity: "0.6" })), -20);
});

test("check: MAX_NUM_ORDERS and MAX_NUM_ALGO_ORDERS count the account's open orders", () => {
  const { check } = setup();
  const state = check.state("AAAUSDT")!;
  state.openOrders = 2;
  assert.equal(check.checkPlace(order({ quantity: "1.1" })), 0);
  state.openOrders = 3;
  assert.equal(check.checkPlace(order({ quantity: "1.1" })), -2025);
  assert.equal(check.verdict.message(), "Reach max open order limit.");
  state.openOrders = 0;
  state.openAlgoOrders = 1;
  const stop = {
    symbol: "AAAUSDT",
    side: "SELL" as const,
    type: "STOP_MARKET" as const,
    quantity: "1.0",
    triggerPrice: "9",
  };
  assert.equal(check.checkAlgoPlace(stop), -4045);
});

test("check: the trader's per-order limits, rate, allowed symbols and reduce-only mode", () => {
  const { check, clock } = setup({
    symbols: {
      AAAUSDT: { maxOrderQty: 2, maxOrderNotional: 17, maxOrdersPerSecond: 2 },
      "*": { maxOrderQty: 1 },
    },
    allowedSymbols: ["AAAUSDT", "NOFILTERUSDT"],
  });
  assert.equal(check.checkPlace(order({ quantity: "2.1" })), -20);
  assert.deepEqual([check.verdict.name, check.verdict.valueNumber, check.verdict.maxNumber], [
    "maxOrderQty",
    2.1,
    2,
  ]);
  clock.now += 1000;
  assert.equal(check.checkPlace(order({ quantity: "1.6", price: "12.5000" })), -4016); // exchange filters first
  assert.equal(check.checkPlace(order({ quantity: "1.6", price: "10.0000" })), 0); // 16
  assert.equal(check.checkPlace(order({ quantity: "1.6", price: "10.0000" })), 0);
  assert.equal(check.checkPlace(order({ quantity: "1.6", price: "10.0000" })), -20); // a third within 1 s
  assert.equal(check.verdict.name, "maxOrdersPerSecond");
  clock.now += 1000;
  assert.equal(check.checkPlace(order({ quantity: "1.6", price: "11.0000" })), -20); // 17.6 > 17
  assert.equal(check.verdict.name, "maxOrderNotional");
  assert.equal(check.checkPlace(order({ symbol: "NOFILTERUSDT", quantity: "1.001" })), -20); // the "*" default
  assert.equal(check.checkPlace(order({ symbol: "HALTUSDT" })), -4140); // exchange filters come first
  check.setLimits({ allowedSymbols: ["AAAUSDT"] });
  assert.equal(check.checkPlace(order({ symbol: "NOFILTERUSDT", quantity: "1.001" })), -20);
  assert.equal(check.verdict.name, "allowedSymbols");
  assert.equal(check.verdict.message(), "risk limit allowedSymbols: NOFILTERUSDT is not an allowed symbol");
});

test("check: warm checks the latest order that passed again and counts nothing toward maxOrdersPerSecond", () => {
  const { check } = setup({ symbols: { AAAUSDT: { maxOrdersPerSecond: 2 } } });
  assert.equal(check.warm(), 0); // nothing passed yet: nothing to check
  const state = check.state("AAAUSDT")!;
  assert.equal(check.checkPlace(order()), 0); // the full check (the first order on its symbol)
  assert.equal(check.warm(), 0); // the fast path, on the order that passed: the count is put back
  assert.equal(state.ordersLastSecond(1_000_000), 1);
  for (let i = 0; i < 5; i++) assert.equal(check.warm(), 0);
  assert.equal(state.ordersLastSecond(1_000_000), 1);
  assert.equal(check.checkPlace(order({ quantity: "0.6" })), 0); // 2 of 2 in this second
  // The ring is full: the warm-up's check is refused, which changes nothing either.
  assert.equal(check.warm(), -20);
  assert.equal(check.verdict.name, "maxOrdersPerSecond");
  assert.equal(state.ordersLastSecond(1_000_000), 2);
  assert.equal(check.checkPlace(order()), -20); // a third within 1 s, as without the warm-ups
});

test("check: position limits take the worst case; reduce-only orders that shrink the position always pass", () => {
  const { check } = setup({
    symbols: { "*": { maxPositionQty: 5, maxPositionNotional: 60, maxOpenOrders: 2 } },
  });
  const state = check.state("AAAUSDT")!;
  state.position = 30; // 3.0 long (qtyScale 1)
  state.openBuyQty = 10; // 1.0 on the book
  state.openOrders = 1;
  assert.equal(check.checkPlace(order({ quantity: "0.6" })), 0); // 3 + 1 + 0.6 = 4.6; × 10 = 46
  assert.equal(check.checkPlace(order({ quantity: "1.1" })), -20); // 5.1 > 5
  assert.deepEqual([check.verdict.name, check.verdict.valueNumber, check.verdict.maxNumber], [
    "maxPositionQty",
    5.1,
    5,
  ]);
  state.position = 60; // 6.0 long: already above
  assert.equal(check.checkPlace(order({ quantity: "0.6" })), -20);
  assert.equal(
    check.checkPlace(order({ side: "SELL", price: "9.0000", quantity: "0.6", reduceOnly: true })),
    0,
  );
  // A SELL that is not reduce-only: the worst case is the short side (0.6 − 6 < 0): passes.
  assert.equal(check.checkPlace(order({ side: "SELL", price: "9.0000", quantity: "0.6" })), 0);
  state.openOrders = 2;
  assert.equal(check.checkPlace(order({ side: "SELL", price: "9.0000", quantity: "0.6" })), -20);
  assert.equal(check.verdict.name, "maxOpenOrders");
});

test("check: reduce-only mode passes only orders that reduce the position", () => {
  const { check } = setup({ reduceOnlyMode: true });
  const state = check.state("AAAUSDT")!;
  assert.equal(check.checkPlace(order({ quantity: "0.6" })), -20); // no position: nothing reduces
  assert.equal(check.verdict.name, "reduceOnlyMode");
  state.position = 31; // 3.1 long
  assert.equal(check.checkPlace(order({ quantity: "0.6" })), -20); // BUY grows it
  assert.equal(check.checkPlace(order({ side: "SELL", price: "9.0000", quantity: "3.1" })), 0);
  assert.equal(check.checkPlace(order({ side: "SELL", price: "9.0000", quantity: "3.6" })), -20); // would flip
  assert.equal(
    check.checkPlace(order({ side: "SELL", price: "9.0000", quantity: "3.6", reduceOnly: true })),
    0,
  );
  // With SELLs already open: each alone would reduce; together they would open a short.
  state.openSellQty = 25; // 2.5 on the book
  assert.equal(check.checkPlace(order({ side: "SELL", price: "9.0000", quantity: "0.6" })), 0); // 3.1 in all
  assert.equal(check.checkPlace(order({ side: "SELL", price: "9.0000", quantity: "1.1" })), -20); // 3.6
  assert.equal(check.verdict.name, "reduceOnlyMode");
});

test("check: hedge mode: an order adding to a side meets that side's worst case; a close always passes", () => {
  const { check } = setup({ symbols: { "*": { maxPositionQty: 5, maxOrderQty: 50 } } });
  const state = check.state("AAAUSDT")!;
  state.position = 60; // the one-way net figure plays no part for a hedge-mode order
  state.longPosition = 30; // 3.0 LONG
  state.openLongQty = 10; // 1.0 on the book adding to it
  state.shortPosition = -30; // 3.0 SHORT (negative, as the exchange signs it)
  state.openShortQty = 10;
  for (const [side, positionSide] of [["BUY", "LONG"], ["SELL", "SHORT"]] as const) {
    assert.equal(check.checkPlace(order({ side, positionSide, quantity: "0.6" })), 0); // 3 + 1 + 0.6
    assert.equal(check.checkPlace(order({ side, positionSide, quantity: "1.1" })), -20); // 5.1 > 5
    assert.deepEqual([check.verdict.name, check.verdict.valueNumber], ["maxPositionQty", 5.1]);
  }
  // A close of a side (SELL on LONG, BUY on SHORT) can only reduce: any size within maxOrderQty.
  for (const [side, positionSide] of [["SELL", "LONG"], ["BUY", "SHORT"]] as const) {
    assert.equal(check.checkPlace(order({ side, positionSide, quantity: "40.1" })), 0);
  }
  assert.equal(check.checkPlace(order({ side: "SELL", positionSide: "LONG", quantity: "60.1" })), -20);
  assert.equal(check.verdict.name, "maxOrderQty"); // the per-order limits still apply to a close
  // One-way orders (positionSide BOTH or none) keep the net rule: 6 + 0.6 > 5.
  assert.equal(check.checkPlace(order({ positionSide: "BOTH", quantity: "0.6" })), -20);
  assert.equal(check.verdict.valueNumber, 6.6);
  // The notional limit takes the side's worst case at the mark (10): 4.6 × 10 fits 50, 5.1 × 10 does not.
  check.setLimits({ symbols: { "*": { maxPositionNotional: 50 } } });
  assert.equal(check.checkPlace(order({ positionSide: "LONG", quantity: "0.6" })), 0);
  assert.equal(check.checkPlace(order({ positionSide: "LONG", quantity: "1.1" })), -20);
  assert.equal(check.verdict.name, "maxPositionNotional");
  // An algo order on a side: the same rules (MARKET lot step 0.1).
  check.setLimits({ symbols: { "*": { maxPositionQty: 5 } } });
  const stop = { symbol: "AAAUSDT", type: "STOP_MARKET", triggerPrice: "9.0000", quantity: "1.1" } as const;
  assert.equal(check.checkAlgoPlace({ ...stop, side: "BUY", positionSide: "LONG" }), -20);
  assert.equal(check.checkAlgoPlace({ ...stop, side: "SELL", positionSide: "LONG" }), 0);
});

test("check: hedge mode: a close is exempt where reduce-only is (status, MIN_NOTIONAL, reduce-only mode)", () => {
  const { check } = setup({ reduceOnlyMode: true });
  // reduceOnlyMode: a close of a side reduces by construction; an order that adds to a side never does.
  assert.equal(check.checkPlace(order({ side: "SELL", positionSide: "LONG", price: "9.5000" })), 0);
  assert.equal(check.checkPlace(order({ side: "BUY", positionSide: "SHORT" })), 0);
  assert.equal(check.checkPlace(order({ side: "BUY", positionSide: "LONG" })), -20);
  assert.equal(check.verdict.name, "reduceOnlyMode");
  check.setLimits({});
  // MIN_NOTIONAL (5): 0.1 × 10 = 1 is refused for an opening order, not for a close of a side.
  const small = { price: "10.0000", quantity: "0.1" } as const;
  assert.equal(check.checkPlace(order({ ...small, side: "BUY", positionSide: "LONG" })), -4164);
  assert.equal(check.checkPlace(order({ ...small, side: "SELL", positionSide: "LONG" })), 0);
  // A symbol not trading refuses opening orders (-4140) and leaves a close to the exchange.
  const halted = { symbol: "HALTUSDT", price: "10.00", quantity: "1.00" } as const;
  assert.equal(check.checkPlace(order({ ...halted, side: "BUY", positionSide: "LONG" })), -4140);
  assert.equal(check.checkPlace(order({ ...halted, side: "BUY", positionSide: "SHORT" })), 0);
});

test("check: the trader's price band is exact on its edges (no float rounding), and a MARKET notional takes the mark to the tick below", () => {
  const info = {
    symbols: [{
      symbol: "BBBUSDT",
      status: "TRADING",
      pricePrecision: 2,
      quantityPrecision: 3,
      filters: [
        { filterType: "PRICE_FILTER", minPrice: "0.01", maxPrice: "9000000", tickSize: "0.01" },
        { filterType: "LOT_SIZE", minQty: "0.001", maxQty: "1000", stepSize: "0.001" },
        { filterType: "MARKET_LOT_SIZE", minQty: "0.001", maxQty: "1000", stepSize: "0.001" },
      ],
    }],
  };
  const now = 1_000_000;
  const check = new PreTradeCheck({ now: () => now, limits: { symbols: { "*": { priceBandPct: 2.5 } } } });
  check.setFilters(parseExchangeInfo(info).filters);
  const limit = (side: "BUY" | "SELL", price: string) =>
    check.checkPlace({
      symbol: "BBBUSDT",
      side,
      type: "LIMIT",
      timeInForce: "GTC",
      quantity: "0.001",
      price,
    });
  // 255036 × 1.025 = 261411.9 exactly; 255036 × 0.975 = 248660.1 exactly (a float read 261411.89).
  check.setMark("BBBUSDT", 255036_00000000n, now);
  assert.deepEqual([limit("BUY", "261411.90"), limit("BUY", "261411.91")], [0, -20]);
  assert.deepEqual([limit("SELL", "248660.10"), limit("SELL", "248660.09")], [0, -20]);
  // Marks with 8 decimals and bands of 2 decimals: the edge (computed here in integers) passes, a tick beyond does not.
  let seed = 7;
  const next = () => (seed = (seed * 48271) % 2147483647);
  for (let i = 0; i < 300; i++) {
    const mark8 = BigInt(next()) * 1000n + BigInt(next() % 1000); // up to ~2.1e12 / 1e8: marks to ~21,474
    const bandHundredths = BigInt(1 + (next() % 1000)); // 0.01 % to 10 %
    check.setLimits({ symbols: { "*": { priceBandPct: Number(bandHundredths) / 100 } } });
    check.setMark("BBBUSDT", mark8, now);
    // At priceScale 2: floor(mark8 / 1e8 × 100 × (10000 + b) / 10000).
    const high = (mark8 * (10000n + bandHundredths)) / (1_000_000n * 10000n);
    const fmt = (v: bigint) => `${v / 100n}.${String(v % 100n).padStart(2, "0")}`;
    if (high <= 0n) continue;
    assert.equal(
      limit("BUY", fmt(high)),
      0,
      `mark ${mark8} band ${bandHundredths}: ${fmt(high)} on the edge`,
    );
    assert.equal(
      limit("BUY", fmt(high + 1n)),
      -20,
      `mark ${mark8} band ${bandHundredths}: ${fmt(high + 1n)}`,
    );
  }
  // A MARKET order's notional limit against a mark between two ticks: 3000.005 × 1 is not over 3000.005.
  check.setLimits({ symbols: { "*": { maxOrderNotional: 3000.005 } } });
  check.setMark("BBBUSDT", 3000_00500000n, now);
  const market = (quantity: string) =>
    check.checkPlace({ symbol: "BBBUSDT", side: "BUY", type: "MARKET", quantity });
  assert.deepEqual([market("1.000"), market("1.001")], [0, -20]);
});

test("check: a decimal field given as a number (JavaScript, a parsed JSON config) is refused -1102 by name, not passed unjudged", () => {
  const { check } = setup({ symbols: { "*": { maxOrderQty: 2 } } });
  const untyped = (extra: Record<string, unknown>) => order(extra as Partial<PlaceOrderParams>);
  // As strings these are judged (over the limit); as numbers they used to pass every filter and limit.
  assert.equal(check.checkPlace(order({ quantity: "5.1" })), -20);
  assert.equal(check.checkPlace(untyped({ quantity: 5.1 })), -1102);
  assert.equal(check.verdict.name, "quantity");
  assert.equal(check.verdict.message(), `Parameter 'quantity' must be a decimal string, such as "0.002".`);
  assert.equal(check.checkPlace(untyped({ quantity: NaN })), -1102);
  assert.equal(check.checkPlace(untyped({ price: 10 })), -1102);
  assert.equal(check.verdict.name, "price");
  assert.equal(check.checkPlace(untyped({ type: "MARKET", price: undefined, quantity: 1 })), -1102);
  const modify = { symbol: "AAAUSDT", side: "BUY" as const, orderId: 1, quantity: "1.1", price: "10.0000" };
  assert.equal(check.checkModify(modify), 0);
  assert.equal(check.checkModify({ ...modify, quantity: 1.1 as unknown as string }), -1102);
  assert.equal(check.checkModify({ ...modify, price: 10 as unknown as string }), -1102);
  assert.equal(check.verdict.name, "price");
  const stop = { symbol: "AAAUSDT", side: "SELL" as const, type: "STOP_MARKET" as const, quantity: "1.0" };
  assert.equal(check.checkAlgoPlace({ ...stop, triggerPrice: "9" }), 0);
  assert.equal(check.checkAlgoPlace({ ...stop, triggerPrice: 9 as unknown as string }), -1102);
  assert.equal(check.verdict.name, "triggerPrice");
  assert.equal(check.checkAlgoPlace({ ...stop, quantity: 1 as unknown as string, triggerPrice: "9" }), -1102);
  assert.equal(check.verdict.name, "quantity");
  // Absent fields stay the exchange's to refuse (-1102 from it, with its own wording).
  assert.equal(check.checkPlace(order({ quantity: undefined })), 0);
});
