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

test("a long array goes out in several slices, each item's text from the given stringify", async () => {
  const items = Array.from({ length: 3000 }, (_, i) => ({ i, pad: "p".repeat(100 + (i % 50)) }));
  const texts = new Map(items.map((item) => [item, JSON.stringify(item)]));
  let asked = 0;
  const response = jsonArrayResponse(items, {}, (item) => {
    asked++;
    return texts.get(item)!;
  });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let body = "";
  let chunks = 0;
  for (let r = await reader.read(); !r.done; r = await reader.read()) {
    body += decoder.decode(r.value, { stream: true });
    chunks++;
  }
  assert.equal(body, JSON.stringify(items));
  assert.ok(chunks > 1, `slices: ${chunks}`);
  assert.equal(asked, items.length, "each item's text asked for once");
  // An item without JSON text is null, as in JSON.stringify.
  assert.equal(await jsonArrayResponse([1, undefined, 2]).text(), JSON.stringify([1, undefined, 2]));
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
