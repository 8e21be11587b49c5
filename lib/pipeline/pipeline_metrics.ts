/**
 * Counters the router keeps for `/metrics` and benchmarks: requests by method and outcome, round-trip time
 * histogram, reconnects, malformed and late frames. Plain typed arrays, updated with a few integer operations
 * per request.
 *
 * @module
 */

import { METHOD_COUNT } from "../wire/methods.ts";

/** Request outcomes counted per method. */
export const OUTCOMES = ["ok", "rejected", "unknown", "failed"] as const;
/** One of {@linkcode OUTCOMES}. */
export type Outcome = typeof OUTCOMES[number];

/** Upper bounds (µs) of the round-trip histogram buckets; a last bucket holds the rest. */
export const RTT_BUCKETS_US: readonly number[] = [
  50,
  100,
  200,
  300,
  500,
  750,
  1_000,
  2_000,
  5_000,
  10_000,
  50_000,
  250_000,
  1_000_000,
];

/**
 * The router's counters.
 *
 * @example
 * ```ts
 * import type { Router } from "../router/router.ts";
 * import { METHODS } from "../wire/methods.ts";
 * declare const router: Router;
 * const m = router.metrics;
 * const acked = m.byMethod[METHODS["order.place"]!.index * OUTCOMES.length + OUTCOMES.indexOf("ok")]; // orders acked so far
 * const meanRttUs = m.rttSumUs / m.rttCount;
 * ```
 */
export class PipelineMetrics {
  /** Requests by method index × outcome. */
  readonly byMethod: Float64Array = new Float64Array(METHOD_COUNT * OUTCOMES.length);
  /** Round-trip counts per bucket of {@linkcode RTT_BUCKETS_US} (+1 overflow bucket). */
  readonly rttBuckets: Float64Array = new Float64Array(RTT_BUCKETS_US.length + 1);
  /** Sum of round trips in µs (for the Prometheus `_sum`). */
  rttSumUs = 0;
  /** Round trips observed. */
  rttCount = 0;
  /** Reconnects after a lost connection. */
  reconnects = 0;
  /** Rotations to a fresh socket. */
  rotations = 0;
  /** Frames that were not valid JSON objects. */
  malformedFrames = 0;
  /** Answers that arrived after their request had timed out. */
  lateAnswers = 0;
  /** Requests refused locally by the rate-limit guard. */
  rateLimited = 0;

  /** Records a request's outcome. */
  record(methodIndex: number, outcome: 0 | 1 | 2 | 3): void {
    if (methodIndex >= 0) this.byMethod[methodIndex * 4 + outcome]!++;
  }

  /** Records a round trip in ms. */
  rtt(ms: number): void {
    const us = ms * 1000;
    let b = 0;
    while (b < RTT_BUCKETS_US.length && us > RTT_BUCKETS_US[b]!) b++;
    this.rttBuckets[b]!++;
    this.rttSumUs += us;
    this.rttCount++;
  }
}
