/**
 * Long JSON arrays answered slice by slice: the text is the same as one `JSON.stringify`, short arrays stay
 * one piece, and over a real socket a long `GET /orders?state=all` arrives complete and chunked.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { isStreamedAnswer, jsonArrayResponse } from "../../lib/control/_json_stream.ts";
import { LIMIT_ORDER, startStack } from "./_stack.ts";

test("a long array is streamed and reads back as JSON.stringify would write it", async () => {
  const items = Array.from(
    { length: 1234 },
    (_, i) => ({ i, s: `x"${i}\u2028`, n: i % 3 === 0 ? null : [i] }),
  );
  const response = jsonArrayResponse(items);
  assert.equal(isStreamedAnswer(response), true);
  assert.equal(response.headers.get("content-type"), "application/json");
  assert.equal(await response.text(), JSON.stringify(items));
  const short = jsonArrayResponse([1, 2, 3]);
  assert.equal(isStreamedAnswer(short), false);
  assert.equal(await short.text(), "[1,2,3]");
  assert.equal(await jsonArrayResponse([]).text(), "[]");
});

test("GET /orders?state=all with 250 tracked orders: complete, chunked, the tracker's list", async () => {
  const s = await startStack();
  try {
    await Promise.all(Array.from({ length: 250 }, (_, i) =>
      s.router.placeOrder({
        ...LIMIT_ORDER,
        timeInForce: "IOC",
        price: "40000",
        quantity: "0.003",
        newOrderRespType: "RESULT",
        newClientOrderId: `stream-${i}`,
      })));
    const res = await fetch(`${s.url}/orders?state=all`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("transfer-encoding"), "chunked");
    assert.equal(res.headers.get("cache-control"), "no-store");
    const list = await res.json() as { clientOrderId: string }[];
    assert.deepEqual(list, JSON.parse(JSON.stringify(s.tracker.listAll())));
    assert.equal(list.length, 250);
  } finally {
    await s.close();
  }
});
