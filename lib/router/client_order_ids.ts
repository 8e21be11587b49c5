/**
 * Client order ids for orders the caller did not name. Binance allows ids matching `CLIENT_ORDER_ID_PATTERN`
 * and rejects a duplicate only among open orders, so ids must be unique across restarts of the router: each
 * process takes a random 8-character base-36 prefix (plus the clock, in case two processes draw the same) and
 * counts up.
 *
 * @module
 */

import { CLIENT_ORDER_ID_PATTERN } from "../vocabulary.ts";

// Binance's pattern lives in the vocabulary table; re-exported because callers know it from here.
export { CLIENT_ORDER_ID_PATTERN };

/** Options for {@linkcode ClientOrderIds}. */
export interface ClientOrderIdsOptions {
  /** Short caller prefix (letters, digits, `_`, `-`; at most 8 chars). Default "lr". */
  prefix?: string;
}

/**
 * Generates unique client order ids like `lr-k3j9x2ab-m1q2-1`.
 *
 * @example
 * ```ts
 * const ids = new ClientOrderIds();
 * ids.next(); // "lr-…-1"
 * ```
 */
export class ClientOrderIds {
  readonly #base: string;
  #counter = 0;

  /** Draws this process's random prefix; throws if `options.prefix` is invalid. */
  constructor(options: ClientOrderIdsOptions = {}) {
    const prefix = options.prefix ?? "lr";
    if (!/^[A-Za-z0-9_-]{0,8}$/.test(prefix)) {
      throw new Error("clientOrderIdPrefix: up to 8 of A-Z a-z 0-9 _ -");
    }
    const rnd = crypto.getRandomValues(new Uint32Array(2));
    const random = (rnd[0]!.toString(36) + rnd[1]!.toString(36)).padStart(8, "0").slice(-8);
    const time = (Date.now() % 36 ** 5).toString(36);
    this.#base = `${prefix}${prefix ? "-" : ""}${random}-${time}-`;
  }

  /** The next id (always matches {@linkcode CLIENT_ORDER_ID_PATTERN}, at most 36 chars). */
  next(): string {
    return this.#base + (++this.#counter).toString(36);
  }
}
