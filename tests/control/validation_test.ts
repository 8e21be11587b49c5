import { test } from "node:test";
import assert from "node:assert/strict";
import { LIMIT_ORDER, type Stack, startStack } from "./_stack.ts";

/** Runs `fn`, then checks that the simulator saw no request and holds no order because of it. */
async function nothingSent(s: Stack, fn: () => Promise<void>): Promise<void> {
  const before = s.sim.stats().requests;
  await fn();
  assert.equal(s.sim.stats().requests, before, "a request reached the exchange");
  assert.equal(s.sim.orders().length, 0);
  assert.equal(s.sim.algoOrders().length, 0);
}

test("POST /orders validation: each bad field is named, code -1, nothing reaches the exchange", async () => {
  const s = await startStack();
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ ...LIMIT_ORDER, symbol: undefined }, /^symbol: required$/],
    [{ ...LIMIT_ORDER, side: "buy" }, /^side: expected one of BUY, SELL$/],
    [{ ...LIMIT_ORDER, type: "ICEBERG" }, /^type: expected one of LIMIT, MARKET, STOP/],
    [{ ...LIMIT_ORDER, quantity: "1e5" }, /^quantity: expected a positive decimal string/],
    [{ ...LIMIT_ORDER, quantity: -1 }, /^quantity: expected a positive decimal string/],
    [{ ...LIMIT_ORDER, price: "50,000" }, /^price: expected a positive decimal string/],
    [{ ...LIMIT_ORDER, price: "0.000" }, /^price: expected a positive decimal string/],
    [{ ...LIMIT_ORDER, price: 90071992547409900 }, /^price: expected a positive decimal string/],
    [{ ...LIMIT_ORDER, symbol: "btcusdt" }, /^symbol: expected a symbol like BTCUSDT/],
    [{ ...LIMIT_ORDER, timeInForce: "DAY" }, /^timeInForce: expected one of GTC/],
    [{ ...LIMIT_ORDER, reduceOnly: "yes" }, /^reduceOnly: expected true or false$/],
    [{ ...LIMIT_ORDER, newClientOrderId: "has space" }, /^newClientOrderId: expected 1-36 characters/],
    [{ ...LIMIT_ORDER, newClientOrderId: "x".repeat(37) }, /^newClientOrderId: /],
    [{ ...LIMIT_ORDER, leverage: 10, foo: 1 }, /^unknown fields: leverage, foo$/],
    [{ ...LIMIT_ORDER, price: undefined }, /^price: required for LIMIT \(or priceMatch\)$/],
    [{ ...LIMIT_ORDER, timeInForce: undefined }, /^timeInForce: required for LIMIT$/],
    [{ ...LIMIT_ORDER, stopPrice: "45000" }, /^stopPrice: only for conditional types/],
    [{ ...LIMIT_ORDER, priceMatch: "QUEUE" }, /^priceMatch: not allowed together with price$/],
    [{ ...LIMIT_ORDER, timeInForce: "GTD" }, /^goodTillDate: required with timeInForce GTD$/],
    [
      { symbol: "BTCUSDT", side: "SELL", type: "STOP_MARKET", quantity: "0.01" },
      /^stopPrice: required for STOP_MARKET/,
    ],
    [
      { symbol: "BTCUSDT", side: "SELL", type: "STOP", quantity: "0.01", stopPrice: "1" },
      /^price: required for STOP/,
    ],
    [
      { symbol: "BTCUSDT", side: "SELL", type: "TRAILING_STOP_MARKET", quantity: "0.01" },
      /^callbackRate: required for TRAILING_STOP_MARKET$/,
    ],
    [
      { symbol: "BTCUSDT", side: "SELL", type: "MARKET", quantity: "1", price: "1" },
      /^price: not allowed for MARKET$/,
    ],
  ];
  try {
    await nothingSent(s, async () => {
      for (const [body, msg] of cases) {
        const r = await s.call("POST", "/orders", { json: body });
        assert.equal(r.status, 400, JSON.stringify(body));
        assert.equal(r.body.code, -1);
        assert.match(r.body.msg, msg);
      }
    });
  } finally {
    await s.close();
  }
});

