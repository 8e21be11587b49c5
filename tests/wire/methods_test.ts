import { test } from "node:test";
import assert from "node:assert/strict";
import { adHocMethod, METHOD_COUNT, METHOD_NAMES, METHODS } from "../../lib/wire/methods.ts";
import { WS_METHODS } from "../../lib/vocabulary.ts";

test("METHODS: keys are sorted and carry the auth keys their security needs", () => {
  for (const spec of Object.values(METHODS)) {
    assert.deepEqual([...spec.keys], [...spec.keys].sort(), spec.name);
    assert.equal(spec.keys.includes("timestamp"), spec.security === "signed", spec.name);
    assert.equal(spec.keys.includes("apiKey"), spec.security !== "none", spec.name);
    assert.equal(spec.jsonNext.length, spec.keys.length);
    assert.equal(METHOD_NAMES[spec.index], spec.name);
  }
  assert.equal(METHOD_NAMES.length, METHOD_COUNT);
});

test("METHODS: order-mutating methods are exactly the ones whose lost answer leaves an order unknown", () => {
  const mutating = Object.values(METHODS).filter((m) => m.mutating).map((m) => m.name).sort();
  assert.deepEqual(mutating, [
    "algoOrder.cancel",
    "algoOrder.place",
    "order.cancel",
    "order.modify",
    "order.place",
  ]);
  const orders = Object.values(METHODS).filter((m) => m.countsAsOrder).map((m) => m.name).sort();
  assert.deepEqual(orders, ["order.modify", "order.place"]);
});

test("adHocMethod: unknown methods get sorted keys, never a signature key", () => {
  const spec = adHocMethod("ticker.book", { symbol: "BTCUSDT", signature: "x" }, "signed");
  assert.deepEqual([...spec.keys], ["apiKey", "recvWindow", "symbol", "timestamp"]);
  assert.equal(spec.mutating, false);
});

test("METHODS: derived from the vocabulary table, in its order, with only auth keys added", () => {
  assert.deepEqual(METHOD_NAMES, Object.keys(WS_METHODS));
  for (const [name, facts] of Object.entries(WS_METHODS)) {
    const spec = METHODS[name]!;
    const auth = facts.security === "signed"
      ? ["apiKey", "recvWindow", "timestamp"]
      : facts.security === "key"
      ? ["apiKey"]
      : [];
    assert.deepEqual([...spec.keys], [...facts.params, ...auth].sort(), name);
    assert.equal(spec.security, facts.security, name);
    assert.equal(spec.mutating, facts.mutating, name);
    assert.equal(spec.countsAsOrder, facts.countsAsOrder, name);
  }
});
