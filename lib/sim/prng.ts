/**
 * The simulator's only sources of randomness, all seeded: a sequence generator (mulberry32) for the mark walk
 * and generated ids, and a stateless hash (`unitHash`) for values that must be the same whenever they are
 * derived from the same inputs (book sizes). Nothing in the market model calls Math.random, so one seed gives
 * one market.
 *
 * @module
 */

/**
 * mulberry32: a small, fast, seedable 32-bit generator; returns floats in [0, 1).
 *
 * @example
 * ```ts
 * const next = mulberry32(42);
 * next() === mulberry32(42)(); // true: same seed, same sequence
 * ```
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    return finish(state);
  };
}

/**
 * A float in [0, 1) that depends only on `seed` and `parts` (a hash, not a sequence): the same inputs give the
 * same value in any order of calls.
 *
 * @example
 * ```ts
 * unitHash(1, 7, 5_100_000) === unitHash(1, 7, 5_100_000); // true
 * ```
 */
export function unitHash(seed: number, ...parts: number[]): number {
  let h = seed >>> 0;
  for (const part of parts) {
    // Split each part into two 32-bit halves so large tick counts do not lose bits.
    const low = part % 4_294_967_296;
    const high = Math.floor(part / 4_294_967_296);
    h = Math.imul(h ^ (low >>> 0), 0x9e3779b1) >>> 0;
    h = Math.imul(h ^ (high >>> 0), 0x85ebca6b) >>> 0;
    h = (h ^ (h >>> 13)) >>> 0;
  }
  return finish((h + 0x6d2b79f5) >>> 0);
}

/**
 * A standard normal deviate from two uniform draws (Box–Muller).
 *
 * @example
 * ```ts
 * const next = mulberry32(1);
 * const z = gaussian(next); // mean 0, standard deviation 1
 * ```
 */
export function gaussian(next: () => number): number {
  const u = 1 - next(); // (0, 1]: log stays finite
  const v = next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

function finish(state: number): number {
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
}
