import { test } from "node:test";
import assert from "node:assert/strict";
import { concatBytes, isAscii, latin1 } from "../../lib/control/_bytes.ts";

test("latin1: every byte value is the character of that code, in a view at an offset too", () => {
  const all = Uint8Array.from({ length: 256 }, (_, i) => i);
  const expected = String.fromCharCode(...all);
  assert.equal(latin1(all, 0, 256), expected);
  const shifted = concatBytes([new Uint8Array([0x41, 0x42, 0x43]), all]).subarray(3);
  assert.equal(latin1(shifted, 0, 256), expected);
  assert.equal(latin1(shifted, 65, 70), "ABCDE");
  assert.equal(latin1(shifted, 7, 7), "");
});

test("isAscii: true below 0x80 only, within the range asked", () => {
  const bytes = new Uint8Array([0x00, 0x41, 0x7f, 0x80, 0x41]);
  assert.equal(isAscii(bytes, 0, 3), true);
  assert.equal(isAscii(bytes, 0, 4), false);
  assert.equal(isAscii(bytes, 4, 5), true);
  assert.equal(isAscii(bytes, 2, 2), true);
});