test("GET/DELETE/PATCH /orders validation names the field; nothing reaches the exchange", async () => {
  const s = await startStack();
  try {
    await nothingSent(s, async () => {
      const cases: [string, string, unknown, RegExp][] = [
        ["GET", "/orders?symbol=BTCUSDT&state=closed", undefined, /^state: /],
        ["GET", "/orders?state=open&verbose=1", undefined, /^unknown field: verbose$/],
        ["GET", "/orders?orderId=1", undefined, /^symbol: required$/],
        ["GET", "/orders?symbol=BTCUSDT&orderId=abc", undefined, /^orderId: expected a positive integer$/],
        ["GET", "/orders?symbol=BTCUSDT&orderId=1&orderId=2", undefined, /^orderId: given more than once$/],
        ["GET", "/orders?symbol=BTCUSDT&orderId=1&verbose=1", undefined, /^unknown field: verbose$/],
        ["DELETE", "/orders?orderId=1", undefined, /^symbol: required$/],
        ["DELETE", "/orders?algoId=1&orderId=2", undefined, /^algoId: cancel an order/],
        [
          "PATCH",
          "/orders",
          { symbol: "BTCUSDT", orderId: 1, side: "BUY", quantity: "1" },
          /^price: required/,
        ],
        [
          "PATCH",
          "/orders",
          { symbol: "BTCUSDT", side: "BUY", quantity: "1", price: "1" },
          /^orderId: orderId or/,
        ],
        ["GET", "/account/positions?symbol=btc-usdt", undefined, /^symbol: expected a symbol/],
        ["GET", "/account/balance?x=1", undefined, /^unknown field: x$/],
      ];
      for (const [method, path, json, msg] of cases) {
        const r = await s.call(method, path, json === undefined ? {} : { json });
        assert.equal(r.status, 400, `${method} ${path}`);
        assert.equal(r.body.code, -1);
        assert.match(r.body.msg, msg);
      }
    });
  } finally {
    await s.close();
  }
});

test("body too large → 413; not JSON → 415; broken JSON → 400; nothing reaches the exchange", async () => {
  const s = await startStack();
  try {
    await nothingSent(s, async () => {
      const big = await s.call("POST", "/orders", { json: { ...LIMIT_ORDER, pad: "x".repeat(20_000) } });
      assert.equal(big.status, 413);
      assert.equal(big.body.code, -4);
      const form = await s.call("POST", "/orders", {
        body: "symbol=BTCUSDT&side=BUY",
        headers: { "content-type": "application/x-www-form-urlencoded" },
      });
      assert.equal(form.status, 415);
      assert.equal(form.body.code, -2);
      const noType = await s.call("POST", "/orders", {
        body: JSON.stringify(LIMIT_ORDER),
        headers: { "content-type": "text/plain" },
      });
      assert.equal(noType.status, 415);
      const broken = await s.call("POST", "/orders", {
        body: '{"symbol": "BTCUSDT",',
        headers: { "content-type": "application/json" },
      });
      assert.equal(broken.status, 400);
      assert.equal(broken.body.code, -3);
      const array = await s.call("POST", "/orders", { json: [LIMIT_ORDER] });
      assert.equal(array.status, 400);
      assert.equal(array.body.code, -3);
      const empty = await s.call("POST", "/orders", { headers: { "content-type": "application/json" } });
      assert.equal(empty.status, 400);
      const proto = await s.call("POST", "/orders", {
        body: `{"__proto__": {"x": 1}, "symbol": "BTCUSDT"}`,
        headers: { "content-type": "application/json" },
      });
      assert.equal(proto.status, 400);
      assert.match(proto.body.msg, /^__proto__: not an accepted key$/);
    });
    const health = await s.call("GET", "/health");
    assert.equal(health.status, 200, "the process is still serving");
  } finally {
    await s.close();
  }
});

test("a chunked body over the limit is cut off with 413", async () => {
  const s = await startStack();
  try {
    await nothingSent(s, async () => {
      const chunk = new TextEncoder().encode(" ".repeat(4096));
      let sent = 0;
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent++ < 8) controller.enqueue(chunk);
          else controller.close();
        },
      });
      const response = await fetch(s.url + "/orders", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: stream,
        duplex: "half",
      } as RequestInit);
      assert.equal(response.status, 413);
      assert.equal((await response.json()).code, -4);
    });
  } finally {
    await s.close();
  }
});

test("unknown route → 404 (code -7); wrong method → 405 (code -8) with Allow", async () => {
  const s = await startStack();
  try {
    const missing = await s.call("GET", "/nope");
    assert.equal(missing.status, 404);
    assert.equal(missing.body.code, -7);
    const wrong = await s.call("PUT", "/orders", { json: LIMIT_ORDER });
    assert.equal(wrong.status, 405);
    assert.equal(wrong.body.code, -8);
    assert.equal(wrong.headers.get("allow"), "GET, POST, PATCH, DELETE");
    const halt = await s.call("GET", "/halt");
    assert.equal(halt.status, 405);
  } finally {
    await s.close();
  }
});
