/**
 * Runs round-trip contenders against the same server in interleaved rounds (A×r, B×r, C×r, then B×r, C×r,
 * A×r, …: each round starts with the next contender), one request in flight, so drift on the machine (the
 * simulator's growing order book, other processes, CPU frequency) and position in the round fall on every
 * contender alike. Bounded by count and by a deadline.
 */

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
  let round = 0;
  while (taken < options.orders && performance.now() < deadline) {
    const count = Math.min(options.round, options.orders - taken);
    const first = round++ % contenders.length;
    for (const c of [...contenders.slice(first), ...contenders.slice(0, first)]) {
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
