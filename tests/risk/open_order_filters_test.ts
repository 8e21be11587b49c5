/**
 * MAX_NUM_ORDERS and MAX_NUM_ALGO_ORDERS over a real gateway (its user stream feeds the open-order counts)
 * and simulator, which enforces both as its exchangeInfo lists them (200 and 10 per symbol and account):
 * just inside the simulator accepts; just outside is refused locally with the exchange's code and nothing is
 * sent. An order that cannot rest (IOC) never adds an open order and passes at the limit.
 */
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { Gateway } from "../../lib/gateway/gateway.ts";
import type { PlaceAlgoOrderParams, PlaceOrderParams } from "../../lib/types.ts";
import { connect, HMAC_KEY, HMAC_SECRET, simulator, waitFor } from "../router/_harness.ts";
import { accepted, outcome, refusedFilter } from "./_risk.ts";
import { LIMIT_ORDER } from "../control/_stack.ts";

const resting: PlaceOrderParams = LIMIT_ORDER;
const stop: PlaceAlgoOrderParams = {
  symbol: "BTCUSDT",
  side: "SELL",
  type: "STOP_MARKET",
  quantity: "0.002",
  triggerPrice: "45000",
};

test("open-order filters: MAX_NUM_ALGO_ORDERS and MAX_NUM_ORDERS just inside accepted, just outside refused locally", async () => {
  const sim = await simulator();
  const gateway = await Gateway.open({
    url: sim.url,
    streamUrl: sim.streamUrl,
    apiKey: HMAC_KEY,
    secretKey: HMAC_SECRET,
    dataDir: mkdtempSync(join(tmpdir(), "lr-open-filters-")),
    requestTimeoutMs: 5000,
    backoffBaseMs: 20,
    backoffMaxMs: 200,
  });
  try {
    await waitFor(() => gateway.userStream?.state === "up", "the user stream");
    const router = gateway.router;
    const state = router.preTrade!.check.state("BTCUSDT")!;
    assert.equal(state.filters.maxNumAlgoOrders, 10);
    assert.equal(state.filters.maxNumOrders, 200);

    // MAX_NUM_ALGO_ORDERS 10: the 10th algo order is accepted by the simulator, the 11th refused locally.
    const algoIds: number[] = [];
    for (let i = 0; i < 9; i++) algoIds.push((await router.placeAlgoOrder(stop)).algoId);
    await waitFor(() => state.openAlgoOrders === 9, "9 open algo orders counted");
    await accepted(sim, () => router.placeAlgoOrder(stop));
    await waitFor(() => state.openAlgoOrders === 10, "10 open algo orders counted");
    const algoError = await refusedFilter(sim, -4045, () => router.placeAlgoOrder(stop));
    assert.equal(algoError.filter, "MAX_NUM_ALGO_ORDERS");

    // MAX_NUM_ORDERS 200 counts regular and algo orders together: 10 algo + 190 resting = 200.
    for (let i = 0; i < 189; i++) assert.equal((await router.placeOrder(resting)).status, "NEW");
    await waitFor(() => state.openOrders === 189, "189 open orders counted");
    await accepted(sim, () => router.placeOrder(resting)); // the 200th
    await waitFor(() => state.openOrders === 190, "190 open orders counted");
    const error = await refusedFilter(sim, -2025, () => router.placeOrder(resting));
    assert.equal(error.filter, "MAX_NUM_ORDERS");
    assert.equal(error.msg, "Reach max open order limit.");
    // An IOC below the book cannot rest: neither the check nor the simulator counts it (it expires).
    await accepted(sim, () => router.placeOrder({ ...resting, timeInForce: "IOC" }));

    // One algo order fewer (199 open): an algo order is inside MAX_NUM_ALGO_ORDERS again but one regular order
    // more fills MAX_NUM_ORDERS, so the next algo order is refused locally with -2025.
    await router.cancelAlgoOrder({ algoId: algoIds[0]! });
    await waitFor(() => state.openAlgoOrders === 9, "9 open algo orders after the cancel");
    await accepted(sim, () => router.placeOrder(resting));
    await waitFor(() => state.openOrders === 191, "191 open orders counted");
    const mixed = await refusedFilter(sim, -2025, () => router.placeAlgoOrder(stop));
    assert.equal(mixed.filter, "MAX_NUM_ORDERS");
  } finally {
    await gateway.close();
    await sim.close();
  }
});

test("open-order filters: the simulator itself refuses one more (-4045, -2025) when nothing checks locally", async () => {
  const sim = await simulator();
  const router = await connect(sim, "hmac", { preTrade: false });
  try {
    for (let i = 0; i < 10; i++) await accepted(sim, () => router.placeAlgoOrder(stop));
    let r = await outcome(sim, () => router.placeAlgoOrder(stop));
    assert.deepEqual(r, { local: false, code: -4045 });
    for (let i = 0; i < 190; i++) await accepted(sim, () => router.placeOrder(resting));
    r = await outcome(sim, () => router.placeOrder(resting));
    assert.deepEqual(r, { local: false, code: -2025 });
    // What cannot rest is not counted; another account has its own count.
    await accepted(sim, () => router.placeOrder({ ...resting, timeInForce: "IOC" }));
    const other = await connect(sim, "ed25519", { preTrade: false });
    try {
      await accepted(sim, () => other.placeOrder(resting));
    } finally {
      await other.close();
    }
    // A cancel frees a slot.
    const open = sim.orders().find((o) => o.status === "NEW" && o.apiKey === HMAC_KEY);
    assert.ok(open !== undefined);
    await router.cancelOrder({ symbol: "BTCUSDT", orderId: open.orderId });
    await accepted(sim, () => router.placeOrder(resting));
  } finally {
    await router.close();
    await sim.close();
  }
});
