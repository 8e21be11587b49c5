import { test } from "node:test";
import assert from "node:assert/strict";
import { ID_UNKNOWN, parseFrame, scanResponseId } from "../../lib/wire/frame_decoder.ts";

test("scanResponseId: reads the id of Binance-ordered responses without parsing", () => {
  assert.equal(scanResponseId('{"id":42,"status":200,"result":{}}'), 42);
  assert.equal(scanResponseId('{"id":9007199254740991,"status":200}'), 9007199254740991);
});

test("scanResponseId: anything else asks for a full parse", () => {
  for (
    const s of ['{"status":200,"id":1}', '{"id":null,"status":401}', '{"id":"abc"}', "", "x", '{"event":{}}']
  ) assert.equal(scanResponseId(s), ID_UNKNOWN, s);
});

test("parseFrame: objects only; garbage is undefined, never thrown", () => {
  assert.equal(parseFrame('{"id":1,"status":200}')?.status, 200);
  for (const s of ["garbage", "[1]", "null", "42", '{"id":1']) assert.equal(parseFrame(s), undefined, s);
});
