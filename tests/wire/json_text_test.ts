import { test } from "node:test";
import assert from "node:assert/strict";
import { jsonString } from "../../lib/wire/json_text.ts";

test("jsonString: plain values are wrapped as they are; anything else is escaped exactly like JSON.stringify", () => {
  for (const s of ["BTCUSDT", "0.002", "my:order/1", "a.b_c-d", ""]) assert.equal(jsonString(s), `"${s}"`);
  for (const s of ['a"b', "a\\b", "line\nbreak", "\u0001", "１２３", "é", "\u2028"]) {
    assert.equal(jsonString(s), JSON.stringify(s), s);
    assert.equal(JSON.parse(jsonString(s)), s);
  }
});
