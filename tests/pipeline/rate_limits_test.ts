import { test } from "node:test";
import assert from "node:assert/strict";
import { RateLimitTracker } from "../../lib/pipeline/rate_limits.ts";

const report = (orders10s: number) => [
  { rateLimitType: "REQUEST_WEIGHT", interval: "MINUTE", intervalNum: 1, limit: 2400, count: 10 },
  { rateLimitType: "ORDERS", interval: "SECOND", intervalNum: 10, limit: 20, count: orders10s },
];

test("RateLimitTracker: refuses an order that would exceed the limit minus headroom; cancels use it", () => {
  const t = new RateLimitTracker({ headroom: 0.1 });
  const now = 1_700_000_001_000;
  t.update(report(17), now);
  assert.equal(t.check(true, false, now), undefined, "18th of 20 (2 reserved) is fine");
  t.onSent(true, 1, now);
  const verdict = t.check(true, false, now);
  assert.equal(verdict?.limit.rateLimitType, "ORDERS");
  assert.equal(verdict?.retryAtMs, 1_700_000_010_000, "the 10 s window ends at :10");
  assert.equal(t.check(false, true, now), undefined, "a cancel does not count as an order");
});

test("RateLimitTracker: a new clock-aligned window starts from zero", () => {
  const t = new RateLimitTracker({ headroom: 0 });
  t.update(report(20), 1_700_000_001_000);
  assert.notEqual(t.check(true, false, 1_700_000_009_999), undefined);
  assert.equal(t.check(true, false, 1_700_000_010_000), undefined);
});

test("RateLimitTracker: a block after 429 refuses everything but cancels until it ends", () => {
  const t = new RateLimitTracker();
  t.block(2_000);
  assert.notEqual(t.check(false, false, 1_000), undefined);
  assert.equal(t.check(false, true, 1_000), undefined);
  assert.equal(t.check(false, false, 2_000), undefined);
  t.update("not an array", 0);
  assert.equal(t.current.length, 0);
});
