import { test } from "node:test";
import assert from "node:assert/strict";
import { AnswerScanner, type RateLimitSink, scanRateLimits } from "../../lib/wire/answer_scanner.ts";

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
