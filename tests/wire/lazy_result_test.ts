import { test } from "node:test";
import assert from "node:assert/strict";
import { AnswerScanner } from "../../lib/wire/answer_scanner.ts";
import { jsonText, scanOrderResult } from "../../lib/wire/lazy_result.ts";
import { LazyOrder } from "../../lib/wire/lazy_order.ts";
import type { OrderResult } from "../../lib/results.ts";

const RATE_LIMITS = ',"rateLimits":[{"rateLimitType":"REQUEST_WEIGHT","interval":"MINUTE","intervalNum":1,' +
  '"limit":2400,"count":1},{"rateLimitType":"ORDERS","interval":"SECOND","intervalNum":10,"limit":300,"count":1}]';

/** Binance's NEW LIMIT ack (reference §5.1), with the older avgPrice/cumQuote fields. */
function binanceResult(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    orderId: 8389765000000001,
    symbol: "BTCUSDT",
    status: "NEW",
    clientOrderId: "FqEw6cn0vDhrkmfiwLYPeo",
    price: "42088.00",
    avgPrice: "0.00",
    origQty: "0.100",
    executedQty: "0.000",
    cumQty: "0.000",
    cumQuote: "0.00000",
    timeInForce: "GTC",
    type: "LIMIT",
    reduceOnly: false,
    closePosition: false,
    side: "BUY",
    positionSide: "BOTH",
    stopPrice: "0.00",
    workingType: "CONTRACT_PRICE",
    priceProtect: false,
    origType: "LIMIT",
    priceMatch: "NONE",
    selfTradePreventionMode: "NONE",
    goodTillDate: 0,
    updateTime: 1705385954229,
    ...fields,
  };
}

/** Scans `frame` as the pipeline does: undefined where the pipeline would parse it instead. */
function scanned(frame: string): OrderResult | undefined {
  const scanner = new AnswerScanner();
  if (!scanner.scan(frame) || scanner.answer.resultStart < 0) return undefined;
  return scanOrderResult(frame, scanner.answer.resultStart, scanner.answer.resultEnd);
}

function frameOf(resultText: string, rateLimits = RATE_LIMITS): string {
  return `{"id":3,"status":200,"result":${resultText}${rateLimits}}`;
}

test("scanOrderResult: reads a Binance ack and then behaves as JSON.parse's object", () => {
  const frame = frameOf(JSON.stringify(binanceResult()));
  const expected = (JSON.parse(frame) as { result: OrderResult }).result;
  const order = scanned(frame);
  assert.ok(order !== undefined);
  // The common fields come from the scan.
  assert.equal(order.orderId, 8389765000000001);
  assert.equal(order.symbol, "BTCUSDT");
  assert.equal(order.status, "NEW");
  assert.equal(order.clientOrderId, "FqEw6cn0vDhrkmfiwLYPeo");
  assert.equal(order.executedQty, "0.000");
  assert.equal(order.updateTime, 1705385954229);
  // Any other field parses the rest once; enumeration and JSON keep the exchange's order.
  assert.equal(order.price, "42088.00");
  assert.equal(order.reduceOnly, false);
  assert.deepEqual(order, expected);
  assert.deepEqual(Object.keys(order), Object.keys(expected));
  assert.equal(JSON.stringify(order), JSON.stringify(expected));
  assert.deepEqual({ ...order }, expected);
  assert.equal(Object.getPrototypeOf(order), Object.prototype);
});

test("scanOrderResult: enumeration, `in`, spread and JSON work before any other field is read", () => {
  const frame = frameOf(JSON.stringify(binanceResult()));
  const expected = (JSON.parse(frame) as { result: OrderResult }).result;
  assert.equal(JSON.stringify(scanned(frame)), JSON.stringify(expected));
  assert.deepEqual({ ...scanned(frame) }, expected);
  assert.deepEqual(Object.keys(scanned(frame)!), Object.keys(expected));
  assert.equal("cumQty" in scanned(frame)!, true);
  assert.equal("nothing" in scanned(frame)!, false);
  assert.equal(scanned(frame)!.nothing, undefined);
});

test("scanOrderResult: a result awaited through promises is not parsed for their `then` lookup", async () => {
  const order = scanned(frameOf(JSON.stringify(binanceResult())))!;
  const resolved = await Promise.resolve(order);
  assert.equal(resolved, order);
  assert.equal(resolved.origQty, "0.100");
});

