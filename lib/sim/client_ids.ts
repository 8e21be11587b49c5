/**
 * Client order ids the exchange makes up when a request sends none: 22 base62 characters like Binance's
 * (`iCXL1BywlBaf2sesNUrVl3`, ws-fapi.md §5), an 8-character prefix drawn from the seeded generator and a
 * counter, so they are unique within a run and the same for the same seed.
 *
 * @module
 */

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/**
 * The generator of one exchange.
 *
 * @example
 * ```ts
 * import { mulberry32 } from "./prng.ts";
 * const ids = new ClientIds(mulberry32(1));
 * ids.next().length; // 22
 * ```
 */
export class ClientIds {
  readonly #prefix: string;
  #count = 0;

  /** `random` returns floats in [0, 1) (a seeded generator). */
  constructor(random: () => number) {
    let prefix = "";
    for (let i = 0; i < 8; i++) prefix += ALPHABET[Math.floor(random() * 62)];
    this.#prefix = prefix;
  }

  /** The next id. */
  next(): string {
    let n = ++this.#count;
    let suffix = "";
    while (n > 0) {
      suffix = ALPHABET[n % 62] + suffix;
      n = Math.floor(n / 62);
    }
    return this.#prefix + suffix.padStart(14, "0");
  }
}
