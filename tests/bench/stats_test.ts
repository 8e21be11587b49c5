/**
 * The benchmarks' statistics: nearest-rank quantiles and the least-squares slope that turns memory readings
 * into growth per order (memory.ts, soak.ts).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { quantile, slope, slopeError } from "../../bench/_support/stats.ts";

test("slope: the least-squares fit's slope, not the ends' difference", () => {
  assert.equal(slope([[0, 10], [1, 12], [2, 14]]), 2);
  // A step in the middle of flat readings: the fit spreads it, the ends alone would say 4 per step.
  assert.equal(slope([[0, 0], [1, 0], [2, 4], [3, 4]]), 1.6);
  // Flat readings after a rise give no growth when only the later ones are fitted.
  const readings: [number, number][] = [[0, 80], [1, 85], [2, 88], [3, 88], [4, 88], [5, 88]];
  assert.equal(slope(readings.slice(2)), 0);
  assert.ok(slope(readings) > 1);
  // Unordered points give the same fit.
  assert.equal(slope([[2, 14], [0, 10], [1, 12]]), 2);
});

test("slope: NaN without two distinct x", () => {
  assert.ok(Number.isNaN(slope([])));
  assert.ok(Number.isNaN(slope([[1, 5]])));
  assert.ok(Number.isNaN(slope([[1, 5], [1, 7]])));
});

test("slopeError: 0 on a line, the textbook standard error off it, NaN below three points", () => {
  assert.equal(slopeError([[0, 10], [1, 12], [2, 14]]), 0);
  // Residuals ±1 around slope 0 at x = 0..3: s² = 4 / 2 = 2, Σ(x − x̄)² = 5, so the error is √(2/5).
  assert.equal(slope([[0, 1], [1, -1], [2, -1], [3, 1]]), 0);
  assert.equal(slopeError([[0, 1], [1, -1], [2, -1], [3, 1]]), Math.sqrt(2 / 5));
  // More readings of the same scatter resolve the slope better.
  const scatter = (n: number) =>
    Array.from({ length: n }, (_, i) => [i / n, i % 2 === 0 ? 1 : -1] as [number, number]);
  assert.ok(slopeError(scatter(32)) < slopeError(scatter(8)));
  assert.ok(Number.isNaN(slopeError([[0, 1], [1, 2]])));
});

test("quantile: nearest rank of sorted samples", () => {
  const sorted = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  assert.equal(quantile(sorted, 0.5), 5);
  assert.equal(quantile(sorted, 0.99), 10);
  assert.equal(quantile(sorted, 0), 1);
  assert.ok(Number.isNaN(quantile([], 0.5)));
});
