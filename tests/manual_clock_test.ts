/** The manual test clock itself: the other tests' timing claims are only as good as it is. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { monotonicClock, systemClock } from "../lib/_clock.ts";
import { ManualClock } from "./_manual_clock.ts";

test("ManualClock: timers fire in due order, at their due time, only when time is advanced", () => {
  const clock = new ManualClock(100);
  const log: string[] = [];
  clock.setTimeout(() => log.push(`b@${clock.now()}`), 20);
  clock.setTimeout(() => log.push(`a@${clock.now()}`), 10);
  clock.setTimeout(() => log.push(`c@${clock.now()}`), 20); // same time as b: after it
  assert.deepEqual(clock.timeouts, [110, 120, 120]);
  assert.equal(clock.advance(9), 0);
  assert.deepEqual(log, []);
  assert.equal(clock.advance(11), 3);
  assert.deepEqual(log, ["a@110", "b@120", "c@120"]);
  assert.equal(clock.now(), 120);
  assert.equal(clock.pending, 0);
});

test("ManualClock: intervals repeat; cleared timers never fire; callbacks may schedule more", () => {
  const clock = new ManualClock();
  const ticks: number[] = [];
  const interval = clock.setInterval(() => {
    ticks.push(clock.now());
    if (ticks.length === 2) clock.setTimeout(() => ticks.push(-clock.now()), 5);
  }, 10);
  const cancelled = clock.setTimeout(() => ticks.push(999), 15);
  clock.clearTimeout(cancelled);
  clock.clearTimeout(undefined); // ignored
  assert.equal(clock.advance(30), 4);
  assert.deepEqual(ticks, [10, 20, -25, 30]);
  clock.clearInterval(interval);
  assert.equal(clock.advance(100), 0);
  assert.equal(clock.pending, 0);
});

test("ManualClock: odd delays, a runaway interval and a backwards advance are handled", () => {
  const clock = new ManualClock();
  let fired = 0;
  clock.setTimeout(() => fired++, -5);
  clock.setTimeout(() => fired++, Number.NaN);
  assert.deepEqual(clock.timeouts, [0, 0]);
  assert.equal(clock.advance(0), 2);
  clock.setInterval(() => fired++, 0); // clamped to 1 ms
  assert.equal(clock.advance(10), 10);
  assert.throws(() => clock.advance(-1), RangeError);
  assert.throws(() => clock.advance(1e9), /timers keep falling due/);
});

test("ManualClock: whenScheduled resolves at the next timer scheduled", async () => {
  const clock = new ManualClock();
  let woke = false;
  const waiting = clock.whenScheduled().then(() => woke = true);
  await Promise.resolve();
  assert.equal(woke, false);
  clock.setTimeout(() => {}, 1);
  await waiting;
  assert.equal(woke, true);
});

test("real clocks: monotonic and system time bases, real timers", async () => {
  const d0 = Date.now();
  const system = systemClock.now();
  const d1 = Date.now();
  assert.ok(d0 <= system && system <= d1, "systemClock reads Date.now()");
  const p0 = performance.now();
  const monotonic = monotonicClock.now();
  const p1 = performance.now();
  assert.ok(p0 <= monotonic && monotonic <= p1, "monotonicClock reads performance.now()");
  const order: string[] = [];
  await new Promise<void>((resolve) => {
    const cancelled = monotonicClock.setTimeout(() => order.push("cancelled"), 0);
    monotonicClock.clearTimeout(cancelled);
    const every = systemClock.setInterval(() => {
      order.push("interval");
      systemClock.clearInterval(every);
      resolve();
    }, 1);
  });
  assert.deepEqual(order, ["interval"]);
});
