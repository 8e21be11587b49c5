import { test } from "node:test";
import assert from "node:assert/strict";
import { hiddenKey } from "../../lib/control/json_keys.ts";
import { mulberry32 } from "../../lib/sim/prng.ts";

const check = (text: string) => hiddenKey(text, JSON.parse(text));

test("hiddenKey: a key given twice is named with its path; escapes, spaces and strings that look like keys", () => {
  assert.equal(check('{"symbol":"BTCUSDT","side":"BUY"}'), undefined);
  assert.equal(check('{"side":"BUY","side":"SELL"}'), "side: given more than once");
  assert.equal(check('{ "side" : "BUY" , "side" : "SELL" }'), "side: given more than once");
  assert.equal(check('{"side":"BUY","\\u0073ide":"SELL"}'), "side: given more than once");
  // Text inside a value that reads like a key is not one.
  assert.equal(check('{"a":"\\"b\\":1","b":2}'), undefined);
  assert.equal(check('{"newClientOrderId":"grid:1:2","side":"BUY"}'), undefined); // colons inside a value
  assert.equal(check('{"a":"x\\\\","b":"\\\\\\"c\\":"}'), undefined);
  assert.equal(check('{"s":{"*":{"q":1,"q":2}}}'), "s.*.q: given more than once");
  assert.equal(check('{"a":[{"k":1},{"k":1,"k":2}]}'), "a.1.k: given more than once");
  assert.equal(check('{"a":[[1,{"x":1}],{"y":1,"y":1}]}'), "a.1.y: given more than once");
  // The same key in two objects is two keys.
  assert.equal(check('{"a":{"k":1},"b":{"k":1}}'), undefined);
  assert.equal(check('{"__proto__":{}}'), "__proto__: not an accepted key");
  assert.equal(
    check('{"symbols":{"__proto__":{"maxOrderQty":1}}}'),
    "symbols.__proto__: not an accepted key",
  );
  assert.equal(check('[{"a":1},{"a":2}]'), undefined);
});

/** A random JSON object as text, and the first key its text gives twice in one object (document order). */
function randomObject(
  random: () => number,
  depth: number,
  path: string,
): { text: string; first: string | undefined } {
  const keys = ["a", "b", "side", "q"];
  const entries: string[] = [];
  const seen = new Set<string>();
  let first: string | undefined;
  const n = Math.floor(random() * 4);
  for (let i = 0; i < n; i++) {
    const key = keys[Math.floor(random() * keys.length)]!;
    const at = path === "" ? key : `${path}.${key}`;
    if (seen.has(key) && first === undefined) first = `${at}: given more than once`;
    seen.add(key);
    let value: string;
    const kind = random();
    if (depth < 3 && kind < 0.3) {
      const inner = randomObject(random, depth + 1, at);
      value = inner.text;
      first ??= inner.first; // its keys come after its own key in the text
    } else if (kind < 0.6) value = JSON.stringify(`"${key}":` + "\\");
    else value = String(Math.floor(random() * 100));
    const space = random() < 0.3 ? " " : "";
    const name = random() < 0.2 ? `"\\u00${key.charCodeAt(0).toString(16)}${key.slice(1)}"` : `"${key}"`;
    entries.push(`${name}${space}:${space}${value}`);
  }
  return { text: `{${entries.join(",")}}`, first };
}

test("hiddenKey: 5,000 random objects, the verdict as the text reads key by key", () => {
  const random = mulberry32(7);
  let twice = 0;
  for (let i = 0; i < 5000; i++) {
    const { text, first } = randomObject(random, 0, "");
    assert.equal(check(text), first, text);
    if (first !== undefined) twice++;
  }
  assert.ok(twice > 500 && twice < 4500, `both verdicts are drawn (${twice} with a key given twice)`);
});