test("scanOrderResult: current and older shapes, any field order, and extra fields read the same as a parse", () => {
  const current = binanceResult();
  delete current.avgPrice;
  delete current.cumQuote;
  const shuffled = Object.fromEntries(Object.entries(binanceResult()).reverse());
  const withExtras = binanceResult({ modifyId: 4, text: "a]b:c,d" });
  const marketFilled = binanceResult({ status: "FILLED", executedQty: "0.100", type: "MARKET", price: "0" });
  for (const result of [current, shuffled, withExtras, marketFilled]) {
    for (const rateLimits of [RATE_LIMITS, ""]) {
      const frame = frameOf(JSON.stringify(result), rateLimits);
      const order = scanned(frame);
      assert.ok(order !== undefined, frame);
      assert.deepEqual(order, (JSON.parse(frame) as { result: unknown }).result);
    }
  }
});

test("scanOrderResult: what a scan cannot read exactly is left to a parse", () => {
  const refused = [
    binanceResult({ clientOrderId: 'a\\"b' }), // an escaped quote in a read field
    binanceResult({ symbol: "１２３\u0001" }), // a control character (escaped by JSON.stringify)
    binanceResult({ orderId: "336829446" }), // a number as text
    binanceResult({ executedQty: 0.5 }), // text as a number
    binanceResult({ updateTime: 1.5 }), // not an integer
    binanceResult({ orderId: 2 ** 53 + 2 }), // beyond 2^53
    binanceResult({ status: null }), // null
    binanceResult({ rateLimits: [{ count: 1 }] }), // nested rateLimits inside the result
    binanceResult({ text: "a}b" }), // a brace inside a string: the result's end is not certain
  ];
  for (const result of refused) {
    assert.equal(scanned(frameOf(JSON.stringify(result))), undefined, JSON.stringify(result));
  }
  for (const missing of ["orderId", "symbol", "status", "clientOrderId", "executedQty", "updateTime"]) {
    const result = binanceResult();
    delete result[missing];
    assert.equal(scanned(frameOf(JSON.stringify(result))), undefined, missing);
  }
});

test("scanOrderResult: an escape in a field the scan does not read still parses, lazily, to the same object", () => {
  const frame = frameOf(JSON.stringify(binanceResult({ stopPrice: 'x"y\\z' })));
  const order = scanned(frame);
  assert.ok(order !== undefined);
  assert.equal(order.stopPrice, 'x"y\\z');
  assert.deepEqual(order, (JSON.parse(frame) as { result: unknown }).result);
});

test("scanOrderResult: writes and deletes act on the full object", () => {
  const order = scanned(frameOf(JSON.stringify(binanceResult())))!;
  order.note = "mine";
  delete order.cumQty;
  assert.equal(order.note, "mine");
  assert.equal("cumQty" in order, false);
  assert.equal(order.price, "42088.00");
});

test("scanOrderResult: console.log shows the full object, not the proxy's insides", async () => {
  const { inspect } = await import("node:util");
  const text = inspect(scanned(frameOf(JSON.stringify(binanceResult())))!);
  assert.match(text, /selfTradePreventionMode/);
  assert.doesNotMatch(text, /Symbol|"id":3/);
});

/** A Binance ack's result text with a space the exchange never writes after executedQty (where the scan does
 * not read): JSON.stringify of the parsed object drops it, so a text that keeps it is the frame's own. */
function spacedResult(fields: Record<string, unknown> = {}): string {
  const text = JSON.stringify(binanceResult(fields));
  return text.replace('"reduceOnly":false', '"reduceOnly": false');
}

test("scanOrderResult: price, origQty and avgPrice (present or absent) read without a parse", () => {
  const current = binanceResult();
  delete current.avgPrice;
  delete current.cumQuote;
  const cases: [string, Record<string, unknown>][] = [
    [spacedResult(), binanceResult()],
    [JSON.stringify(current).replace('"reduceOnly":false', '"reduceOnly": false'), current],
  ];
  for (const [text, expected] of cases) {
    const frame = frameOf(text);
    const order = scanned(frame)!;
    assert.equal(order.price, expected.price);
    assert.equal(order.origQty, expected.origQty);
    assert.equal(order.avgPrice, expected.avgPrice);
    assert.equal(order.executedQty, expected.executedQty);
    // Nothing parsed: the JSON is still the frame's own text, space included.
    assert.equal(jsonText(order), text);
    assert.equal("avgPrice" in order, "avgPrice" in expected);
    assert.deepEqual(order, expected);
  }
});

