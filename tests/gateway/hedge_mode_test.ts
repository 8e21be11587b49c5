/**
 * A gateway on a hedge-mode account (the simulator with `dualSidePosition`), over real sockets: the position
 * limits see each side's line from the user stream, a close of a side passes where only reducing is allowed,
 * and flatten closes both sides.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { RiskLimitError } from "../../lib/errors.ts";
import type { PlaceOrderParams } from "../../lib/types.ts";
import { openGateway, tempDir } from "./_gateway.ts";
import { simulator, waitFor } from "../router/_harness.ts";

const market = (
  side: "BUY" | "SELL",
  positionSide: "LONG" | "SHORT",
  quantity: string,
): PlaceOrderParams => ({
  symbol: "BTCUSDT",
  side,
  type: "MARKET",
  quantity,
  positionSide,
  newOrderRespType: "RESULT",
});

test("Gateway, hedge mode: each side meets the position limit on its own line; flatten closes both", async () => {
  const sim = await simulator({ dualSidePosition: true });
  const gateway = await openGateway(sim, tempDir("lr-hedge-"), {
    restUrl: sim.httpUrl,
    streamUrl: sim.streamUrl,
    risk: { symbols: { "*": { maxPositionQty: 0.004 } } },
  });
  try {
    await waitFor(() => gateway.userStream?.state === "up", "the user stream");
    const router = gateway.router;
    const state = router.preTrade!.check.state("BTCUSDT")!;
    assert.equal((await router.placeOrder(market("BUY", "LONG", "0.003"))).status, "FILLED");
    await waitFor(() => state.longPosition === 3, "the LONG line from the stream");
    // LONG: 0.003 + 0.002 > 0.004, refused before it is sent; the SHORT side is its own: 0.003 fits.
    const placed = sim.stats().ordersPlaced;
    await assert.rejects(
      router.placeOrder(market("BUY", "LONG", "0.002")),
      (e: unknown) => e instanceof RiskLimitError && e.limit === "maxPositionQty" && e.value === 0.005,
    );
    assert.equal(sim.stats().ordersPlaced, placed, "the refused order never reached the simulator");
    assert.equal((await router.placeOrder(market("SELL", "SHORT", "0.003"))).status, "FILLED");
    await waitFor(() => state.shortPosition === -3, "the SHORT line from the stream");
    // In reduce-only mode a close of a side goes out (below MIN_NOTIONAL too: it can only reduce); an order
    // adding to a side does not.
    gateway.router.preTrade!.setLimits({ reduceOnlyMode: true });
    await assert.rejects(
      router.placeOrder(market("SELL", "SHORT", "0.002")),
      (e: unknown) => e instanceof RiskLimitError && e.limit === "reduceOnlyMode",
    );
    assert.equal((await router.placeOrder(market("BUY", "SHORT", "0.001"))).status, "FILLED");
    // Flatten closes each side with its own positionSide.
    const report = await router.flatten("BTCUSDT");
    assert.deepEqual([report.position, report.remaining, report.failed], [
      "0.003 LONG, -0.002 SHORT",
      "0",
      [],
    ]);
    assert.deepEqual(report.closed.map((c) => [c.side, c.quantity, c.status]).sort(), [
      ["BUY", "0.002", "FILLED"],
      ["SELL", "0.003", "FILLED"],
    ]);
  } finally {
    await gateway.close();
    await sim.close();
  }
});

test("Gateway, hedge mode: each fill names its position line, from the stream and across a restart", async () => {
  const sim = await simulator({ dualSidePosition: true });
  const dataDir = tempDir("lr-hedge-");
  const options = { restUrl: sim.httpUrl, streamUrl: sim.streamUrl };
  let gateway = await openGateway(sim, dataDir, options);
  try {
    await waitFor(() => gateway.userStream?.state === "up", "the user stream");
    await gateway.router.placeOrder(market("SELL", "SHORT", "0.003")); // opens SHORT
    await gateway.router.placeOrder(market("BUY", "SHORT", "0.001")); // a BUY that closes SHORT
    await gateway.router.placeOrder(market("BUY", "LONG", "0.002")); // a BUY that opens LONG
    await waitFor(() => gateway.account.fills.total === 3, "three fills");
    const sides = (g: typeof gateway) =>
      g.account.fills.list().reverse().map((f) => [f.side, f.positionSide]);
    const expected = [["SELL", "SHORT"], ["BUY", "SHORT"], ["BUY", "LONG"]];
    assert.deepEqual(sides(gateway), expected);
    await gateway.close();
    gateway = await openGateway(sim, dataDir, options);
    assert.deepEqual(sides(gateway), expected, "journaled with them");
  } finally {
    await gateway.close();
    await sim.close();
  }
});
