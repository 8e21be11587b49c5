/**
 * The daily loss limit (lib/risk/loss_breaker.ts): today's realized PnL less fees (BNB at its mark) plus unrealized
 * PnL at a fresh mark; one trip per crossing, re-armed by a recovery, a new UTC day or new limits.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ManualClock } from "../_manual_clock.ts";
import type { AccountEvent } from "../../lib/account/event_log.ts";
import type { Fill } from "../../lib/account/fills.ts";
import type { Position } from "../../lib/account/positions.ts";
import { LossBreaker } from "../../lib/risk/loss_breaker.ts";
import type { RiskLimitsConfig } from "../../lib/risk/risk_limits.ts";

const DAY = 86_400_000;
const NOON = 20_000 * DAY + DAY / 2; // 2024-10-04T12:00Z

function fill(time: number, realizedProfit: string, commission: string, commissionAsset = "USDT"): Fill {
  return {
    symbol: "BTCUSDT",
    orderId: 1,
    clientOrderId: "lr-1",
    tradeId: time,
    side: "SELL",
    price: "50000",
    qty: "0.001",
    commission,
    commissionAsset,
    realizedProfit,
    maker: false,
    time,
  };
}

function setup(limits: RiskLimitsConfig, fills: Fill[] = []) {
  const clock = new ManualClock(NOON);
  let listener: (e: AccountEvent) => void = () => {};
  const positions: Position[] = [];
  const marks = new Map<string, { price: number; at: number }>();
  const trips: [string, boolean][] = [];
  let current = limits;
  const breaker = new LossBreaker({
    account: {
      subscribe: (fn) => ((listener = fn), () => {}),
      fills: { list: () => fills },
      book: { positions: () => positions },
    },
    limits: () => current,
    mark: (symbol) => marks.get(symbol),
    trip: (reason, flatten) => trips.push([reason, flatten]),
    clock,
  });
  let id = 0;
  const newFill = (f: Fill) => listener({ id: ++id, type: "fill", time: clock.now(), data: f });
  const setLimits = (l: RiskLimitsConfig) => (current = l);
  return { clock, breaker, positions, marks, trips, newFill, setLimits };
}

const long = (positionAmt: string, entryPrice: string, unrealizedProfit: string): Position => ({
  symbol: "BTCUSDT",
  positionSide: "BOTH",
  positionAmt,
  entryPrice,
  unrealizedProfit,
  updateTime: 0,
});

test("loss: today's fills count (less their fees), yesterday's do not; a fresh mark prices the position", () => {
  const fills = [
    fill(NOON - DAY, "-1000", "1"),
    fill(NOON - 3600_000, "-40", "0.5"),
    fill(NOON - 60_000, "10", "0.002", "BNB"),
  ];
  const { clock, breaker, positions, marks } = setup({ maxDailyLoss: 100 }, fills);
  try {
    positions.push(long("0.010", "50000", "-3"));
    marks.set("BTCUSDT", { price: 49_000, at: clock.now() });
    breaker.evaluate();
    const u = breaker.usage();
    assert.deepEqual([u.realized, u.unrealized, u.pnl], [-30.5, -10, -40.5]); // -40 - 0.5 + 10; (49000-50000)*0.01
    assert.equal(u.day, "2024-10-04");
    assert.deepEqual(u.unpricedFees, { BNB: 0.002 }); // no BNBUSDT mark yet: listed, not counted
    // A BNB fee counts at the BNBUSDT mark, the latest known of any age: 0.002 × 600 = 1.2.
    marks.set("BNBUSDT", { price: 600, at: clock.now() - 3_600_000 });
    breaker.evaluate();
    assert.deepEqual([breaker.usage().realized, breaker.usage().unpricedFees], [-31.7, {}]);
    clock.advance(11_000); // the mark is stale now: the position line's own figure
    breaker.evaluate();
    assert.equal(breaker.usage().unrealized, -3);
  } finally {
    breaker.close();
  }
});

test("loss: trips once at the limit, with flatten when asked; re-armed by a recovery or new limits", () => {
  const { clock, breaker, positions, marks, trips, newFill, setLimits } = setup({
    maxDailyLoss: 50,
    flattenOnDailyLoss: true,
  });
  try {
    positions.push(long("0.010", "50000", "0"));
    marks.set("BTCUSDT", { price: 46_000, at: clock.now() }); // -40 unrealized
    breaker.evaluate();
    assert.deepEqual(trips, []);
    newFill(fill(NOON, "-10", "0.01")); // -10.01 realized: -50.01 in all
    assert.equal(trips.length, 0, "a fill's position line may still come: not yet");
    clock.advance(249);
    assert.equal(trips.length, 0);
    clock.advance(1); // 250 ms after the fill, still past the limit
    assert.equal(trips.length, 1);
    assert.match(
      trips[0]![0],
      /^risk: daily loss 50\.01 reached maxDailyLoss 50 \(realized -10\.01, unrealized -40\.00\)$/,
    );
    assert.equal(trips[0]![1], true);
    assert.equal(breaker.usage().tripped, true);
    clock.advance(1000); // the timer evaluates every second: still past the limit, no second trip
    clock.advance(1000);
    assert.equal(trips.length, 1);
    marks.set("BTCUSDT", { price: 47_000, at: clock.now() }); // recovered to -40.01: armed again
    clock.advance(1000);
    marks.set("BTCUSDT", { price: 45_000, at: clock.now() });
    clock.advance(1000);
    assert.equal(trips.length, 2);
    setLimits({ maxDailyLoss: 60 }); // new limits: armed again, and -60.01 is past 60
    clock.advance(1000);
    assert.deepEqual(trips.slice(2).map((t) => t[1]), [false]);
  } finally {
    breaker.close();
  }
});

test("loss: a trip kept from an earlier run (trippedFor) holds for that day and limits; told on trip and re-arm", () => {
  const clock = new ManualClock(NOON);
  const positions: Position[] = [long("0.010", "50000", "-60")]; // -60 unrealized: past 50
  const trips: string[] = [];
  const told: (string | undefined)[] = [];
  const make = (trippedFor?: string) =>
    new LossBreaker({
      account: { subscribe: () => () => {}, fills: { list: () => [] }, book: { positions: () => positions } },
      limits: () => ({ maxDailyLoss: 50 }),
      mark: () => undefined,
      trip: (reason) => trips.push(reason),
      clock,
      ...(trippedFor === undefined ? {} : { trippedFor }),
      onTripChange: (key) => told.push(key),
    });
  const first = make();
  first.evaluate();
  first.close();
  assert.equal(trips.length, 1);
  assert.deepEqual(told, ["2024-10-04|50|false"]);
  const again = make(told[0]); // a restart, the trip kept: no second halt on the same crossing
  again.evaluate();
  assert.equal(trips.length, 1);
  assert.equal(again.usage().tripped, true);
  positions[0] = long("0.010", "50000", "-10"); // recovered: re-armed, and told so
  again.evaluate();
  assert.deepEqual(told, ["2024-10-04|50|false", undefined]);
  again.close();
  const otherDay = make("2024-10-03|50|false"); // yesterday's trip does not hold today
  positions[0] = long("0.010", "50000", "-60");
  otherDay.evaluate();
  assert.equal(trips.length, 2);
  otherDay.close();
});

test("loss: a closing fill's realized loss is not counted twice with the position line it closes", () => {
  const { clock, breaker, positions, trips, newFill } = setup({ maxDailyLoss: 15 });
  try {
    positions.push(long("0.010", "51000", "-10")); // -10 unrealized at the line's own figure
    breaker.evaluate();
    // The close: its fill says realized -10.51 (with fees); the line taking the -10 away comes a moment later.
    newFill(fill(NOON, "-10", "0.51"));
    assert.equal(breaker.usage().pnl, -20.51, "for that moment the loss is in both");
    clock.advance(5);
    positions.length = 0; // the position line: flat
    breaker.evaluate();
    clock.advance(1000);
    assert.deepEqual(trips, [], "-10.51 is inside 15");
    assert.equal(breaker.usage().pnl, -10.51);
  } finally {
    breaker.close();
  }
});

test("loss: after a trip and a resume, a profitable close's fill is no recovery until its position line has come", () => {
  const { clock, breaker, positions, marks, trips, newFill } = setup({ maxDailyLoss: 10 });
  const resume = () => breaker.usage(); // the operator resumes: nothing re-arms the breaker but a recovery
  try {
    marks.set("BTCUSDT", { price: 50_300, at: clock.now() });
    positions.push(long("0.020", "50000", "6")); // +6 unrealized at 50300
    newFill(fill(NOON, "-17", "0.04")); // an earlier loss: -17.04 realized, -11.04 in all
    clock.advance(250);
    assert.equal(trips.length, 1, "tripped at -11.04");
    resume();
    // The operator closes half the winner by hand: the fill realizes +3 (less 0.25 fees) at once, while the
    // position line that takes those +3 out of the unrealized PnL comes 10 ms later.
    newFill(fill(NOON + 1, "3", "0.25"));
    assert.equal(breaker.usage().pnl, -8.29, "for that moment the +3 is in both: above -10");
    clock.advance(10);
    positions[0] = long("0.010", "50000", "3");
    clock.advance(1000);
    assert.equal(breaker.usage().pnl, -11.29);
    assert.equal(breaker.usage().tripped, true, "never recovered above -10: still the same trip");
    assert.equal(trips.length, 1, "the close the operator resumed for does not halt again");
  } finally {
    breaker.close();
  }
});

test("loss: a new UTC day starts from zero; no limit, no trip", () => {
  const { clock, breaker, newFill, trips, setLimits } = setup({});
  try {
    newFill(fill(NOON, "-500", "0"));
    assert.equal(breaker.usage().realized, -500);
    assert.deepEqual([trips, breaker.usage().maxDailyLoss], [[], null]);
    clock.advance(DAY); // the next day (the timer evaluates every second of it)
    setLimits({ maxDailyLoss: 100 });
    breaker.evaluate();
    assert.deepEqual([breaker.usage().realized, breaker.usage().day, trips], [0, "2024-10-05", []]);
  } finally {
    breaker.close();
  }
});

test("loss: the usage is to 1e-8, without the noise of float sums", () => {
  const { breaker } = setup({ maxDailyLoss: 100 }, [
    fill(NOON - 2000, "-0.1", "0"),
    fill(NOON - 1000, "-0.2", "0"),
  ]);
  try {
    breaker.evaluate();
    assert.equal(-0.1 + -0.2, -0.30000000000000004, "what a plain sum gives");
    assert.deepEqual([breaker.usage().realized, breaker.usage().pnl], [-0.3, -0.3]);
  } finally {
    breaker.close();
  }
});