test("scanOrderResult: an avgPrice after executedQty, repeated, escaped or not text is read by a parse", () => {
  const base = binanceResult();
  delete base.avgPrice;
  const later = { ...base, avgPrice: "1.5" }; // after updateTime: another layout
  const beforeUpdate = JSON.stringify(base).replace('"goodTillDate":0', '"goodTillDate":0,"avgPrice":"2.5"');
  const escapedKey = JSON.stringify(base).replace(
    '"goodTillDate":0',
    '"goodTillDate":0,"avg\\u0050rice":"3.5"',
  );
  const twice = JSON.stringify(binanceResult()).replace('"origQty"', '"price":"7","origQty"');
  const number = JSON.stringify(binanceResult({ origQty: 0.1 }));
  for (const text of [JSON.stringify(later), beforeUpdate, escapedKey, twice, number]) {
    const frame = frameOf(text);
    const expected = (JSON.parse(frame) as { result: Record<string, unknown> }).result;
    const order = scanned(frame);
    assert.ok(order !== undefined, text);
    assert.equal(order.avgPrice, expected.avgPrice, text);
    assert.equal(order.price, expected.price, text);
    assert.equal(order.origQty, expected.origQty, text);
    assert.deepEqual(order, expected);
  }
});

test("jsonText: an untouched lazy result is the frame's result text; anything else is JSON.stringify", () => {
  const frame = frameOf(spacedResult());
  const order = scanned(frame)!;
  const expected = (JSON.parse(frame) as { result: Record<string, unknown> }).result;
  const text = jsonText(order);
  assert.equal(text, spacedResult());
  // Semantically the parsed result: same fields, same values, the exchange's order.
  assert.deepEqual(JSON.parse(text), expected);
  assert.deepEqual(Object.keys(JSON.parse(text)), Object.keys(expected));
  // Once parsed (here by a field the scan does not read), it serializes the parsed object: changes show.
  assert.equal(order.reduceOnly, false);
  assert.equal(jsonText(order), JSON.stringify(expected));
  order.note = "mine";
  assert.equal(JSON.parse(jsonText(order)).note, "mine");
  assert.equal(jsonText({ a: 1 }), '{"a":1}');
  assert.equal(jsonText([1, "x"]), '[1,"x"]');
  assert.equal(jsonText(undefined), "null");
  assert.equal(jsonText(null), "null");
  assert.equal(jsonText("s"), '"s"');
});

/** The current ack (no avgPrice, no cumQuote) with `fields` set, as the exchange writes it, in a frame. */
function currentFrame(edit: (result: Record<string, unknown>) => Record<string, unknown> = (r) => r): string {
  const result = binanceResult();
  delete result.avgPrice;
  delete result.cumQuote;
  return frameOf(JSON.stringify(edit(result)));
}

/** `result` with `key: value` moved (or put) right after `after`. */
function withKeyAfter(result: Record<string, unknown>, after: string, key: string, value: unknown) {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(result)) {
    if (k !== key) out[k] = v;
    if (k === after) out[key] = value;
  }
  return out;
}

test("scanOrderResult: price, origQty and avgPrice are read on first need, each as a parse gives it", () => {
  const frames = [
    currentFrame(), // the exchange's layout
    frameOf(JSON.stringify(binanceResult())), // the older one, avgPrice between price and origQty
    currentFrame((r) => withKeyAfter(r, "clientOrderId", "maxQty", "5")), // a key with an x before executedQty
    currentFrame((r) => withKeyAfter(r, "clientOrderId", "reduceOnly", true)), // a value that is not text
    currentFrame((r) => withKeyAfter(r, "executedQty", "price", "1.5")), // price after executedQty
    currentFrame((r) => withKeyAfter(r, "origQty", "origQty", 0.1)), // origQty as a number
    currentFrame((r) => withKeyAfter(r, "executedQty", "avgPrice", "2.5")), // avgPrice after executedQty
    currentFrame((r) => withKeyAfter(r, "goodTillDate", "avgPrice", null)), // avgPrice null
    currentFrame((r) => ({ ...r, stopPrice: 'x"y' })), // an escape after executedQty, no avgPrice
    frameOf(JSON.stringify(binanceResult()).replace('"origQty"', '"origQty":"9","origQty"')), // twice
  ];
  for (const frame of frames) {
    const expected = (JSON.parse(frame) as { result: Record<string, unknown> }).result;
    for (const first of ["price", "origQty", "avgPrice"] as const) {
      const order = scanned(frame);
      assert.ok(order !== undefined, frame);
      assert.equal(first in order, first in expected, `${first} in: ${frame}`);
      assert.equal(order[first], expected[first], `${first}: ${frame}`);
      assert.equal(order.price, expected.price, frame);
      assert.equal(order.origQty, expected.origQty, frame);
      assert.equal(order.avgPrice, expected.avgPrice, frame);
      assert.equal(order.executedQty, expected.executedQty, frame);
      assert.deepEqual(order, expected);
    }
  }
});

