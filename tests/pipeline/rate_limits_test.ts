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
  assert.equal(verdict?.limit?.rateLimitType, "ORDERS");
  assert.equal(verdict?.retryAtMs, 1_700_000_010_000, "the 10 s window ends at :10");
  assert.equal(t.check(false, true, now), undefined, "a cancel does not count as an order");
});

test("RateLimitTracker: a new clock-aligned window starts from zero", () => {
  const t = new RateLimitTracker({ headroom: 0 });
  t.update(report(20), 1_700_000_001_000);
  assert.notEqual(t.check(true, false, 1_700_000_009_999), undefined);
  assert.equal(t.check(true, false, 1_700_000_010_000), undefined);
});

test("RateLimitTracker: a block after 429 refuses everything but cancels until it ends, naming the 429", () => {
  const t = new RateLimitTracker();
  t.block(2_000, "the exchange answered 429 (-1015 Too many new orders)");
  assert.deepEqual(t.check(false, false, 1_000), {
    limit: undefined,
    retryAtMs: 2_000,
    blocked: "the exchange answered 429 (-1015 Too many new orders)",
  });
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

/** A frame with `rateLimits` entries, and where they lie (as the answer scanner gives it). */
function reportFrame(
  entries: { type: string; interval: string; intervalNum: number; limit: number; count: number }[],
) {
  const text = `{"id":1,"status":200,"result":{},"rateLimits":${
    JSON.stringify(entries.map((e) => ({
      rateLimitType: e.type,
      interval: e.interval,
      intervalNum: e.intervalNum,
      limit: e.limit,
      count: e.count,
    })))
  }}`;
  return [text, text.indexOf("[") + 1, text.length - 2] as const;
}

const weight = (count: number, limit = 2400) => ({
  type: "REQUEST_WEIGHT",
  interval: "MINUTE",
  intervalNum: 1,
  limit,
  count,
});
const orders10s = (count: number, limit = 300) => ({
  type: "ORDERS",
  interval: "SECOND",
  intervalNum: 10,
  limit,
  count,
});

test("RateLimitTracker: reports of shapes seen before (orders, cancels, a changed limit) land as scanned", () => {
  const t = new RateLimitTracker({ headroom: 0 });
  const now = 1_700_000_001_000;
  const reports = [
    [weight(1), orders10s(1)], // an order's answer: learned
    [weight(2), orders10s(2)], // same shape
    [weight(3)], // a cancel's: another shape
    [weight(4), orders10s(3)], // the first again
    [weight(5, 6000), orders10s(4)], // a new limit: another shape
    [weight(6), orders10s(5)], // the old limit again
    [orders10s(6), weight(7)], // another entry order
    [{ type: "ORDERS", interval: "DAY", intervalNum: 1, limit: 9, count: 1 }],
    [weight(8)],
    [weight(9), orders10s(7)],
  ];
  const expected = new Map<string, [number, number]>();
  for (const report of reports) {
    t.deferReport(...reportFrame(report), now);
    t.applyDeferred();
    for (const e of report) expected.set(`${e.type}/${e.interval}/${e.intervalNum}`, [e.limit, e.count]);
    const seen = new Map(
      t.current.map((l) => [`${l.rateLimitType}/${l.interval}/${l.intervalNum}`, [l.limit, l.count]]),
    );
    assert.deepEqual(seen, expected, JSON.stringify(report));
  }
  assert.equal(t.current.length, 3);
});

test("RateLimitTracker: a report of a known shape places its count in the window of its time", () => {
  const t = new RateLimitTracker({ headroom: 0 });
  t.deferReport(...reportFrame([orders10s(1, 20)]), 1_700_000_001_000);
  t.applyDeferred();
  t.deferReport(...reportFrame([orders10s(20, 20)]), 1_700_000_019_999); // the window :10–:20
  t.applyDeferred();
  assert.notEqual(t.check(true, false, 1_700_000_019_999), undefined, "full in its window");
  assert.equal(t.check(true, false, 1_700_000_020_000), undefined, "the next window starts from zero");
});

test("RateLimitTracker: take decides as check and counts as onSent; a refusal counts nothing", () => {
  const now = 1_700_000_001_000;
  const counts = (t: RateLimitTracker) => t.current.map((l) => l.count);
  for (const orders10s of [0, 17, 18, 19, 20]) {
    for (const [countsAsOrder, isCancel] of [[true, false], [false, true], [false, false]] as const) {
      const taken = new RateLimitTracker({ headroom: 0.1 });
      const checked = new RateLimitTracker({ headroom: 0.1 });
      taken.update(report(orders10s), now);
      checked.update(report(orders10s), now);
      const verdict = taken.take(countsAsOrder, isCancel, now);
      const expected = checked.check(countsAsOrder, isCancel, now);
      if (expected === undefined) checked.onSent(countsAsOrder, 1, now);
      const label = `${orders10s} ${countsAsOrder} ${isCancel}`;
      assert.deepEqual(verdict, expected, label);
      assert.deepEqual(counts(taken), counts(checked), label);
    }
  }
  // The weight limit (counted first) is given back when the ORDERS limit after it refuses.
  const t = new RateLimitTracker({ headroom: 0 });
  t.update(report(20), now);
  assert.equal(t.take(true, false, now)?.limit?.rateLimitType, "ORDERS");
  assert.deepEqual(counts(t), [10, 20]);
});

test("RateLimitTracker: take refuses all but cancels while blocked; exempt requests are counted, never refused", () => {
  const now = 1_700_000_001_000;
  const t = new RateLimitTracker({ headroom: 0 });
  t.update(report(20), now);
  t.block(now + 5_000);
  assert.equal(t.take(true, false, now)?.retryAtMs, now + 5_000);
  assert.equal(t.take(false, true, now), undefined, "a cancel goes");
  assert.equal(t.exempt(() => t.take(true, false, now)), undefined);
  assert.deepEqual(t.current.map((l) => l.count), [11, 21]);
});

test("RateLimitTracker: an order weighs nothing of REQUEST_WEIGHT; other clients' weight does not stop it", () => {
  const now = 1_700_000_001_000;
  const t = new RateLimitTracker({ headroom: 0.05 });
  // The IP's weight used up by other clients (a market-data poller on the same host): 2,390 of 2,400.
  t.update([
    { rateLimitType: "REQUEST_WEIGHT", interval: "MINUTE", intervalNum: 1, limit: 2400, count: 2390 },
    { rateLimitType: "ORDERS", interval: "SECOND", intervalNum: 10, limit: 300, count: 0 },
  ], now);
  assert.equal(t.take(true, false, now), undefined, "order.place has IP weight 0 (ws-fapi.md §4)");
  assert.equal(t.check(true, false, now), undefined);
  assert.deepEqual(t.current.map((l) => l.count), [2390, 1]);
  assert.equal(t.take(false, false, now)?.limit?.rateLimitType, "REQUEST_WEIGHT", "a query weighs 1");
  assert.equal(t.take(false, true, now), undefined, "a cancel may use the headroom");
  t.onSent(true, -1, now); // the order not sent after all: ORDERS given back, the weight untouched
  assert.deepEqual(t.current.map((l) => l.count), [2391, 0]);
});
