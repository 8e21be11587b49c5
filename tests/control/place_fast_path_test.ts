/**
 * The precompiled LIMIT/MARKET check against zod, the reference: over generated bodies (valid, invalid and
 * odd), whenever the fast path answers, zod accepts the same body with the same output, field order included;
 * and the common shapes are answered by the fast path.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { fastPlaceRequest } from "../../lib/control/place_fast_path.ts";
import { placeSchema } from "../../lib/control/schemas.ts";
import { WS_METHODS } from "../../lib/vocabulary.ts";
import { LIMIT_ORDER } from "./_stack.ts";

const CHOICES: Record<string, unknown[]> = {
  symbol: ["BTCUSDT", "btcusdt", "", "1000PEPEUSDT", "币安人生USDT", 5, null],
  side: ["BUY", "SELL", "buy", 1],
  type: ["LIMIT", "MARKET", "STOP", "STOP_MARKET", "limit", null],
  quantity: [
    "0.002",
    "0",
    "0.000",
    "1",
    "1e3",
    "-1",
    "0.002 ",
    0.002,
    "12345678901234567890123456789012345678901",
    "",
  ],
  price: ["50000", "50000.10", "0", "abc", 50000, ""],
  timeInForce: ["GTC", "IOC", "FOK", "GTX", "GTD", "RPI", "gtc"],
  positionSide: ["BOTH", "LONG", "SHORT", "both"],
  reduceOnly: [true, false, "true", "false", "yes", 1],
  newClientOrderId: ["grid-42", "x".repeat(36), "x".repeat(37), "bad id", ""],
  newOrderRespType: ["ACK", "RESULT", "FULL"],
  selfTradePreventionMode: ["NONE", "EXPIRE_TAKER", "EXPIRE_MAKER", "EXPIRE_BOTH", "X"],
  priceMatch: ["OPPONENT", "NONE"],
  goodTillDate: [1893456000000, "1893456000000"],
  stopPrice: ["45000"],
  foo: [1],
};
const OPTIONAL = Object.keys(CHOICES).filter((k) => !["symbol", "side", "type", "quantity"].includes(k));

/** A small deterministic generator (xorshift), so a failure is reproducible. */
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

function body(next: () => number): Record<string, unknown> {
  const pick = (k: string) => CHOICES[k]![Math.floor(next() * CHOICES[k]!.length)];
  // Mostly the common valid shape, with one or two fields changed or added.
  const out: Record<string, unknown> = next() < 0.5
    ? { symbol: "BTCUSDT", side: "BUY", type: "LIMIT", quantity: "0.002", price: "50000", timeInForce: "GTC" }
    : { symbol: "BTCUSDT", side: "SELL", type: "MARKET", quantity: "0.002" };
  const changes = 1 + Math.floor(next() * 3);
  for (let i = 0; i < changes; i++) {
    const r = next();
    if (r < 0.15) {
      delete out[Object.keys(out)[Math.floor(next() * Object.keys(out).length)]!];
    } else {
      const key = r < 0.5
        ? Object.keys(out)[Math.floor(next() * Object.keys(out).length)]!
        : OPTIONAL[Math.floor(next() * OPTIONAL.length)]!;
      out[key] = pick(key);
    }
  }
  return out;
}

test("every order.place field is generated, so a field the fast path would drop fails the comparison", () => {
  for (const field of WS_METHODS["order.place"].params) assert.ok(field in CHOICES, field);
});

test("whenever the fast path answers, zod gives the same request (20,000 generated bodies)", () => {
  const next = random(0x2545f491);
  let fast = 0;
  for (let i = 0; i < 20_000; i++) {
    const b = body(next);
    const mine = fastPlaceRequest(b);
    if (mine === undefined) continue;
    fast++;
    const ref = placeSchema.safeParse(b);
    assert.ok(ref.success, `fast path accepted what zod refuses: ${JSON.stringify(b)}`);
    assert.deepStrictEqual(mine, ref.data, JSON.stringify(b));
    assert.deepEqual(Object.keys(mine.params), Object.keys(ref.data.params), "same field order");
  }
  assert.ok(fast > 2_000, `the fast path answered ${fast} of 20,000`);
});

test("the common shapes take the fast path; others are left to zod", () => {
  assert.deepStrictEqual(fastPlaceRequest(LIMIT_ORDER), { kind: "order", params: LIMIT_ORDER });
  const market = { symbol: "BTCUSDT", side: "SELL", type: "MARKET", quantity: "1", reduceOnly: "true" };
  assert.deepStrictEqual(fastPlaceRequest(market), {
    kind: "order",
    params: { ...market, reduceOnly: true },
  });
  for (
    const other of [
      { ...LIMIT_ORDER, timeInForce: "GTD", goodTillDate: 1893456000000 },
      { ...LIMIT_ORDER, price: 50000 },
      { ...LIMIT_ORDER, priceMatch: "OPPONENT", price: undefined },
      { symbol: "BTCUSDT", side: "SELL", type: "STOP_MARKET", quantity: "1", stopPrice: "45000" },
      { ...LIMIT_ORDER, ["__proto__"]: 1 },
      JSON.parse('{"symbol":"BTCUSDT","side":"BUY","type":"MARKET","quantity":"1","__proto__":{"x":1}}'),
    ]
  ) {
    assert.equal(fastPlaceRequest(other), undefined, JSON.stringify(other));
  }
});
