/**
 * `checkPlace` answers the common order in an inlined fast path and leaves everything else to the full check;
 * the two must give the same verdict. Two identical checks see the same random orders: on one, every order
 * follows an order of the same symbol (the fast path runs); on the other, an order of another symbol comes in
 * between (the latest-symbol slot misses, so only the full check runs).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { PreTradeCheck } from "../../lib/risk/pre_trade_check.ts";
import type { RiskLimitsConfig } from "../../lib/risk/risk_limits.ts";
import { parseExchangeInfo } from "../../lib/risk/symbol_filters.ts";
import type { PlaceOrderParams } from "../../lib/types.ts";

const FILTERS = [
  { filterType: "PRICE_FILTER", minPrice: "0.0050", maxPrice: "1000", tickSize: "0.0050" },
  { filterType: "LOT_SIZE", minQty: "0.5", maxQty: "10000", stepSize: "0.5" },
  { filterType: "MARKET_LOT_SIZE", minQty: "0.1", maxQty: "500", stepSize: "0.1" },
  { filterType: "MIN_NOTIONAL", notional: "5.0" },
  { filterType: "PERCENT_PRICE", multiplierUp: "1.1500", multiplierDown: "0.8500", multiplierDecimal: "4" },
  { filterType: "MAX_NUM_ORDERS", limit: 3 },
];
const INFO = {
  symbols: [
    // A LOT_SIZE step finer than the quantity precision (QTY_DIV > 1) and a tick finer than pricePrecision.
    {
      symbol: "AAAUSDT",
      status: "TRADING",
      pricePrecision: 2,
      quantityPrecision: 1,
      orderTypes: ["LIMIT", "MARKET"],
      timeInForce: ["GTC", "IOC", "FOK"],
      filters: FILTERS.map((f) =>
        f.filterType === "LOT_SIZE"
          ? { filterType: "LOT_SIZE", minQty: "0.05", maxQty: "10000", stepSize: "0.05" }
          : f
      ),
    },
    {
      symbol: "BBBUSDT",
      status: "TRADING",
      pricePrecision: 4,
      quantityPrecision: 1,
      orderTypes: ["LIMIT"],
      timeInForce: ["GTC"],
      filters: FILTERS,
    },
    { symbol: "OTHERUSDT", status: "TRADING", pricePrecision: 2, quantityPrecision: 3, filters: [] },
  ],
};

const LIMITS: RiskLimitsConfig[] = [
  {},
  { symbols: { "*": { maxOrderQty: 30, maxOrderNotional: 350, priceBandPct: 8 } } },
  { symbols: { "*": { maxPositionQty: 60, maxPositionNotional: 500, maxOpenOrders: 2 } } },
  { symbols: { "*": { maxPositionQty: 70, maxOrderNotional: 120 } } },
  { symbols: { "*": { maxOrderQty: 30 } } },
  { symbols: { "*": { maxPositionQty: 40 } } },
  { symbols: { "*": { maxOrdersPerSecond: 10, maxOrderQty: 90 } } },
  { allowedSymbols: ["OTHERUSDT"], symbols: { "*": { maxOrderQty: 1e6 } } },
  { reduceOnlyMode: true },
];

/** A small deterministic generator (mulberry32), so a failure names a reproducible seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(r: () => number, values: readonly T[]): T {
  return values[Math.floor(r() * values.length)]!;
}

const PRICES = [
  "10",
  "10.005",
  "10.0050",
  "10.004",
  "9.5",
  "10.5",
  "10.8",
  "11.5",
  "11.55",
  "8.45",
  "0.005",
  "1000",
];
const MORE_PRICES = [
  "0",
  "",
  "1e1",
  ".5",
  "5.",
  "10.0001",
  "1.2.3",
  "-10",
  "99999999999999999",
  "10.00000000",
];
const QUANTITIES = [
  "0.1",
  "0.15",
  "0.5",
  "1",
  "2.5",
  "10",
  "25",
  "30",
  "30.5",
  "40",
  "40.5",
  "60",
  "500.1",
  "0",
];
const MORE_QUANTITIES = ["0.01", "0.05", "1.00", "1.000000", "0.123", "", "1e2", "99999999999999999", "1."];

function order(r: () => number, symbol: string): PlaceOrderParams {
  const type = pick(r, ["LIMIT", "LIMIT", "LIMIT", "MARKET", "MARKET", "STOP"] as const);
  const p: Record<string, unknown> = {
    symbol,
    side: pick(r, ["BUY", "SELL"]),
    type,
    quantity: r() < 0.8 ? pick(r, QUANTITIES) : pick(r, MORE_QUANTITIES),
  };
  if (type !== "MARKET" || r() < 0.1) p.price = r() < 0.8 ? pick(r, PRICES) : pick(r, MORE_PRICES);
  const tif = pick(r, ["GTC", "GTC", "IOC", "FOK", "GTX", "GTD", undefined]);
  if (tif !== undefined && (type !== "MARKET" || r() < 0.2)) p.timeInForce = tif;
  if (r() < 0.1) p.reduceOnly = true;
  if (r() < 0.05) p.priceMatch = "QUEUE";
  // Hedge mode (and an explicit one-way BOTH): the fast path leaves the trader's limits to the full check.
  if (r() < 0.2) p.positionSide = pick(r, ["LONG", "SHORT", "BOTH"]);
  return p as unknown as PlaceOrderParams;
}

function newCheck(limits: RiskLimitsConfig, clock: { now: number }): PreTradeCheck {
  const check = new PreTradeCheck({ now: () => clock.now, limits });
  check.setFilters(parseExchangeInfo(INFO).filters);
  return check;
}

test("fast path: the same verdict as the full check on random orders, limits, exposure and mark ages", () => {
  const r = random(1406);
  const clock = { now: 1_000_000 };
  let compared = 0;
  let passed = 0;
  for (let round = 0; round < 60; round++) {
    const limits = LIMITS[round % LIMITS.length]!;
    const fast = newCheck(limits, clock);
    const full = newCheck(limits, clock);
    const mark = pick(r, [10_00000000n, 10_20000000n, 9_70000000n]);
    const markAge = pick(r, [0, 0, 0, 9_999, 10_000, 10_001, 60_000]);
    for (const symbol of ["AAAUSDT", "BBBUSDT"]) {
      if (r() < 0.1) continue; // no mark yet
      for (const check of [fast, full]) check.setMark(symbol, mark, clock.now - markAge);
    }
    const position = pick(r, [0, 0, 20, -20, 55]);
    const openBuy = pick(r, [0, 10]);
    const openOrders = pick(r, [0, 1, 2, 3]);
    for (const check of [fast, full]) {
      for (const state of check.states()) {
        const scale = 10 ** state.filters.qtyScale;
        state.position = position * scale;
        state.openBuyQty = openBuy * scale;
        state.openOrders = openOrders;
      }
    }
    for (let i = 0; i < 200; i++) {
      const symbol = pick(r, ["AAAUSDT", "BBBUSDT"]);
      const p = order(r, symbol);
      fast.checkPlace({ symbol, side: "BUY", type: "LIMIT", quantity: "x" }); // the latest symbol: fast path
      full.checkPlace({ symbol: "OTHERUSDT", side: "BUY", type: "LIMIT", quantity: "x" }); // the full check
      const a = fast.checkPlace(p);
      const b = full.checkPlace(p);
      const seen = [a, fast.verdict.code, fast.verdict.name, fast.verdict.value, fast.verdict.max];
      const expected = [b, full.verdict.code, full.verdict.name, full.verdict.value, full.verdict.max];
      assert.deepEqual(seen, expected, `round ${round}, order ${JSON.stringify(p)}`);
      compared++;
      if (a === 0) passed++;
    }
  }
  assert.equal(compared, 12_000);
  // Both outcomes occur often enough for the comparison to mean something.
  assert.ok(passed > 1_000 && passed < 11_000, `passed ${passed}`);
});
