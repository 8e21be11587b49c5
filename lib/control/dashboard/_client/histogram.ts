/**
 * The round-trip histogram of `/metrics` (`lightning_rtt_seconds`), read back in the browser: parsed from the
 * Prometheus text, subtracted from an earlier reading to get one interval's round trips, and turned into
 * quantiles the way Prometheus' `histogram_quantile` does (linear within the bucket the rank falls in).
 *
 * No DOM here: the dashboard's tests import it directly.
 *
 * @module
 */

/**
 * One reading of the histogram: finite upper bounds in seconds (ascending) and cumulative counts, one per
 * bound plus the `+Inf` bucket last.
 *
 * @example
 * ```ts
 * const h: RttHistogram = { bounds: [0.001, 0.002], cumulative: [3, 5, 6], sum: 0.01, count: 6 };
 * ```
 */
export interface RttHistogram {
  readonly bounds: readonly number[];
  readonly cumulative: readonly number[];
  readonly sum: number;
  readonly count: number;
}

const NAME = "lightning_rtt_seconds";

/**
 * Reads `lightning_rtt_seconds` from Prometheus text; undefined when the family is missing.
 *
 * @example
 * ```ts
 * const text = 'lightning_rtt_seconds_bucket{le="0.001"} 2\nlightning_rtt_seconds_bucket{le="+Inf"} 3\n' +
 *   "lightning_rtt_seconds_sum 0.004\nlightning_rtt_seconds_count 3\n";
 * parseRttHistogram(text)?.cumulative; // [2, 3]
 * ```
 */
export function parseRttHistogram(text: string): RttHistogram | undefined {
  const finite: [number, number][] = [];
  let inf: number | undefined;
  let sum = 0;
  let count: number | undefined;
  for (const line of text.split("\n")) {
    if (!line.startsWith(NAME)) continue;
    const bucket = /^lightning_rtt_seconds_bucket\{le="([^"]+)"\} (\S+)$/.exec(line);
    if (bucket !== null) {
      const value = Number(bucket[2]);
      if (bucket[1] === "+Inf") inf = value;
      else finite.push([Number(bucket[1]), value]);
      continue;
    }
    const total = /^lightning_rtt_seconds_(sum|count) (\S+)$/.exec(line);
    if (total?.[1] === "sum") sum = Number(total[2]);
    else if (total?.[1] === "count") count = Number(total[2]);
  }
  if (inf === undefined || count === undefined) return undefined;
  finite.sort((a, b) => a[0] - b[0]);
  return {
    bounds: finite.map(([le]) => le),
    cumulative: [...finite.map(([, n]) => n), inf],
    sum,
    count,
  };
}

/**
 * The round trips observed between two readings (`later` minus `earlier`, same buckets). A counter that went
 * down (the router restarted) yields `later` itself.
 *
 * @example
 * ```ts
 * const a: RttHistogram = { bounds: [0.001], cumulative: [1, 2], sum: 0.002, count: 2 };
 * const b: RttHistogram = { bounds: [0.001], cumulative: [4, 6], sum: 0.009, count: 6 };
 * histogramDelta(a, b).cumulative; // [3, 4]
 * ```
 */
export function histogramDelta(earlier: RttHistogram, later: RttHistogram): RttHistogram {
  const same = earlier.bounds.length === later.bounds.length &&
    earlier.bounds.every((b, i) => b === later.bounds[i]);
  if (!same || later.count < earlier.count) return later;
  return {
    bounds: later.bounds,
    cumulative: later.cumulative.map((n, i) => n - (earlier.cumulative[i] ?? 0)),
    sum: later.sum - earlier.sum,
    count: later.count - earlier.count,
  };
}

/**
 * The `q` quantile (0–1) in seconds, interpolated linearly inside its bucket (the first bucket starts at 0);
 * a rank in the `+Inf` bucket gives the largest finite bound. Undefined when the histogram is empty.
 *
 * @example
 * ```ts
 * const h: RttHistogram = { bounds: [0.001, 0.002], cumulative: [0, 4, 4], sum: 0.006, count: 4 };
 * histogramQuantile(h, 0.5); // 0.0015
 * ```
 */
export function histogramQuantile(h: RttHistogram, q: number): number | undefined {
  if (h.count <= 0 || h.bounds.length === 0) return undefined;
  const rank = Math.min(1, Math.max(0, q)) * h.count;
  for (let i = 0; i < h.bounds.length; i++) {
    const upTo = h.cumulative[i]!;
    if (upTo >= rank && upTo > 0) {
      const below = i === 0 ? 0 : h.cumulative[i - 1]!;
      const lower = i === 0 ? 0 : h.bounds[i - 1]!;
      const inBucket = upTo - below;
      const share = inBucket === 0 ? 1 : (rank - below) / inBucket;
      return lower + (h.bounds[i]! - lower) * share;
    }
  }
  return h.bounds[h.bounds.length - 1];
}

/**
 * Counts per bucket (not cumulative), the `+Inf` bucket last.
 *
 * @example
 * ```ts
 * bucketCounts({ bounds: [0.001], cumulative: [2, 5], sum: 0, count: 5 }); // [2, 3]
 * ```
 */
export function bucketCounts(h: RttHistogram): number[] {
  return h.cumulative.map((n, i) => n - (i === 0 ? 0 : h.cumulative[i - 1]!));
}

/**
 * A duration in seconds as a short label: µs below 1 ms, ms below 1 s.
 *
 * @example
 * ```ts
 * formatSeconds(0.00025); // "250 µs"
 * formatSeconds(0.0015); // "1.50 ms"
 * ```
 */
export function formatSeconds(s: number): string {
  if (s < 0.001) return `${Math.round(s * 1e6)} µs`;
  if (s < 1) return `${(s * 1000).toFixed(s < 0.01 ? 2 : 1)} ms`;
  return `${s.toFixed(2)} s`;
}
