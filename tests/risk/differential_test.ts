/**
 * Differential test: a few thousand seeded random orders, valid and invalid, judged by the local check and,
 * separately, sent straight to the simulator (a router with `preTrade: false`). The local check must never
 * refuse what the simulator accepts, and must refuse every order the simulator refuses for a filter, with the
 * same code (the marks are fresh: both sides use the simulator's fixed marks).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ExchangeError } from "../../lib/errors.ts";
import { fetchExchangeFilters, fetchMarkPrices } from "../../lib/risk/market_data.ts";
import { PreTradeCheck } from "../../lib/risk/pre_trade_check.ts";
import type { PlaceOrderParams } from "../../lib/types.ts";
import { connect, simulator } from "../router/_harness.ts";
import { FILTER_CODES } from "./_risk.ts";

const ORDERS = 2500;
const SEED = 20261206;

/** mulberry32: small and seedable. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const MARKS: Record<string, number> = { BTCUSDT: 51000, ETHUSDT: 3000 };

function randomOrder(next: () => number): PlaceOrderParams {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const symbol = pick(["BTCUSDT", "ETHUSDT"]);
  const mark = MARKS[symbol]!;
  const side = pick(["BUY", "SELL"] as const);
  const market = next() < 0.3;
  // Quantities: mostly on the 0.001 grid, some zero, some beyond the maxima, some too precise.
  const q = next();
  const quantity = q < 0.04
    ? "0.000"
    : q < 0.08
    ? pick(["1000.001", "10000.001", "120.001", "2000.001", "120", "2000", "1000"])
    : q < 0.12
    ? (Math.floor(next() * 5000) / 10_000 + 0.0001).toFixed(4)
    : (Math.floor(next() * 60) / 1000 + 0.001).toFixed(3);
  const order: PlaceOrderParams = {
    symbol,
    side,
    type: market ? "MARKET" : "LIMIT",
    quantity,
    newOrderRespType: "RESULT",
  };
  if (next() < 0.1) order.reduceOnly = true;
  if (!market) {
    order.timeInForce = pick(["GTC", "GTC", "IOC"] as const);
    const p = next();
    const raw = p < 0.03
      ? 10 + next() * 20
      : p < 0.06
      ? 900_000 + next() * 10
      : mark * (1 + (next() - 0.5) * 0.16);
    order.price = raw.toFixed(pick([0, 1, 1, 2, 2, 3]));
  }
  return order;
}

test("differential: the local check never refuses what the simulator accepts, and catches its filter refusals", async () => {
  const sim = await simulator({ limits: { ordersPer10s: 1e6, ordersPerMinute: 1e6, weightPerMinute: 1e7 } });
  const router = await connect(sim, "hmac", { preTrade: false });
  try {
    const check = new PreTradeCheck({ now: () => 0 });
    check.setFilters((await fetchExchangeFilters(sim.httpUrl, 5000)).filters);
    for (const [symbol, mark8] of await fetchMarkPrices(sim.httpUrl, 5000)) check.setMark(symbol, mark8, 0);

    const next = rng(SEED);
    const counts = { orders: 0, simAccepted: 0, simFilterRefused: 0, simOtherRefused: 0, localRefused: 0 };
    const byCode = new Map<number, number>();
    const other = new Map<number, number>();
    for (let i = 0; i < ORDERS; i++) {
      const order = randomOrder(next);
      const local = check.checkPlace(order);
      let code = 0;
      try {
        const ack = await router.placeOrder(order);
        if (ack.status === "NEW" || ack.status === "PARTIALLY_FILLED") {
          // Keep the margin free; an order that already ended answers -2011, which is fine.
          await router.cancelOrder({ symbol: order.symbol, orderId: ack.orderId }).catch(() => {});
        }
      } catch (e) {
        if (!(e instanceof ExchangeError)) throw e;
        code = e.code;
      }
      counts.orders++;
      if (local !== 0) counts.localRefused++;
      const what = `${JSON.stringify(order)}: simulator ${code}, local ${local}`;
      if (code === 0) {
        counts.simAccepted++;
        assert.equal(local, 0, `false refusal: ${what}`);
      } else if (FILTER_CODES.has(code)) {
        counts.simFilterRefused++;
        byCode.set(code, (byCode.get(code) ?? 0) + 1);
        assert.equal(local, code, `missed or different filter refusal: ${what}`);
      } else {
        counts.simOtherRefused++;
        other.set(code, (other.get(code) ?? 0) + 1);
        assert.equal(local, 0, `local refusal of an order the simulator refused for no filter: ${what}`);
      }
    }
    console.log(
      "differential counts:",
      JSON.stringify(counts),
      "filter refusals by code:",
      JSON.stringify(Object.fromEntries([...byCode].sort((a, b) => a[0] - b[0]))),
      "other refusals by code:",
      JSON.stringify(Object.fromEntries(other)),
    );
    // The generator must exercise both sides of the line, and several filters.
    assert.ok(counts.simAccepted > ORDERS / 5, `only ${counts.simAccepted} accepted`);
    assert.ok(counts.simFilterRefused > ORDERS / 5, `only ${counts.simFilterRefused} filter refusals`);
    for (const code of [-1111, -4004, -4005, -4013, -4002, -4014, -4016, -4024, -4164]) {
      assert.ok((byCode.get(code) ?? 0) > 0, `no ${code} in the sample`);
    }
  } finally {
    await router.close();
    await sim.close();
  }
});
