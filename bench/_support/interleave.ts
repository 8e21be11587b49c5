/**
 * Runs round-trip contenders against the same server in interleaved rounds (each round: every contender ×r,
 * in a new random order), one request in flight, so drift on the machine (the simulator's growing order book,
 * other processes, CPU frequency), position in the round and what ran just before fall on every contender
 * alike. A fixed cycle (A, B, C, then B, C, A, …) would always run B right after A: with one order per round,
 * a floor that always follows the Router of its own auth mode ran 0.05–0.1× faster relative to it than in a
 * random order. Bounded by count and by a deadline; the order is seeded, so a run is repeatable.
 */

import { mulberry32 } from "../../lib/sim/prng.ts";

/** One way of sending an order and awaiting its answer. */
export interface RoundTripContender {
  name: string;
  /** Sends one order and resolves when its answer is read. */
  once(): Promise<unknown>;
  /** Called before each round (untimed): e.g. to pre-build the round's frames. */
  prepareRound?(count: number): void | Promise<void>;
  /** Called after the last round: throws if something seen during the run makes the samples unusable. */
  verify?(): void;
}

/** Options of {@linkcode runInterleaved}. */
export interface InterleaveOptions {
  /** Timed orders per contender. */
  orders: number;
  /** Orders per contender per round. */
  round: number;
  /** Untimed orders per contender first. */
  warmup: number;
  /** Stop early (with fewer samples) after this long. */
  maxSeconds: number;
}

/** Round-trip samples (µs) per contender name. */
export type RoundTripSamples = Map<string, Float64Array<ArrayBuffer>>;

/** Runs every contender, interleaved; returns each one's round trips in µs (truncated if time ran out). */
export async function runInterleaved(
  contenders: RoundTripContender[],
  options: InterleaveOptions,
): Promise<RoundTripSamples> {
  const deadline = performance.now() + options.maxSeconds * 1000;
  for (const c of contenders) {
    for (let done = 0; done < options.warmup; done += options.round) {
      const count = Math.min(options.round, options.warmup - done);
      await c.prepareRound?.(count);
      for (let i = 0; i < count; i++) await c.once();
    }
  }
  const samples = new Map<string, Float64Array<ArrayBuffer>>();
  for (const c of contenders) samples.set(c.name, new Float64Array(options.orders));
  let taken = 0;
  const random = mulberry32(0x5eed);
  const order = [...contenders];
  while (taken < options.orders && performance.now() < deadline) {
    const count = Math.min(options.round, options.orders - taken);
    shuffle(order, random);
    for (const c of order) {
      const out = samples.get(c.name)!;
      await c.prepareRound?.(count);
      for (let i = 0; i < count; i++) {
        const t0 = performance.now();
        await c.once();
        out[taken + i] = (performance.now() - t0) * 1000;
      }
    }
    taken += count;
  }
  for (const c of contenders) c.verify?.();
  if (taken < options.orders) {
    for (const [name, s] of samples) samples.set(name, s.slice(0, taken));
  }
  return samples;
}

/** Fisher–Yates, in place. */
function shuffle<T>(list: T[], random: () => number): void {
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [list[i], list[j]] = [list[j]!, list[i]!];
  }
}
