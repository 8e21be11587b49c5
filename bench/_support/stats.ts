/** Order statistics of latency samples: median, p99, p99.9 (nearest rank) and mean. */

/** Summary of a set of samples, in the samples' unit. */
export interface Summary {
  n: number;
  min: number;
  median: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

/** The q-quantile (0..1) of ascending `sorted`, by nearest rank. */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

/** Summarizes the first `count` samples (default all) without modifying `samples`. */
export function summarize(samples: ArrayLike<number>, count = samples.length): Summary {
  const sorted = Float64Array.from({ length: count }, (_, i) => samples[i]!).sort();
  let sum = 0;
  for (let i = 0; i < sorted.length; i++) sum += sorted[i]!;
  return {
    n: sorted.length,
    min: sorted[0] ?? NaN,
    median: quantile(sorted, 0.5),
    p99: quantile(sorted, 0.99),
    p999: quantile(sorted, 0.999),
    max: sorted[sorted.length - 1] ?? NaN,
    mean: sorted.length ? sum / sorted.length : NaN,
  };
}

/** The least-squares line through `points`: its slope, the means and Σ(x − x̄)². */
function fitLine(points: ReadonlyArray<readonly [number, number]>) {
  const n = points.length;
  let mx = 0;
  let my = 0;
  for (const [x, y] of points) {
    mx += x / n;
    my += y / n;
  }
  let num = 0;
  let spread = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    spread += (x - mx) ** 2;
  }
  return { slope: spread === 0 ? NaN : num / spread, mx, my, spread };
}

/**
 * The least-squares slope of `y` over `x` for `[x, y]` points (NaN with fewer than two distinct x): how the
 * memory benchmarks turn RSS readings into growth per order.
 *
 * @example
 * ```ts
 * slope([[0, 10], [1, 12], [2, 14]]); // 2
 * ```
 */
export function slope(points: ReadonlyArray<readonly [number, number]>): number {
  return fitLine(points).slope;
}

/**
 * The standard error of {@linkcode slope}'s estimate (NaN with fewer than three points): how far the fitted
 * slope may be off when the readings scatter around a line.
 *
 * @example
 * ```ts
 * slopeError([[0, 10], [1, 12], [2, 14]]); // 0: on a line
 * ```
 */
export function slopeError(points: ReadonlyArray<readonly [number, number]>): number {
  const { slope: b, mx, my, spread } = fitLine(points);
  if (points.length < 3 || Number.isNaN(b)) return NaN;
  let residuals = 0;
  for (const [x, y] of points) residuals += (y - my - b * (x - mx)) ** 2;
  return Math.sqrt(residuals / (points.length - 2) / spread);
}
