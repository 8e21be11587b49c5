// The market model is a function of its seed: the same seed and the same requests give the same marks, book
// and fills; another seed gives another book.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ManualClock } from "../_manual_clock.ts";
import { openMarket } from "./_market.ts";

const STEP_MS = 1_000;

/** A session on a walking market: a resting order, market orders between steps; returns what happened. */
async function session(seed: number): Promise<{ fills: unknown[]; depth: unknown; marks: unknown[] }> {
  const clock = new ManualClock(Date.now());
  const m = await openMarket({
    clock,
    seed,
    walk: { volatility: 0.001, intervalMs: STEP_MS, symbols: ["BTCUSDT"] },
    book: { levelNotional: "5000" },
  });
  try {
    const place = (params: Record<string, unknown>) => m.signed("order.place", params, clock.now());
    await place({
      symbol: "BTCUSDT",
      side: "BUY",
      type: "LIMIT",
      timeInForce: "GTC",
      price: "50900.0",
      quantity: "0.020",
    });
    const marks: unknown[] = [];
    for (let i = 0; i < 10; i++) {
      clock.advance(STEP_MS);
      marks.push(m.sim.markPrice("BTCUSDT"));
      const side = i % 2 === 0 ? "BUY" : "SELL";
      await place({ symbol: "BTCUSDT", side, type: "MARKET", quantity: "0.150" });
    }
    const events = await m.stream.drain();
    const fills = events.filter((e) => e.o?.x === "TRADE").map((
      e,
    ) => [e.o.i, e.o.S, e.o.L, e.o.l, e.o.n, e.o.m]);
    const depth = (await m.client.request("depth", { symbol: "BTCUSDT", limit: 10 })).result;
    return { fills, depth: { bids: depth.bids, asks: depth.asks }, marks };
  } finally {
    await m.close();
  }
}

test("determinism: the same seed gives the same marks, book and fills; another seed does not", async () => {
  const first = await session(42);
  const second = await session(42);
  assert.ok(first.fills.length > 10, "the market orders walked several levels (else the test proves little)");
  assert.deepEqual(second, first);
  const other = await session(43);
  assert.notDeepEqual(other.marks, first.marks, "another seed walks elsewhere");
  assert.notDeepEqual(other.fills, first.fills);
});
