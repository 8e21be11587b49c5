import { test } from "node:test";
import assert from "node:assert/strict";
import { numberToDecimal } from "../../lib/control/fields.ts";
import { cancelSchema, modifySchema, placeSchema } from "../../lib/control/schemas.ts";
import { validate } from "../../lib/control/validation.ts";
import { ControlError } from "../../lib/control/errors.ts";

test("numberToDecimal: exact decimal text without exponent", () => {
  assert.equal(numberToDecimal(0.1), "0.1");
  assert.equal(numberToDecimal(50000), "50000");
  assert.equal(numberToDecimal(1e-7), "0.0000001");
  assert.equal(numberToDecimal(1.25e-7), "0.000000125");
  assert.equal(numberToDecimal(1e21), "1000000000000000000000");
  assert.equal(numberToDecimal(1.5e21), "1500000000000000000000");
  assert.equal(numberToDecimal(-1), undefined);
  assert.equal(numberToDecimal(Number.NaN), undefined);
});

test("placeSchema: LIMIT stays an order.place with Binance's names and exact optional fields", () => {
  const r = validate(placeSchema, {
    symbol: "BTCUSDT",
    side: "BUY",
    type: "LIMIT",
    quantity: 0.5,
    price: "100.10",
    timeInForce: "GTX",
    reduceOnly: "true",
  });
  assert.deepEqual(r, {
    kind: "order",
    params: {
      symbol: "BTCUSDT",
      side: "BUY",
      type: "LIMIT",
      quantity: "0.5",
      price: "100.10",
      timeInForce: "GTX",
      reduceOnly: true,
    },
  });
});

test("placeSchema: conditional types go to algoOrder.place with triggerPrice/clientAlgoId/activatePrice", () => {
  const stop = validate(placeSchema, {
    symbol: "ETHUSDT",
    side: "SELL",
    type: "TAKE_PROFIT",
    quantity: "1",
    price: "3100",
    stopPrice: "3000",
    newClientOrderId: "tp-1",
    workingType: "MARK_PRICE",
  });
  assert.deepEqual(stop, {
    kind: "algo",
    params: {
      symbol: "ETHUSDT",
      side: "SELL",
      type: "TAKE_PROFIT",
      quantity: "1",
      price: "3100",
      triggerPrice: "3000",
      clientAlgoId: "tp-1",
      workingType: "MARK_PRICE",
    },
  });
  const trailing = validate(placeSchema, {
    symbol: "BTCUSDT",
    side: "SELL",
    type: "TRAILING_STOP_MARKET",
    quantity: "0.01",
    activationPrice: "52000",
    callbackRate: "1",
  });
  assert.equal(trailing.kind, "algo");
  assert.equal(trailing.kind === "algo" ? trailing.params.activatePrice : "", "52000");
  const close = validate(placeSchema, {
    symbol: "BTCUSDT",
    side: "SELL",
    type: "STOP_MARKET",
    triggerPrice: "1",
    closePosition: true,
  });
  assert.equal(close.kind, "algo");
});

test("schemas: conflicting fields are refused by name", () => {
  const message = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      assert.ok(e instanceof ControlError);
      assert.equal(e.status, 400);
      return e.message;
    }
    assert.fail("expected a validation error");
  };
  const base = { symbol: "BTCUSDT", side: "SELL", type: "STOP_MARKET", quantity: "1" };
  assert.match(
    message(() => validate(placeSchema, { ...base, stopPrice: "1", triggerPrice: "1" })),
    /^stopPrice: give stopPrice or triggerPrice/,
  );
  assert.match(
    message(() => validate(placeSchema, { ...base, stopPrice: "1", closePosition: "true" })),
    /^quantity: not allowed with closePosition/,
  );
  assert.match(
    message(() => validate(placeSchema, { ...base, stopPrice: "1", timeInForce: "RPI" })),
    /^timeInForce: conditional orders take GTC, IOC, FOK, GTX$/,
  );
  // GTX (post-only) is among the time in force Binance's algo order pages list for conditional orders.
  assert.equal(validate(placeSchema, { ...base, stopPrice: "1", timeInForce: "GTX" }).kind, "algo");
  assert.match(
    message(() =>
      validate(modifySchema, {
        symbol: "BTCUSDT",
        orderId: 1,
        side: "BUY",
        quantity: "1",
        price: "1",
        priceMatch: "QUEUE",
      })
    ),
    /^priceMatch: not allowed/,
  );
  assert.match(
    message(() => validate(cancelSchema, { symbol: "BTCUSDT", orderId: "0" })),
    /^orderId: expected a positive integer/,
  );
});
