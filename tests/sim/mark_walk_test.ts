import { test } from "node:test";
import assert from "node:assert/strict";
import { type Simulator, startSimulator } from "../../lib/sim/mod.ts";
import { ManualClock } from "../_manual_clock.ts";
import { HMAC_KEYS, limitOrder, signHmac, TestClient } from "./_helpers.ts";

const STEP_MS = 1_000;

/** Marks after each of `steps` walk steps, driven by a manual clock. */
async function walkMarks(seed: number | undefined, steps: number): Promise<Record<string, string>[]> {
  const clock = new ManualClock(Date.now());
  const sim = await startSimulator({
    clock,
    ...(seed === undefined ? {} : { seed, walk: { volatility: 0.002, intervalMs: STEP_MS } }),
  });
  try {
    const seen: Record<string, string>[] = [];
    for (let i = 0; i < steps; i++) {
      clock.advance(STEP_MS);
      seen.push(sim.marks());
    }
    return seen;
  } finally {
    await sim.close();
  }
}

test("mark walk: the same seed gives the same marks, on the tick; another seed differs; off by default", async () => {
  const first = await walkMarks(7, 20);
  assert.deepEqual(await walkMarks(7, 20), first);
  assert.notDeepEqual(await walkMarks(8, 20), first);
  assert.ok(first.some((m) => m["BTCUSDT"] !== "51000.00"), "the BTC mark moved");
  assert.ok(first.some((m) => m["ETHUSDT"] !== "3000.00"), "the ETH mark moved");
  for (const marks of first) {
    assert.match(marks["BTCUSDT"]!, /^\d+\.\d0$/, "BTCUSDT tick 0.10");
    assert.match(marks["ETHUSDT"]!, /^\d+\.\d\d$/, "ETHUSDT tick 0.01");
    const move = Math.abs(Number(marks["BTCUSDT"]) / 51_000 - 1);
    assert.ok(move < 20 * 4 * 0.002 + 1e-9, "within 4 standard deviations (cut) per step");
  }
  const still = await walkMarks(undefined, 3);
  assert.deepEqual(still.at(-1), { BTCUSDT: "51000.00", ETHUSDT: "3000.00" });
});

test("mark walk: each step fills the resting orders it crosses (by fillQty), like setMarkPrice", async () => {
  const clock = new ManualClock(Date.now());
  const sim = await startSimulator({
    hmacKeys: HMAC_KEYS,
    clock,
    seed: 3,
    walk: { volatility: 0.0015, intervalMs: STEP_MS, symbols: ["BTCUSDT"], fillQty: "0.002" },
  });
  const client = await TestClient.open(sim.url);
  try {
    const buyAt = 50_950;
    const sellAt = 51_050;
    const place = (side: string, price: number) =>
      client.request(
        "order.place",
        signHmac({ ...limitOrder({ side, price: price.toFixed(2) }), timestamp: clock.now() }),
      );
    assert.equal((await place("BUY", buyAt)).status, 200);
    assert.equal((await place("SELL", sellAt)).status, 200);
    let buyFills = 0;
    let sellFills = 0;
    for (let i = 0; i < 60; i++) {
      clock.advance(STEP_MS);
      const mark = Number(sim.markPrice("BTCUSDT"));
      if (mark <= buyAt) buyFills++;
      if (mark >= sellAt) sellFills++;
      const [buy, sell] = sim.orders();
      assert.equal(buy?.executedQty, (Math.min(buyFills, 5) * 0.002).toFixed(3), `BUY after step ${i + 1}`);
      assert.equal(
        sell?.executedQty,
        (Math.min(sellFills, 5) * 0.002).toFixed(3),
        `SELL after step ${i + 1}`,
      );
      assert.equal(sim.markPrice("ETHUSDT"), "3000.00", "only the listed symbols walk");
    }
    assert.ok(buyFills > 0 && sellFills > 0, "this seed crosses both orders (else the test proves nothing)");
  } finally {
    await client.close();
    await sim.close();
  }
});

test("mark moves: fillQty and prices are validated; markPrice and marks read the exact mark", async () => {
  const sim: Simulator = await startSimulator();
  try {
    for (const fillQty of ["0", "-0.001", "abc", "0.0001"]) {
      assert.throws(() => sim.setMarkPrice("BTCUSDT", "50000", { fillQty }), RangeError, fillQty);
    }
    assert.throws(() => sim.setMarkPrice("BTCUSDT", "0"), RangeError);
    assert.throws(() => sim.markPrice("DOGEUSDT"), RangeError);
    sim.setMarkPrice("BTCUSDT", "49999.905");
    assert.equal(sim.markPrice("BTCUSDT"), "49999.905");
    sim.setMarkPrice("ETHUSDT", "3100");
    assert.deepEqual(sim.marks(), { BTCUSDT: "49999.905", ETHUSDT: "3100.00" });
    await assert.rejects(
      startSimulator({ walk: { volatility: 0.001, intervalMs: 0 } }),
      TypeError,
    );
    await assert.rejects(
      startSimulator({ walk: { volatility: 0.001, intervalMs: 10, symbols: ["NOPE"] } }),
      TypeError,
    );
  } finally {
    await sim.close();
  }
});
