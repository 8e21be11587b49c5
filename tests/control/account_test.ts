import { test } from "node:test";
import assert from "node:assert/strict";
import { LIMIT_ORDER, startStack } from "./_stack.ts";

test("GET /account/balance returns the exchange's balance array", async () => {
  const s = await startStack();
  try {
    const r = await s.call("GET", "/account/balance");
    assert.equal(r.status, 200);
    assert.ok(Array.isArray(r.body));
    assert.ok(r.body.length > 0, "the simulated account holds balances");
    assert.ok(r.body.some((b: { asset: string }) => b.asset === "USDT"));
  } finally {
    await s.close();
  }
});

test("GET /account/positions returns positions, optionally for one symbol", async () => {
  const s = await startStack();
  try {
    // An open order on each symbol gives both an entry (v2 lists symbols with exposure only).
    assert.equal((await s.call("POST", "/orders", { json: LIMIT_ORDER })).status, 200);
    const eth = { ...LIMIT_ORDER, symbol: "ETHUSDT", quantity: "0.010", price: "2900" };
    assert.equal((await s.call("POST", "/orders", { json: eth })).status, 200);
    const all = await s.call("GET", "/account/positions");
    assert.equal(all.status, 200);
    assert.ok(Array.isArray(all.body));
    const symbols = new Set(all.body.map((p: { symbol: string }) => p.symbol));
    assert.deepEqual([...symbols].sort(), ["BTCUSDT", "ETHUSDT"]);
    const one = await s.call("GET", "/account/positions?symbol=BTCUSDT");
    assert.equal(one.status, 200);
    assert.ok(Array.isArray(one.body));
    assert.ok(one.body.length > 0, "BTCUSDT has a position entry");
    assert.ok(one.body.every((p: { symbol: string }) => p.symbol === "BTCUSDT"));
  } finally {
    await s.close();
  }
});

test("GET /account returns the account status object", async () => {
  const s = await startStack();
  try {
    const r = await s.call("GET", "/account");
    assert.equal(r.status, 200);
    assert.equal(typeof r.body.totalWalletBalance, "string");
    assert.ok(Array.isArray(r.body.assets));
  } finally {
    await s.close();
  }
});
