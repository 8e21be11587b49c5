import { test } from "node:test";
import assert from "node:assert/strict";
import { DAY_MS, dayStartOf, DayTallies, FillTally } from "../../lib/account/fill_tally.ts";

const fill = (time: number, realizedProfit: string, commission: string, commissionAsset = "USDT") => ({
  symbol: "BTCUSDT",
  realizedProfit,
  commission,
  commissionAsset,
  time,
});

test("FillTally: realized less quote-asset fees; other fees kept by asset", () => {
  const t = new FillTally();
  t.add(fill(0, "5", "0.5"));
  t.add(fill(0, "-1", "0.002", "BNB"));
  t.addTally({ realized: -2, otherFees: new Map([["BNB", 0.001]]) });
  assert.equal(t.realized, 1.5);
  assert.equal(t.otherFees.get("BNB"), 0.003);
});

test("DayTallies: by UTC day, the last few days only", () => {
  const days = new DayTallies(2);
  const day0 = dayStartOf(Date.UTC(2026, 11, 8, 23, 59));
  days.add(fill(day0 + 5, "1", "0"));
  days.add(fill(day0 + DAY_MS - 1, "1", "0"));
  days.add(fill(day0 + DAY_MS, "4", "0")); // next day
  assert.deepEqual([days.on(day0)?.realized, days.on(day0 + DAY_MS)?.realized], [2, 4]);
  days.add(fill(day0 + 2 * DAY_MS, "8", "0"));
  assert.equal(days.on(day0), undefined, "the oldest day is dropped");
  assert.deepEqual(days.entries().map(([d, t]) => [d - day0, t.realized]), [[DAY_MS, 4], [2 * DAY_MS, 8]]);
  const replaced = new FillTally();
  replaced.realized = -3;
  days.set(day0 + DAY_MS, replaced);
  assert.equal(days.on(day0 + DAY_MS)?.realized, -3, "a checkpoint's tally states the day whole");
});
