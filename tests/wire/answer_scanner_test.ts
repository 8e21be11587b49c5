import { test } from "node:test";
import assert from "node:assert/strict";
import { AnswerScanner } from "../../lib/wire/answer_scanner.ts";
import {
  type RateLimitEntry,
  RateLimitShape,
  type RateLimitSink,
  scanRateLimits,
} from "../../lib/wire/rate_limit_text.ts";

const RATE_LIMITS =
  '[{"rateLimitType":"REQUEST_WEIGHT","interval":"MINUTE","intervalNum":1,"limit":2400,"count":7},' +
  '{"rateLimitType":"ORDERS","interval":"SECOND","intervalNum":10,"limit":300,"count":3},' +
  '{"rateLimitType":"ORDERS","interval":"MINUTE","intervalNum":1,"limit":1200,"count":0}]';
const RESULT =
  '{"orderId":336829446,"symbol":"BTCUSDT","status":"NEW","clientOrderId":"lr-1","price":"1.0",' +
  '"executedQty":"0.000","updateTime":1705385954229}';

/** Scans `frame` and, when it has rateLimits, reads them into `sink`; false when either step refuses. */
function scanAll(scanner: AnswerScanner, frame: string, sink: RateLimitSink): boolean {
  if (!scanner.scan(frame)) return false;
  const a = scanner.answer;
  return a.rateLimitsStart < 0 || scanRateLimits(frame, a.rateLimitsStart, a.rateLimitsEnd, sink);
}

/** Collects every entry the scanner reports, as JSON.parse would give them. */
function collector(): RateLimitSink & { seen: unknown[] } {
  const seen: unknown[] = [];
  return {
    seen,
    rateLimit: (rateLimitType, interval, intervalNum, limit, count) =>
      void seen.push({ rateLimitType, interval, intervalNum, limit, count }),
  };
}

test("AnswerScanner: a Binance ack gives its head, the result's span and every rateLimits entry", () => {
  const frame = `{"id":42,"status":200,"result":${RESULT},"rateLimits":${RATE_LIMITS}}`;
  const scanner = new AnswerScanner();
  const sink = collector();
  assert.equal(scanAll(scanner, frame, sink), true);
  const a = scanner.answer;
  assert.equal(a.id, 42);
  assert.equal(a.status, 200);
  assert.equal(frame.slice(a.resultStart - 1, a.resultEnd + 1), RESULT);
  assert.deepEqual(sink.seen, JSON.parse(RATE_LIMITS));
});

test("AnswerScanner: an error answer gives its code and message, with or without rateLimits", () => {
  const scanner = new AnswerScanner();
  const bare = '{"id":7,"status":400,"error":{"code":-2011,"msg":"Unknown order sent."}}';
  assert.equal(scanner.scan(bare), true);
  assert.deepEqual({ ...scanner.answer }, {
    id: 7,
    status: 400,
    resultStart: -1,
    resultEnd: -1,
    code: -2011,
    msg: "Unknown order sent.",
    rateLimitsStart: -1,
    rateLimitsEnd: -1,
  });
  const sink = collector();
  const msg = "Order's notional must be no smaller than 100 (unless you choose reduce only) {x}";
  const withLimits =
    `{"id":8,"status":400,"error":{"code":-4164,"msg":"${msg}"},"rateLimits":${RATE_LIMITS}}`;
  assert.equal(scanAll(scanner, withLimits, sink), true);
  assert.equal(scanner.answer.code, -4164);
  assert.equal(scanner.answer.msg, msg);
  assert.equal(sink.seen.length, 3);
});

test("AnswerScanner: an empty rateLimits array and a result with no rateLimits are read", () => {
  const scanner = new AnswerScanner();
  const sink = collector();
  assert.equal(scanAll(scanner, `{"id":1,"status":200,"result":${RESULT},"rateLimits":[]}`, sink), true);
  assert.equal(scanAll(scanner, `{"id":2,"status":200,"result":${RESULT}}`, sink), true);
  assert.equal(scanner.answer.id, 2);
  assert.deepEqual(sink.seen, []);
});

test("AnswerScanner: every other layout asks for a parse and reports nothing", () => {
  const frames = [
    `{"status":200,"id":1,"result":${RESULT}}`, // key order
    `{"id": 1,"status":200,"result":${RESULT}}`, // whitespace
    `{"id":"1","status":200,"result":${RESULT}}`, // string id
    `{"id":1,"status":200,"result":{"orderId":1,"nested":{"a":1}},"rateLimits":${RATE_LIMITS}}`, // nested
    `{"id":1,"status":200,"result":{"s":"a}b","orderId":1}}`, // a brace inside a string
    `{"id":1,"status":200,"result":${RESULT},"rateLimits":${RATE_LIMITS}`, // truncated
    `{"id":1,"status":200,"result":${RESULT},"rateLimits":${RATE_LIMITS},"extra":1}`, // a key after
    `{"id":1,"status":200,"result":[1,2]}`, // an array result
    '{"id":1,"status":400,"error":{"code":-1,"msg":"a \\"quoted\\" word"}}', // escapes in the message
    '{"id":1,"status":400,"error":{"msg":"m","code":-1}}', // error key order
    `{"id":1,"status":200,"result":${RESULT},"rateLimits":[{"rateLimitType":"ORDERS","interval":"SECOND",` +
    `"intervalNum":10,"count":1,"limit":300}]}`, // entry key order
    `{"id":1,"status":200,"result":${RESULT},"rateLimits":[{"rateLimitType":"RAW_REQUESTS","interval":"MINUTE",` +
    `"intervalNum":1,"limit":6100,"count":1}]}`, // unknown type
    `{"id":1,"status":200,"result":${RESULT},"rateLimits":[{"rateLimitType":"ORDERS","interval":"SECOND",` +
    `"intervalNum":10,"limit":"300","count":1}]}`, // a number as text
    `{"id":1,"status":200.0,"result":${RESULT}}`, // a fractional status
    `{"id":1,"status":200,"result" :${RESULT}}`, // whitespace after a success's status
    `{"id":12345678901234567,"status":200,"result":${RESULT}}`, // beyond 2^53
    '{"event":{"e":"serverShutdown"}}',
    "",
  ];
  const scanner = new AnswerScanner();
  for (const frame of frames) {
    const sink = collector();
    assert.equal(scanAll(scanner, frame, sink), false, frame);
    assert.deepEqual(sink.seen, [], frame);
  }
});

