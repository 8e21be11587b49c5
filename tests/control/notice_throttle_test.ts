/** ThrottledNotice on a manual clock: the first occurrence at once, then one counted summary per interval. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { ThrottledNotice } from "../../lib/control/notice_throttle.ts";
import { ManualClock } from "../_manual_clock.ts";

function throttled(intervalMs = 1000) {
  const clock = new ManualClock();
  const told: [number, number][] = [];
  const notice = new ThrottledNotice((count, total) => told.push([count, total]), { intervalMs, clock });
  return { clock, told, notice };
}

test("ThrottledNotice: first at once, the rest of the interval as one summary at its end", () => {
  const { clock, told, notice } = throttled();
  notice.hit();
  assert.deepEqual(told, [[1, 1]]);
  for (let i = 0; i < 5; i++) notice.hit();
  clock.advance(999);
  assert.deepEqual(told, [[1, 1]], "nothing before the interval ends");
  clock.advance(1);
  assert.deepEqual(told, [[1, 1], [5, 6]]);
  // Quiet interval: no empty summary. A hit long after is told at once again.
  clock.advance(5000);
  assert.equal(told.length, 2);
  notice.hit();
  assert.deepEqual(told, [[1, 1], [5, 6], [1, 7]]);
  assert.equal(notice.total, 7);
});

test("ThrottledNotice: close drops the pending summary and tells nothing more", () => {
  const { clock, told, notice } = throttled();
  notice.hit();
  notice.hit();
  notice.close();
  notice.hit();
  clock.advance(10_000);
  assert.deepEqual(told, [[1, 1]]);
  assert.equal(notice.total, 3, "still counted");
});
