// Type-level guarantees of lib/types.ts, checked by `deno check`/`deno test` (which type-check this file) and,
// at runtime, by both test runners: the param shapes are `Params` without a cast, and every field they declare
// is a parameter the wire table sends (a field missing there would be dropped silently by the encoder).
import { test } from "node:test";
import assert from "node:assert/strict";
import type {
  AlgoOrderRef,
  ModifyOrderParams,
  OrderRef,
  Params,
  PlaceAlgoOrderParams,
  PlaceOrderParams,
} from "../lib/types.ts";
import { WS_METHODS, type WsMethodName } from "../lib/vocabulary.ts";

// Every field set (Required<…>), so a field added to a shape must be added here and is then checked below.
const place: Required<PlaceOrderParams> = {
  symbol: "BTCUSDT",
  side: "BUY",
  type: "LIMIT",
  quantity: "0.002",
  price: "50000",
  timeInForce: "GTD",
  positionSide: "BOTH",
  reduceOnly: false,
  newClientOrderId: "grid-1",
  newOrderRespType: "ACK",
  priceMatch: "QUEUE",
  selfTradePreventionMode: "NONE",
  goodTillDate: 1_900_000_000_000,
};
const ref: Required<OrderRef> = { symbol: "BTCUSDT", orderId: 42, origClientOrderId: "grid-1" };
const modify: Required<ModifyOrderParams> = {
  ...ref,
  side: "SELL",
  quantity: "1",
  price: "2",
  priceMatch: "QUEUE",
};
const algo: Required<PlaceAlgoOrderParams> = {
  symbol: "BTCUSDT",
  side: "SELL",
  type: "TRAILING_STOP_MARKET",
  quantity: "0.002",
  price: "1",
  triggerPrice: "45000",
  timeInForce: "GTC",
  positionSide: "BOTH",
  workingType: "MARK_PRICE",
  priceMatch: "OPPONENT",
  closePosition: false,
  priceProtect: true,
  reduceOnly: false,
  activatePrice: "46000",
  callbackRate: "1",
  clientAlgoId: "stop-1",
  newOrderRespType: "RESULT",
  selfTradePreventionMode: "EXPIRE_MAKER",
  goodTillDate: 1_900_000_000_000,
};
const algoRef: Required<AlgoOrderRef> = { algoId: 7, clientAlgoId: "stop-1" };

/** `true` when every field of `T` is a parameter of method `M`; otherwise `false`, and `= true` fails to compile. */
type FieldsAreParams<T, M extends WsMethodName> =
  Exclude<keyof T, typeof WS_METHODS[M]["params"][number]> extends never ? true : false;

const _placeFields: FieldsAreParams<PlaceOrderParams, "order.place"> = true;
const _modifyFields: FieldsAreParams<ModifyOrderParams, "order.modify"> = true;
const _cancelFields: FieldsAreParams<OrderRef, "order.cancel"> = true;
const _statusFields: FieldsAreParams<OrderRef, "order.status"> = true;
const _algoFields: FieldsAreParams<PlaceAlgoOrderParams, "algoOrder.place"> = true;
const _algoCancelFields: FieldsAreParams<AlgoOrderRef, "algoOrder.cancel"> = true;

test("types: the param shapes are Params without a cast", () => {
  // These assignments are the test: each fails to compile if a shape stops being assignable to Params.
  const asParams: Params[] = [place, ref, modify, algo, algoRef];
  const partial: PlaceOrderParams = { symbol: "BTCUSDT", side: "BUY", type: "MARKET", quantity: "1" };
  const fromPartial: Params = partial;
  assert.equal(asParams.length, 5);
  assert.equal(fromPartial["type"], "MARKET");
});

test("types: every field of a param shape is a parameter its method sends", () => {
  const cases: [WsMethodName, object][] = [
    ["order.place", place],
    ["order.modify", modify],
    ["order.cancel", ref],
    ["order.status", ref],
    ["algoOrder.place", algo],
    ["algoOrder.cancel", algoRef],
  ];
  for (const [method, sample] of cases) {
    const params: readonly string[] = WS_METHODS[method].params;
    assert.deepEqual(Object.keys(sample).filter((k) => !params.includes(k)), [], method);
  }
});
