/**
 * The exchange's clock as seen from this host. Every signed request carries a timestamp the exchange checks
 * against its own time (-1021 if it is 1 s ahead or older than recvWindow), so a host whose clock drifts must
 * not be trusted: the offset is measured from `serverTime` in session replies, taking the midpoint of the
 * round trip.
 *
 * @module
 */

/**
 * Server time = local time + offset.
 *
 * @example
 * ```ts
 * const clock = new ServerClock();
 * const sent = Date.now();
 * declare const result: { serverTime: number }; // a session.status answer, received just now
 * clock.observe(result.serverTime, sent, Date.now());
 * clock.now(); // ms on the exchange's clock
 * ```
 */
export class ServerClock {
  #offset = 0;
  #bestRtt = Infinity;
  #samples = 0;
  /** `Date.now() − performance.now()` when the offset was last set: a step of the host's clock moves it. */
  #wallMinusMono = wallMinusMono() ?? Date.now() - performance.now();

  /** Current offset in ms (server − local). */
  get offsetMs(): number {
    return this.#offset;
  }

  /** Samples taken. */
  get samples(): number {
    return this.#samples;
  }

  /** The exchange's time now, in whole ms. */
  now(): number {
    return Date.now() + this.#offset;
  }

  /**
   * Takes a sample: the server said `serverTime` for a request sent at local `sentAt` and answered at
   * `receivedAt`. A sample with a shorter round trip is more precise and wins; a much older best is replaced
   * so drift is followed. A slow sample that shows the offset in use to be wrong wins too: the server read
   * `serverTime` somewhere inside the round trip, so the true offset is within half of it (and 2 ms of
   * rounding) of the sample's, and an offset outside that is wrong however precise it once was (the exchange's
   * clock or the host's moved: every signed request would meet -1021 until the next fast sample).
   * `onlyIfWrong` takes the sample only then (a keep-alive probe: it watches for drift, and the offset in use
   * does not jitter by a millisecond with every probe).
   */
  observe(serverTime: number, sentAt: number, receivedAt: number, onlyIfWrong = false): void {
    if (!Number.isFinite(serverTime) || serverTime <= 0) return;
    const rtt = Math.max(0, receivedAt - sentAt);
    const offset = Math.round(serverTime - (sentAt + rtt / 2));
    this.#samples++;
    const disproved = Math.abs(offset - this.#offset) > rtt / 2 + 2;
    if (disproved || (!onlyIfWrong && (rtt <= this.#bestRtt * 2 || this.#samples % 8 === 0))) {
      // A disproved best round trip is no yardstick any more: the next samples are judged by this one's.
      this.#bestRtt = disproved ? rtt : Math.min(this.#bestRtt, rtt);
      this.#offset = offset;
      this.#wallMinusMono = wallMinusMono() ?? this.#wallMinusMono;
    }
  }

  /**
   * Follows a step of the host's wall clock (an NTP step, a hand-set date) at once, without a round trip: the
   * monotonic clock does not step, so the wall clock's move against it since the offset was set is the step,
   * taken off the offset. Returns the step in ms (0: none above `thresholdMs`, 50 by default; the two clocks'
   * reading jitter is far below it). Called periodically, off the order path; the owner resyncs after a step.
   */
  followStep(thresholdMs = 50): number {
    const now = wallMinusMono();
    if (now === undefined) return 0; // the thread was held up between the readings: looked at next time
    const step = Math.round(now - this.#wallMinusMono);
    if (Math.abs(step) < thresholdMs) return 0;
    this.#offset -= step;
    this.#wallMinusMono = now;
    return step;
  }
}

/**
 * `Date.now() − performance.now()`, read between two monotonic readings; undefined when they are more than a
 * millisecond apart (the thread was descheduled between them, on a busy machine for tens of ms: the difference
 * would look like a step of the wall clock).
 */
function wallMinusMono(): number | undefined {
  const before = performance.now();
  const wall = Date.now();
  const after = performance.now();
  return after - before > 1 ? undefined : wall - (before + after) / 2;
}
