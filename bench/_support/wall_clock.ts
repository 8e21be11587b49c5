/**
 * A wall clock with sub-millisecond resolution that two processes on one machine can compare:
 * `performance.timeOrigin + performance.now()` (epoch ms, µs and finer). Each process's version of it rests
 * on when that process started, so {@linkcode wallClockOffsetMs} checks it against the system clock: it
 * waits for `Date.now()` to move to the next millisecond and notes where this clock stood at that moment.
 * Two processes whose offsets agree to a microsecond or so can subtract each other's stamps.
 */

/**
 * Epoch milliseconds with the resolution of `performance.now()`.
 *
 * @example
 * ```ts
 * const sentAt = wallClockMs();
 * // … in another process, on reading the message that carried sentAt:
 * const latencyUs = (wallClockMs() - sentAt) * 1000;
 * ```
 */
export function wallClockMs(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * How far {@linkcode wallClockMs} is ahead of the system clock (ms; negative: behind), measured at `ticks`
 * turns of `Date.now()` (each costs up to 1 ms of spinning); the smallest reading wins, as the one taken
 * closest to its tick. Accurate to about a microsecond when nothing preempts the loop.
 *
 * @example
 * ```ts
 * const offsetUs = wallClockOffsetMs() * 1000; // e.g. 0.2: this process's stamps can be compared with others'
 * ```
 */
export function wallClockOffsetMs(ticks = 10): number {
  let best = Infinity;
  for (let k = 0; k < ticks; k++) {
    const before = Date.now();
    let now = before;
    while (now === before) now = Date.now();
    // Date.now() just turned to `now`: the system clock stands at `now` ms and a few hundred ns.
    best = Math.min(best, wallClockMs() - now);
  }
  return best;
}