test("AnswerScanner: a result under a status other than 200 is read as well as a success", () => {
  const scanner = new AnswerScanner();
  for (const status of [200, 201, 400, 2000]) {
    const frame = `{"id":5,"status":${status},"result":${RESULT},"rateLimits":${RATE_LIMITS}}`;
    assert.equal(scanner.scan(frame), true, frame);
    const a = scanner.answer;
    assert.equal(a.id, 5);
    assert.equal(a.status, status);
    assert.equal(frame.slice(a.resultStart - 1, a.resultEnd + 1), RESULT);
    assert.equal(frame.slice(a.rateLimitsStart - 1, a.rateLimitsEnd + 1), RATE_LIMITS);
  }
});

/** The entries of `RATE_LIMITS` with every count set to `count`. */
function entries(count: number): RateLimitEntry[] {
  return (JSON.parse(RATE_LIMITS) as {
    rateLimitType: string;
    interval: string;
    intervalNum: number;
    limit: number;
  }[])
    .map((e) => ({
      type: e.rateLimitType,
      interval: e.interval,
      intervalNum: e.intervalNum,
      limit: e.limit,
      count,
    }));
}

/** `RATE_LIMITS` with the counts `counts`, as the exchange writes it. */
function rateLimitsText(counts: number[]): string {
  return JSON.stringify(
    entries(0).map((e, k) => ({
      rateLimitType: e.type,
      interval: e.interval,
      intervalNum: e.intervalNum,
      limit: e.limit,
      count: counts[k],
    })),
  );
}

test("RateLimitShape: an array of the learned shape is read by its counts, as a scan reads it", () => {
  const shape = new RateLimitShape(entries(1));
  assert.deepEqual(shape.limits, [2400, 300, 1200]);
  for (const counts of [[7, 3, 0], [0, 0, 0], [2399, 299, 1199], [123456789, 1, 90]]) {
    const text = `{"id":1,"status":200,"result":{},"rateLimits":${rateLimitsText(counts)}}`;
    const from = text.indexOf("[") + 1;
    assert.equal(shape.read(text, from, text.length - 2), true, text);
    assert.deepEqual(shape.counts, counts);
    const scanned = collector();
    assert.equal(scanRateLimits(text, from, text.length - 2, scanned), true);
    assert.deepEqual(scanned.seen.map((e) => (e as { count: number }).count), counts);
  }
});

test("RateLimitShape: another entry, limit, order, count or layout does not match", () => {
  const shape = new RateLimitShape(entries(1));
  const base = rateLimitsText([1, 2, 3]);
  const others = [
    base.replace('"limit":300', '"limit":301'), // another limit
    base.replace('"intervalNum":10', '"intervalNum":1'), // another window
    base.replace(
      ',{"rateLimitType":"ORDERS","interval":"MINUTE","intervalNum":1,"limit":1200,"count":3}',
      "",
    ), // one less
    base.replace("]", ',{"rateLimitType":"ORDERS","interval":"DAY","intervalNum":1,"limit":1,"count":1}]'), // one more
    base.replace('"count":2', '"count":02'), // a leading zero
    base.replace('"count":2', '"count":-2'), // a sign
    base.replace('"count":2', '"count":2.5'), // a fraction
    base.replace('"count":2', '"count": 2'), // whitespace
    base.replace('"count":2', '"count":"2"'), // text
    base.replace('"count":3}', '"count":3,"x":1}'), // a key after the count
    JSON.stringify(JSON.parse(base).reverse()), // another entry order
    "[]",
  ];
  for (const rateLimits of others) {
    const text = `{"id":1,"status":200,"result":{},"rateLimits":${rateLimits}}`;
    assert.equal(shape.read(text, text.indexOf("[") + 1, text.length - 2), false, rateLimits);
  }
  const empty = new RateLimitShape([]);
  const text = '{"id":1,"status":200,"result":{},"rateLimits":[]}';
  assert.equal(empty.read(text, text.length - 2, text.length - 2), true);
  assert.equal(empty.read(`{"rateLimits":${base}}`, 15, 15 + base.length - 2), false);
});
