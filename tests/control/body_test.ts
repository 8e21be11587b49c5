/** readJsonObject: content type, size caps (declared and streamed), JSON object shape, error codes and messages. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { DEFAULT_MAX_BODY_BYTES, readJsonObject } from "../../lib/control/body.ts";
import { ControlError, LOCAL_CODES } from "../../lib/control/errors.ts";

const URL_ = "http://127.0.0.1:7777/orders";
const JSON_TYPE = { "content-type": "application/json" };
const bytes = (s: string) => new TextEncoder().encode(s);

function post(body: Uint8Array | ReadableStream<Uint8Array> | null, headers: Record<string, string> = {}) {
  return new Request(URL_, { method: "POST", body, headers, duplex: "half" } as RequestInit);
}

/** A body of unknown length, delivered as these chunks; `cancelled` tells whether the reader gave up. */
function streamed(chunks: Uint8Array[]) {
  const state = { cancelled: false, pulled: 0 };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = chunks[state.pulled++];
      if (chunk === undefined) controller.close();
      else controller.enqueue(chunk);
    },
    cancel() {
      state.cancelled = true;
    },
  });
  return { stream, state };
}

const refused = (status: number, code: number, msg: string) => (e: unknown) => {
  assert.ok(e instanceof ControlError, String(e));
  assert.deepEqual({ status: e.status, code: e.code, msg: e.message }, { status, code, msg });
  return true;
};

test("readJsonObject: a JSON object body is returned as parsed", async () => {
  const body = { symbol: "BTCUSDT", price: "50000", nested: { a: [1, 2] }, text: "é ✓" };
  assert.deepEqual(
    await readJsonObject(post(bytes(JSON.stringify(body)), JSON_TYPE), { maxBytes: 1024 }),
    body,
  );
  for (const type of ["application/json; charset=utf-8", "Application/JSON", "application/json ;x=y"]) {
    const r = post(bytes('{"a":1}'), { "content-type": type });
    assert.deepEqual(await readJsonObject(r, { maxBytes: 1024 }), { a: 1 }, type);
  }
  assert.equal(DEFAULT_MAX_BODY_BYTES, 16 * 1024);
});

test("readJsonObject: a missing or non-JSON content type is 415", async () => {
  for (const headers of [{}, { "content-type": "text/plain" }, { "content-type": "application/jsonx" }]) {
    await assert.rejects(
      readJsonObject(post(bytes('{"a":1}'), headers), { maxBytes: 1024 }),
      refused(415, LOCAL_CODES.UNSUPPORTED_MEDIA_TYPE, "body: Content-Type must be application/json"),
    );
  }
});

test("readJsonObject: an empty body is refused unless optional, whatever its content type", async () => {
  const empty = refused(400, LOCAL_CODES.MALFORMED_JSON, "body: expected a JSON object");
  await assert.rejects(readJsonObject(post(null, JSON_TYPE), { maxBytes: 1024 }), empty);
  await assert.rejects(readJsonObject(post(new Uint8Array(0), JSON_TYPE), { maxBytes: 1024 }), empty);
  assert.deepEqual(await readJsonObject(post(null), { maxBytes: 1024, optional: true }), {});
  assert.deepEqual(await readJsonObject(post(new Uint8Array(0)), { maxBytes: 1024, optional: true }), {});
  // Optional means "may be absent", not "may be anything".
  await assert.rejects(
    readJsonObject(post(bytes("[]"), JSON_TYPE), { maxBytes: 1024, optional: true }),
    empty,
  );
});

test("readJsonObject: invalid JSON, invalid UTF-8 and non-objects are 400 with their own messages", async () => {
  const notJson = refused(400, LOCAL_CODES.MALFORMED_JSON, "body: not valid JSON");
  for (const text of ["{", "{'a':1}", '{"a":}', "NaN", "{}{}"]) {
    await assert.rejects(readJsonObject(post(bytes(text), JSON_TYPE), { maxBytes: 1024 }), notJson, text);
  }
  const badUtf8 = new Uint8Array([...bytes('{"a":"'), 0xff, ...bytes('"}')]);
  await assert.rejects(readJsonObject(post(badUtf8, JSON_TYPE), { maxBytes: 1024 }), notJson);
  const notObject = refused(400, LOCAL_CODES.MALFORMED_JSON, "body: expected a JSON object");
  for (const text of ["[]", "[{}]", "null", "1", '"x"', "true"]) {
    await assert.rejects(readJsonObject(post(bytes(text), JSON_TYPE), { maxBytes: 1024 }), notObject, text);
  }
});

test("readJsonObject: the size cap holds for declared, understated and streamed lengths", async () => {
  const tooLarge = refused(413, LOCAL_CODES.BODY_TOO_LARGE, "body larger than 16 bytes");
  const atLimit = bytes('{"a":"0123456"}'); // 15 bytes
  const exact = bytes('{"a":"01234567"}'); // 16 bytes
  assert.deepEqual(await readJsonObject(post(exact, JSON_TYPE), { maxBytes: 16 }), { a: "01234567" });
  assert.deepEqual(await readJsonObject(post(atLimit, JSON_TYPE), { maxBytes: 16 }), { a: "0123456" });
  const over = bytes('{"a":"012345678"}'); // 17 bytes
  await assert.rejects(readJsonObject(post(over, JSON_TYPE), { maxBytes: 16 }), tooLarge);
  // Declared too large: refused before reading, even with the wrong content type.
  await assert.rejects(readJsonObject(post(over, { "content-length": "17" }), { maxBytes: 16 }), tooLarge);
  // Declared small but longer in fact: the bytes read are checked too.
  await assert.rejects(
    readJsonObject(post(over, { ...JSON_TYPE, "content-length": "3" }), { maxBytes: 16 }),
    tooLarge,
  );
});

test("readJsonObject: a streamed body is read chunk by chunk and abandoned once over the cap", async () => {
  const text = '{"price":"50000","note":"é✓"}';
  const all = bytes(text);
  // Split inside the multi-byte characters: decoding must happen on the joined bytes.
  const cut = all.indexOf(0xc3) + 1;
  const ok = streamed([all.subarray(0, cut), all.subarray(cut, cut + 3), all.subarray(cut + 3)]);
  assert.deepEqual(await readJsonObject(post(ok.stream, JSON_TYPE), { maxBytes: 1024 }), JSON.parse(text));
  const big = streamed(Array.from({ length: 100 }, () => bytes("x".repeat(10))));
  await assert.rejects(
    readJsonObject(post(big.stream, JSON_TYPE), { maxBytes: 25 }),
    refused(413, LOCAL_CODES.BODY_TOO_LARGE, "body larger than 25 bytes"),
  );
  assert.equal(big.state.cancelled, true, "the stream is cancelled, not drained");
  assert.ok(big.state.pulled < 100, `pulled ${big.state.pulled} of 100 chunks`);
  const single = streamed([bytes('{"a":1}')]);
  assert.deepEqual(await readJsonObject(post(single.stream, JSON_TYPE), { maxBytes: 1024 }), { a: 1 });
});
