/**
 * Adoption from the exchange's open-order listing (lib/account/adoption.ts), precedence against what the
 * tracker holds: an order finished by the exchange's word stays finished; one only taken as gone (NOT_FOUND,
 * a cancel's -2011) is live again when the listing shows it resting.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { OrderAdopter, ownClientOrderIds } from "../../lib/account/adoption.ts";
import { OrderTracker } from "../../lib/orders/order_tracker.ts";

const noClient = {
  openOrders: () => Promise.resolve([]),
  openAlgoOrders: () => Promise.resolve([]),
};

/** The listing's line for a resting BUY of 0.002 at 50000. */
const listed = (clientOrderId: string, orderId: number) => ({
  clientOrderId,
  orderId,
  symbol: "BTCUSDT",
  side: "BUY",
  type: "LIMIT",
  timeInForce: "GTC",
  origQty: "0.002",
  price: "50000",
  executedQty: "0",
  avgPrice: "0",
  status: "NEW",
  updateTime: 100,
});

function tracking(...ids: string[]): OrderTracker {
  const tracker = new OrderTracker();
  ids.forEach((cid, i) => {
    tracker.intent(
      cid,
      "order.place",
      { symbol: "BTCUSDT", side: "BUY", type: "LIMIT", quantity: "0.002" },
      "",
    );
    tracker.ack(cid, { clientOrderId: cid, orderId: i + 1, status: "NEW", updateTime: 100 }, "order.place");
  });
  return tracker;
}

test("adoption: an order taken as gone on a cancel's -2011 is open again when the listing shows it", () => {
  const tracker = tracking("lr-a");
  tracker.rejected("lr-a", -2011, "Unknown order sent.", "order.cancel");
  assert.equal(tracker.get("lr-a")?.status, "NOT_FOUND");
  const adopter = new OrderAdopter({ tracker, client: noClient, own: ownClientOrderIds("lr") });
  adopter.apply("gap", [listed("lr-a", 1)], []);
  assert.deepEqual([tracker.get("lr-a")?.state, tracker.get("lr-a")?.status], ["open", "NEW"]);
  assert.deepEqual(tracker.openOrders().map((o) => o.clientOrderId), ["lr-a"]);
});

test("adoption: an order the exchange reported finished stays finished, whatever an older listing shows", () => {
  const tracker = tracking("lr-b");
  tracker.ack(
    "lr-b",
    { clientOrderId: "lr-b", orderId: 1, status: "CANCELED", updateTime: 200 },
    "order.cancel",
  );
  const adopter = new OrderAdopter({ tracker, client: noClient, own: ownClientOrderIds("lr") });
  adopter.apply("gap", [listed("lr-b", 1)], []);
  assert.deepEqual([tracker.get("lr-b")?.state, tracker.get("lr-b")?.status], ["finished", "CANCELED"]);
  assert.deepEqual(tracker.openOrders(), []);
});

test("adoption: a regular order listed under the client id of an algo order held here is that order triggered, not an external one", () => {
  for (const refused of [false, true]) {
    const tracker = new OrderTracker();
    const stop = { symbol: "BTCUSDT", side: "BUY", type: "STOP", quantity: "0.002", price: "50000" };
    tracker.intent("lr-s", "algoOrder.place", stop, "clientAlgoId");
    tracker.ack(
      "lr-s",
      { clientAlgoId: "lr-s", algoId: 2000, algoStatus: "NEW", updateTime: 100 },
      "algoOrder.place",
    );
    // The trigger's events were lost; with `refused`, an algoOrder.cancel was refused (-2011) meanwhile.
    if (refused) tracker.rejected("lr-s", -2011, "Unknown order sent.", "algoOrder.cancel");
    const adopter = new OrderAdopter({ tracker, client: noClient, own: ownClientOrderIds("lr") });
    const report = adopter.apply("audit", [{ ...listed("lr-s", 8000), updateTime: 150 }], [], false);
    assert.deepEqual(report.external, [], `refused: ${refused}`);
    const o = tracker.get("lr-s")!;
    assert.deepEqual([o.state, o.status, o.algo, o.external, o.orderId, o.actualOrderId], [
      "open",
      "TRIGGERED",
      true,
      false,
      2000,
      8000,
    ], `refused: ${refused}`);
    assert.deepEqual(tracker.openOrders().map((r) => [r.clientOrderId, r.actualOrderId]), [["lr-s", 8000]]);
  }
});
