/**
 * countdownCancelAll ("dead man's switch"): per account and symbol, a timer that cancels every open order of
 * that account on that symbol unless it is re-armed before it elapses. A countdown of 0 disarms.
 *
 * @module
 */

import type { Account } from "./accounts.ts";
import { laterUnref, type TimerHandle } from "../_timers.ts";

/**
 * Armed countdowns.
 *
 * @example
 * ```ts
 * import type { SimCore } from "./core.ts";
 * declare const core: SimCore;
 * const countdowns = new Countdowns((account, symbol) => core.exchange.cancelAll(account, symbol, core.now()));
 * countdowns.arm(core.accounts.get("key")!, "BTCUSDT", 100_000);
 * countdowns.clear();
 * ```
 */
export class Countdowns {
  readonly #timers = new Map<string, TimerHandle>();
  readonly #onElapsed: (account: Account, symbol: string) => void;

  constructor(onElapsed: (account: Account, symbol: string) => void) {
    this.#onElapsed = onElapsed;
  }

  /** (Re-)arms the countdown for `ms`, or disarms it when `ms` is 0. */
  arm(account: Account, symbol: string, ms: number): void {
    const key = `${account.apiKey}\n${symbol}`;
    const previous = this.#timers.get(key);
    if (previous !== undefined) clearTimeout(previous);
    this.#timers.delete(key);
    if (ms <= 0) return;
    this.#timers.set(
      key,
      laterUnref(() => {
        this.#timers.delete(key);
        this.#onElapsed(account, symbol);
      }, ms),
    );
  }

  /** Number of armed countdowns. */
  get size(): number {
    return this.#timers.size;
  }

  /** Disarms everything (simulator close). */
  clear(): void {
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
  }
}
