import { test } from "node:test";
import assert from "node:assert/strict";
import { WeightBudget, type WeightSource, type WeightWait } from "../../lib/orders/weight_budget.ts";
import type { RateLimit } from "../../lib/types.ts";
import { ManualClock } from "../_manual_clock.ts";

const MINUTE = 60_000;
const START = 28_333_333 * MINUTE; // a minute window's start
const T0 = START + 40_000; // 40 s into it

/** A router stand-in: one REQUEST_WEIGHT counter that each request raises by one at once (as the pipeline does). */
function source(count: number, limit = 100): WeightSource & { weight: RateLimit; send: () => Promise<void> } {
  const weight: RateLimit = {
    rateLimitType: "REQUEST_WEIGHT",
    interval: "MINUTE",
    intervalNum: 1,
    limit,
    count,
  };
  const orders: RateLimit = {
    rateLimitType: "ORDERS",
    interval: "SECOND",
    intervalNum: 10,
    limit: 1,
    count: 9,
  };
  return {
    rateLimits: [orders, weight],
    clockOffsetMs: 0,
    weight,
    send: () => {
      weight.count++;
      return Promise.resolve();
    },
  };
}

test("WeightBudget: requests go out until the count reaches the share, then wait for the window to roll", async () => {
  const clock = new ManualClock(T0);
  const src = source(40);
  const waits: WeightWait[] = [];
  const budget = new WeightBudget({ source: src, share: 0.5, clock, onWait: (w) => waits.push(w) });
  let sent = 0;
  const run = (async () => {
    for (let i = 0; i < 15; i++) await budget.run(() => (sent++, src.send()));
  })();
  await clock.whenScheduled();
  assert.equal(sent, 10, "40 → 50: the share of 100");
  assert.equal(src.weight.count, 50);
  assert.deepEqual(waits, [{ count: 50, limit: 100, allowed: 50, resumeAt: START + MINUTE + 250 }]);
  assert.deepEqual(clock.timeouts, [START + MINUTE + 250], "250 ms past the roll: the offset is an estimate");
  assert.equal(src.rateLimits[0]!.count, 9, "ORDERS counters are not the budget's");
  clock.advance(20_249);
  assert.equal(sent, 10, "still the old window");
  src.weight.count = 0; // the exchange's next answer: a new window
  clock.advance(1);
  await run;
  assert.equal(sent, 15);
  assert.equal(budget.waits, 1);
});

test("WeightBudget: the first request of a window refreshes a stale count; concurrent runs see each other's", async () => {
  const clock = new ManualClock(T0);
  const src = source(99); // from an earlier window, as far as the budget knows
  const budget = new WeightBudget({ source: src, share: 0.5, clock });
  let sent = 0;
  const runs = [1, 2, 3].map(() => budget.run(() => (sent++, src.send())));
  assert.equal(sent, 1, "one request refreshes the count");
  assert.equal(clock.pending, 0, "the others wait for its answer");
  await clock.whenScheduled();
  assert.equal(sent, 1, "the answer says 100: this window is spent");
  assert.equal(clock.pending, 2);
  src.weight.count = 3; // the exchange's count in the next window
  clock.advance(MINUTE);
  await Promise.all(runs);
  assert.equal(sent, 3);
});

test("WeightBudget: stop ends every wait without sending; serverNow gives the exchange time", async () => {
  const clock = new ManualClock(0);
  const src = source(10, 20);
  const budget = new WeightBudget({ source: src, share: 0.5, clock, serverNow: () => T0 });
  assert.equal(await budget.run(() => src.send()), true);
  let sent = false;
  const waiting = budget.run(() => (sent = true, src.send()));
  assert.deepEqual(
    clock.timeouts,
    [MINUTE - 40_000 + 250],
    "the wait runs on the clock, to the exchange's roll",
  );
  budget.stop();
  assert.equal(await waiting, false);
  assert.equal(sent, false);
  assert.equal(clock.pending, 0);
  assert.equal(await budget.run(() => src.send()), false, "stopped for good");
  assert.throws(() => new WeightBudget({ source: src, share: 0 }), RangeError);
});

test("WeightBudget: nothing goes out while the exchange blocks new requests (429, an IP ban); the work resumes after", async () => {
  const clock = new ManualClock(T0);
  let blockedUntil = T0 + 30_000;
  const src = source(0);
  const budget = new WeightBudget({
    source: {
      rateLimits: src.rateLimits,
      clockOffsetMs: 0,
      get blockedUntil() {
        return blockedUntil;
      },
    },
    clock,
  });
  let sent = 0;
  const run = budget.run(() => (sent++, src.send())); // its wait is on the clock before run returns
  assert.equal(sent, 0, "held while blocked");
  assert.deepEqual(clock.timeouts, [T0 + 30_250], "to the block's end, with the roll's margin");
  blockedUntil = T0 + 60_000; // lengthened meanwhile (another 418): the wait goes on
  clock.advance(30_250);
  await clock.whenScheduled();
  assert.equal(sent, 0);
  assert.deepEqual(clock.timeouts, [T0 + 60_250]);
  clock.advance(30_000);
  assert.equal(await run, true);
  assert.equal(sent, 1, "sent once the block is over");
  blockedUntil = 0;
  assert.equal(await budget.run(() => (sent++, src.send())), true);
  assert.equal(sent, 2, "no block: at once");
});