test("scanOrderResult: the exchange's layouts give price, origQty and avgPrice with no parse", () => {
  const spaced = (frame: string) => frame.replace('"reduceOnly":false', '"reduceOnly": false');
  for (const frame of [spaced(currentFrame()), spaced(frameOf(JSON.stringify(binanceResult())))]) {
    const order = scanned(frame)!;
    const text = jsonText(order);
    assert.equal("avgPrice" in order, frame.includes('"avgPrice"'));
    assert.equal(typeof order.price, "string");
    assert.equal(typeof order.origQty, "string");
    void order.avgPrice;
    // Still the frame's own text, its space included: nothing was parsed.
    assert.equal(jsonText(order), text);
    assert.match(text, /"reduceOnly": false/);
  }
});

test("scanOrderResult: what every object inherits is read without a parse", () => {
  const frame = currentFrame().replace('"reduceOnly":false', '"reduceOnly": false');
  const order = scanned(frame)!;
  assert.equal(order.toString, Object.prototype.toString);
  assert.equal(String(order), "[object Object]");
  assert.equal(order.constructor, Object);
  assert.equal(Object.getPrototypeOf(order), Object.prototype);
  assert.match(jsonText(order), /"reduceOnly": false/);
});

test("scanOrderResult: executedQty and updateTime are found past other keys, or left to a parse", () => {
  const cases: [string, boolean][] = [
    [currentFrame((r) => withKeyAfter(r, "clientOrderId", "maxQty", "5")), true],
    [currentFrame((r) => withKeyAfter(r, "symbol", "executedQty", "0.001")), true], // before clientOrderId
    [currentFrame((r) => withKeyAfter(r, "goodTillDate", "updateTime", 5)), true], // not last: looked up
    [currentFrame((r) => ({ ...r, updateTime: 0 })), true],
    [currentFrame((r) => ({ ...r, updateTime: 9007199254740991 })), true], // 2^53 - 1
    [currentFrame((r) => ({ ...r, updateTime: 9007199254740993 })), false], // beyond 2^53
    [currentFrame((r) => ({ ...r, updateTime: -1 })), false],
    [currentFrame((r) => ({ ...r, updateTime: "1705385954229" })), false],
    [currentFrame().replace('"updateTime":1705385954229', '"updateTime":01705385954229'), false],
    [currentFrame().replace('"executedQty":"0.000"', '"executedQty":"0.0\\u0030"'), false], // escaped
  ];
  for (const [frame, readable] of cases) {
    const order = scanned(frame);
    if (!readable) {
      assert.equal(order, undefined, frame);
      continue;
    }
    const expected = (JSON.parse(frame) as { result: Record<string, unknown> }).result;
    assert.ok(order !== undefined, frame);
    assert.equal(order.executedQty, expected.executedQty, frame);
    assert.equal(order.updateTime, expected.updateTime, frame);
    assert.deepEqual(order, expected);
  }
});

test("scanOrderResult: a result that is not JSON past the fields read still answers them", () => {
  const frame = currentFrame().replace('"reduceOnly":false', '"reduceOnly":fals');
  const order = scanned(frame)!;
  assert.equal(order.status, "NEW");
  assert.equal(order.price, "42088.00");
  // Any other field needs the parse, which fails: the fields read are all there is.
  assert.equal(order.reduceOnly, undefined);
  assert.equal(order.orderId, 8389765000000001);
  assert.equal(order.price, "42088.00");
  assert.deepEqual(Object.keys(order), [
    "orderId",
    "symbol",
    "status",
    "clientOrderId",
    "executedQty",
    "updateTime",
    "price",
    "origQty",
  ]);
});

test("LazyOrder.of: nothing is read until a field is needed; its text passes on either way", () => {
  const cases: [Record<string, unknown>, boolean][] = [
    [binanceResult(), true],
    [binanceResult({ orderId: "336829446" }), false], // a number as text: the read refuses, a parse decides
    [binanceResult({ clientOrderId: 'a\\"b' }), false], // an escape in a field the read takes
  ];
  for (const [result, readable] of cases) {
    const text = JSON.stringify(result);
    const frame = frameOf(text);
    const start = frame.indexOf('"result":{') + 10;
    const order = LazyOrder.of(frame, start, frame.indexOf(RATE_LIMITS) - 1);
    // Passed on as the frame's own text, with no field read and no parse.
    assert.equal(jsonText(order.proxy), text);
    assert.equal(order.readFields(), readable, text);
    // Either way it reads as the parse: from the fields read, or from the parse once they were refused.
    assert.equal(order.proxy.orderId, result.orderId);
    assert.equal(order.proxy.clientOrderId, result.clientOrderId);
    assert.equal("status" in order.proxy, true);
    assert.deepEqual(order.proxy, (JSON.parse(frame) as { result: unknown }).result);
  }
});
