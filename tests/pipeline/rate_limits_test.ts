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

test("RateLimitTracker: a deferred report lands before any later report and before anyone reads the counters", () => {
  const limits = new RateLimitTracker({ headroom: 0 });
  const entry = (count: number) =>
    `{"rateLimitType":"ORDERS","interval":"SECOND","intervalNum":10,"limit":300,"count":${count}}`;
  const frame = (count: number) => `{"id":1,"status":200,"result":{},"rateLimits":[${entry(count)}]}`;
  const span = (text: string) => [text.indexOf("[") + 1, text.length - 2] as const;
  const now = 1_700_000_000_000;
  const first = frame(4);
  assert.equal(limits.deferReport(first, ...span(first), now), true, "the first report asks to be scheduled");
  assert.equal(limits.tracking, false, "not applied yet");
  const second = frame(6);
  assert.equal(
    limits.deferReport(second, ...span(second), now),
    false,
    "one already waits: it is applied now",
  );
  assert.equal(limits.tracking, true);
  assert.deepEqual(limits.current.map((l) => l.count), [6], "reading the counters applies the waiting one");
  const odd = `{"id":2,"status":200,"result":{},"rateLimits":[{"count":9,"limit":300,"intervalNum":10,` +
    `"interval":"SECOND","rateLimitType":"ORDERS"}]}`;
  limits.deferReport(odd, ...span(odd), now);
  limits.update([], now);
  assert.deepEqual(
    limits.current.map((l) => l.count),
    [9],
    "another layout is parsed, before a later update",
  );
});
