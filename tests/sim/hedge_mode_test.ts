/**
 * The simulator in hedge mode (`dualSidePosition`): orders name a side, a close of a side can only reduce it,
 * and the account's positions and user stream show each side's line.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { startSimulator } from "../../lib/sim/mod.ts";
import { HMAC_KEY, HMAC_KEYS, HMAC_SECRET, hmacHex, limitOrder, TestClient } from "./_helpers.ts";
import { RawStream, startKey, streamPath } from "./_stream.ts";

const market = (side: string, positionSide: string | undefined, quantity: string) => ({
  symbol: "BTCUSDT",
  side,
  type: "MARKET",
  quantity,
  ...(positionSide === undefined ? {} : { positionSide }),
  newOrderRespType: "RESULT",
});

test("sim hedge mode: a side per order; each side its own line; a close can only reduce its side", async () => {
  const sim = await startSimulator({ hmacKeys: HMAC_KEYS, dualSidePosition: true });
  const client = await TestClient.open(sim.url);
  const key = await startKey(client);
  const stream = await RawStream.open(sim.port, streamPath(key));
  try {
    // No side (BOTH) does not match the account's setting; reduceOnly is not taken in hedge mode.
    assert.equal((await client.signed("order.place", market("BUY", undefined, "0.002"))).error?.code, -4061);
    const reduce = { ...market("SELL", "LONG", "0.002"), reduceOnly: "true" };
    assert.equal((await client.signed("order.place", reduce)).error?.code, -1106);
    // A close of a flat side is refused.
    assert.equal((await client.signed("order.place", market("SELL", "LONG", "0.002"))).error?.code, -2022);

    const long = await client.signed("order.place", market("BUY", "LONG", "0.003"));
    assert.deepEqual([long.result.status, long.result.positionSide], ["FILLED", "LONG"]);
    const short = await client.signed("order.place", market("SELL", "SHORT", "0.002"));
    assert.deepEqual([short.result.status, short.result.positionSide], ["FILLED", "SHORT"]);
    const lines = async () =>
      ((await client.signed("v2/account.position", { symbol: "BTCUSDT" })).result as Record<string, string>[])
        .map((l) => [l.positionSide, l.positionAmt]);
    assert.deepEqual(await lines(), [["LONG", "0.003"], ["SHORT", "-0.002"]]);

    // A close larger than its side is refused; one that fits reduces that side only.
    assert.equal((await client.signed("order.place", market("SELL", "LONG", "0.004"))).error?.code, -2022);
    const close = await client.signed("order.place", market("SELL", "LONG", "0.001"));
    assert.equal(close.result.status, "FILLED");
    assert.deepEqual(await lines(), [["LONG", "0.002"], ["SHORT", "-0.002"]]);

    // The user stream names the side of each order and of each position line it reports.
    const events = await stream.drain();
    const sides = events.map((e) =>
      e.e === "ORDER_TRADE_UPDATE"
        ? ["order", e.o.S, e.o.ps]
        : ["position", (e.a as { P: { ps: string; pa: string }[] }).P[0]!.ps, e.a.P[0]!.pa]
    ).filter((x) => x[0] === "position" || x[2] !== undefined);
    assert.ok(
      sides.some((x) => x[0] === "position" && x[1] === "LONG" && x[2] === "0.003"),
      JSON.stringify(sides),
    );
    assert.ok(sides.some((x) => x[0] === "position" && x[1] === "SHORT" && x[2] === "-0.002"));
    assert.ok(sides.some((x) => x[0] === "position" && x[1] === "LONG" && x[2] === "0.002"));
    assert.ok(sides.some((x) => x[0] === "order" && x[1] === "SELL" && x[2] === "SHORT"));
  } finally {
    stream.destroy();
    await client.close();
    await sim.close();
  }
});

test("sim hedge mode: an algo order names its side too; a stop closing the LONG side closes that side only", async () => {
  const sim = await startSimulator({ hmacKeys: HMAC_KEYS, dualSidePosition: true });
  const client = await TestClient.open(sim.url);
  try {
    await client.signed("order.place", market("BUY", "LONG", "0.003"));
    await client.signed("order.place", market("SELL", "SHORT", "0.002"));
    const stop = (extra: Record<string, unknown>) =>
      client.signed("algoOrder.place", {
        algoType: "CONDITIONAL",
        symbol: "BTCUSDT",
        side: "SELL",
        type: "STOP_MARKET",
        triggerPrice: "45000",
        closePosition: "true",
        ...extra,
      });
    assert.equal((await stop({})).error?.code, -4061); // no side: one-way, not this account's setting
    const placed = await stop({ positionSide: "LONG" });
    assert.equal(placed.result.positionSide, "LONG");
    sim.setMarkPrice("BTCUSDT", "44900"); // the stop triggers: a MARKET SELL on LONG for the whole side
    const lines = async () =>
      ((await client.signed("v2/account.position", { symbol: "BTCUSDT" })).result as Record<string, string>[])
        .map((l) => [l.positionSide, l.positionAmt]);
    assert.deepEqual(await lines(), [["LONG", "0.000"], ["SHORT", "-0.002"]]);
  } finally {
    await client.close();
    await sim.close();
  }
});

test("sim: POST /fapi/v1/positionSide/dual switches the mode only with no position and no open order", async () => {
  const sim = await startSimulator({ hmacKeys: HMAC_KEYS });
  const client = await TestClient.open(sim.url);
  const rest = async (method: string, query = "") => {
    const signed = `${query}${query === "" ? "" : "&"}timestamp=${Date.now()}`;
    const response = await fetch(
      `${sim.httpUrl}/fapi/v1/positionSide/dual?${signed}&signature=${hmacHex(HMAC_SECRET, signed)}`,
      { method, headers: { "X-MBX-APIKEY": HMAC_KEY } },
    );
    return await response.json() as Record<string, unknown>;
  };
  try {
    assert.deepEqual(await rest("GET"), { dualSidePosition: false });
    assert.equal((await rest("POST", "dualSidePosition=false")).code, -4059); // already one-way
    const resting = await client.signed("order.place", limitOrder());
    assert.equal((await rest("POST", "dualSidePosition=true")).code, -4067); // an open order
    await client.signed("order.cancel", { symbol: "BTCUSDT", orderId: resting.result.orderId });
    await client.signed("order.place", market("BUY", undefined, "0.002"));
    assert.equal((await rest("POST", "dualSidePosition=true")).code, -4068); // a position
    await client.signed("order.place", { ...market("SELL", undefined, "0.002"), reduceOnly: "true" });
    assert.deepEqual(await rest("POST", "dualSidePosition=true"), { code: 200, msg: "success" });
    assert.deepEqual(await rest("GET"), { dualSidePosition: true });
    const long = await client.signed("order.place", market("BUY", "LONG", "0.002"));
    assert.equal(long.result.positionSide, "LONG");
  } finally {
    await client.close();
    await sim.close();
  }
});

test("sim hedge mode: account.position (v1) and both status methods list each symbol's LONG and SHORT lines", async () => {
  const sim = await startSimulator({ hmacKeys: HMAC_KEYS, dualSidePosition: true });
  const client = await TestClient.open(sim.url);
  try {
    await client.signed("order.place", market("BUY", "LONG", "0.003"));
    await client.signed("order.place", market("SELL", "SHORT", "0.002"));
    type Line = { symbol: string; positionSide: string; positionAmt: string };
    const sides = (lines: Line[]) =>
      lines.filter((l) => l.symbol === "BTCUSDT").map((l) => [l.positionSide, l.positionAmt]);
    const expected = [["LONG", "0.003"], ["SHORT", "-0.002"]];
    const v1 = await client.signed("account.position", { symbol: "BTCUSDT" });
    assert.deepEqual(sides(v1.result as Line[]), expected);
    const status = await client.signed("account.status", {});
    assert.deepEqual(sides((status.result as { positions: Line[] }).positions), expected);
    const status2 = await client.signed("v2/account.status", {});
    assert.deepEqual(sides((status2.result as { positions: Line[] }).positions), expected);
    // A symbol with nothing on it still shows both (flat) sides in v1, and no BOTH line anywhere.
    const all = (await client.signed("account.position", {})).result as Line[];
    assert.deepEqual(
      all.filter((l) => l.symbol === "ETHUSDT").map((l) => [l.positionSide, l.positionAmt]),
      [["LONG", "0.000"], ["SHORT", "0.000"]],
    );
    assert.ok(!all.some((l) => l.positionSide === "BOTH"));
  } finally {
    await client.close();
    await sim.close();
  }
});
