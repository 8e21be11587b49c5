/**
 * Flattening (lib/router/_flatten.ts): closing orders are sized from the exchange's position, split at the
 * MARKET_LOT_SIZE maximum, reduce-only in one-way mode and with the line's positionSide in hedge mode; what is
 * left is asked.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { type Flattener, flattenSymbol } from "../../lib/router/_flatten.ts";
import type { OrderResult, PlaceOrderParams } from "../../lib/types.ts";

/** A flattener whose position answers come from `answers` in turn; closing orders fill unless `fail`. */
function standIn(
  answers: Record<string, unknown>[][],
  lot?: { qtyScale: number; maxQty: number },
  fail?: string,
) {
  const sent: PlaceOrderParams[] = [];
  let n = 0;
  const f: Flattener = {
    accountPositions: () => Promise.resolve(answers[Math.min(n++, answers.length - 1)]!),
    placeClosing: (p) => {
      sent.push(p);
      if (fail !== undefined) return Promise.reject(new Error(fail));
      const result = { clientOrderId: `lr-${sent.length}`, status: "FILLED", executedQty: p.quantity };
      return Promise.resolve(result as unknown as OrderResult);
    },
    marketLot: () => lot,
  };
  return { f, sent };
}

const line = (positionAmt: string, positionSide = "BOTH") => ({
  symbol: "BTCUSDT",
  positionSide,
  positionAmt,
});

test("flatten: a short position is bought back reduce-only, in pieces no larger than the MARKET lot", async () => {
  const { f, sent } = standIn([[line("-250.5")], [line("0.000")]], { qtyScale: 3, maxQty: 120_000 });
  const report = await flattenSymbol(f, "BTCUSDT");
  assert.deepEqual(sent.map((p) => [p.side, p.type, p.quantity, p.reduceOnly, p.newOrderRespType]), [
    ["BUY", "MARKET", "120.000", true, "RESULT"],
    ["BUY", "MARKET", "120.000", true, "RESULT"],
    ["BUY", "MARKET", "10.500", true, "RESULT"],
  ]);
  assert.deepEqual([report.position, report.closed.length, report.failed, report.remaining], [
    "-250.5",
    3,
    [],
    "0",
  ]);
});

test("flatten: without filters one order; a failed order and what is left are reported", async () => {
  const { f, sent } = standIn([[line("0.004")], [line("0.004")]], undefined, "not sent (disconnected)");
  const report = await flattenSymbol(f, "BTCUSDT");
  assert.deepEqual(sent.map((p) => [p.side, p.quantity]), [["SELL", "0.004"]]);
  assert.deepEqual(report.failed, [{ side: "SELL", quantity: "0.004", error: "not sent (disconnected)" }]);
  assert.equal(report.remaining, "0.004");
});

test("flatten: hedge-mode sides close with their positionSide, never reduceOnly; other symbols are left", async () => {
  const hedged = [line("0.002", "LONG"), line("-0.005", "SHORT"), { ...line("1"), symbol: "ETHUSDT" }];
  const { f, sent } = standIn([hedged, [line("0.000", "LONG"), line("-0.001", "SHORT")]]);
  const report = await flattenSymbol(f, "BTCUSDT");
  assert.deepEqual(sent.map((p) => [p.side, p.quantity, p.positionSide, p.reduceOnly, p.newOrderRespType]), [
    ["SELL", "0.002", "LONG", undefined, "RESULT"],
    ["BUY", "0.005", "SHORT", undefined, "RESULT"],
  ]);
  assert.deepEqual([report.position, report.closed.length, report.failed, report.remaining], [
    "0.002 LONG, -0.005 SHORT",
    2,
    [],
    "-0.001 SHORT",
  ]);
});
